//! Tests of the Python generator, on histories written by hand: the builders for those
//! histories are here, the tests by topic in `tests/`.
//!
//! # Layout
//! - `program`: whole programs, names, steps, and the order of calls.
//! - `sends`: a send's bytes (length prefix, JSON header, JSON text, exact commands).
//! - `udp`: `sendto`, `recvfrom` and truncated datagrams.
//! - `calls`: partial sends, options, shutdown, names and close.
//! - `errors`: failed calls in `try`/`except`.
//! - `auto`: automatic behaviours, threads and HMAC answers.
//! - `files`: file uploads (the chunk loop) and the file receiver's verdicts.
//! - `names`: Python literals and identifiers.
//! - `unix`: AF_UNIX sockets and their paths.

use std::collections::HashMap;

use socklab_shared::Payload;
use socklab_shared::protocol::{
    BufferSnapshot, Envelope, Errno, ErrorCode, Event, SendSpan, SentCommands, Sequencer,
    SockOption, SocketId, SocketKind,
};

use super::*;

mod auto;
mod calls;
mod errors;
mod files;
mod names;
mod program;
mod sends;
mod udp;
mod unix;

/// A history written by hand: each event with the request number of its command.
#[derive(Default)]
struct H {
    seq: Sequencer,
    envs: Vec<Envelope>,
}

impl H {
    fn ev(&mut self, req: Option<u64>, event: Event) -> &mut Self {
        let env = self.seq.stamp(0, req, event);
        self.envs.push(env);
        self
    }

    /// A command's result followed by the snapshot that ends every socket command.
    fn step(&mut self, req: u64, event: Event) -> &mut Self {
        self.ev(Some(req), event).ev(Some(req), buffers(vec![]))
    }
}

fn id(n: u32) -> SocketId {
    SocketId(n)
}

fn buffers(sockets: Vec<BufferSnapshot>) -> Event {
    Event::Buffers { sockets }
}

fn listener(n: u32, port: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpListener,
        local: format!("127.0.0.1:{port}"),
        peer: None,
        listener: None,
        peer_socket: None,
    }
}

fn connected(n: u32, port: u16, peer: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpStream,
        local: format!("127.0.0.1:{port}"),
        peer: Some(format!("127.0.0.1:{peer}")),
        listener: None,
        peer_socket: None,
    }
}

fn accepted(n: u32, l: u32, port: u16, peer: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::TcpStream,
        local: format!("127.0.0.1:{port}"),
        peer: Some(format!("127.0.0.1:{peer}")),
        listener: Some(id(l)),
        peer_socket: None,
    }
}

fn udp(n: u32, port: u16) -> Event {
    Event::SocketOpened {
        socket: id(n),
        kind: SocketKind::Udp,
        local: format!("127.0.0.1:{port}"),
        peer: None,
        listener: None,
        peer_socket: None,
    }
}

fn sent(n: u32, send_no: u32, len: u64, header: u32, offset: u64) -> Event {
    Event::Sent {
        socket: id(n),
        send_no,
        requested: len,
        accepted: len,
        header_len: header,
        trailer_len: 0,
        stream_offset: offset,
        all: false,
    }
}

/// A span of `len` bytes at `start` of some data, from send `send_no` of socket `from`.
fn span(start: u64, len: u64, from: u32, send_no: u32, send_len: u64, header: u64) -> SendSpan {
    SendSpan {
        start,
        len,
        from: Some(id(from)),
        send_no: Some(send_no),
        offset_in_send: 0,
        send_len,
        header_bytes: header,
        trailer_bytes: 0,
    }
}

fn received(n: u32, data: &[u8], bufsize: u32, spans: Vec<SendSpan>) -> Event {
    Event::Received {
        socket: id(n),
        data: Payload::from(data),
        bufsize,
        eof: data.is_empty(),
        spans,
        stream_offset: 0,
        summary: String::new(),
        auto: false,
    }
}

fn stream_snapshot(n: u32, peek: &[u8], spans: Vec<SendSpan>) -> BufferSnapshot {
    BufferSnapshot {
        socket: id(n),
        kind: SocketKind::TcpStream,
        tcp_state: None,
        recv_queued: peek.len() as u64,
        recv_peek: Payload::from(peek),
        recv_spans: spans,
        recv_offset: 0,
        send_queued: 0,
        next_datagram: None,
        tcp_info: None,
        accept_queue: None,
    }
}

fn error(code: ErrorCode, message: &str, socket: Option<u32>, errno: Option<(&str, i32)>) -> Event {
    Event::Error {
        code,
        message: message.to_owned(),
        hint: None,
        socket: socket.map(id),
        errno: errno.map(|(name, number)| Errno {
            name: name.to_owned(),
            number,
        }),
    }
}

fn lesson_names() -> SocketNames {
    HashMap::from([
        (id(1), "server".to_owned()),
        (id(2), "client".to_owned()),
        (id(3), "conn".to_owned()),
    ])
}

/// server #1 on 40001, client #2 (local port 50000) connected, conn #3 accepted.
fn connection(h: &mut H) {
    h.ev(
        None,
        Event::Hello {
            protocol_version: 1,
            server_version: "test".into(),
            limits: socklab_shared::protocol::Limits {
                max_sockets: 64,
                max_send_bytes: 1 << 20,
                max_message_bytes: 1 << 20,
                peek_bytes: 4096,
                max_bulk_bytes: 1 << 30,
                max_wait_ms: 10_000,
                loopback_only: true,
                allowed_ports: Default::default(),
                privileged_ports: false,
                idle_timeout_ms: 0,
            },
        },
    );
    h.step(1, listener(1, 40001))
        .step(2, connected(2, 50000, 40001))
        .step(3, accepted(3, 1, 40001, 50000));
}

/// Experiment 9: two sends, one recv that returns both.
fn sticky() -> Vec<Envelope> {
    let mut h = H::default();
    connection(&mut h);
    h.step(
        4,
        Event::OptionSet {
            socket: id(2),
            option: SockOption::Nodelay(true),
            effective: SockOption::Nodelay(true),
        },
    );
    h.ev(Some(5), sent(2, 1, 5, 0, 0)).ev(
        Some(5),
        buffers(vec![stream_snapshot(
            3,
            b"hello",
            vec![span(0, 5, 2, 1, 5, 0)],
        )]),
    );
    h.ev(Some(6), sent(2, 2, 5, 0, 5)).ev(
        Some(6),
        buffers(vec![stream_snapshot(
            3,
            b"helloworld",
            vec![span(0, 5, 2, 1, 5, 0), span(5, 5, 2, 2, 5, 0)],
        )]),
    );
    h.step(
        7,
        received(
            3,
            b"helloworld",
            12,
            vec![span(0, 5, 2, 1, 5, 0), span(5, 5, 2, 2, 5, 0)],
        ),
    );
    h.envs
}
