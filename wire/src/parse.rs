//! IP packet bytes (as read from a TUN device, no link-layer header) to the fields the page
//! shows.
//!
//! Invariants:
//! - etherparse does all the parsing; this module only copies its fields out.
//! - [`parse`] never panics: bytes that are not a well-formed IPv4/IPv6 packet, or whose TCP,
//!   UDP or ICMP header is cut short, give [`Error::Malformed`].
//! - `payload_offset` indexes into the bytes given to [`parse`]: `&bytes[payload_offset..]
//!   [..payload_len]` is exactly the TCP/UDP payload (trailing link padding beyond the IP
//!   length is excluded).
//! - IP fragments carry no L4 header past the first fragment, so any fragment (first or not)
//!   is reported as [`L4::Other`] with its IP protocol number.
//! - Malformed TCP options end the option list; the packet itself still parses (as Wireshark
//!   shows such packets, with what it could read).

use std::net::IpAddr;

use etherparse::{NetSlice, SlicedPacket, TcpOptionElement, TransportSlice};
use socklab_shared::protocol::wire::{IpHeader, TcpFlags};

use crate::Error;

/// A parsed IP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The IP header fields the page shows.
    pub ip: IpHeader,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// What the packet carries above IP.
    pub l4: L4,
}

/// The layer-4 part of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum L4 {
    Tcp(RawTcp),
    Udp {
        src_port: u16,
        dst_port: u16,
        payload_len: u32,
        /// Index into the parsed bytes where the UDP payload starts.
        payload_offset: usize,
    },
    /// ICMPv4 or ICMPv6 (which one follows from the IP version).
    Icmp {
        icmp_type: u8,
        code: u8,
        /// "echo request", "port unreachable"...: see [`icmp_label`].
        label: String,
    },
    /// Any other IP protocol, and IP fragments.
    Other {
        protocol: u8,
    },
}

/// A TCP header as it is on the cable: absolute sequence numbers, unscaled window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTcp {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    /// The window field as sent, before any window scaling.
    pub window: u16,
    pub options: RawTcpOptions,
    pub payload_len: u32,
    /// Index into the parsed bytes where the TCP payload starts.
    pub payload_offset: usize,
}

/// TCP options as on the cable (absolute SACK edges).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawTcpOptions {
    pub mss: Option<u16>,
    /// The shift count as sent (RFC 7323 caps its use at 14; see the tracker).
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// SACK blocks as (left edge, right edge), absolute sequence numbers.
    pub sack: Vec<(u32, u32)>,
    /// (TSval, TSecr).
    pub timestamps: Option<(u32, u32)>,
}

/// Parses one IPv4 or IPv6 packet (no link-layer header).
pub fn parse(bytes: &[u8]) -> Result<Parsed, Error> {
    let sliced = SlicedPacket::from_ip(bytes).map_err(|e| Error::Malformed(e.to_string()))?;
    let (ip, src, dst, payload) = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => {
            let h = v4.header();
            let (src, dst) = (h.source_addr(), h.destination_addr());
            let ip = IpHeader {
                version: 4,
                len: u32::from(h.total_len()),
                ttl: h.ttl(),
                df: h.dont_fragment(),
                src: src.to_string(),
                dst: dst.to_string(),
            };
            (ip, IpAddr::V4(src), IpAddr::V4(dst), v4.payload())
        }
        Some(NetSlice::Ipv6(v6)) => {
            let h = v6.header();
            let (src, dst) = (h.source_addr(), h.destination_addr());
            let ip = IpHeader {
                version: 6,
                len: 40 + u32::from(h.payload_length()),
                ttl: h.hop_limit(),
                df: true,
                src: src.to_string(),
                dst: dst.to_string(),
            };
            (ip, IpAddr::V6(src), IpAddr::V6(dst), v6.payload())
        }
        _ => return Err(Error::Malformed("not an IPv4 or IPv6 packet".into())),
    };
    let protocol = payload.ip_number.0;
    let offset = |s: &[u8]| s.as_ptr() as usize - bytes.as_ptr() as usize;
    let l4 = match (&sliced.transport, payload.fragmented) {
        (Some(TransportSlice::Tcp(tcp)), false) => L4::Tcp(RawTcp {
            src_port: tcp.source_port(),
            dst_port: tcp.destination_port(),
            seq: tcp.sequence_number(),
            ack: tcp.acknowledgment_number(),
            flags: TcpFlags {
                syn: tcp.syn(),
                ack: tcp.ack(),
                fin: tcp.fin(),
                rst: tcp.rst(),
                psh: tcp.psh(),
                urg: tcp.urg(),
                ece: tcp.ece(),
                cwr: tcp.cwr(),
            },
            window: tcp.window_size(),
            options: tcp_options(tcp),
            payload_len: tcp.payload().len() as u32,
            payload_offset: offset(tcp.payload()),
        }),
        (Some(TransportSlice::Udp(udp)), false) => L4::Udp {
            src_port: udp.source_port(),
            dst_port: udp.destination_port(),
            payload_len: udp.payload().len() as u32,
            payload_offset: offset(udp.payload()),
        },
        (Some(TransportSlice::Icmpv4(icmp)), false) => {
            let (t, c) = (icmp.type_u8(), icmp.code_u8());
            L4::Icmp {
                icmp_type: t,
                code: c,
                label: icmp_label(4, t, c),
            }
        }
        (Some(TransportSlice::Icmpv6(icmp)), false) => {
            let (t, c) = (icmp.type_u8(), icmp.code_u8());
            L4::Icmp {
                icmp_type: t,
                code: c,
                label: icmp_label(6, t, c),
            }
        }
        _ => L4::Other { protocol },
    };
    Ok(Parsed { ip, src, dst, l4 })
}

fn tcp_options(tcp: &etherparse::TcpSlice<'_>) -> RawTcpOptions {
    let mut o = RawTcpOptions::default();
    for element in tcp.options_iterator() {
        let Ok(element) = element else { break };
        match element {
            TcpOptionElement::Noop => {}
            TcpOptionElement::MaximumSegmentSize(mss) => o.mss = Some(mss),
            TcpOptionElement::WindowScale(shift) => o.window_scale = Some(shift),
            TcpOptionElement::SelectiveAcknowledgementPermitted => o.sack_permitted = true,
            TcpOptionElement::SelectiveAcknowledgement(first, rest) => {
                o.sack.push(first);
                o.sack.extend(rest.into_iter().flatten());
            }
            TcpOptionElement::Timestamp(val, ecr) => o.timestamps = Some((val, ecr)),
        }
    }
    o
}

/// A short label for an ICMP message as Wireshark names it: "echo request", "port
/// unreachable"... `version` is the IP version (4 for ICMP, 6 for ICMPv6). Unknown messages are
/// "type T code C".
pub fn icmp_label(version: u8, icmp_type: u8, code: u8) -> String {
    let known = if version == 6 {
        icmpv6_label(icmp_type, code)
    } else {
        icmpv4_label(icmp_type, code)
    };
    match known {
        Some(l) => l.to_string(),
        None => format!("type {icmp_type} code {code}"),
    }
}

fn icmpv4_label(icmp_type: u8, code: u8) -> Option<&'static str> {
    Some(match (icmp_type, code) {
        (0, _) => "echo reply",
        (3, 0) => "network unreachable",
        (3, 1) => "host unreachable",
        (3, 2) => "protocol unreachable",
        (3, 3) => "port unreachable",
        (3, 4) => "fragmentation needed",
        (3, 5) => "source route failed",
        (3, 6) => "destination network unknown",
        (3, 7) => "destination host unknown",
        (3, 9 | 10 | 13) => "administratively prohibited",
        (3, _) => "destination unreachable",
        (4, _) => "source quench",
        (5, _) => "redirect",
        (8, _) => "echo request",
        (9, _) => "router advertisement",
        (10, _) => "router solicitation",
        (11, 0) => "time exceeded",
        (11, 1) => "fragment reassembly time exceeded",
        (11, _) => "time exceeded",
        (12, _) => "parameter problem",
        (13, _) => "timestamp request",
        (14, _) => "timestamp reply",
        _ => return None,
    })
}

fn icmpv6_label(icmp_type: u8, code: u8) -> Option<&'static str> {
    Some(match (icmp_type, code) {
        (1, 0) => "no route to destination",
        (1, 1) => "administratively prohibited",
        (1, 3) => "address unreachable",
        (1, 4) => "port unreachable",
        (1, _) => "destination unreachable",
        (2, _) => "packet too big",
        (3, 0) => "time exceeded",
        (3, 1) => "fragment reassembly time exceeded",
        (3, _) => "time exceeded",
        (4, _) => "parameter problem",
        (128, _) => "echo request",
        (129, _) => "echo reply",
        (130, _) => "multicast listener query",
        (131, _) => "multicast listener report",
        (132, _) => "multicast listener done",
        (133, _) => "router solicitation",
        (134, _) => "router advertisement",
        (135, _) => "neighbor solicitation",
        (136, _) => "neighbor advertisement",
        (137, _) => "redirect",
        (143, _) => "multicast listener report v2",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
