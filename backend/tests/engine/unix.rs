//! Unix-domain stream sockets (experiment 25) through the real /ws endpoint: real AF_UNIX
//! sockets in the session's private folder, the same calls as TCP, the errors only a socket
//! file gives, and names that can't leave the folder.

use crate::support::python_script::PythonScript;
use crate::support::{WsClient, b64, lab, opened, snapshot_of};
use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event, SocketId};
use std::path::{Path, PathBuf};

/// (socket, local, peer) of a `socket_opened` event.
fn opened_names(event: &Event) -> (SocketId, String, Option<String>) {
    match event {
        Event::SocketOpened {
            socket,
            local,
            peer,
            ..
        } => (*socket, local.clone(), peer.clone()),
        other => panic!("expected socket_opened, got {other:?}"),
    }
}

/// The lab client an accepted connection's `socket_opened` names (`None`: from outside).
fn peer_socket(event: &Event) -> Option<SocketId> {
    match event {
        Event::SocketOpened { peer_socket, .. } => *peer_socket,
        other => panic!("expected socket_opened, got {other:?}"),
    }
}

/// A Unix listener on `name`: (listener, the full path the kernel bound).
async fn listen(ws: &mut WsClient, name: &str) -> (SocketId, PathBuf) {
    let (id, local, _) = opened_names(
        &ws.ok(json!({"cmd": "unix_listen", "path": name, "unlink": true}))
            .await,
    );
    (id, PathBuf::from(local))
}

/// A listener, a client and the accepted connection: (listener path, client, server side).
async fn pair(ws: &mut WsClient) -> (PathBuf, SocketId, SocketId) {
    let (listener, path) = listen(ws, "server.sock").await;
    let client = opened(
        &ws.ok(json!({"cmd": "unix_connect", "path": "server.sock"}))
            .await,
    );
    let server = opened(&ws.ok(json!({"cmd": "accept", "socket": listener})).await);
    (path, client, server)
}

/// Which lab send wrote each span of a recv: (sending socket, send number), `None`s if external.
type Origins = Vec<(Option<SocketId>, Option<u32>)>;

fn received(event: &Event) -> (&[u8], &str, Origins) {
    match event {
        Event::Received {
            data,
            summary,
            spans,
            ..
        } => (
            data.as_bytes(),
            summary.as_str(),
            spans.iter().map(|s| (s.from, s.send_no)).collect(),
        ),
        other => panic!("expected received, got {other:?}"),
    }
}

#[tokio::test]
async fn same_calls_as_tcp_with_a_path_and_two_sends_arrive_in_one_recv() {
    let (_s, mut ws) = lab().await;
    let (listener, path) = listen(&mut ws, "server.sock").await;
    // The kernel bound a real socket file, in a private folder of its own.
    assert_eq!(path.file_name().unwrap(), "server.sock");
    let dir = path.parent().unwrap();
    assert!(
        dir.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("socklab-")
    );
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    assert!(std::fs::metadata(&path).unwrap().file_type().is_socket());
    assert_eq!(
        std::fs::metadata(dir).unwrap().permissions().mode() & 0o777,
        0o700
    );

    let connected = ws
        .ok(json!({"cmd": "unix_connect", "path": "server.sock"}))
        .await;
    let (client, local, peer) = opened_names(&connected);
    assert_eq!(local, "(unnamed)", "a client that never bound has no name");
    assert_eq!(peer.as_deref(), Some(path.to_str().unwrap()));
    let accepted = ws.ok(json!({"cmd": "accept", "socket": listener})).await;
    let (server, local, peer) = opened_names(&accepted);
    assert_eq!(local, path.to_str().unwrap());
    assert_eq!(peer.as_deref(), Some("(unnamed)"));

    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("hello")}))
        .await;
    let events = ws
        .step(json!({"cmd": "send_all", "socket": client, "data": b64("world")}))
        .await;
    let snap = snapshot_of(&events, server);
    assert_eq!(snap.recv_queued, 10);
    assert_eq!(snap.recv_peek.as_bytes(), b"helloworld");
    assert_eq!(snap.tcp_state, None, "no TCP state on a Unix socket");
    assert_eq!(snap.recv_spans.len(), 2);
    assert!(
        snapshot_of(&events, client).send_queued > 0,
        "the client's bytes still use its send memory while unread"
    );

    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "bufsize": 1024}))
        .await;
    let (data, summary, spans) = received(&events[0]);
    assert_eq!(data, b"helloworld");
    assert_eq!(summary, "2 sends → 1 recv");
    assert_eq!(spans, [(Some(client), Some(1)), (Some(client), Some(2))]);

    // Two-way, like TCP; and the names read again from the kernel say the same.
    ws.ok(json!({"cmd": "send", "socket": server, "data": b64("hi")}))
        .await;
    let events = ws
        .step(json!({"cmd": "recv", "socket": client, "bufsize": 1024}))
        .await;
    assert_eq!(received(&events[0]).2, [(Some(server), Some(1))]);
    match ws.ok(json!({"cmd": "get_names", "socket": client})).await {
        Event::Names { local, peer, .. } => {
            assert_eq!(local, "(unnamed)");
            assert_eq!(peer.as_deref(), Some(path.to_str().unwrap()));
        }
        other => panic!("expected names, got {other:?}"),
    }

    // shutdown(SHUT_WR) and close: the peer's recv returns b''.
    ws.ok(json!({"cmd": "shutdown", "socket": client, "how": "write"}))
        .await;
    let events = ws
        .step(json!({"cmd": "recv", "socket": server, "bufsize": 1024}))
        .await;
    assert!(matches!(&events[0], Event::Received { eof: true, .. }));
}

#[tokio::test]
async fn lab_clients_are_linked_in_accept_queue_order() {
    let (_s, mut ws) = lab().await;
    let (listener, _) = listen(&mut ws, "fifo.sock").await;
    let connect = json!({"cmd": "unix_connect", "path": "fifo.sock"});
    let a = opened(&ws.ok(connect.clone()).await);
    let b = opened(&ws.ok(connect.clone()).await);
    let gone = opened(&ws.ok(connect).await);
    // Each sends before anyone is accepted; one closes while still waiting in the queue.
    for (s, text) in [(a, "from a"), (b, "from b"), (gone, "from gone")] {
        ws.ok(json!({"cmd": "send_all", "socket": s, "data": b64(text)}))
            .await;
    }
    let events = ws.step(json!({"cmd": "close", "socket": gone})).await;
    // The kernel's own count (sock_diag): a closed client's connection still waits.
    assert_eq!(snapshot_of(&events, listener).accept_queue, Some(3));
    for (waiting, (client, text)) in [(a, "from a"), (b, "from b"), (gone, "from gone")]
        .into_iter()
        .enumerate()
    {
        let events = ws.step(json!({"cmd": "accept", "socket": listener})).await;
        let accepted = events[0].clone();
        let left = 2 - waiting as u32;
        assert_eq!(snapshot_of(&events, listener).accept_queue, Some(left));
        assert_eq!(
            peer_socket(&accepted),
            Some(client),
            "{text}: the page is told the pair"
        );
        let conn = opened(&accepted);
        let events = ws
            .step(json!({"cmd": "recv", "socket": conn, "bufsize": 1024}))
            .await;
        let (data, _, spans) = received(&events[0]);
        assert_eq!(data, text.as_bytes());
        assert_eq!(spans, [(Some(client), Some(1))], "{text}");
    }
}

#[tokio::test]
async fn the_file_stays_after_close_so_bind_needs_unlink() {
    let (_s, mut ws) = lab().await;
    let (listener, path) = listen(&mut ws, "again.sock").await;
    ws.ok(json!({"cmd": "close", "socket": listener})).await;
    assert!(path.exists(), "close() leaves the socket file behind");

    // Nothing listens on the stale file: ECONNREFUSED, not ENOENT.
    let (code, message, errno) = ws
        .err(json!({"cmd": "unix_connect", "path": "again.sock"}))
        .await;
    assert_eq!(
        (code, errno.as_deref()),
        (ErrorCode::Os, Some("ECONNREFUSED")),
        "{message}"
    );

    let (code, message, errno) = ws
        .err(json!({"cmd": "unix_listen", "path": "again.sock"}))
        .await;
    assert_eq!(
        (code, errno.as_deref()),
        (ErrorCode::Os, Some("EADDRINUSE"))
    );
    assert!(message.contains(path.to_str().unwrap()), "{message}");

    let (again, local, _) = opened_names(
        &ws.ok(json!({"cmd": "unix_listen", "path": "again.sock", "unlink": true}))
            .await,
    );
    assert_eq!(local, path.to_str().unwrap());
    ws.ok(json!({"cmd": "unix_connect", "path": "again.sock"}))
        .await;
    ws.ok(json!({"cmd": "accept", "socket": again})).await;
}

#[tokio::test]
async fn a_missing_file_is_enoent_and_a_full_queue_eagain() {
    let (_s, mut ws) = lab().await;
    let (code, _, errno) = ws
        .err(json!({"cmd": "unix_connect", "path": "nobody.sock"}))
        .await;
    assert_eq!((code, errno.as_deref()), (ErrorCode::Os, Some("ENOENT")));

    // backlog 0: Linux queues one connection, the next finds the queue full.
    ws.ok(json!({"cmd": "unix_listen", "path": "full.sock", "backlog": 0}))
        .await;
    ws.ok(json!({"cmd": "unix_connect", "path": "full.sock"}))
        .await;
    let events = ws
        .step(json!({"cmd": "unix_connect", "path": "full.sock"}))
        .await;
    match &events[0] {
        Event::Error {
            code, errno, hint, ..
        } => {
            assert_eq!(*code, ErrorCode::WouldBlock);
            assert_eq!(errno.as_ref().unwrap().name, "EAGAIN");
            assert!(hint.as_deref().unwrap().contains("accept queue is full"));
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

#[tokio::test]
async fn names_outside_the_session_folder_are_refused() {
    let (_s, mut ws) = lab().await;
    let long = "x".repeat(65);
    for name in [
        "../x",
        "/etc/passwd",
        "",
        &long,
        ".",
        "..",
        "a b",
        "\u{0}abstract",
    ] {
        for cmd in ["unix_listen", "unix_connect"] {
            let (code, message, _) = ws.err(json!({"cmd": cmd, "path": name})).await;
            assert_eq!(code, ErrorCode::Refused, "{cmd} {name:?}: {message}");
        }
    }
    assert!(!Path::new("/x").exists());
}

#[tokio::test]
async fn stream_calls_and_auto_echo_work_by_role() {
    let (_s, mut ws) = lab().await;
    let (_, client, server) = pair(&mut ws).await;
    // accept() needs a listener; a TCP option meets the kernel's refusal.
    let (code, message, _) = ws.err(json!({"cmd": "accept", "socket": client})).await;
    assert_eq!(code, ErrorCode::WrongSocket, "{message}");
    let (code, message, errno) = ws
        .err(json!({"cmd": "set_option", "socket": client, "option": {"name": "nodelay", "value": true}}))
        .await;
    assert_eq!(code, ErrorCode::Os, "{message}");
    assert!(errno.is_some());

    ws.ok(json!({"cmd": "set_auto", "socket": server, "auto": {"recv": true, "echo": "upper"}}))
        .await;
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": b64("ping")}))
        .await;
    ws.wait_unsolicited(|e| matches!(e, Event::Sent { socket, .. } if *socket == server))
        .await;
    let events = ws
        .step(json!({"cmd": "recv", "socket": client, "bufsize": 1024, "timeout_ms": 5000}))
        .await;
    let (data, _, spans) = received(&events[0]);
    assert_eq!(data, b"PING");
    assert_eq!(spans, [(Some(server), Some(1))]);
}

#[tokio::test]
async fn a_python_client_reaches_the_reported_path_and_is_external() {
    let (_s, mut ws) = lab().await;
    let (listener, path) = listen(&mut ws, "py.sock").await;
    let mut script = PythonScript::start("unix_client.py", &[&path]);
    let accepted = ws
        .ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
        .await;
    let (conn, _, peer) = opened_names(&accepted);
    assert_eq!(peer.as_deref(), Some("(unnamed)"));
    assert_eq!(peer_socket(&accepted), None, "a client outside the lab");
    assert_eq!(script.line().await, "sent");
    let mut got = Vec::new();
    while got.len() < 10 {
        let events = ws
            .step(json!({"cmd": "recv", "socket": conn, "bufsize": 1024, "timeout_ms": 5000}))
            .await;
        let (data, summary, spans) = received(&events[0]);
        assert!(!data.is_empty());
        assert_eq!(summary, "from an external peer");
        assert!(spans.iter().all(|s| *s == (None, None)));
        got.extend_from_slice(data);
    }
    assert_eq!(got, b"helloworld");
    ws.ok(json!({"cmd": "close", "socket": conn})).await;
    assert_eq!(script.line().await, "closed");
    script.finished().await;
}

#[tokio::test]
async fn the_folder_is_removed_when_the_session_ends() {
    let (_s, mut ws) = lab().await;
    let (path, ..) = pair(&mut ws).await;
    let dir = path.parent().unwrap().to_path_buf();
    assert!(dir.is_dir());
    ws.close_and_wait_until_gone().await;
    assert!(!dir.exists(), "{} is still there", dir.display());
}
