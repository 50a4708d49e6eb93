//! Which `Host` names the web server answers to: the defence against DNS rebinding.
//!
//! A page on `evil.example:8080` whose name the attacker re-points at 127.0.0.1 can make the
//! lecturer's browser talk to the lab as if it were `evil.example` (same origin, so its `Origin`
//! check passes). What such a request cannot hide is the name it was sent to: the browser puts
//! `Host: evil.example:8080` on it. So the server answers only to names it knows are its own:
//! `localhost`, `127.0.0.1`, `[::1]`, the `--listen` address, and names given with
//! `--allow-host` (a classroom's DNS name).
//!
//! When the server listens on every interface (`0.0.0.0` or `::`), students reach it by the
//! machine's address, which the server can't list in advance; a `Host` that is an IP literal
//! is then accepted. That is safe: a rebinding attack needs a name to re-point, and a browser
//! that was given an IP address sends that address.
//!
//! Invariant: every stored name is lower case, without brackets or port.

use std::net::{IpAddr, SocketAddr};

/// The accepted host names.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    /// The listener is on an unspecified address: any IP-literal host is accepted.
    any_ip: bool,
}

impl AllowedHosts {
    pub fn new(listen: SocketAddr, extra: &[String]) -> Self {
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        names.push(listen.ip().to_string());
        names.extend(extra.iter().map(|n| normalise(n)));
        names.sort();
        names.dedup();
        AllowedHosts {
            names,
            any_ip: listen.ip().is_unspecified(),
        }
    }

    /// Whether a request whose `Host` header is `host` (`name`, `name:port`, `[v6]:port`) is
    /// for this server.
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_name(host) else {
            return false;
        };
        if self.names.contains(&name) {
            return true;
        }
        self.any_ip && name.parse::<IpAddr>().is_ok()
    }

    /// The accepted names, for messages.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// The name part of a `Host` header value, lower case, without brackets; `None` when the value
/// is not of the form `name[:port]` / `[v6][:port]`.
pub fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || port_ok(after.strip_prefix(':')?)) {
            return None;
        }
        inside.parse::<std::net::Ipv6Addr>().ok()?;
        inside
    } else {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        if port.is_some_and(|p| !port_ok(p)) || name.contains(':') {
            return None;
        }
        name
    };
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:_".contains(&b));
    valid.then(|| normalise(name))
}

fn port_ok(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

/// Lower case; a trailing dot (`localhost.`) and brackets removed.
fn normalise(name: &str) -> String {
    let name = name.trim().trim_start_matches('[').trim_end_matches(']');
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loopback() -> AllowedHosts {
        AllowedHosts::new("127.0.0.1:8080".parse().unwrap(), &[])
    }

    #[test]
    fn own_names_are_accepted() {
        let h = loopback();
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST:8080",
            "localhost.:8080",
            "[::1]:8080",
            "127.0.0.1",
            "localhost",
        ] {
            assert!(h.allows(host), "{host}");
        }
    }

    #[test]
    fn rebinding_names_are_refused() {
        let h = loopback();
        for host in [
            "evil.example:8080",
            "evil.example",
            "localhost.evil.example:8080",
            "127.0.0.1.nip.io:8080",
            "127.0.0.2:8080",
            "",
            "user@127.0.0.1:8080",
            "127.0.0.1:8080:80",
            "[::1",
            "[evil]:80",
            "127.0.0.1:80a",
            "127.0.0.1 evil",
        ] {
            assert!(!h.allows(host), "{host}");
        }
    }

    #[test]
    fn flags_and_listen_address_add_names() {
        let h = AllowedHosts::new(
            "10.1.2.3:8080".parse().unwrap(),
            &["Lab.School.example".to_owned()],
        );
        assert!(h.allows("10.1.2.3:8080"));
        assert!(h.allows("lab.school.example:8080"));
        assert!(!h.allows("10.1.2.4:8080"), "only the listen address");
    }

    #[test]
    fn every_interface_accepts_ip_literals_but_not_names() {
        let h = AllowedHosts::new("0.0.0.0:8080".parse().unwrap(), &[]);
        assert!(h.allows("192.168.1.20:8080"));
        assert!(h.allows("[fe80::1]:8080"));
        assert!(!h.allows("evil.example:8080"));
    }
}
