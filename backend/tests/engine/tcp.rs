//! The socket engine's TCP acceptance tests, through the real /ws endpoint and real sockets.

use crate::support::{
    WsClient, b64, connect_and_accept, lab, opened, port_of, snapshot_of, tcp_listen,
};
use serde_json::json;
use socklab_shared::framing::{FrameDecoder, Framing, LengthPrefix};
use socklab_shared::protocol::{ErrorCode, Event, SocketId, TcpState};

/// A listener, a client connected to it and the accepted server side: (client, server).
/// The client has TCP_NODELAY so every send leaves at once: what the receive buffer shows
/// right after a send is then the kernel's doing, not Nagle's timer.
async fn pair(ws: &mut WsClient) -> (SocketId, SocketId) {
    let (client, accepted) = connect_and_accept(ws).await;
    // The engine pairs the two ends, so the page never has to guess.
    assert!(
        matches!(accepted, Event::SocketOpened { peer_socket: Some(c), .. } if c == client),
        "{accepted:?}"
    );
    let server = opened(&accepted);
    ws.ok(json!({"cmd": "set_option", "socket": client, "option": {"name": "nodelay", "value": true}}))
        .await;
    (client, server)
}

/// `socket`'s getsockname and getpeername: (local, peer).
async fn names(ws: &mut WsClient, socket: SocketId) -> (String, Option<String>) {
    match ws.ok(json!({"cmd": "get_names", "socket": socket})).await {
        Event::Names { local, peer, .. } => (local, peer),
        other => panic!("expected names, got {other:?}"),
    }
}

fn received(event: &Event) -> (&[u8], &str, usize) {
    match event {
        Event::Received {
            data,
            summary,
            spans,
            ..
        } => (data.as_bytes(), summary.as_str(), spans.len()),
        other => panic!("expected received, got {other:?}"),
    }
}

#[tokio::test]
async fn sender_side_sticky_two_sends_one_recv() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("hello")}))
        .await;
    let events = ws
        .step(json!({"cmd": "send", "socket": client, "data": b64("world")}))
        .await;

    // Before any recv, the kernel's receive buffer holds all ten bytes, from two sends.
    let snap = snapshot_of(&events, server);
    assert_eq!(snap.recv_queued, 10);
    assert_eq!(snap.recv_peek.as_bytes(), b"helloworld");
    let senders: Vec<_> = snap
        .recv_spans
        .iter()
        .map(|s| (s.from, s.send_no, s.len))
        .collect();
    assert_eq!(
        senders,
        [(Some(client), Some(1), 5), (Some(client), Some(2), 5)]
    );

    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "bufsize": 12}))
        .await;
    let (data, summary, spans) = received(&events[0]);
    assert_eq!(data, b"helloworld");
    assert_eq!(spans, 2);
    assert_eq!(summary, "2 sends → 1 recv");
    assert_eq!(snapshot_of(&events, server).recv_queued, 0);
}

#[tokio::test]
async fn receiver_side_sticky_recv_2_then_12() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("hello")}))
        .await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("world")}))
        .await;

    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "bufsize": 2}))
        .await;
    let (data, summary, _) = received(&events[0]);
    assert_eq!(data, b"he");
    assert!(summary.starts_with("partial: 2 of 5"), "{summary}");
    let snap = snapshot_of(&events, server);
    assert_eq!(snap.recv_queued, 8);
    assert_eq!(snap.recv_peek.as_bytes(), b"lloworld");

    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "bufsize": 12}))
        .await;
    assert_eq!(received(&events[0]).0, b"lloworld");
}

#[tokio::test]
async fn length_prefixed_sends_decode_to_two_messages_even_read_3_bytes_at_a_time() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    let framing = Framing::LengthPrefixed {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_len: 1 << 20,
    };
    for word in ["hello", "world"] {
        match ws
            .ok(json!({"cmd": "send", "socket": client, "data": b64(word), "framing": framing}))
            .await
        {
            Event::Sent {
                accepted,
                header_len,
                ..
            } => assert_eq!((accepted, header_len), (9, 4)),
            other => panic!("{other:?}"),
        }
    }
    let mut decoder = FrameDecoder::new(framing);
    let mut messages = Vec::new();
    let mut header_bytes_seen = 0;
    while messages.len() < 2 {
        let events = ws
            .step(json!({"cmd": "recv", "socket": server, "bufsize": 3}))
            .await;
        let Event::Received { data, spans, .. } = &events[0] else {
            panic!("{:?}", events[0])
        };
        assert!(!data.is_empty() && data.len() <= 3);
        header_bytes_seen += spans.iter().map(|s| s.header_bytes).sum::<u64>();
        decoder.push(data.as_bytes());
        while let Some(m) = decoder.next_message().unwrap() {
            messages.push(m.message.body);
        }
    }
    assert_eq!(messages, [b"hello".to_vec(), b"world".to_vec()]);
    assert_eq!(
        header_bytes_seen, 8,
        "provenance marks exactly the two 4-byte headers"
    );
}

#[tokio::test]
async fn partial_send_when_the_receiver_does_not_read() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    ws.ok(
        json!({"cmd": "set_option", "socket": client, "option": {"name": "sndbuf", "value": 4096}}),
    )
    .await;
    ws.ok(
        json!({"cmd": "set_option", "socket": server, "option": {"name": "rcvbuf", "value": 4096}}),
    )
    .await;
    let big = b64([b'x'; 512 * 1024]);
    match ws
        .ok(json!({"cmd": "send", "socket": client, "data": big}))
        .await
    {
        Event::Sent {
            requested,
            accepted,
            ..
        } => {
            assert_eq!(requested, 512 * 1024);
            assert!(
                accepted > 0 && accepted < requested,
                "accepted {accepted} of {requested}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Keep sending without the receiver reading: the buffers fill up, and then a send says
    // at once that it would block (EAGAIN) instead of accepting anything.
    let chunk = b64([b'y'; 64 * 1024]);
    let mut blocked = None;
    for _ in 0..64 {
        let events = ws
            .step(json!({"cmd": "send", "socket": client, "data": chunk}))
            .await;
        if let Event::Error { code, errno, .. } = &events[0] {
            blocked = Some((*code, errno.as_ref().map(|e| e.name.clone())));
            assert!(
                snapshot_of(&events, client).send_queued > 0,
                "unacknowledged bytes wait in the send queue"
            );
            break;
        }
    }
    assert_eq!(
        blocked,
        Some((ErrorCode::WouldBlock, Some("EAGAIN".to_owned())))
    );
}

#[tokio::test]
async fn recv_on_nothing_would_block_then_a_timeout_waits() {
    let (_s, mut ws) = lab().await;
    let (_client, server) = pair(&mut ws).await;
    let (code, _, errno) = ws.err(json!({"cmd": "recv", "socket": server})).await;
    assert_eq!(
        (code, errno.as_deref()),
        (ErrorCode::WouldBlock, Some("EAGAIN"))
    );
    let (code, message, _) = ws
        .err(json!({"cmd": "recv", "socket": server, "timeout_ms": 50}))
        .await;
    assert_eq!(code, ErrorCode::TimedOut, "{message}");
}

#[tokio::test]
async fn shutdown_write_makes_the_peer_recv_return_empty() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    ws.ok(json!({"cmd": "shutdown", "socket": client, "how": "write"}))
        .await;
    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "timeout_ms": 5000}))
        .await;
    match &events[0] {
        Event::Received { data, eof, .. } => assert!(data.is_empty() && *eof),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        snapshot_of(&events, server).tcp_state,
        Some(TcpState::CloseWait)
    );
}

#[tokio::test]
async fn connect_to_a_closed_port_is_refused_with_errno_111() {
    let (_s, mut ws) = lab().await;
    // A port this session's listener held and closed (as lesson 20 does): lab sockets may
    // reach it, and nothing listens there any more.
    let (listener, port) = tcp_listen(&mut ws).await;
    ws.ok(json!({"cmd": "close", "socket": listener})).await;
    let events = ws.step(json!({"cmd": "connect", "port": port})).await;
    match &events[0] {
        Event::Error {
            code,
            errno: Some(errno),
            hint,
            ..
        } => {
            assert_eq!(*code, ErrorCode::Os);
            assert_eq!((errno.name.as_str(), errno.number), ("ECONNREFUSED", 111));
            assert!(
                hint.as_deref().unwrap_or("").contains("listening"),
                "{hint:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn listen_on_a_port_in_use_is_eaddrinuse_and_the_session_goes_on() {
    let (_s, mut ws) = lab().await;
    let first = ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await;
    let (code, _, errno) = ws
        .err(json!({"cmd": "tcp_listen", "port": port_of(&first)}))
        .await;
    assert_eq!(
        (code, errno.as_deref()),
        (ErrorCode::Os, Some("EADDRINUSE"))
    );
    ws.ok(json!({"cmd": "ping"})).await;
}

#[tokio::test]
async fn unknown_socket_and_wrong_kind_are_clear_errors() {
    let (_s, mut ws) = lab().await;
    let (code, message, _) = ws.err(json!({"cmd": "recv", "socket": 77})).await;
    assert_eq!(code, ErrorCode::UnknownSocket);
    assert!(message.contains("#77"), "{message}");
    let listener = opened(&ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await);
    let (code, _, _) = ws.err(json!({"cmd": "recv", "socket": listener})).await;
    assert_eq!(code, ErrorCode::WrongSocket);
}

#[tokio::test]
async fn closing_the_websocket_frees_every_port() {
    let (server, mut ws) = lab().await;
    pair(&mut ws).await; // an established connection too
    let listen = ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await;
    let port = port_of(&listen);
    let udp_port = port_of(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    ws.close_and_wait_until_gone().await;
    // Binding the very ports again (no SO_REUSEADDR) proves the kernel sockets are gone.
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("listener port still held");
    std::net::UdpSocket::bind(("127.0.0.1", udp_port)).expect("UDP port still held");
    let mut again = WsClient::connect(&server).await;
    again.ok(json!({"cmd": "tcp_listen", "port": port})).await;
}

#[tokio::test]
async fn non_loopback_addresses_are_refused_by_default() {
    let (_s, mut ws) = lab().await;
    let (code, message, _) = ws
        .err(json!({"cmd": "connect", "host": "10.1.2.3", "port": 80}))
        .await;
    assert_eq!(code, ErrorCode::Refused);
    assert!(message.contains("loopback"), "{message}");
    let (code, _, _) = ws
        .err(json!({"cmd": "tcp_listen", "host": "0.0.0.0", "port": 0}))
        .await;
    assert_eq!(code, ErrorCode::Refused);
}

#[tokio::test]
async fn getsockname_shows_the_ephemeral_port_the_kernel_chose_for_the_client() {
    let (_s, mut ws) = lab().await;
    let (client, server) = pair(&mut ws).await;
    let (client_local, client_peer) = names(&mut ws, client).await;
    let (server_local, server_peer) = names(&mut ws, server).await;
    // Each end's getpeername is the other's getsockname; the client's port is ephemeral.
    assert_eq!(client_peer.as_deref(), Some(server_local.as_str()));
    assert_eq!(server_peer.as_deref(), Some(client_local.as_str()));
    let port: u16 = client_local.rsplit(':').next().unwrap().parse().unwrap();
    assert!(port >= 1024, "ephemeral port {port}");
    let listener = opened(&ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await);
    let (_, peer) = names(&mut ws, listener).await;
    assert_eq!(peer, None, "a listener has no peer (ENOTCONN)");
}
