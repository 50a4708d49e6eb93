//! How long the page's pure models take on a long session, natively (`cargo bench -p
//! socklab-frontend`). The page recomputes the timeline, the Python program and the state at
//! the cursor from the whole history when events arrive, so these numbers bound how long a
//! batch of events can keep the page busy. WASM runs the same code a few times slower.
//!
//! The history is synthetic but shaped like a class: one listener, then connections that each
//! exchange twenty small sends and recvs (with snapshots after every call, as the server sends
//! them).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use socklab_frontend::model::decoder_view::decode_received;
use socklab_frontend::model::lab_state::LabState;
use socklab_frontend::model::timeline::Timeline;
use socklab_python::PythonCode;
use socklab_shared::Payload;
use socklab_shared::framing::Framing;
use socklab_shared::protocol::SentCommands as Commands;
use socklab_shared::protocol::{
    BufferSnapshot, Envelope, Event, SendSpan, Sequencer, SocketId, SocketKind,
};

/// A session of `connections` connections, twenty exchanges each.
fn session(connections: u32) -> Vec<Envelope> {
    let mut seq = Sequencer::default();
    let mut history = Vec::new();
    let mut req = 0;
    let mut step = |history: &mut Vec<Envelope>, event: Event, socket: SocketId| {
        req += 1;
        history.push(seq.stamp(req * 100, Some(req), event));
        let snapshot = BufferSnapshot::empty(socket, SocketKind::TcpStream);
        history.push(seq.stamp(
            req * 100 + 50,
            Some(req),
            Event::Buffers {
                sockets: vec![snapshot],
            },
        ));
    };
    let opened =
        |socket, local: String, peer: Option<String>, listener, peer_socket| Event::SocketOpened {
            socket,
            kind: if peer.is_some() {
                SocketKind::TcpStream
            } else {
                SocketKind::TcpListener
            },
            local,
            peer,
            listener,
            peer_socket,
        };
    let server = SocketId(1);
    step(
        &mut history,
        opened(server, "127.0.0.1:9000".into(), None, None, None),
        server,
    );
    for c in 0..connections {
        let (client, conn) = (SocketId(2 + 2 * c), SocketId(3 + 2 * c));
        let port = format!("127.0.0.1:{}", 40_000 + c);
        let event = opened(
            client,
            port.clone(),
            Some("127.0.0.1:9000".into()),
            None,
            None,
        );
        step(&mut history, event, client);
        let event = opened(
            conn,
            "127.0.0.1:9000".into(),
            Some(port),
            Some(server),
            Some(client),
        );
        step(&mut history, event, conn);
        for n in 1..=20u32 {
            let offset = u64::from(n - 1) * 5;
            let sent = Event::Sent {
                socket: client,
                send_no: n,
                requested: 5,
                accepted: 5,
                header_len: 0,
                trailer_len: 0,
                stream_offset: offset,
                all: false,
            };
            step(&mut history, sent, client);
            let span = SendSpan {
                start: 0,
                len: 5,
                from: Some(client),
                send_no: Some(n),
                offset_in_send: 0,
                send_len: 5,
                header_bytes: 0,
                trailer_bytes: 0,
            };
            let received = Event::Received {
                socket: conn,
                data: Payload::from("hello"),
                bufsize: 1024,
                eof: false,
                spans: vec![span],
                stream_offset: offset,
                summary: "1 send → 1 recv".into(),
                auto: false,
            };
            step(&mut history, received, conn);
        }
    }
    history
}

/// The median of five runs of `f`.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn main() {
    println!("events  timeline  python    replay    decoder   (median of 5, native)");
    for connections in [10, 50, 200] {
        let h = session(connections);
        let timeline = median(|| drop(Timeline::build(&h)));
        let python = median(|| {
            let code = PythonCode::with_commands(&h, &Commands::new(), &HashMap::new());
            drop(code.text(None));
        });
        let replay = median(|| drop(LabState::replay(&h, h.len())));
        let last = SocketId(1 + 2 * connections);
        let decoder = median(|| drop(decode_received(&h, last, &Framing::Raw)));
        println!(
            "{:>6}  {:>8.2?}  {:>8.2?}  {:>8.2?}  {:>8.2?}",
            h.len(),
            timeline,
            python,
            replay,
            decoder
        );
    }
}
