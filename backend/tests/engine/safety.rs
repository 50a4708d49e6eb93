//! The safety limits, through a real server: who may open a session, how many sessions and
//! sockets, how large a send, and which addresses lab sockets may reach.

use std::time::{Duration, Instant};

use crate::support::{
    EVENT_TIMEOUT, LabServer, WsClient, assert_origin_refused, b64, connect_as_own_page, opened,
    port_of, refusal, snapshot_of, tcp_listen,
};
use serde_json::json;
use socklab_shared::protocol::Event;

#[tokio::test]
async fn a_foreign_origin_is_refused_and_the_own_origin_is_not() {
    let server = LabServer::start().await;
    for foreign in [
        "http://evil.example",
        "null",
        // Same host, another port: another local web app is another origin.
        "http://127.0.0.1:1",
    ] {
        assert_origin_refused(&server, foreign, "a foreign page").await;
    }
    let mut ws = connect_as_own_page(&server).await;
    ws.ok(json!({"cmd": "ping"})).await;
}

#[tokio::test]
async fn allow_origin_lets_that_origin_in_and_no_other() {
    const LECTURER: &str = "http://lecturer.local:9000";
    let default = LabServer::start().await;
    assert_origin_refused(&default, LECTURER, "not allowed without --allow-origin").await;

    let server = LabServer::start_with(|c| c.allowed_origins = vec![LECTURER.to_owned()]).await;
    let mut ws = WsClient::try_connect_with_origin(&server, LECTURER)
        .await
        .expect("--allow-origin lets the lecturer's page in");
    ws.ok(json!({"cmd": "ping"})).await;
    assert_origin_refused(&server, "http://evil.example", "other origins stay out").await;
    // The own origin still works next to the allowed one.
    connect_as_own_page(&server).await;
}

#[tokio::test]
async fn a_session_at_its_socket_cap_gets_a_refusal_with_a_hint() {
    let server = LabServer::start_with(|c| c.max_sockets = 2).await;
    let mut ws = WsClient::connect(&server).await;
    match ws.next_event().await.event {
        Event::Hello { limits, .. } => assert_eq!(limits.max_sockets, 2),
        other => panic!("expected hello, got {other:?}"),
    }
    let (listener, port) = tcp_listen(&mut ws).await;
    let client = opened(&ws.ok(json!({"cmd": "connect", "port": port})).await);

    for third in [
        json!({"cmd": "udp_bind", "port": 0}),
        json!({"cmd": "tcp_listen", "port": 0}),
        json!({"cmd": "connect", "port": port}),
        json!({"cmd": "accept", "socket": listener, "timeout_ms": 1000}),
    ] {
        let events = ws.step(third.clone()).await;
        let (message, hint) = refusal(&events);
        assert!(message.contains('2'), "{third}: {message}");
        assert!(hint.contains("--max-sockets"), "{third}: {hint}");
        let Some(Event::Buffers { sockets }) = events.last() else {
            panic!("{events:?}")
        };
        assert_eq!(sockets.len(), 2, "{third} opened nothing");
    }

    // The cap counts open sockets: closing one makes room again.
    ws.ok(json!({"cmd": "close", "socket": client})).await;
    ws.ok(json!({"cmd": "udp_bind", "port": 0})).await;
}

#[tokio::test]
async fn a_send_over_the_size_cap_is_refused_and_sends_nothing() {
    let server = LabServer::start_with(|c| c.max_send_bytes = 16).await;
    let mut ws = WsClient::connect(&server).await;
    let (listener, port) = tcp_listen(&mut ws).await;
    let client = opened(&ws.ok(json!({"cmd": "connect", "port": port})).await);
    let accepted = opened(&ws.ok(json!({"cmd": "accept", "socket": listener})).await);

    match ws
        .ok(json!({"cmd": "send", "socket": client, "data": b64([b'a'; 16])}))
        .await
    {
        Event::Sent {
            send_no, accepted, ..
        } => assert_eq!((send_no, accepted), (1, 16)),
        other => panic!("expected sent, got {other:?}"),
    }
    for cmd in ["send", "send_all"] {
        let events = ws
            .step(json!({"cmd": cmd, "socket": client, "data": b64([b'b'; 17])}))
            .await;
        let (message, _) = refusal(&events);
        assert!(message.contains("17 bytes"), "{cmd}: {message}");
        assert_eq!(
            snapshot_of(&events, accepted).recv_queued,
            16,
            "{cmd}: nothing of the refused send reached the peer"
        );
    }
    // A refused send takes no send number.
    match ws
        .ok(json!({"cmd": "send", "socket": client, "data": b64(b"c")}))
        .await
    {
        Event::Sent { send_no, .. } => assert_eq!(send_no, 2),
        other => panic!("expected sent, got {other:?}"),
    }

    // The same cap holds for a UDP datagram.
    let a = opened(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    let b = ws.ok(json!({"cmd": "udp_bind", "port": 0})).await;
    let (b, b_port) = (opened(&b), port_of(&b));
    let events = ws
        .step(json!({"cmd": "send_to", "socket": a, "data": b64([b'd'; 17]), "port": b_port}))
        .await;
    refusal(&events);
    assert_eq!(
        snapshot_of(&events, b).next_datagram,
        None,
        "no datagram went out"
    );
    ws.ok(json!({"cmd": "send_to", "socket": a, "data": b64([b'd'; 16]), "port": b_port}))
        .await;
}

#[tokio::test]
async fn addresses_beyond_loopback_are_refused_at_once() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    for host in ["192.168.1.1", "8.8.8.8"] {
        let started = Instant::now();
        // A generous timeout: a real attempt would wait for the handshake (or fail with an
        // OS error such as ENETUNREACH), not be refused.
        let events = ws
            .step(json!({"cmd": "connect", "host": host, "port": 53, "timeout_ms": 20000}))
            .await;
        let elapsed = started.elapsed();
        let (message, hint) = refusal(&events);
        assert!(message.contains(host), "{message}");
        assert!(hint.contains("--allow-non-loopback"), "{hint}");
        assert!(
            elapsed < Duration::from_secs(1),
            "{host}: refused only after {elapsed:?}: a packet was sent"
        );
        let Some(Event::Buffers { sockets }) = events.last() else {
            panic!("{events:?}")
        };
        assert!(sockets.is_empty(), "{host}: no socket was opened");
    }

    let udp = opened(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    let events = ws
        .step(json!({"cmd": "send_to", "socket": udp, "data": b64(b"x"), "host": "8.8.8.8", "port": 53}))
        .await;
    refusal(&events);
    let events = ws
        .step(json!({"cmd": "udp_bind", "host": "192.168.1.1", "port": 0}))
        .await;
    refusal(&events);
    // Names are not looked up either.
    let events = ws
        .step(json!({"cmd": "connect", "host": "example.com", "port": 80}))
        .await;
    refusal(&events);
}

#[tokio::test]
async fn a_second_session_over_the_cap_gets_503_until_the_first_ends() {
    let server = LabServer::start_with(|c| c.max_sessions = 1).await;
    let mut first = WsClient::connect(&server).await;
    first.ok(json!({"cmd": "ping"})).await;

    let err = WsClient::try_connect(&server)
        .await
        .err()
        .expect("a second session must be refused while the first is open");
    assert!(err.contains("503"), "{err}");
    // A refused upgrade for a foreign origin doesn't take the only place either.
    let err = WsClient::try_connect_with_origin(&server, "http://evil.example")
        .await
        .err()
        .expect("foreign origin");
    assert!(err.contains("403"), "{err}");
    first.ok(json!({"cmd": "ping"})).await;

    // Once the first session has ended its place is free again. The server gives the place
    // back just after it drops the connection, so a new attempt may need a few tries.
    first.close_and_wait_until_gone().await;
    let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
    let mut second = loop {
        match WsClient::try_connect(&server).await {
            Ok(ws) => break ws,
            Err(e) if e.contains("503") && tokio::time::Instant::now() < deadline => {
                tokio::task::yield_now().await;
            }
            Err(e) => panic!("the session place was not given back: {e}"),
        }
    };
    second.ok(json!({"cmd": "ping"})).await;
}
