//! A student's own Python program talking to lab sockets: the scripts in `tests/python/` (see
//! [`PythonScript`]) get the lab's port as an argument and report on stdout, one line per step.

use crate::support::python_script::PythonScript;
use crate::support::{EVENT_TIMEOUT, WsClient, lab, opened, port_of, snapshot_of, tcp_listen};
use serde_json::json;
use socklab_shared::protocol::{Event, SocketId};

/// Asks for snapshots until `socket`'s receive queue holds `len` bytes (or fails after
/// [`EVENT_TIMEOUT`]). Each round is a WebSocket round trip, so this waits without sleeping.
async fn until_queued(ws: &mut WsClient, socket: SocketId, len: u64) {
    let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
    loop {
        let events = ws.step(json!({"cmd": "snapshot"})).await;
        let queued = snapshot_of(&events, socket).recv_queued;
        if queued >= len {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {queued} of {len} bytes arrived"
        );
    }
}

#[tokio::test]
async fn a_python_client_two_sendalls_arrive_merged_and_external() {
    let (_s, mut ws) = lab().await;
    let (listener, port) = tcp_listen(&mut ws).await;
    let mut script = PythonScript::start("tcp_client.py", &[port.to_string()]);
    let accepted = ws
        .ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
        .await;
    assert!(
        matches!(
            accepted,
            Event::SocketOpened {
                peer_socket: None,
                ..
            }
        ),
        "the client is no lab socket: {accepted:?}"
    );
    let conn = opened(&accepted);
    assert_eq!(script.line().await, "sent");
    // Both sendall() calls have returned; on loopback the bytes are (or are about to be) in
    // the lab's receive buffer, one stream with no trace of where the first send ended.
    until_queued(&mut ws, conn, 10).await;

    let events = ws
        .step(json!({"cmd": "recv", "socket": conn, "bufsize": 1024, "timeout_ms": 5000}))
        .await;
    match &events[0] {
        Event::Received {
            socket,
            data,
            spans,
            summary,
            eof,
            auto,
            ..
        } => {
            assert_eq!(*socket, conn);
            assert_eq!(data.as_bytes(), b"helloworld", "two sends, one recv");
            assert!(!eof && !auto);
            assert_eq!(spans.len(), 1, "an outsider's send boundaries are unknown");
            let span = &spans[0];
            assert_eq!((span.start, span.len), (0, 10));
            assert_eq!((span.from, span.send_no), (None, None));
            assert!(span.is_external());
            assert_eq!(summary, "from an external peer");
        }
        other => panic!("expected received, got {other:?}"),
    }

    // Closing the lab side ends the script's read loop with b''.
    ws.ok(json!({"cmd": "close", "socket": conn})).await;
    assert_eq!(script.line().await, "closed");
    script.finished().await;
}

#[tokio::test]
async fn a_python_udp_client_gets_upper_case_echoes_from_auto_recv() {
    let (_s, mut ws) = lab().await;
    let bound = ws.ok(json!({"cmd": "udp_bind", "port": 0})).await;
    let (udp, port) = (opened(&bound), port_of(&bound));
    ws.ok(json!({"cmd": "set_auto", "socket": udp, "auto": {"recv": true, "echo": "upper"}}))
        .await;

    let mut script = PythonScript::start("udp_client.py", &[port.to_string()]);
    let script_port = script.line().await;
    let script_addr = format!(
        "127.0.0.1:{}",
        script_port
            .strip_prefix("bound ")
            .unwrap_or_else(|| panic!("unexpected line {script_port:?}"))
    );
    assert_eq!(script.line().await, "reply PING");
    assert_eq!(script.line().await, "reply PONG");
    script.finished().await;

    // The lab reported both datagrams it received, from the script, and both echoes.
    let (mut received, mut echoed) = (Vec::new(), Vec::new());
    while received.len() < 2 || echoed.len() < 2 {
        match ws.next_unsolicited().await {
            Event::ReceivedFrom {
                socket,
                from,
                data,
                truncated,
                real_len,
                from_socket,
                send_no,
                ..
            } => {
                assert_eq!(socket, udp);
                assert_eq!(from, script_addr);
                assert_eq!((truncated, real_len), (false, 4));
                assert_eq!((from_socket, send_no), (None, None), "not a lab socket");
                received.push(String::from_utf8(data.0).unwrap());
            }
            Event::SentTo {
                socket, to, bytes, ..
            } => {
                assert_eq!(socket, udp);
                assert_eq!((to.as_str(), bytes), (script_addr.as_str(), 4));
                echoed.push(bytes);
            }
            Event::AutoSummary { .. } => panic!("two datagrams must be reported one by one"),
            _ => {}
        }
    }
    assert_eq!(received, ["ping", "pong"]);
}

#[tokio::test]
async fn a_python_course_upload_is_checked_by_the_file_receiver() {
    let (_s, mut ws) = lab().await;
    let (listener, port) = tcp_listen(&mut ws).await;
    let mut script = PythonScript::start("upload.py", &[port.to_string()]);
    let conn = opened(
        &ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
            .await,
    );
    // Bytes the script sent before this are waiting in the buffer: auto-recv reads them first.
    let auto = json!({"recv": true, "echo": "file_receiver", "bufsize": 65536});
    ws.ok(json!({"cmd": "set_auto", "socket": conn, "auto": auto}))
        .await;

    let sent = script.line().await;
    let [_, name, size, md5]: [&str; 4] = sent
        .split(' ')
        .collect::<Vec<_>>()
        .try_into()
        .unwrap_or_else(|_| panic!("unexpected line {sent:?}"));
    let size: u64 = size.parse().unwrap();
    for (expected, right) in [(md5.to_owned(), true), ("0".repeat(32), false)] {
        match ws
            .wait_unsolicited(|e| matches!(e, Event::FileReceived { .. } | Event::Error { .. }))
            .await
        {
            Event::FileReceived {
                socket,
                filename,
                size: got,
                md5_expected,
                md5_actual,
                ok,
                ..
            } => {
                assert_eq!(socket, conn);
                assert_eq!((filename.as_str(), got), (name, size));
                assert_eq!((md5_expected, md5_actual.as_str()), (expected, md5));
                assert_eq!(ok, right);
            }
            other => panic!("expected file_received, got {other:?}"),
        }
    }
    assert_eq!(script.line().await, "reply ok");
    assert_eq!(script.line().await, "reply refused");
    script.finished().await;
}
