//! tcp_track: handshake, data, retransmissions, wraparound, window scale, SACK, restarts
//! and the table bound.

use std::net::{IpAddr, Ipv4Addr};

use socklab_shared::protocol::wire::{IpHeader, TcpFlags, Transport, UdpDatagram};

use super::*;
use crate::fixtures::*;
use crate::parse::{L4, RawTcpOptions, parse};

fn observe_bytes(tr: &mut Tracker, bytes: &[u8]) -> Tracked {
    let p = parse(bytes).unwrap();
    let L4::Tcp(t) = &p.l4 else { panic!("not TCP") };
    tr.observe(&p, t)
}

/// A synthetic segment from host `from` (1 or 2) port `sport` to the other host.
fn seg(from: u8, sport: u16, dport: u16, seq: u32, ack: Option<u32>, len: u32) -> (Parsed, RawTcp) {
    let ip = |h| IpAddr::V4(Ipv4Addr::new(198, 18, 0, h));
    let to = 3 - from;
    let t = RawTcp {
        src_port: sport,
        dst_port: dport,
        seq,
        ack: ack.unwrap_or(0),
        flags: TcpFlags {
            ack: ack.is_some(),
            ..TcpFlags::default()
        },
        window: 1000,
        options: RawTcpOptions::default(),
        payload_len: len,
        payload_offset: 40,
    };
    let p = Parsed {
        ip: IpHeader {
            version: 4,
            len: 40 + len,
            ttl: 64,
            df: true,
            src: ip(from).to_string(),
            dst: ip(to).to_string(),
        },
        src: ip(from),
        dst: ip(to),
        l4: L4::Tcp(t.clone()),
    };
    (p, t)
}

fn obs(tr: &mut Tracker, (p, t): (Parsed, RawTcp)) -> Tracked {
    tr.observe(&p, &t)
}

#[test]
fn handshake_data_and_retransmission() {
    let mut tr = Tracker::new();
    let syn = observe_bytes(&mut tr, SYN);
    assert_eq!((syn.segment.seq, syn.segment.ack), (0, 0));
    assert_eq!(syn.segment.window, 64240, "a SYN's window is never scaled");
    assert_eq!(syn.segment.options.window_scale, Some(7));
    assert!(!syn.segment.retransmission);
    assert_eq!(syn.stream_offset, None);

    let syn_ack = observe_bytes(&mut tr, SYN_ACK);
    assert_eq!((syn_ack.segment.seq, syn_ack.segment.ack), (0, 1));
    assert_eq!(syn_ack.segment.window, 65160);
    assert!(!syn_ack.segment.retransmission);

    let data = observe_bytes(&mut tr, DATA);
    assert_eq!((data.segment.seq, data.segment.ack), (1, 1));
    assert_eq!(data.segment.window, 502 << 7);
    assert_eq!(data.segment.payload_len, 5);
    assert_eq!(data.stream_offset, Some(0));
    assert!(!data.segment.retransmission);

    let again = observe_bytes(&mut tr, DATA);
    assert!(again.segment.retransmission);
    assert_eq!(again.stream_offset, Some(0));

    let syn_again = observe_bytes(&mut tr, SYN_ACK);
    assert!(
        syn_again.segment.retransmission,
        "a repeated SYN-ACK is a retransmission"
    );
    assert_eq!(tr.len(), 1);
}

#[test]
fn pure_acks_and_probes() {
    let mut tr = Tracker::new();
    let first = obs(&mut tr, seg(1, 1000, 80, 100, Some(500), 10));
    assert_eq!(
        (first.segment.seq, first.segment.ack),
        (1, 1),
        "mid-stream: ISN = seq - 1"
    );
    assert_eq!(first.stream_offset, Some(0));
    // A keep-alive with no byte, one below the stream's end: a pure ACK, never retransmitted.
    let ka = obs(&mut tr, seg(1, 1000, 80, 109, Some(500), 0));
    assert!(!ka.segment.retransmission);
    assert_eq!(ka.stream_offset, None);
    // A first 1-byte zero-window probe carries a new byte; its repeat is a retransmission.
    let probe = obs(&mut tr, seg(1, 1000, 80, 110, Some(500), 1));
    assert!(!probe.segment.retransmission);
    let probe = obs(&mut tr, seg(1, 1000, 80, 110, Some(500), 1));
    assert!(probe.segment.retransmission);
    // The peer's first segment: its ISN was learned from the ACKs (ack - 1).
    let back = obs(&mut tr, seg(2, 80, 1000, 500, Some(111), 3));
    assert_eq!((back.segment.seq, back.segment.ack), (1, 12));
    assert_eq!(back.stream_offset, Some(0));
}

#[test]
fn wraparound_unwraps_to_64_bits() {
    let mut tr = Tracker::new();
    let isn = 0xffff_0000_u32;
    let mut syn = seg(1, 2000, 80, isn, None, 0);
    syn.1.flags.syn = true;
    obs(&mut tr, syn);
    let chunk = 60_000_u32;
    let n = 80_000_u64; // 4.8 GB: more than one wrap
    let mut last = None;
    for i in 0..n {
        let seq = isn
            .wrapping_add(1)
            .wrapping_add((i as u32).wrapping_mul(chunk));
        let t = obs(&mut tr, seg(1, 2000, 80, seq, Some(7), chunk));
        assert!(!t.segment.retransmission, "segment {i}");
        assert_eq!(t.segment.seq, 1 + i * u64::from(chunk));
        last = t.stream_offset;
    }
    assert_eq!(last, Some((n - 1) * u64::from(chunk)));
    assert!(last.unwrap() > 1 << 32);
    // The receiver's ACK for the whole stream unwraps too.
    let end = isn
        .wrapping_add(1)
        .wrapping_add((n * u64::from(chunk)) as u32);
    let ack = obs(&mut tr, seg(2, 80, 2000, 7, Some(end), 0));
    assert_eq!(ack.segment.ack, 1 + n * u64::from(chunk));
}

#[test]
fn window_scaling_needs_both_syns() {
    let mut tr = Tracker::new();
    let mut syn = seg(1, 3000, 80, 10, None, 0);
    syn.1.flags.syn = true;
    syn.1.options.window_scale = Some(7);
    obs(&mut tr, syn);
    let mut syn_ack = seg(2, 80, 3000, 20, Some(11), 0);
    syn_ack.1.flags.syn = true; // no window scale option: neither side scales
    obs(&mut tr, syn_ack);
    let ack = obs(&mut tr, seg(1, 3000, 80, 11, Some(21), 0));
    assert_eq!(ack.segment.window, 1000);

    let mut tr = Tracker::new();
    let mut syn = seg(1, 3000, 80, 10, None, 0);
    syn.1.flags.syn = true;
    syn.1.options.window_scale = Some(2);
    obs(&mut tr, syn);
    let mut syn_ack = seg(2, 80, 3000, 20, Some(11), 0);
    syn_ack.1.flags.syn = true;
    syn_ack.1.options.window_scale = Some(20); // capped at 14
    assert_eq!(obs(&mut tr, syn_ack).segment.window, 1000);
    assert_eq!(
        obs(&mut tr, seg(1, 3000, 80, 11, Some(21), 0))
            .segment
            .window,
        4000
    );
    assert_eq!(
        obs(&mut tr, seg(2, 80, 3000, 21, Some(11), 0))
            .segment
            .window,
        1000 << 14
    );
}

#[test]
fn sack_blocks_are_relative() {
    let mut tr = Tracker::new();
    obs(&mut tr, seg(1, 4000, 80, 1000, Some(50), 100));
    let mut ack = seg(2, 80, 4000, 50, Some(1001), 0);
    ack.1.options.sack = vec![(1051, 1101)];
    let t = obs(&mut tr, ack);
    assert_eq!(t.segment.ack, 2);
    assert_eq!(t.segment.options.sack, vec![(52, 102)]);
}

#[test]
fn new_syn_after_close_starts_a_fresh_connection() {
    let mut tr = Tracker::new();
    let mut syn = seg(1, 5000, 80, 100, None, 0);
    syn.1.flags.syn = true;
    obs(&mut tr, syn.clone());
    let mut rst = seg(2, 80, 5000, 0, Some(101), 0);
    rst.1.flags.rst = true;
    obs(&mut tr, rst);
    // The same SYN again after the RST: a new connection, not a retransmission.
    let again = obs(&mut tr, syn.clone());
    assert!(!again.segment.retransmission);
    // A SYN with another ISN on the same ports: also new.
    syn.1.seq = 9999;
    let other = obs(&mut tr, syn);
    assert!(!other.segment.retransmission);
    assert_eq!(other.segment.seq, 0);
}

#[test]
fn table_is_bounded_lru() {
    let mut tr = Tracker::new();
    for port in 0..MAX_CONNECTIONS as u16 {
        obs(&mut tr, seg(1, 10_000 + port, 80, 500, None, 1));
    }
    // Touch the first connection so that the second is the least recently seen.
    obs(&mut tr, seg(1, 10_000, 80, 501, None, 1));
    obs(&mut tr, seg(1, 9_999, 80, 500, None, 1));
    assert_eq!(tr.len(), MAX_CONNECTIONS);
    // The first is remembered: its old byte repeated is a retransmission.
    assert!(
        obs(&mut tr, seg(1, 10_000, 80, 500, None, 1))
            .segment
            .retransmission
    );
    // The second was forgotten: its packet starts a connection afresh.
    let t = obs(&mut tr, seg(1, 10_001, 80, 500, None, 1));
    assert!(!t.segment.retransmission);
    assert_eq!(t.segment.seq, 1);
}

#[test]
fn transport_for_every_kind_of_packet() {
    let mut tr = Tracker::new();
    let (t, off) = tr.transport(&parse(SYN).unwrap());
    assert!(matches!(t, Transport::Tcp(TcpSegment { seq: 0, .. })));
    assert_eq!(off, None);
    let (t, _) = tr.transport(&parse(UDP).unwrap());
    assert_eq!(
        t,
        Transport::Udp(UdpDatagram {
            src_port: 5353,
            dst_port: 7000,
            payload_len: 6
        })
    );
    let (t, _) = tr.transport(&parse(ICMP_PORT_UNREACHABLE).unwrap());
    assert!(matches!(
        t,
        Transport::Icmp {
            icmp_type: 3,
            code: 3,
            ..
        }
    ));
    assert_eq!(tr.len(), 1);
}
