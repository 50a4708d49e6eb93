//! The wire: two virtual hosts, "a" and "b", joined by a cable the server carries.
//!
//! Each host is a private network namespace of the session's own with one TUN device; every IP
//! packet that leaves one host crosses the server, which reports it as an [`super::Event::Packet`]
//! and writes it into the other host after applying the link's impairments. Both ends run the
//! real kernel's TCP and UDP, so handshakes, segmentation, Nagle, delayed ACKs, windows and
//! retransmissions are the kernel's own.
//!
//! Invariants the types state:
//! - Addresses live in 198.18.0.0/15 (RFC 2544's benchmarking range): [`HostName::ipv4`].
//! - Sequence and acknowledgement numbers in a [`TcpSegment`] are relative to each side's
//!   initial sequence number, as Wireshark shows them: the SYN has `seq` 0, the first data byte
//!   `seq` 1.
//! - [`LinkSettings`] is per direction and always within [`LinkSettings::validate`]'s bounds.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

mod link;
mod packet;

pub use link::{DEFAULT_MTU, LinkSettings, MAX_DELAY_MS, MAX_MTU, MAX_RATE_KBIT, MIN_MTU};
pub use packet::{
    DropReason, Fate, IpHeader, PacketInfo, TcpFlags, TcpOptions, TcpSegment, Transport,
    UdpDatagram,
};

/// A virtual host on the lab's cable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HostName {
    A,
    B,
}

impl HostName {
    /// Both hosts, in order.
    pub const ALL: [HostName; 2] = [HostName::A, HostName::B];

    /// The host's IPv4 address: A is 198.18.0.1, B is 198.18.0.2.
    pub fn ipv4(self) -> Ipv4Addr {
        match self {
            HostName::A => Ipv4Addr::new(198, 18, 0, 1),
            HostName::B => Ipv4Addr::new(198, 18, 0, 2),
        }
    }

    /// The host's IPv6 address: A is 2001:2::1, B is 2001:2::2 (2001:2::/48 is IPv6's
    /// benchmarking range, RFC 5180).
    pub fn ipv6(self) -> Ipv6Addr {
        match self {
            HostName::A => Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 1),
            HostName::B => Ipv6Addr::new(0x2001, 2, 0, 0, 0, 0, 0, 2),
        }
    }

    /// The host at the other end of the cable.
    pub fn other(self) -> HostName {
        match self {
            HostName::A => HostName::B,
            HostName::B => HostName::A,
        }
    }

    /// The host owning an address of the wire, if it is one.
    pub fn owning(ip: std::net::IpAddr) -> Option<HostName> {
        HostName::ALL
            .into_iter()
            .find(|h| std::net::IpAddr::V4(h.ipv4()) == ip || std::net::IpAddr::V6(h.ipv6()) == ip)
    }

    /// "a" or "b", as on the wire protocol.
    pub fn as_str(self) -> &'static str {
        match self {
            HostName::A => "a",
            HostName::B => "b",
        }
    }
}

/// The direction a packet crosses the cable in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AToB,
    BToA,
}

impl Direction {
    /// The direction of a packet leaving `host`.
    pub fn from_host(host: HostName) -> Direction {
        match host {
            HostName::A => Direction::AToB,
            HostName::B => Direction::BToA,
        }
    }

    /// The sending host.
    pub fn source(self) -> HostName {
        match self {
            Direction::AToB => HostName::A,
            Direction::BToA => HostName::B,
        }
    }
}

/// Which directions a link command applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Directions {
    #[default]
    Both,
    AToB,
    BToA,
}

impl Directions {
    /// Whether `d` is one of these directions.
    pub fn includes(self, d: Direction) -> bool {
        match self {
            Directions::Both => true,
            Directions::AToB => d == Direction::AToB,
            Directions::BToA => d == Direction::BToA,
        }
    }
}

/// The wire's state, as reported by [`super::Event::WireState`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireStatus {
    /// The hosts exist (the network was made).
    pub up: bool,
    pub hosts: Vec<WireHost>,
    pub a_to_b: LinkSettings,
    pub b_to_a: LinkSettings,
    /// Packets wait on the cable until released.
    pub held: bool,
    /// How many packets are waiting on the held wire.
    pub waiting: u64,
    /// Packets the link has seen since the wire was made.
    pub packets: u64,
    /// The command that runs a program of the student's inside host A, for the operator's
    /// terminal (`socklab exec ... -- python3 client.py`; `--host b` for host B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<String>,
}

/// A host on the wire and its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireHost {
    pub name: HostName,
    pub ipv4: String,
    pub ipv6: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_bounds_are_checked_by_name() {
        assert!(LinkSettings::default().validate().is_ok());
        let bad = LinkSettings {
            loss_pct: 101.0,
            ..LinkSettings::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("loss_pct"));
        let bad = LinkSettings {
            mtu: 100,
            ..LinkSettings::default()
        };
        assert!(bad.validate().unwrap_err().to_string().contains("mtu"));
    }

    #[test]
    fn packet_json_is_flat() {
        let p = PacketInfo {
            no: 1,
            direction: Direction::AToB,
            ip: IpHeader {
                version: 4,
                len: 60,
                ttl: 64,
                df: true,
                src: "198.18.0.1".into(),
                dst: "198.18.0.2".into(),
            },
            transport: Transport::Tcp(TcpSegment {
                src_port: 40000,
                dst_port: 9000,
                flags: TcpFlags {
                    syn: true,
                    ..TcpFlags::default()
                },
                seq: 0,
                ack: 0,
                window: 64240,
                options: TcpOptions::default(),
                payload_len: 0,
                retransmission: false,
            }),
            spans: vec![],
            fate: Fate::Delivered,
        };
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["proto"], "tcp");
        assert_eq!(v["fate"], "delivered");
        assert_eq!(v["flags"]["syn"], true);
        assert_eq!(v["direction"], "a_to_b");
        let back: PacketInfo = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }
}
