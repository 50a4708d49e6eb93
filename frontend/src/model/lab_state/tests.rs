//! Unit tests of the lab state: sockets coming and going, replays, errors and peers.

use super::*;
use socklab_shared::Payload;
use socklab_shared::protocol::Sequencer;

fn history(events: Vec<Event>) -> Vec<Envelope> {
    let mut seq = Sequencer::default();
    events.into_iter().map(|e| seq.stamp(0, None, e)).collect()
}

fn opened(id: u32) -> Event {
    Event::SocketOpened {
        socket: SocketId(id),
        kind: SocketKind::TcpStream,
        local: format!("127.0.0.1:{}", 5000 + id),
        peer: None,
        listener: None,
        peer_socket: None,
    }
}

fn buffers(id: u32, queued: &str) -> Event {
    Event::Buffers {
        sockets: vec![BufferSnapshot {
            socket: SocketId(id),
            kind: SocketKind::TcpStream,
            tcp_state: None,
            recv_queued: queued.len() as u64,
            recv_peek: Payload::from(queued),
            recv_spans: vec![],
            recv_offset: 0,
            send_queued: 0,
            next_datagram: None,
            tcp_info: None,
            accept_queue: None,
        }],
    }
}

#[test]
fn auto_totals_add_detailed_and_summarised_recvs() {
    let received = |n: usize, auto| Event::Received {
        socket: SocketId(2),
        data: Payload(vec![0; n]),
        bufsize: 65536,
        eof: n == 0,
        spans: vec![],
        stream_offset: 0,
        summary: String::new(),
        auto,
    };
    let h = history(vec![
        received(100, true),
        received(7, false),
        Event::AutoSummary {
            socket: SocketId(2),
            recvs: 10,
            bytes: 1000,
            stream_offset: 1100,
            echoed: 0,
            eof: false,
            folded: 0,
        },
        Event::AutoSummary {
            socket: SocketId(3),
            recvs: 1,
            bytes: 1,
            stream_offset: 1,
            echoed: 0,
            eof: false,
            folded: 0,
        },
        received(0, true),
    ]);
    assert_eq!(
        auto_totals(&h, SocketId(2)),
        AutoTotals {
            recvs: 12,
            bytes: 1100,
            eof: true
        }
    );
}

#[test]
fn the_peer_of_a_connection_is_the_socket_at_its_other_end() {
    let end = |id: u32, local: &str, peer: &str| Event::SocketOpened {
        socket: SocketId(id),
        kind: SocketKind::TcpStream,
        local: local.into(),
        peer: Some(peer.into()),
        listener: None,
        peer_socket: None,
    };
    let h = history(vec![
        opened(1),
        end(2, "127.0.0.1:40000", "127.0.0.1:9000"),
        end(3, "127.0.0.1:9000", "127.0.0.1:40000"),
    ]);
    let s = LabState::replay(&h, h.len());
    assert_eq!(s.peer_of(SocketId(2)), Some(SocketId(3)));
    assert_eq!(s.peer_of(SocketId(3)), Some(SocketId(2)));
    assert_eq!(s.peer_of(SocketId(1)), None);
}

#[test]
fn sockets_come_and_go() {
    let h = history(vec![
        opened(1),
        opened(2),
        Event::Closed {
            socket: SocketId(1),
        },
    ]);
    let s = LabState::replay(&h, h.len());
    assert_eq!(s.sockets.keys().copied().collect::<Vec<_>>(), [SocketId(2)]);
}

#[test]
fn replaying_to_an_earlier_step_restores_the_earlier_buffer_picture() {
    let h = history(vec![
        opened(1),
        buffers(1, "helloworld"),
        buffers(1, "lloworld"),
    ]);
    let peek = |n| {
        LabState::replay(&h, n).sockets[&SocketId(1)]
            .snapshot
            .as_ref()
            .map(|s| s.recv_peek.as_bytes().to_vec())
    };
    assert_eq!(peek(3).unwrap(), b"lloworld");
    assert_eq!(peek(2).unwrap(), b"helloworld");
    assert_eq!(peek(1), None);
}

#[test]
fn an_error_without_a_socket_stays_until_a_later_command_works() {
    let mut seq = Sequencer::default();
    let bind_failed = Event::Error {
        code: socklab_shared::protocol::ErrorCode::Os,
        message: "bind failed: EADDRINUSE".into(),
        hint: None,
        socket: None,
        errno: None,
    };
    let h = vec![
        seq.stamp(0, Some(7), bind_failed),
        seq.stamp(0, Some(7), buffers(1, "")),
        seq.stamp(0, None, opened(3)),
        seq.stamp(0, Some(8), buffers(1, "")),
        seq.stamp(0, Some(8), opened(2)),
    ];
    for n in 1..=4 {
        let s = LabState::replay(&h, n);
        assert_eq!(
            s.error().map(|e| e.message.as_str()),
            Some("bind failed: EADDRINUSE"),
            "after {n} events: snapshots and automatic events keep it"
        );
    }
    assert_eq!(LabState::replay(&h, 5).error(), None, "request 8 worked");
}

#[test]
fn errors_land_on_their_socket() {
    let h = history(vec![
        opened(1),
        Event::Error {
            code: socklab_shared::protocol::ErrorCode::WouldBlock,
            message: "recv(1024) failed".into(),
            hint: Some("nothing to read".into()),
            socket: Some(SocketId(1)),
            errno: None,
        },
    ]);
    let s = LabState::replay(&h, 2);
    assert_eq!(
        s.sockets[&SocketId(1)].error.as_ref().unwrap().0,
        "recv(1024): nothing to read yet, so it returned at once (EAGAIN)"
    );
    assert!(s.error().is_none());
}
