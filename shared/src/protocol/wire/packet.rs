//! One packet on the wire's cable as the page sees it: IP header, TCP segment or UDP datagram,
//! the lab sends its bytes came from, and what the link did with it.
//!
//! Invariant: a [`TcpSegment`]'s `seq` and `ack` are relative to each side's initial sequence
//! number, as Wireshark shows them.

use serde::{Deserialize, Serialize};

use super::Direction;
use crate::protocol::event::SendSpan;

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
