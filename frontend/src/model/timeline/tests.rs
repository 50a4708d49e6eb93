//! Unit tests of the timeline model, and the history fixtures they share.
//!
//! The fixtures build small, realistic histories (hello, then each call with its `buffers`
//! snapshot): [`connection`] is listen → connect → accept, [`sticky`] adds two sends read by
//! one recv. The tests are split by topic: `diagram.rs` (lanes, rows, arrows, labels) and
//! `steps.rs` (stops, cursor moves, windowing, a long history).

use super::labels::option_label;
use super::*;
use socklab_shared::Payload;
use socklab_shared::protocol::{
    BufferSnapshot, Envelope, ErrorCode, SendSpan, Sequencer, SockOption, SocketKind,
};

mod diagram;
mod live;
mod steps;

/// A history: each item is (req, event).
fn history(events: Vec<(Option<u64>, Event)>) -> Vec<Envelope> {
    let mut seq = Sequencer::default();
    events
        .into_iter()
        .enumerate()
        .map(|(i, (req, e))| seq.stamp(i as u64 * 1000, req, e))
        .collect()
}

use crate::test_support::hello;

fn buffers() -> Event {
    Event::Buffers {
        sockets: vec![BufferSnapshot {
            socket: SocketId(1),
            kind: SocketKind::TcpStream,
            tcp_state: None,
            recv_queued: 0,
            recv_peek: Payload::default(),
            recv_spans: vec![],
            recv_offset: 0,
            send_queued: 0,
            next_datagram: None,
            tcp_info: None,
            accept_queue: None,
        }],
    }
}

fn opened(
    id: u32,
    kind: SocketKind,
    local: &str,
    peer: Option<&str>,
    listener: Option<u32>,
) -> Event {
    Event::SocketOpened {
        socket: SocketId(id),
        kind,
        local: local.into(),
        peer: peer.map(Into::into),
        listener: listener.map(SocketId),
        peer_socket: None,
    }
}

fn sent(id: u32, send_no: u32, len: u64, offset: u64) -> Event {
    Event::Sent {
        socket: SocketId(id),
        send_no,
        requested: len,
        accepted: len,
        header_len: 0,
        trailer_len: 0,
        stream_offset: offset,
        all: false,
    }
}

fn span(
    start: u64,
    len: u64,
    from: u32,
    send_no: u32,
    offset_in_send: u64,
    send_len: u64,
) -> SendSpan {
    SendSpan {
        start,
        len,
        from: Some(SocketId(from)),
        send_no: Some(send_no),
        offset_in_send,
        send_len,
        header_bytes: 0,
        trailer_bytes: 0,
    }
}

fn received(id: u32, data: &str, bufsize: u32, spans: Vec<SendSpan>, summary: &str) -> Event {
    Event::Received {
        socket: SocketId(id),
        data: Payload(data.as_bytes().to_vec()),
        bufsize,
        eof: data.is_empty(),
        spans,
        stream_offset: 0,
        summary: summary.into(),
        auto: false,
    }
}

/// listen (#1), connect (#2), accept (#3): each with its snapshot.
fn connection() -> Vec<(Option<u64>, Event)> {
    vec![
        (None, hello()),
        (
            Some(1),
            opened(1, SocketKind::TcpListener, "127.0.0.1:9000", None, None),
        ),
        (Some(1), buffers()),
        (
            Some(2),
            opened(
                2,
                SocketKind::TcpStream,
                "127.0.0.1:50000",
                Some("127.0.0.1:9000"),
                None,
            ),
        ),
        (Some(2), buffers()),
        (
            Some(3),
            opened(
                3,
                SocketKind::TcpStream,
                "127.0.0.1:9000",
                Some("127.0.0.1:50000"),
                Some(1),
            ),
        ),
        (Some(3), buffers()),
    ]
}

fn sticky() -> Vec<Envelope> {
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
    ]);
    history(h)
}

fn labels(tl: &Timeline) -> Vec<&str> {
    tl.rows.iter().map(|r| r.kind.label()).collect()
}
