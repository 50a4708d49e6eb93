//! Which addresses `connect` and `send_to` may reach: deny by default.
//!
//! Loopback alone is not a safe boundary: the lecturer's machine runs other services on
//! 127.0.0.1 (a database on 6379, a development server, the lab's own web port), and a session
//! that could connect to them would let anyone holding the page talk to them. So a lab socket
//! reaches only:
//!
//! 1. an address held by a lab socket of this server (any session): a TCP listener for
//!    `connect`, a UDP socket for `send_to`. These live in [`LabPorts`], which every session
//!    shares; a socket's [`PortClaim`] removes it when the socket closes. An address a lab
//!    socket of *this* session held before (the last [`MAX_RECENT`]) stays reachable, so a
//!    lesson can show `ECONNREFUSED` from a server that just closed;
//! 2. a port in `--allow-ports` (default the course's `9000-9999`, so a student's own Python
//!    server on 9000 still works),
//!
//! and never the web server's own TCP port, whatever the flags say.
//!
//! Invariant: an entry is in [`LabPorts`] exactly while some lab socket holds a claim on it
//! (claims are counted, for two sockets bound with `SO_REUSEADDR`/`SO_REUSEPORT`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use socklab_shared::protocol::PortRanges;

use super::step_error::{StepError, StepResult};

/// Which protocol's port space an address is in (TCP 9000 and UDP 9000 are different ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    Tcp,
    Udp,
}

type Table = HashMap<(Transport, SocketAddr), usize>;

/// Addresses one session's sockets held and let go, newest last.
type Recent = Arc<Mutex<std::collections::VecDeque<(Transport, SocketAddr)>>>;

/// How many let-go addresses a session remembers.
pub const MAX_RECENT: usize = 64;

/// The addresses held by lab sockets of this server, shared by all sessions.
#[derive(Debug, Clone, Default)]
pub struct LabPorts {
    table: Arc<Mutex<Table>>,
}

/// A lab socket's hold on its address; dropping it (closing the socket) lets go.
#[derive(Debug)]
pub struct PortClaim {
    table: Arc<Mutex<Table>>,
    key: (Transport, SocketAddr),
    /// The session's list of let-go addresses, told on drop.
    recent: Option<Recent>,
}

impl LabPorts {
    /// Records that a lab socket now holds `addr` (its real bound address).
    pub fn claim(&self, transport: Transport, addr: SocketAddr) -> PortClaim {
        *self.lock().entry((transport, addr)).or_default() += 1;
        PortClaim {
            table: self.table.clone(),
            key: (transport, addr),
            recent: None,
        }
    }

    /// Whether a lab socket holds an address that `to` reaches: the same address, or the
    /// same port on an unspecified address (`0.0.0.0` receives for every local address).
    pub fn holds(&self, transport: Transport, to: SocketAddr) -> bool {
        let table = self.lock();
        table.contains_key(&(transport, to))
            || table.keys().any(|(t, a)| {
                *t == transport
                    && a.port() == to.port()
                    && a.ip().is_unspecified()
                    && a.is_ipv4() == to.is_ipv4()
            })
    }

    /// How many addresses are held (tests and benchmarks check it returns to zero).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for PortClaim {
    fn drop(&mut self) {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = table.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                table.remove(&self.key);
            }
        }
        drop(table);
        if let Some(recent) = &self.recent {
            let mut recent = recent.lock().unwrap_or_else(PoisonError::into_inner);
            recent.retain(|k| *k != self.key);
            if recent.len() >= MAX_RECENT {
                recent.pop_front();
            }
            recent.push_back(self.key);
        }
    }
}

/// The reachability rule of one server.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    pub lab: LabPorts,
    /// `--allow-ports`.
    pub allowed: PortRanges,
    /// The web server's own TCP port; 0 when unknown (a session driven without a server).
    pub web_port: u16,
    /// Addresses this session's sockets held and let go (one list per session).
    pub recent: Recent,
}

impl Targets {
    /// Records that a socket of this session now holds `addr`.
    pub fn claim(&self, transport: Transport, addr: SocketAddr) -> PortClaim {
        let mut claim = self.lab.claim(transport, addr);
        claim.recent = Some(self.recent.clone());
        claim
    }

    /// `Ok` when a lab socket may send to or connect to `to`.
    pub fn check(&self, transport: Transport, to: SocketAddr) -> StepResult<()> {
        let port = to.port();
        let held_before = || {
            self.recent
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&(transport, to))
        };
        if self.lab.holds(transport, to) || held_before() {
            return Ok(());
        }
        if transport == Transport::Tcp && port != 0 && port == self.web_port {
            return Err(StepError::refused(
                format!(
                    "port {port} is socklab's own web server; lab sockets may not connect to it"
                ),
                "connect to a lab listener, or to a program of yours on a port of --allow-ports",
            ));
        }
        if self.allowed.contains(port) {
            return Ok(());
        }
        let what = match transport {
            Transport::Tcp => "no lab listener holds",
            Transport::Udp => "no lab UDP socket holds",
        };
        Err(StepError::refused(
            format!(
                "{to} is not a lab socket: {what} it, and port {port} is outside the ports \
                 lab sockets may reach ({})",
                self.allowed
            ),
            format!(
                "open a lab socket there first, or run your own program on a port in \
                 {allowed}; to reach other ports, start socklab with --allow-ports (e.g. \
                 --allow-ports {allowed},{port})",
                allowed = self.allowed
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::ErrorCode;

    fn targets() -> Targets {
        Targets {
            allowed: PortRanges::parse("9000-9999").unwrap(),
            web_port: 9090,
            ..Targets::default()
        }
    }

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn course_ports_are_reachable_foreign_ones_are_not() {
        let t = targets();
        assert!(t.check(Transport::Tcp, addr("127.0.0.1:9000")).is_ok());
        assert!(t.check(Transport::Udp, addr("127.0.0.1:9999")).is_ok());
        let e = t.check(Transport::Tcp, addr("127.0.0.1:6399")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Refused);
        assert!(e.hint.unwrap().contains("--allow-ports"));
        assert!(t.check(Transport::Udp, addr("127.0.0.1:53")).is_err());
    }

    #[test]
    fn the_web_port_is_never_reachable_over_tcp() {
        let t = targets();
        let e = t.check(Transport::Tcp, addr("127.0.0.1:9090")).unwrap_err();
        assert!(e.message.contains("own web server"));
        assert!(t.check(Transport::Udp, addr("127.0.0.1:9090")).is_ok());
    }

    #[test]
    fn lab_held_addresses_are_reachable_while_held() {
        let t = targets();
        let to = addr("127.0.0.1:40000");
        assert!(t.check(Transport::Tcp, to).is_err());
        let claim = t.lab.claim(Transport::Tcp, to);
        assert!(t.check(Transport::Tcp, to).is_ok());
        assert!(
            t.check(Transport::Udp, to).is_err(),
            "UDP is another port space"
        );
        assert!(t.check(Transport::Tcp, addr("127.0.0.2:40000")).is_err());
        let again = t.lab.claim(Transport::Tcp, to);
        drop(claim);
        assert!(
            t.check(Transport::Tcp, to).is_ok(),
            "still held by the second"
        );
        drop(again);
        assert!(t.check(Transport::Tcp, to).is_err());
        assert!(t.lab.is_empty());
    }

    #[test]
    fn a_closed_socket_of_the_session_stays_reachable_for_econnrefused() {
        let t = targets();
        let other_session = Targets {
            lab: t.lab.clone(),
            ..targets()
        };
        let to = addr("127.0.0.1:40002");
        drop(t.claim(Transport::Tcp, to));
        assert!(t.lab.is_empty());
        assert!(
            t.check(Transport::Tcp, to).is_ok(),
            "held by this session before"
        );
        assert!(other_session.check(Transport::Tcp, to).is_err());
        for p in 0..MAX_RECENT as u16 {
            drop(t.claim(Transport::Tcp, addr(&format!("127.0.0.1:{}", 41000 + p))));
        }
        assert!(
            t.check(Transport::Tcp, to).is_err(),
            "only the last {MAX_RECENT}"
        );
    }

    #[test]
    fn an_unspecified_bind_holds_the_port_on_every_address() {
        let t = targets();
        let _claim = t.lab.claim(Transport::Udp, addr("0.0.0.0:40001"));
        assert!(t.check(Transport::Udp, addr("127.0.0.5:40001")).is_ok());
        assert!(t.check(Transport::Udp, addr("[::1]:40001")).is_err());
    }
}
