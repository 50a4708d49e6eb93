//! The live diagram and stops, fed the history in batches, equal the full builds: for every
//! batch size, every place the shown part starts, a new session (a shorter history) and a
//! scope that moves on (a new lesson).

use super::*;

/// A lecture's worth of calls: the sticky demo, auto-recv events (no request number), an
/// error, a step whose snapshot never comes, UDP, a close read as EOF, then a second "lesson"
/// that closes the first one's sockets and opens its own.
fn lecture() -> Vec<Envelope> {
    let mut h = connection();
    h.extend([
        (Some(4), sent(2, 1, 5, 0)),
        (Some(4), buffers()),
        (Some(5), sent(2, 2, 5, 5)),
        (Some(5), buffers()),
        (
            Some(6),
            received(
                3,
                "helloworld",
                12,
                vec![span(0, 5, 2, 1, 0, 5), span(5, 5, 2, 2, 0, 5)],
                "2 sends → 1 recv",
            ),
        ),
        (Some(6), buffers()),
        (Some(7), sent(2, 3, 8, 10)),
        (Some(7), buffers()),
        // Auto-recv: events without a request number, then their snapshot.
        (
            None,
            received(
                3,
                "abcd",
                4,
                vec![span(0, 4, 2, 3, 0, 8)],
                "part of send #3",
            ),
        ),
        (
            None,
            received(
                3,
                "efgh",
                4,
                vec![span(0, 4, 2, 3, 4, 8)],
                "rest of send #3",
            ),
        ),
        (None, buffers()),
        (
            Some(8),
            crate::test_support::error(ErrorCode::WouldBlock, "recv(1024) would block"),
        ),
        // A malformed request's error: no snapshot ever comes.
        (
            None,
            crate::test_support::error(ErrorCode::BadMessage, "not JSON"),
        ),
        (
            Some(9),
            opened(4, SocketKind::Udp, "127.0.0.1:9100", None, None),
        ),
        (Some(9), buffers()),
        (
            Some(10),
            Event::SentTo {
                socket: SocketId(4),
                send_no: 1,
                to: "127.0.0.1:9100".into(),
                bytes: 3,
            },
        ),
        (Some(10), buffers()),
        (
            Some(11),
            Event::Closed {
                socket: SocketId(2),
            },
        ),
        (Some(11), buffers()),
        (Some(12), received(3, "", 1024, vec![], "b''")),
        (Some(12), buffers()),
        // The next lesson: a clean slate, then its own sockets.
        (
            Some(13),
            Event::Closed {
                socket: SocketId(1),
            },
        ),
        (Some(13), buffers()),
        (
            Some(14),
            Event::Closed {
                socket: SocketId(3),
            },
        ),
        (Some(14), buffers()),
        (
            Some(15),
            opened(5, SocketKind::TcpListener, "127.0.0.1:9000", None, None),
        ),
        (Some(15), buffers()),
        (
            Some(16),
            opened(
                6,
                SocketKind::TcpStream,
                "127.0.0.1:50001",
                Some("127.0.0.1:9000"),
                None,
            ),
        ),
        (Some(16), buffers()),
        (
            Some(17),
            opened(
                7,
                SocketKind::TcpStream,
                "127.0.0.1:9000",
                Some("127.0.0.1:50001"),
                Some(5),
            ),
        ),
        (Some(17), buffers()),
        (Some(18), sent(6, 1, 5, 0)),
        (Some(18), buffers()),
        (
            Some(19),
            received(
                7,
                "hello",
                1024,
                vec![span(0, 5, 6, 1, 0, 5)],
                "1 send → 1 recv",
            ),
        ),
        (Some(19), buffers()),
        (Some(20), sent(6, 2, 5, 5)),
    ]);
    history(h)
}

/// The history handed over in batches of `size` events, synced after each.
fn fed(h: &[Envelope], basis: Basis, size: usize) -> (LiveTimeline, LiveSteps) {
    let (mut tl, mut steps) = (LiveTimeline::default(), LiveSteps::default());
    let mut len = 0;
    while len < h.len() {
        len = (len + size).min(h.len());
        tl.sync(&h[..len], basis);
        steps.sync(&h[..len], basis);
        assert_eq!(*tl, Timeline::build_from(&h[..len], basis.start.min(len)));
    }
    (tl, steps)
}

fn full_stops(h: &[Envelope], start: usize) -> Vec<usize> {
    step_positions(h)
        .into_iter()
        .filter(|s| *s > start)
        .collect()
}

#[test]
fn fed_in_batches_the_live_diagram_and_stops_are_the_full_builds() {
    for h in [sticky(), lecture()] {
        for start in 0..=h.len() {
            let basis = Basis {
                session: 1,
                start,
                ..Basis::default()
            };
            for size in [1, 2, 3, 5, 8, h.len()] {
                let (tl, steps) = fed(&h, basis, size);
                assert_eq!(
                    *tl,
                    Timeline::build_from(&h, start),
                    "start {start}, batches of {size}"
                );
                assert_eq!(
                    steps.stops(),
                    full_stops(&h, start),
                    "start {start}, batches of {size}"
                );
            }
        }
    }
}

#[test]
fn a_new_session_or_a_new_scope_builds_again() {
    let h = lecture();
    let mut tl = LiveTimeline::default();
    let mut steps = LiveSteps::default();
    let first = Basis {
        session: 1,
        start: 0,
        ..Basis::default()
    };
    assert!(tl.sync(&h, first));
    assert!(steps.sync(&h, first));
    assert!(!tl.sync(&h, first), "nothing new");
    assert!(!steps.sync(&h, first), "nothing new");
    // A new lesson starts at the clean slate's first close.
    let lesson = h
        .iter()
        .position(|e| e.req == Some(13))
        .expect("the second lesson");
    let second = Basis {
        session: 1,
        start: lesson,
        ..Basis::default()
    };
    tl.sync(&h, second);
    steps.sync(&h, second);
    assert_eq!(*tl, Timeline::build_from(&h, lesson));
    assert_eq!(steps.stops(), full_stops(&h, lesson));
    assert_eq!(tl.lanes.len(), 3, "only the second lesson's sockets");
    // A new session: a shorter history with the same basis, or a new session count.
    let again = sticky();
    tl.sync(&again[..3], second);
    steps.sync(&again[..3], second);
    assert_eq!(*tl, Timeline::build_from(&again[..3], lesson.min(3)));
    assert_eq!(steps.stops(), full_stops(&again[..3], lesson));
    let next = Basis {
        session: 2,
        start: 0,
        ..Basis::default()
    };
    tl.sync(&again, next);
    steps.sync(&again, next);
    assert_eq!(*tl, Timeline::build(&again));
    assert_eq!(steps.stops(), step_positions(&again));
}

#[test]
fn a_long_history_fed_a_step_at_a_time_is_the_full_build() {
    let mut h = connection();
    for n in 1..=2_000u32 {
        let req = Some(u64::from(n) + 3);
        h.push((req, sent(2, n, 5, u64::from(n - 1) * 5)));
        h.push((req, buffers()));
        let recv = received(
            3,
            "hello",
            1024,
            vec![span(0, 5, 2, n, 0, 5)],
            "1 send → 1 recv",
        );
        h.push((None, recv));
        h.push((None, buffers()));
    }
    let h = history(h);
    let basis = Basis {
        session: 1,
        start: 0,
        ..Basis::default()
    };
    let (tl, steps) = (
        {
            let mut tl = LiveTimeline::default();
            for len in (2..=h.len()).step_by(2) {
                tl.sync(&h[..len], basis);
            }
            tl
        },
        {
            let mut s = LiveSteps::default();
            for len in 1..=h.len() {
                s.sync(&h[..len], basis);
            }
            s
        },
    );
    assert_eq!(*tl, Timeline::build(&h));
    assert_eq!(tl.arrows.len(), 2_001, "connect + one arrow per send");
    assert_eq!(steps.stops(), step_positions(&h));
}

#[test]
fn a_throttled_view_updates_at_once_then_at_most_every_interval() {
    let mut t = Throttle::new(250.0);
    assert_eq!(t.asked(1000.0), Some(0), "the first change: now");
    assert_eq!(
        t.asked(1100.0),
        Some(150),
        "soon after: at the interval's end"
    );
    assert_eq!(t.asked(1200.0), None, "already scheduled");
    t.made(1250.0);
    assert_eq!(t.asked(1600.0), Some(0), "long after: now");
}

#[test]
fn only_auto_events_and_file_chunks_are_a_stream() {
    use socklab_shared::protocol::{Command, SentCommands};
    let h = sticky();
    let mut sent = SentCommands::new();
    let chunk = Command::SendFileChunk {
        socket: SocketId(2),
        data: Payload::default(),
        name: "f".into(),
        offset: 0,
        total: 5,
        timeout_ms: None,
    };
    sent.insert(4, chunk);
    sent.insert(5, Command::Snapshot);
    let of = |req: Option<u64>| -> Vec<Envelope> {
        h.iter().filter(|e| e.req == req).cloned().collect()
    };
    assert!(streaming(&of(None), &sent), "auto events (and the hello)");
    assert!(streaming(&of(Some(4)), &sent), "a file chunk's answer");
    assert!(!streaming(&of(Some(5)), &sent), "another command's answer");
    assert!(
        !streaming(&of(Some(6)), &sent),
        "a command this page didn't record"
    );
}
