//! Sessions per client address: one machine on the classroom network can't take every slot.
//!
//! Each session holds a [`ClientSlot`] for its client's IP address; the slot gives its place
//! back when dropped, whatever ends the session. Invariant: the map holds only addresses with
//! at least one live slot, so it never grows with clients that left.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Live sessions by client address.
#[derive(Debug, Clone, Default)]
pub struct ClientSessions {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One session's place; gives it back on drop.
#[derive(Debug)]
pub struct ClientSlot {
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl ClientSessions {
    /// Takes a place for `ip`, or `None` when it already holds `max`.
    pub fn enter(&self, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(ip).or_default();
        if *n >= max {
            if *n == 0 {
                counts.remove(&ip);
            }
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            counts: self.counts.clone(),
            ip,
        })
    }

    /// Live sessions of `ip`.
    pub fn count(&self, ip: IpAddr) -> usize {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ip)
            .copied()
            .unwrap_or(0)
    }

    /// Addresses with live sessions (for tests and benchmarks).
    pub fn addresses(&self) -> usize {
        self.counts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_per_address_and_forgets_addresses_that_left() {
        let c = ClientSessions::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let s1 = c.enter(a, 2).unwrap();
        let s2 = c.enter(a, 2).unwrap();
        assert!(c.enter(a, 2).is_none());
        let s3 = c.enter(b, 2).unwrap();
        drop(s1);
        let s4 = c.enter(a, 2).unwrap();
        drop((s2, s3, s4));
        assert_eq!(c.addresses(), 0);
        assert!(c.enter(a, 0).is_none());
        assert_eq!(c.addresses(), 0);
    }
}
