//! The attacks of a real attacker against a running socklab, one test each: a page that
//! rebinds its DNS name to 127.0.0.1, a session that reaches for other services on loopback,
//! a client without the token, a client that never sends or never reads, a client that leaves
//! while a step waits, half-sent HTTP requests, too many connections, privileged ports.
//! Each of these passed (the attack worked) before the defence existed.

use std::time::Duration;

use crate::support::{EVENT_TIMEOUT, LabServer, WsClient, opened, port_of, refusal};
use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The status line of a response.
fn status(response: &str) -> &str {
    response.lines().next().unwrap_or("")
}

/// A WebSocket upgrade with these headers; `Err` holds the refusal.
async fn upgrade(url: &str, headers: &[(&'static str, &str)]) -> Result<(), String> {
    let mut request = url.into_client_request().unwrap();
    for &(name, value) in headers {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_dns_rebinding_page_is_refused() {
    let server = LabServer::start().await;
    let evil = "evil.example:8080";
    // The WebSocket, even with the token and a matching Origin (which rebinding gives).
    let err = upgrade(
        &server.ws_url(),
        &[("host", evil), ("origin", "http://evil.example:8080")],
    )
    .await
    .expect_err("a rebinding page got a lab session");
    assert!(err.contains("403"), "{err}");
    // The API and the page alike.
    let auth = format!(
        "Authorization: Bearer {}\r\n",
        server.token.as_ref().unwrap()
    );
    for path in ["/api/lessons", "/", "/healthz"] {
        let response = server.raw_get(path, evil, &auth).await;
        assert!(status(&response).contains("403"), "{path}: {response}");
        assert!(response.contains("--allow-host"), "{response}");
    }
    // The lab's own names still work.
    for host in ["localhost", "127.0.0.1"] {
        let host = format!("{host}:{}", server.addr.port());
        let response = server.raw_get("/api/lessons", &host, &auth).await;
        assert!(status(&response).contains("200"), "{host}: {response}");
    }
}

#[tokio::test]
async fn allow_host_admits_a_classroom_name() {
    let server =
        LabServer::start_with(|c| c.allowed_hosts = vec!["lab.school.example".into()]).await;
    let auth = format!(
        "Authorization: Bearer {}\r\n",
        server.token.as_ref().unwrap()
    );
    let response = server
        .raw_get("/api/lessons", "lab.school.example:8080", &auth)
        .await;
    assert!(status(&response).contains("200"), "{response}");
}

#[tokio::test]
async fn without_the_token_there_is_no_session() {
    let server = LabServer::start().await;
    let bare = format!("ws://{}/ws", server.addr);
    let err = upgrade(&bare, &[])
        .await
        .expect_err("no token, yet a session");
    assert!(err.contains("401"), "{err}");
    let wrong = format!("ws://{}/ws?token=not-the-token", server.addr);
    assert!(upgrade(&wrong, &[]).await.unwrap_err().contains("401"));
    let response = server
        .raw_get("/api/lessons", &server.addr.to_string(), "")
        .await;
    assert!(status(&response).contains("401"), "{response}");
    assert!(
        response.contains("?token="),
        "the refusal says what to do: {response}"
    );
    // The page itself needs no token; the right one in a header works too.
    let page = server.raw_get("/", &server.addr.to_string(), "").await;
    assert!(status(&page).contains("200"), "{page}");
    let bearer = format!("Bearer {}", server.token.as_ref().unwrap());
    upgrade(&bare, &[("authorization", &bearer)])
        .await
        .expect("the token in an Authorization header opens a session");
    // And with the token in the URL the session starts with hello.
    let mut ws = WsClient::connect(&server).await;
    assert!(matches!(ws.next_event().await.event, Event::Hello { .. }));
}

#[tokio::test]
async fn no_token_is_only_for_a_loopback_listener() {
    let mut config = socklab::Config::defaults();
    config.no_token = true;
    config.listen = "0.0.0.0:0".parse().unwrap();
    let err = socklab::AppState::new(config.clone())
        .err()
        .expect("refused");
    assert!(err.to_string().contains("--no-token"), "{err}");
    config.listen = "127.0.0.1:0".parse().unwrap();
    assert!(socklab::AppState::new(config).unwrap().token().is_none());
}

#[tokio::test]
async fn foreign_loopback_services_are_out_of_reach() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    // A "database" on loopback, outside the lab and outside 9000-9999.
    let db = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let db_port = db.local_addr().unwrap().port();
    assert!(!(9000..=9999).contains(&db_port));
    let (message, hint) = refusal(&ws.step(json!({"cmd": "connect", "port": db_port})).await);
    assert!(message.contains("not a lab socket"), "{message}");
    assert!(hint.contains("--allow-ports"), "{hint}");
    // A UDP service likewise.
    let dns = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let dns_port = dns.local_addr().unwrap().port();
    let udp = opened(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    let events = ws
        .step(json!({"cmd": "send_to", "socket": udp, "data": "aGk=", "port": dns_port}))
        .await;
    assert!(refusal(&events).1.contains("--allow-ports"));
    let mut buf = [0u8; 16];
    assert!(dns.try_recv_from(&mut buf).is_err(), "nothing reached it");
    // The lab's own web port, which a nested /ws would drive.
    let (message, _) = refusal(
        &ws.step(json!({"cmd": "connect", "port": server.addr.port()}))
            .await,
    );
    assert!(message.contains("own web server"), "{message}");
}

#[tokio::test]
async fn lab_sockets_of_any_session_and_allowed_ports_stay_reachable() {
    let server = LabServer::start().await;
    let mut a = WsClient::connect(&server).await;
    let mut b = WsClient::connect(&server).await;
    let listening = a.ok(json!({"cmd": "tcp_listen", "port": 0})).await;
    let port = port_of(&listening);
    assert!(!(9000..=9999).contains(&port), "an ephemeral port");
    b.ok(json!({"cmd": "connect", "port": port})).await;
    // A student's own server on a course port is reachable.
    let student = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let student_port = student.local_addr().unwrap().port();
    let widened = LabServer::start_with(|c| {
        c.allow_ports = format!("9000-9999,{student_port}").parse().unwrap();
    })
    .await;
    let mut c = WsClient::connect(&widened).await;
    c.ok(json!({"cmd": "connect", "port": student_port})).await;
}

#[tokio::test]
async fn hello_announces_the_open_ports_and_the_idle_timeout() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    match ws.next_event().await.event {
        Event::Hello { limits, .. } => {
            assert_eq!(limits.allowed_ports.to_string(), "9000-9999");
            assert!(!limits.privileged_ports);
            assert_eq!(limits.idle_timeout_ms, 120_000);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn privileged_ports_are_refused_even_as_root() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    for cmd in ["tcp_listen", "udp_bind"] {
        let (_, hint) = refusal(&ws.step(json!({"cmd": cmd, "port": 81})).await);
        assert!(hint.contains("--allow-privileged-ports"), "{cmd}: {hint}");
    }
}

#[tokio::test]
async fn an_idle_session_is_closed() {
    let server = LabServer::start_with(|c| c.idle_timeout_secs = 1).await;
    let mut ws = WsClient::connect(&server).await;
    assert!(matches!(ws.next_event().await.event, Event::Hello { .. }));
    match ws.next_event().await.event {
        Event::Error { code, hint, .. } => {
            assert_eq!(code, ErrorCode::IdleTimeout);
            assert!(hint.unwrap().contains("ping"));
        }
        other => panic!("expected idle_timeout, got {other:?}"),
    }
    ws.close_and_wait_until_gone().await;
}

#[tokio::test]
async fn pings_keep_a_session_open() {
    let server = LabServer::start_with(|c| c.idle_timeout_secs = 1).await;
    let mut ws = WsClient::connect(&server).await;
    // Six pings, each within the timeout, span three idle timeouts.
    for _ in 0..6 {
        ws.ok(json!({"cmd": "ping"})).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    ws.ok(json!({"cmd": "ping"})).await;
}

#[tokio::test]
async fn a_waiting_step_ends_when_its_websocket_closes() {
    let server = LabServer::start_with(|c| c.max_sessions = 1).await;
    let mut ws = WsClient::connect(&server).await;
    let listener = opened(&ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await);
    // An accept that would wait 30 s (nobody connects)...
    ws.send_text(&json!({"cmd": "accept", "socket": listener, "timeout_ms": 30000}).to_string())
        .await;
    // ...and the client leaves. The server must let go well within the 10 s a test waits.
    ws.close_and_wait_until_gone().await;
    let mut again = WsClient::connect(&server).await;
    again.ok(json!({"cmd": "ping"})).await;
}

#[tokio::test]
async fn sessions_per_client_are_capped() {
    let server = LabServer::start_with(|c| c.max_sessions_per_client = 2).await;
    let _a = WsClient::connect(&server).await;
    let _b = WsClient::connect(&server).await;
    let err = WsClient::try_connect(&server)
        .await
        .err()
        .expect("a third session");
    assert!(err.contains("429"), "{err}");
}

#[tokio::test]
async fn a_half_sent_request_is_closed() {
    let server = LabServer::start_with(|c| c.header_timeout_secs = 1).await;
    let mut s = TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let mut rest = Vec::new();
    tokio::time::timeout(EVENT_TIMEOUT, s.read_to_end(&mut rest))
        .await
        .expect("the server kept a half-sent request open")
        .ok();
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_at_once() {
    let server = LabServer::start_with(|c| c.max_connections = 2).await;
    let _one = TcpStream::connect(server.addr).await.unwrap();
    let _two = TcpStream::connect(server.addr).await.unwrap();
    // Let the server take the first two (a request on a third completes only after them).
    let mut third = TcpStream::connect(server.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let n = tokio::time::timeout(EVENT_TIMEOUT, third.read_to_end(&mut rest))
        .await
        .expect("the third connection was neither served nor closed");
    assert!(
        n.is_err() || rest.is_empty(),
        "over the cap, yet served: {}",
        String::from_utf8_lossy(&rest)
    );
    drop((_one, _two));
    assert!(server.get("/healthz").await.contains("ok"), "room again");
}

#[tokio::test]
async fn stats_tell_a_refused_page_that_the_lab_is_full() {
    let server = LabServer::start_with(|c| c.max_sessions = 1).await;
    let _only = WsClient::connect(&server).await;
    let err = WsClient::try_connect(&server).await.err().expect("full");
    assert!(err.contains("503"), "{err}");
    let stats: serde_json::Value = serde_json::from_str(&server.get("/api/stats").await).unwrap();
    assert_eq!(stats["sessions"], 1);
    assert_eq!(stats["max_sessions"], 1);
    assert_eq!(stats["your_sessions"], 1);
}
