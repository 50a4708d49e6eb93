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

use super::event::SendSpan;

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

/// One direction of the link: what happens to packets on the cable.
///
/// Percentages are numbers in 0..=100 (decimals allowed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkSettings {
    /// One-way delay added to every packet, in milliseconds (0..=10 000).
    pub delay_ms: u32,
    /// Random extra delay, uniform in 0..=jitter_ms (0..=10 000). Jitter alone never reorders a
    /// TCP stream's segments beyond what `reorder_pct` asks: packets leave in order unless
    /// reordered on purpose.
    pub jitter_ms: u32,
    /// Chance a packet is dropped, 0..=100.
    pub loss_pct: f64,
    /// Chance a packet is delivered twice, 0..=100.
    pub duplicate_pct: f64,
    /// Chance a packet is held back and overtaken by the next one, 0..=100.
    pub reorder_pct: f64,
    /// Bandwidth in kilobits per second; 0 means unlimited (up to 10 000 000).
    pub rate_kbit: u64,
    /// The hosts' MTU: 576..=65 520. Both hosts' TUN devices use the smaller of the two
    /// directions' values (an MTU is a property of the link, not of a direction).
    pub mtu: u32,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            delay_ms: 0,
            jitter_ms: 0,
            loss_pct: 0.0,
            duplicate_pct: 0.0,
            reorder_pct: 0.0,
            rate_kbit: 0,
            mtu: DEFAULT_MTU,
        }
    }
}

/// The MTU of a fresh link.
pub const DEFAULT_MTU: u32 = 1500;
/// The smallest MTU a link accepts (IPv4's minimum datagram every host must take).
pub const MIN_MTU: u32 = 576;
/// The largest MTU a link accepts (what a TUN device allows with room for headers).
pub const MAX_MTU: u32 = 65_520;
/// The longest delay or jitter, in milliseconds.
pub const MAX_DELAY_MS: u32 = 10_000;
/// The highest rate limit, in kbit/s (10 Gbit/s).
pub const MAX_RATE_KBIT: u64 = 10_000_000;

impl LinkSettings {
    /// Checks every field against its bounds; the message names the field and its range.
    pub fn validate(&self) -> Result<(), crate::Error> {
        let bad = crate::Error::BadMessage;
        let pct = |name: &str, v: f64| {
            if (0.0..=100.0).contains(&v) {
                Ok(())
            } else {
                Err(bad(format!("{name} must be between 0 and 100, got {v}")))
            }
        };
        pct("loss_pct", self.loss_pct)?;
        pct("duplicate_pct", self.duplicate_pct)?;
        pct("reorder_pct", self.reorder_pct)?;
        if self.delay_ms > MAX_DELAY_MS || self.jitter_ms > MAX_DELAY_MS {
            return Err(bad(format!(
                "delay_ms and jitter_ms must be at most {MAX_DELAY_MS}, got {} and {}",
                self.delay_ms, self.jitter_ms
            )));
        }
        if self.rate_kbit > MAX_RATE_KBIT {
            return Err(bad(format!(
                "rate_kbit must be at most {MAX_RATE_KBIT} (0 = unlimited), got {}",
                self.rate_kbit
            )));
        }
        if !(MIN_MTU..=MAX_MTU).contains(&self.mtu) {
            return Err(bad(format!(
                "mtu must be between {MIN_MTU} and {MAX_MTU}, got {}",
                self.mtu
            )));
        }
        Ok(())
    }
}

/// TCP flags as Wireshark lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TcpFlags {
    #[serde(default, skip_serializing_if = "is_false")]
    pub syn: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ack: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub fin: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub rst: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub psh: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub urg: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ece: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub cwr: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl TcpFlags {
    /// "SYN, ACK", "PSH, ACK", "FIN, ACK", "RST": the label a projector shows.
    pub fn label(&self) -> String {
        let names = [
            (self.syn, "SYN"),
            (self.fin, "FIN"),
            (self.rst, "RST"),
            (self.psh, "PSH"),
            (self.ack, "ACK"),
            (self.urg, "URG"),
            (self.ece, "ECE"),
            (self.cwr, "CWR"),
        ];
        names
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// TCP options a lesson talks about.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TcpOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mss: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_scale: Option<u8>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sack_permitted: bool,
    /// SACK blocks, relative to the receiver's view like `ack`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sack: Vec<(u64, u64)>,
    /// (TSval, TSecr).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<(u32, u32)>,
}

/// A TCP segment on the cable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TcpSegment {
    pub src_port: u16,
    pub dst_port: u16,
    pub flags: TcpFlags,
    /// Relative sequence number (the SYN is 0).
    pub seq: u64,
    /// Relative acknowledgement number; meaningful when `flags.ack`.
    pub ack: u64,
    /// The advertised window in bytes, after the window scale agreed in the handshake.
    pub window: u64,
    #[serde(default)]
    pub options: TcpOptions,
    /// Payload bytes.
    pub payload_len: u32,
    /// The segment carries bytes (or a SYN/FIN) this direction already sent once.
    #[serde(default, skip_serializing_if = "is_false")]
    pub retransmission: bool,
}

/// A UDP datagram on the cable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UdpDatagram {
    pub src_port: u16,
    pub dst_port: u16,
    /// Payload bytes.
    pub payload_len: u32,
}

/// What a packet carries above IP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "proto", rename_all = "snake_case")]
pub enum Transport {
    Tcp(TcpSegment),
    Udp(UdpDatagram),
    /// ICMP, e.g. "port unreachable" for a datagram to a closed UDP port.
    Icmp {
        icmp_type: u8,
        code: u8,
        /// "port unreachable", "echo request"...
        label: String,
    },
    /// Anything else (IP protocol number).
    Other {
        protocol: u8,
    },
}

/// The IP header fields the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpHeader {
    /// 4 or 6.
    pub version: u8,
    /// Total length of the IP packet in bytes.
    pub len: u32,
    pub ttl: u8,
    /// IPv4 "don't fragment"; always true for IPv6.
    pub df: bool,
    pub src: String,
    pub dst: String,
}

/// What the link did with a packet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// Delivered at once.
    Delivered,
    /// Dropped: `loss` (the loss percentage), `drop_next` (the lecturer asked), `queue_full`
    /// (the rate-limited queue held too much, as a router's would).
    Dropped { reason: DropReason },
    /// Delivered twice.
    Duplicated,
    /// Delivered after `ms` milliseconds (delay, jitter, rate limit or reordering).
    Delayed { ms: u64 },
    /// Waiting on the held wire until the lecturer releases it.
    Held,
}

/// Why a packet was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    Loss,
    DropNext,
    QueueFull,
}

/// One packet on the cable, as reported by [`super::Event::Packet`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PacketInfo {
    /// Number on the cable, from 1 per session (the pcap's frame number).
    pub no: u64,
    pub direction: Direction,
    pub ip: IpHeader,
    #[serde(flatten)]
    pub transport: Transport,
    /// Which lab sends the payload's bytes came from (offsets within the payload).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<SendSpan>,
    #[serde(flatten)]
    pub fate: Fate,
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
