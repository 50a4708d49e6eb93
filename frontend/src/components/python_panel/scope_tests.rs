//! The scope's events: a lesson's program stands alone, numbered in the whole history.

use super::*;
use socklab_shared::Payload;
use socklab_shared::protocol::{Sequencer, SocketKind};

fn opened(id: u32, kind: SocketKind, local: &str, peer: Option<&str>) -> Event {
    Event::SocketOpened {
        socket: SocketId(id),
        kind,
        local: local.into(),
        peer: peer.map(Into::into),
        listener: None,
        peer_socket: None,
    }
}

fn sent(id: u32, send_no: u32, len: u64) -> Event {
    Event::Sent {
        socket: SocketId(id),
        send_no,
        requested: len,
        accepted: len,
        header_len: 0,
        trailer_len: 0,
        stream_offset: 0,
        all: false,
    }
}

/// Two lessons: the first sends b'hello' from #2, the second starts by closing the first
/// one's sockets (the clean slate), an auto-recv of an old socket reports the end, then
/// it opens #4 and sends b'bye'.
fn two_lessons() -> (Vec<Envelope>, usize) {
    let mut seq = Sequencer::default();
    let mut h = vec![seq.stamp(0, None, crate::test_support::hello())];
    let mut push = |h: &mut Vec<Envelope>, req: Option<u64>, e: Event| {
        let t = h.len() as u64 * 10;
        h.push(seq.stamp(t, req, e));
    };
    push(
        &mut h,
        Some(1),
        opened(1, SocketKind::TcpListener, "127.0.0.1:9000", None),
    );
    let client = opened(
        2,
        SocketKind::TcpStream,
        "127.0.0.1:5000",
        Some("127.0.0.1:9000"),
    );
    push(&mut h, Some(2), client);
    push(&mut h, Some(3), sent(2, 1, 5));
    let start = h.len();
    push(
        &mut h,
        Some(4),
        Event::Closed {
            socket: SocketId(1),
        },
    );
    push(
        &mut h,
        Some(5),
        Event::Closed {
            socket: SocketId(2),
        },
    );
    let eof = Event::Received {
        socket: SocketId(3),
        data: Payload::default(),
        bufsize: 1024,
        eof: true,
        spans: vec![],
        stream_offset: 5,
        summary: "b''".into(),
        auto: true,
    };
    push(&mut h, None, eof);
    push(
        &mut h,
        Some(6),
        opened(4, SocketKind::Udp, "127.0.0.1:9100", None),
    );
    let to = Event::SentTo {
        socket: SocketId(4),
        send_no: 1,
        to: "127.0.0.1:9100".into(),
        bytes: 3,
    };
    push(&mut h, Some(7), to);
    (h, start)
}

#[test]
fn the_scope_keeps_its_own_sockets_events_and_their_places_whatever_the_batches() {
    let (h, start) = two_lessons();
    let basis = Basis {
        session: 1,
        start,
        ..Basis::default()
    };
    let mut whole = ScopeEvents::default();
    assert!(whole.sync(&h, basis));
    assert_eq!(
        whole.index,
        [start + 3, start + 4],
        "the new socket's events only"
    );
    for size in 1..=h.len() {
        let mut fed = ScopeEvents::default();
        let mut len = 0;
        while len < h.len() {
            len = (len + size).min(h.len());
            fed.sync(&h[..len], basis);
        }
        assert_eq!(fed, whole, "batches of {size}");
    }
    // From the start of the session: everything, as before.
    let mut all = ScopeEvents::default();
    all.sync(
        &h,
        Basis {
            session: 1,
            start: 0,
            ..Basis::default()
        },
    );
    assert_eq!(all.events, h);
    // A new session (shorter history) starts over.
    let mut again = whole.clone();
    again.sync(
        &h[..2],
        Basis {
            session: 2,
            start: 0,
            ..Basis::default()
        },
    );
    assert_eq!(again.events, h[..2]);
}

#[test]
fn the_lessons_program_is_its_own_and_numbers_lines_in_the_whole_history() {
    let (h, start) = two_lessons();
    let mut scope = ScopeEvents::default();
    scope.sync(
        &h,
        Basis {
            session: 1,
            start,
            ..Basis::default()
        },
    );
    let code = PythonCode::new(&scope.events, &socklab_python::SocketNames::default());
    let lines = scope.lines(&code, h.len());
    let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    assert!(!text.contains(".close()"), "no clean slate:\n{text}");
    assert!(!text.contains("5000"), "no earlier socket:\n{text}");
    assert!(text.contains("sendto("), "{text}");
    let events: Vec<usize> = lines.iter().filter_map(|l| l.event).collect();
    assert!(events.iter().all(|e| *e >= start + 3), "{events:?}");
    // Up to the cursor: before the lesson's first socket, nothing.
    assert!(scope.lines(&code, start + 2).is_empty());
}
