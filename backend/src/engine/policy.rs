//! What lab sockets may do: addresses and sizes.
//!
//! The lab opens real sockets for whoever holds the page, so by default it must not become a
//! port scanner or an open proxy for the network around it: lab sockets bind and connect on
//! loopback only, names are not resolved (no DNS lookups on a student's behalf), and sizes are
//! capped. An operator widens this with `--allow-non-loopback`. Even on loopback, `connect` and
//! `send_to` reach only lab sockets and the ports of `--allow-ports` ([`super::targets`]), and
//! no lab socket binds a port below 1024 unless `--allow-privileged-ports` says so.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::step_error::{StepError, StepResult};
use super::targets::{LabPorts, Targets};
use crate::config::Config;

/// Ports below this are the system's ("privileged") ports.
const FIRST_UNPRIVILEGED_PORT: u16 = 1024;

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
    /// `--allow-privileged-ports`.
    pub privileged_ports: bool,
    /// Where `connect` and `send_to` may go.
    pub targets: Targets,
    /// How to make the wire's hosts; `None` with `--no-wire`.
    pub wire: Option<crate::wire::WireConfig>,
}

impl Policy {
    /// The policy of a session of a server whose web port is `web_port` and whose lab
    /// sockets are listed in `lab`.
    pub fn for_server(
        c: &Config,
        lab: LabPorts,
        web_port: u16,
        exec: Option<crate::wire::exec::ExecPoint>,
    ) -> Self {
        let mut policy = Policy::from_config(c);
        policy.targets.lab = lab;
        policy.targets.web_port = web_port;
        if let Some(wire) = &mut policy.wire {
            wire.exec = exec;
        }
        policy
    }

    /// The policy from the configuration alone, with a lab port list of its own.
    pub fn from_config(c: &Config) -> Self {
        Policy {
            loopback_only: !c.allow_non_loopback,
            max_sockets: c.max_sockets as usize,
            max_send_bytes: c.max_send_bytes,
            max_bulk_bytes: c.max_bulk_bytes,
            peek_bytes: c.peek_bytes as usize,
            max_wait_ms: c.max_wait_ms,
            privileged_ports: c.allow_privileged_ports,
            targets: Targets {
                allowed: c.allow_ports.clone(),
                web_port: c.listen.port(),
                ..Targets::default()
            },
            wire: (!c.no_wire).then(|| crate::wire::WireConfig {
                helper_exe: c.wire_helper.clone(),
                exec: None,
            }),
        }
    }

    /// Refuses binding a privileged port (below 1024) unless the operator allowed it. Port 0
    /// (the kernel picks a free one) is always fine. Running as root would otherwise let a
    /// session take over port 80 or 22 on this machine.
    pub fn bindable_port(&self, port: u16) -> StepResult<()> {
        if port == 0 || port >= FIRST_UNPRIVILEGED_PORT || self.privileged_ports {
            return Ok(());
        }
        Err(StepError::refused(
            format!(
                "port {port} is below 1024, a system port; lab sockets bind ports from 1024 up"
            ),
            "use a port such as 9000 (the course's), or start socklab with              --allow-privileged-ports",
        ))
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
    fn privileged_ports_need_the_flag() {
        let mut p = policy();
        assert!(p.bindable_port(0).is_ok());
        assert!(p.bindable_port(1024).is_ok());
        for port in [1, 22, 80, 81, 1023] {
            let e = p.bindable_port(port).unwrap_err();
            assert!(
                e.hint.unwrap().contains("--allow-privileged-ports"),
                "{port}"
            );
        }
        p.privileged_ports = true;
        assert!(p.bindable_port(81).is_ok());
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
