//! Port ranges: which ports a lab socket may reach besides those of other lab sockets.
//!
//! The server's `--allow-ports` flag and `hello.limits.allowed_ports` both use this type. On the
//! command line it is written `9000-9999` or `7000,9000-9999`; in JSON it is a list of inclusive
//! `[first, last]` pairs: `[[7000, 7000], [9000, 9999]]`. An empty list (the flag's `none`) means
//! only ports held by lab sockets are reachable.
//!
//! Invariant: every range has `first <= last`, and a parsed set is sorted and never contains
//! port 0 (no one can listen on port 0, so "reaching" it only ever probes).

use serde::{Deserialize, Serialize};

/// An inclusive range of ports, `[first, last]` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PortRange(pub u16, pub u16);

impl PortRange {
    /// Whether `port` is in the range.
    pub fn contains(&self, port: u16) -> bool {
        self.0 <= port && port <= self.1
    }
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == self.1 {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{}-{}", self.0, self.1)
        }
    }
}

/// A set of port ranges, as given to `--allow-ports`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PortRanges(pub Vec<PortRange>);

impl PortRanges {
    /// Parses `9000-9999`, `7000,9000-9999` or `none`. Spaces around items are ignored.
    pub fn parse(text: &str) -> Result<Self, crate::Error> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("none") {
            return Ok(PortRanges(Vec::new()));
        }
        let mut ranges = Vec::new();
        for item in text.split(',') {
            let item = item.trim();
            let (first, last) = match item.split_once('-') {
                Some((a, b)) => (port(a, item)?, port(b, item)?),
                None => {
                    let p = port(item, item)?;
                    (p, p)
                }
            };
            if first > last {
                return Err(crate::Error::Ports(format!(
                    "{item:?}: the first port must not be above the last (write {last}-{first})"
                )));
            }
            ranges.push(PortRange(first, last));
        }
        ranges.sort();
        Ok(PortRanges(ranges))
    }

    /// Whether `port` is in any range.
    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|r| r.contains(port))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for PortRanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for PortRanges {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        PortRanges::parse(s)
    }
}

fn port(text: &str, item: &str) -> Result<u16, crate::Error> {
    match text.trim().parse::<u16>() {
        Ok(0) => Err(crate::Error::Ports(format!(
            "{item:?}: port 0 can't be reached (ports are 1-65535)"
        ))),
        Ok(p) => Ok(p),
        Err(_) => Err(crate::Error::Ports(format!(
            "{item:?} is not a port or a range of ports (write e.g. 9000-9999 or 7000,9000-9999)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges_single_ports_and_none() {
        assert_eq!(
            PortRanges::parse("9000-9999").unwrap().0,
            vec![PortRange(9000, 9999)]
        );
        assert_eq!(
            PortRanges::parse(" 9000-9999 , 7000 ").unwrap().0,
            vec![PortRange(7000, 7000), PortRange(9000, 9999)]
        );
        assert!(PortRanges::parse("none").unwrap().is_empty());
        assert!(PortRanges::parse("").unwrap().is_empty());
    }

    #[test]
    fn refuses_what_is_not_a_port() {
        for bad in [
            "0",
            "0-10",
            "9999-9000",
            "abc",
            "70000",
            "1-2-3",
            "9000-",
            ",",
        ] {
            assert!(PortRanges::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn membership_and_text() {
        let r = PortRanges::parse("7000,9000-9999").unwrap();
        assert!(r.contains(7000) && r.contains(9000) && r.contains(9999));
        assert!(!r.contains(6999) && !r.contains(8080) && !r.contains(10000));
        assert_eq!(r.to_string(), "7000,9000-9999");
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            "[[7000,7000],[9000,9999]]"
        );
    }
}
