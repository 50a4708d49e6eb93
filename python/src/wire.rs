//! Programs from the wire's hosts, for one machine.
//!
//! A lesson on the wire opens its sockets on host A (198.18.0.1, 2001:2::1) and host B
//! (198.18.0.2, 2001:2::2), network namespaces that only exist inside the lab. The program the
//! panel shows runs both ends in one Python process, so it uses this machine's loopback instead
//! and says so at the top: the same calls, without the cable's delays, losses and holds.

/// What the program says first when its sockets were on the wire.
pub(crate) const NOTE: [&str; 4] = [
    "# In the lab these sockets were on socklab's wire: host A (198.18.0.1) and host B",
    "# (198.18.0.2), joined by a cable the lab carries and can slow down or break.",
    "# Here both ends run on this machine's loopback: the same calls, without the",
    "# cable's delays and losses (use `socklab exec` to run a program inside a host).",
];

/// The wire's addresses as they appear in generated code, and their loopback stand-ins.
const ADDRESSES: [(&str, &str); 4] = [
    ("'198.18.0.1'", "'127.0.0.1'"),
    ("'198.18.0.2'", "'127.0.0.1'"),
    ("'2001:2::1'", "'::1'"),
    ("'2001:2::2'", "'::1'"),
];

/// Whether a line names an address of the wire.
pub(crate) fn names_the_wire(line: &str) -> bool {
    ADDRESSES.iter().any(|(wire, _)| line.contains(wire))
}

/// `line` with the wire's addresses replaced by loopback.
pub(crate) fn on_loopback(line: &str) -> String {
    ADDRESSES
        .iter()
        .fold(line.to_owned(), |text, (wire, local)| {
            text.replace(wire, local)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hosts_become_loopback() {
        let line = "client.connect(('198.18.0.2', 9000))";
        assert!(names_the_wire(line));
        assert_eq!(on_loopback(line), "client.connect(('127.0.0.1', 9000))");
        assert!(!names_the_wire("client.connect(('127.0.0.1', 9000))"));
        assert_eq!(
            on_loopback("s.bind(('2001:2::1', 0))"),
            "s.bind(('::1', 0))"
        );
    }
}
