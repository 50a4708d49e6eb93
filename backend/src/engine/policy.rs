//! What lab sockets may do: addresses and sizes.
//!
//! The lab opens real sockets for whoever holds the page, so by default it must not become a
//! port scanner or an open proxy for the network around it: lab sockets bind and connect on
//! loopback only, names are not resolved (no DNS lookups on a student's behalf), and sizes are
//! capped. An operator widens this with `--allow-non-loopback`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::step_error::{StepError, StepResult};
use crate::config::Config;

/// The limits one session works within, copied from the configuration.
#[derive(Debug, Clone)]
pub struct Policy {
    pub loopback_only: bool,
    pub max_sockets: usize,
    pub max_send_bytes: u64,
    pub max_bulk_bytes: u64,
    pub peek_bytes: usize,
    /// Longest a single call may wait, whatever timeout was asked for.
    pub max_wait_ms: u64,
}

impl Policy {
    pub fn from_config(c: &Config) -> Self {
        Policy {
            loopback_only: !c.allow_non_loopback,
            max_sockets: c.max_sockets as usize,
            max_send_bytes: c.max_send_bytes,
            max_bulk_bytes: c.max_bulk_bytes,
            peek_bytes: c.peek_bytes as usize,
            max_wait_ms: c.max_wait_ms,
        }
    }

    /// Turns `host` + `port` into an address the lab may use. `host` is an IP literal or
    /// `localhost`; no other name is looked up.
    pub fn address(&self, host: &str, port: u16) -> StepResult<SocketAddr> {
        let ip: IpAddr = match host.trim() {
            "localhost" | "" => IpAddr::V4(Ipv4Addr::LOCALHOST),
            other => other.parse().map_err(|_| {
                StepError::refused(
                    format!("{other:?} is not an IP address"),
                    "use an address such as 127.0.0.1 (the lab does not look up host names)",
                )
            })?,
        };
        if self.loopback_only && !ip.is_loopback() {
            return Err(StepError::refused(
                format!(
                    "{ip} is not a loopback address; lab sockets stay on this machine (127.0.0.0/8, ::1)"
                ),
                "use 127.0.0.1, or start socklab with --allow-non-loopback if the class needs a real network",
            ));
        }
        Ok(SocketAddr::new(ip, port))
    }

    /// Caps a wait: `None` means "don't wait", and so does 0 (as `settimeout(0)` makes a
    /// Python socket non-blocking).
    pub fn wait_ms(&self, asked: Option<u64>) -> Option<u64> {
        asked
            .filter(|ms| *ms > 0)
            .map(|ms| ms.min(self.max_wait_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::ErrorCode;

    fn policy() -> Policy {
        Policy::from_config(&Config::defaults())
    }

    #[test]
    fn loopback_is_allowed() {
        assert_eq!(
            policy().address("127.0.0.1", 9000).unwrap(),
            "127.0.0.1:9000".parse().unwrap()
        );
        assert_eq!(
            policy().address("localhost", 1).unwrap(),
            "127.0.0.1:1".parse().unwrap()
        );
        assert_eq!(
            policy().address("127.0.0.2", 1).unwrap(),
            "127.0.0.2:1".parse().unwrap()
        );
        assert!(policy().address("::1", 1).is_ok());
    }

    #[test]
    fn other_addresses_and_names_are_refused() {
        for host in [
            "10.0.0.1",
            "8.8.8.8",
            "0.0.0.0",
            "example.com",
            "192.168.1.1",
        ] {
            let e = policy().address(host, 80).unwrap_err();
            assert_eq!(e.code, ErrorCode::Refused, "{host}");
            assert!(e.hint.is_some());
        }
    }

    #[test]
    fn operator_can_open_the_network() {
        let mut p = policy();
        p.loopback_only = false;
        assert!(p.address("0.0.0.0", 9000).is_ok());
        assert!(p.address("example.com", 80).is_err(), "still no DNS");
    }

    #[test]
    fn waits_are_capped() {
        let p = policy();
        assert_eq!(p.wait_ms(None), None);
        assert_eq!(p.wait_ms(Some(0)), None);
        assert_eq!(p.wait_ms(Some(10)), Some(10));
        assert_eq!(p.wait_ms(Some(u64::MAX)), Some(p.max_wait_ms));
    }
}
