use socklab_shared::protocol::wire::{
    Direction, DropReason, Fate, IpHeader, PacketInfo, TcpFlags, TcpOptions, TcpSegment, Transport,
    UdpDatagram, WireStatus,
};
use socklab_shared::protocol::{Envelope, ErrorCode, Event, SendSpan, SocketId};

use super::layout::{End, MIN_GAP, MIN_SLANT, layout};
use super::*;
use crate::i18n::Lang;
use crate::test_support::hello;

fn env(seq: u64, t_us: u64, event: Event) -> Envelope {
    Envelope {
        seq,
        t_us,
        req: None,
        event,
    }
}

fn flags(s: &str) -> TcpFlags {
    let mut f = TcpFlags::default();
    for name in s.split(',').map(str::trim) {
        match name {
            "SYN" => f.syn = true,
            "ACK" => f.ack = true,
            "FIN" => f.fin = true,
            "RST" => f.rst = true,
            "PSH" => f.psh = true,
            _ => {}
        }
    }
    f
}

fn span(start: u64, len: u64, send_no: u32) -> SendSpan {
    SendSpan {
        start,
        len,
        from: Some(SocketId(2)),
        send_no: Some(send_no),
        offset_in_send: 0,
        send_len: len,
        header_bytes: 0,
        trailer_bytes: 0,
    }
}

fn tcp(no: u64, dir: Direction, f: &str, len: u32, spans: Vec<SendSpan>, fate: Fate) -> Event {
    Event::Packet {
        packet: Box::new(PacketInfo {
            no,
            direction: dir,
            ip: IpHeader {
                version: 4,
                len: 40 + len,
                ttl: 64,
                df: true,
                src: "198.18.0.1".into(),
                dst: "198.18.0.2".into(),
            },
            transport: Transport::Tcp(TcpSegment {
                src_port: 40000,
                dst_port: 9000,
                flags: flags(f),
                seq: 1,
                ack: 1,
                window: 64240,
                options: TcpOptions::default(),
                payload_len: len,
                retransmission: false,
            }),
            spans,
            fate,
        }),
    }
}

const AB: Direction = Direction::AToB;
const BA: Direction = Direction::BToA;

/// A handshake, one data segment of sends 2 and 3 (50 ms delay), its ACK.
fn history() -> Vec<Envelope> {
    vec![
        env(1, 0, hello()),
        env(2, 1_000, tcp(1, AB, "SYN", 0, vec![], Fate::Delivered)),
        env(3, 1_100, tcp(2, BA, "SYN, ACK", 0, vec![], Fate::Delivered)),
        env(4, 1_200, tcp(3, AB, "ACK", 0, vec![], Fate::Delivered)),
        env(
            5,
            200_000,
            tcp(
                4,
                AB,
                "PSH, ACK",
                9,
                vec![span(0, 5, 2), span(5, 4, 3)],
                Fate::Delayed { ms: 50 },
            ),
        ),
        env(
            6,
            251_000,
            tcp(5, BA, "ACK", 0, vec![], Fate::Delayed { ms: 50 }),
        ),
    ]
}

fn packets(items: &[Item]) -> Vec<&Crossing> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Packet(c) => Some(c),
            Item::Summary(_) => None,
        })
        .collect()
}

#[test]
fn packets_are_labelled_as_a_projector_shows_them() {
    let mut live = LiveCable::default();
    assert!(live.sync(&history(), 1));
    let p = packets(&live.items);
    let labels: Vec<&str> = p.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["SYN", "SYN, ACK", "ACK", "PSH, ACK 9 B", "ACK"]);
    assert_eq!(p[0].look, Look::Syn);
    assert_eq!(p[2].look, Look::Ack);
    assert_eq!(p[3].look, Look::Data);
    assert_eq!(p[3].sends(), [2, 3]);
    // The merged segment's two sends are two stripes in the byte cells' colours.
    assert_eq!(
        p[3].stripes,
        [
            Stripe {
                colour: Some(colour_of(2)),
                send_no: Some(2),
                bytes: 5
            },
            Stripe {
                colour: Some(colour_of(3)),
                send_no: Some(3),
                bytes: 4
            }
        ]
    );
    assert!(live.in_use());
}

#[test]
fn bytes_no_span_covers_came_from_outside_the_lab() {
    let s = stripes(&[span(2, 3, 1)], 8);
    assert_eq!(
        s.iter().map(|s| (s.send_no, s.bytes)).collect::<Vec<_>>(),
        [(None, 2), (Some(1), 3), (None, 3)]
    );
    assert!(stripes(&[], 0).is_empty());
}

#[test]
fn syncing_in_batches_equals_syncing_once() {
    let h = history();
    let mut once = LiveCable::default();
    once.sync(&h, 1);
    let mut batches = LiveCable::default();
    for n in 1..=h.len() {
        batches.sync(&h[..n], 1);
    }
    assert_eq!(once, batches);
    // Nothing new: no change.
    assert!(!batches.sync(&h, 1));
    // A new session starts over.
    assert!(batches.sync(&h[..2], 2));
    assert_eq!(batches.items.len(), 1);
}

#[test]
fn stepping_back_shows_only_what_had_crossed() {
    let mut live = LiveCable::default();
    live.sync(&history(), 1);
    assert_eq!(live.visible(0, 3, 100).len(), 2);
    assert_eq!(live.visible(0, 6, 100).len(), 5);
    // From a lesson's start, and the last ones only.
    assert_eq!(live.visible(4, 6, 100).len(), 2);
    // The first shown moves on in steps of CHUNK items.
    assert_eq!(live.visible(0, 6, 2).len(), 5);
    let many: Vec<Envelope> = std::iter::once(env(1, 0, hello()))
        .chain((1..=100).map(|n| {
            env(
                n + 1,
                n * 1000,
                tcp(n, AB, "ACK", 0, vec![], Fate::Delivered),
            )
        }))
        .collect();
    let mut big = LiveCable::default();
    big.sync(&many, 1);
    // 100 packets, 40 wanted: from the 33rd on (item 32, a multiple of CHUNK).
    let shown = big.visible(0, 101, 40);
    assert_eq!(shown.len(), 68);
    assert!((40..40 + CHUNK).contains(&shown.len()));
    // One more packet: the same first one.
    assert_eq!(big.visible(0, 100, 40)[0].index(), shown[0].index());
    assert!(live.visible(5, 2, 100).is_empty());
}

#[test]
fn arrows_go_down_and_slant_with_the_delay() {
    let mut live = LiveCable::default();
    live.sync(&history(), 1);
    let l = layout(live.visible(0, 6, 100), 6, Lang::En);
    let a = &l.arrows;
    assert_eq!(a.len(), 5);
    assert!(a[0].a_to_b && !a[1].a_to_b);
    for w in a.windows(2) {
        assert!(w[1].y_start >= w[0].y_start + MIN_GAP);
    }
    for arrow in a {
        assert_eq!(arrow.end, End::Arrives);
        assert!(arrow.y_end >= arrow.y_start + MIN_SLANT);
    }
    // 50 ms of delay: a longer slant than none.
    assert!(a[3].y_end - a[3].y_start > a[0].y_end - a[0].y_start);
    assert_eq!(a[3].sends, "2 3");
    assert_eq!(a[3].fate, "delayed");
    // The ACK leaves B after the data arrived there.
    assert!(a[4].y_start >= a[3].y_end);
    assert!(l.height > a[4].y_end);
}

#[test]
fn a_held_packet_waits_mid_cable_until_its_fate() {
    let mut h = history();
    h.truncate(4);
    h.push(env(
        5,
        300_000,
        tcp(4, AB, "PSH, ACK", 3, vec![span(0, 3, 1)], Fate::Held),
    ));
    h.push(env(
        6,
        900_000,
        Event::PacketFate {
            no: 4,
            fate: Fate::Delivered,
        },
    ));
    let mut live = LiveCable::default();
    live.sync(&h[..5], 1);
    assert_eq!(live.waiting, [4]);
    assert_eq!(live.waiting_packets().next().unwrap().label, "PSH, ACK 3 B");
    live.sync(&h, 1);
    assert!(live.waiting.is_empty());
    // Before the step: waiting.
    let before = layout(live.visible(0, 5, 100), 5, Lang::En);
    let held = before.arrows.last().unwrap();
    assert_eq!(held.end, End::Waiting);
    assert_eq!(held.fate, "held");
    let (stop, bottom) = held.wait.unwrap();
    assert!(bottom > stop);
    // After it: delivered, below its release.
    let after = layout(live.visible(0, 6, 100), 6, Lang::En);
    let done = after.arrows.last().unwrap();
    assert_eq!(done.end, End::Arrives);
    assert_eq!(done.fate, "delivered");
    let (stop, released) = done.wait.unwrap();
    assert!(released > stop && done.y_end > released);
    assert!(done.fate_words.contains("held"));
}

#[test]
fn a_dropped_packet_ends_mid_cable() {
    let h = vec![
        env(1, 0, hello()),
        env(
            2,
            10,
            tcp(
                1,
                AB,
                "SYN",
                0,
                vec![],
                Fate::Dropped {
                    reason: DropReason::DropNext,
                },
            ),
        ),
    ];
    let mut live = LiveCable::default();
    live.sync(&h, 1);
    let l = layout(live.visible(0, 2, 100), 2, Lang::En);
    assert_eq!(l.arrows[0].end, End::Dropped);
    assert!(l.arrows[0].fate_words.contains("drop next"));
}

#[test]
fn summaries_udp_wire_state_and_errors() {
    let wire = WireStatus {
        up: true,
        hosts: vec![],
        a_to_b: Default::default(),
        b_to_a: Default::default(),
        held: true,
        waiting: 2,
        packets: 9,
        exec: None,
    };
    let h = vec![
        env(1, 0, hello()),
        env(
            2,
            5,
            Event::Error {
                code: ErrorCode::WireUnavailable,
                message: "no user namespaces".into(),
                hint: Some("sysctl …".into()),
                socket: None,
                errno: None,
            },
        ),
        env(
            3,
            10,
            Event::Packet {
                packet: Box::new(PacketInfo {
                    no: 1,
                    direction: BA,
                    ip: IpHeader {
                        version: 4,
                        len: 33,
                        ttl: 64,
                        df: true,
                        src: "198.18.0.2".into(),
                        dst: "198.18.0.1".into(),
                    },
                    transport: Transport::Udp(UdpDatagram {
                        src_port: 5000,
                        dst_port: 6000,
                        payload_len: 5,
                    }),
                    spans: vec![],
                    fate: Fate::Duplicated,
                }),
            },
        ),
        env(
            4,
            2_000_000,
            Event::PacketSummary {
                direction: AB,
                packets: 1200,
                bytes: 1_700_000,
                dropped: 3,
                last_no: 1201,
            },
        ),
    ];
    let mut live = LiveCable::default();
    live.sync(&h[..2], 1);
    assert!(live.unavailable.is_some());
    assert!(!live.in_use());
    live.sync(&h, 1);
    let l = layout(live.visible(0, 4, 100), 4, Lang::En);
    assert_eq!(l.arrows[0].label, "UDP 5 B");
    assert!(l.arrows[0].duplicated);
    assert_eq!(l.bands[0].label, "1200 packets, 1.7 MB (3 dropped)");
    // Two seconds of nothing: folded, and said.
    assert_eq!(l.pauses.len(), 1);
    assert_eq!(l.pauses[0].label, "2.0 s later");
    let mut h = h;
    h.push(env(5, 2_000_010, Event::WireState { wire }));
    live.sync(&h, 1);
    assert!(live.unavailable.is_none());
    assert_eq!(live.wire.as_ref().unwrap().1.waiting, 2);
}
