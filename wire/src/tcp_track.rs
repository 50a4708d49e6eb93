//! TCP connection tracking: raw sequence numbers to the relative ones Wireshark shows.
//!
//! Invariants:
//! - A connection is keyed by the unordered pair of its (address, port) endpoints, so both
//!   directions of a connection share one entry.
//! - Each side's ISN is taken from its SYN; when the first packet seen from a side is not a SYN,
//!   its ISN is taken as `seq - 1` (its first byte is then relative 1, as if the SYN was
//!   missed). When an ACK arrives before the acknowledged side sent anything, that side's ISN
//!   is taken as `ack - 1`.
//! - Relative numbers are 64-bit: 32-bit wraparound is unwrapped to the value closest to the
//!   highest sequence end seen from that side, so a stream longer than 4 GiB keeps counting up.
//! - Windows are scaled by the shift each side announced in its SYN, only when both SYNs were
//!   seen with the option (RFC 7323); a SYN's own window is never scaled. A connection picked
//!   up mid-stream (SYNs not seen) shows unscaled windows, as Wireshark does. Shifts above 14 are
//!   taken as 14, as RFC 7323 says.
//! - `retransmission` is set when a segment occupying sequence space (payload, SYN or FIN)
//!   starts below the highest sequence end its side already sent. A pure ACK (no payload, no
//!   SYN/FIN) never is one. Consequences, by choice: a 1-byte zero-window probe is flagged only
//!   when it repeats a byte already sent (a first probe carries a new byte); a keep-alive with
//!   one garbage byte below the stream's end is flagged (Wireshark calls it "TCP Keep-Alive"
//!   and not a retransmission; we have no separate flag), while Linux's keep-alives carry no
//!   byte and are never flagged.
//! - A SYN without ACK on a known key starts a fresh connection when the old one is closed
//!   (RST, or FINs both ways), when its sequence number differs from the side's ISN, or when
//!   that side already sent bytes after its SYN; otherwise it is a retransmitted SYN.
//! - The table holds at most [`MAX_CONNECTIONS`]; a new connection past that evicts the least
//!   recently seen one (a linear scan, paid only when the table is full).

use std::collections::HashMap;
use std::net::IpAddr;

use socklab_shared::protocol::wire::{TcpOptions, TcpSegment, Transport, UdpDatagram};

use crate::parse::{L4, Parsed, RawTcp};

/// The most connections the tracker remembers.
pub const MAX_CONNECTIONS: usize = 4096;

/// What the tracker makes of one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    /// The segment with relative numbers, scaled window and the retransmission flag.
    pub segment: TcpSegment,
    /// Offset of the first payload byte within the sender's byte stream (relative seq - 1,
    /// counting the SYN); `None` without payload.
    pub stream_offset: Option<u64>,
}

type Endpoint = (IpAddr, u16);

/// The TCP connections seen on the cable.
#[derive(Debug, Default)]
pub struct Tracker {
    conns: HashMap<(Endpoint, Endpoint), Conn>,
    tick: u64,
}

#[derive(Debug, Default, Clone)]
struct Conn {
    /// Indexed by 0 for the lower endpoint of the key, 1 for the higher.
    sides: [Side; 2],
    closed: bool,
    last_seen: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct Side {
    /// The ISN (absolute), once known.
    isn: Option<u32>,
    /// Highest relative sequence end sent (seq + payload + SYN + FIN).
    max_end: u64,
    /// Window scale from this side's SYN: `Some(None)` = SYN seen without the option.
    syn_scale: Option<Option<u8>>,
    fin: bool,
}

/// Unwraps a 32-bit relative number to the 64-bit value closest to `near`.
fn unwrap(near: u64, rel: u32) -> u64 {
    const SPAN: u64 = 1 << 32;
    let base = (near & !(SPAN - 1)) | u64::from(rel);
    let mut best = base;
    for cand in [base.checked_sub(SPAN), base.checked_add(SPAN)]
        .into_iter()
        .flatten()
    {
        if cand.abs_diff(near) < best.abs_diff(near) {
            best = cand;
        }
    }
    best
}

impl Tracker {
    /// An empty table.
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// How many connections are remembered.
    pub fn len(&self) -> usize {
        self.conns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.conns.is_empty()
    }

    /// Forgets every connection.
    pub fn clear(&mut self) {
        self.conns.clear();
    }

    /// Tracks one TCP segment: `t` must be `p.l4`'s TCP header.
    pub fn observe(&mut self, p: &Parsed, t: &RawTcp) -> Tracked {
        let from = (p.src, t.src_port);
        let to = (p.dst, t.dst_port);
        let (key, me) = if from <= to {
            ((from, to), 0)
        } else {
            ((to, from), 1)
        };
        self.tick += 1;
        let fresh_syn = t.flags.syn && !t.flags.ack;
        let restart = match self.conns.get(&key) {
            None => true,
            Some(c) => {
                let side = &c.sides[me];
                fresh_syn && (c.closed || side.isn != Some(t.seq) || side.max_end > 1)
            }
        };
        if restart {
            if !self.conns.contains_key(&key) && self.conns.len() >= MAX_CONNECTIONS {
                self.evict();
            }
            self.conns.insert(key, Conn::default());
        }
        let conn = self.conns.get_mut(&key).expect("inserted above");
        conn.last_seen = self.tick;
        conn.observe(me, t)
    }

    /// The page's [`Transport`] for any parsed packet: TCP goes through [`Tracker::observe`],
    /// the rest is copied. The second value is TCP's `stream_offset`.
    pub fn transport(&mut self, p: &Parsed) -> (Transport, Option<u64>) {
        match &p.l4 {
            L4::Tcp(t) => {
                let tracked = self.observe(p, t);
                (Transport::Tcp(tracked.segment), tracked.stream_offset)
            }
            L4::Udp {
                src_port,
                dst_port,
                payload_len,
                ..
            } => {
                let (src_port, dst_port, payload_len) = (*src_port, *dst_port, *payload_len);
                (
                    Transport::Udp(UdpDatagram {
                        src_port,
                        dst_port,
                        payload_len,
                    }),
                    None,
                )
            }
            L4::Icmp {
                icmp_type,
                code,
                label,
            } => {
                let (icmp_type, code, label) = (*icmp_type, *code, label.clone());
                (
                    Transport::Icmp {
                        icmp_type,
                        code,
                        label,
                    },
                    None,
                )
            }
            L4::Other { protocol } => (
                Transport::Other {
                    protocol: *protocol,
                },
                None,
            ),
        }
    }

    fn evict(&mut self) {
        let oldest = self
            .conns
            .iter()
            .min_by_key(|(_, c)| c.last_seen)
            .map(|(k, _)| *k);
        if let Some(k) = oldest {
            self.conns.remove(&k);
        }
    }
}

impl Conn {
    fn observe(&mut self, me: usize, t: &RawTcp) -> Tracked {
        let f = t.flags;
        let syn = u64::from(f.syn);
        let fin = u64::from(f.fin);
        let payload = u64::from(t.payload_len);
        {
            let side = &mut self.sides[me];
            if side.isn.is_none() {
                side.isn = Some(if f.syn { t.seq } else { t.seq.wrapping_sub(1) });
            }
            if f.syn {
                side.syn_scale = Some(t.options.window_scale.map(|s| s.min(14)));
            }
        }
        if f.ack && self.sides[1 - me].isn.is_none() {
            let peer = &mut self.sides[1 - me];
            peer.isn = Some(t.ack.wrapping_sub(1));
            peer.max_end = 1;
        }
        let side = self.sides[me];
        let peer = self.sides[1 - me];
        let isn = side.isn.expect("set above");
        let seq = unwrap(side.max_end, t.seq.wrapping_sub(isn));
        let peer_rel = |abs: u32| match peer.isn {
            Some(pisn) => unwrap(peer.max_end, abs.wrapping_sub(pisn)),
            None => u64::from(abs),
        };
        let ack = if f.ack { peer_rel(t.ack) } else { 0 };
        let len = payload + syn + fin;
        let end = seq + len;
        let retransmission = len > 0 && seq < side.max_end;

        let window = match (side.syn_scale, peer.syn_scale) {
            (Some(Some(mine)), Some(Some(_))) if !f.syn => u64::from(t.window) << mine,
            _ => u64::from(t.window),
        };
        let o = &t.options;
        let options = TcpOptions {
            mss: o.mss,
            window_scale: o.window_scale,
            sack_permitted: o.sack_permitted,
            sack: o
                .sack
                .iter()
                .map(|&(l, r)| (peer_rel(l), peer_rel(r)))
                .collect(),
            timestamps: o.timestamps,
        };

        let side = &mut self.sides[me];
        side.max_end = side.max_end.max(end);
        side.fin |= f.fin;
        if f.rst || (self.sides[0].fin && self.sides[1].fin) {
            self.closed = true;
        }
        Tracked {
            segment: TcpSegment {
                src_port: t.src_port,
                dst_port: t.dst_port,
                flags: f,
                seq,
                ack,
                window,
                options,
                payload_len: t.payload_len,
                retransmission,
            },
            stream_offset: (payload > 0).then(|| (seq + syn).saturating_sub(1)),
        }
    }
}

#[cfg(test)]
#[path = "tcp_track_tests.rs"]
mod tests;
