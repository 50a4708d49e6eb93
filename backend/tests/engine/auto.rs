//! Auto behaviours (accept, recv, echo) through the real /ws endpoint, with real sockets and,
//! where the point is talking to a student's own program, plain tokio clients.

use crate::support::{EVENT_TIMEOUT, WsClient, b64, lab, opened, tcp_listen, tcp_pair};
use serde_json::json;
use socklab_shared::protocol::{AutoBehaviour, EchoMode, ErrorCode, Event, SocketId, SocketKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Switches auto behaviours on `socket` and returns what the server says is now in force.
async fn set_auto(ws: &mut WsClient, socket: SocketId, auto: serde_json::Value) -> AutoBehaviour {
    match ws
        .ok(json!({"cmd": "set_auto", "socket": socket, "auto": auto}))
        .await
    {
        Event::AutoSet { socket: s, auto } => {
            assert_eq!(s, socket);
            auto
        }
        other => panic!("expected auto_set, got {other:?}"),
    }
}

#[tokio::test]
async fn auto_accept_takes_a_plain_tcp_client_as_it_arrives() {
    let (_s, mut ws) = lab().await;
    let (listener, port) = tcp_listen(&mut ws).await;
    let auto = set_auto(&mut ws, listener, json!({"accept": true})).await;
    assert!(auto.accept && !auto.recv);

    let mut client = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let client_addr = client.local_addr().unwrap().to_string();
    let event = ws
        .wait_unsolicited(|e| {
            matches!(
                e,
                Event::SocketOpened {
                    listener: Some(_),
                    ..
                }
            )
        })
        .await;
    let Event::SocketOpened {
        socket: accepted,
        kind,
        peer,
        listener: from,
        ..
    } = event
    else {
        unreachable!()
    };
    assert_eq!(from, Some(listener));
    assert_eq!(kind, SocketKind::TcpStream);
    assert_eq!(
        peer,
        Some(client_addr),
        "the accepted socket's peer is our client"
    );

    // The accepted socket is a real connection to the client.
    ws.ok(json!({"cmd": "send", "socket": accepted, "data": b64("hi")}))
        .await;
    let mut buf = [0u8; 2];
    tokio::time::timeout(EVENT_TIMEOUT, client.read_exact(&mut buf))
        .await
        .expect("nothing arrived at the client")
        .unwrap();
    assert_eq!(&buf, b"hi");

    // While auto-accept is on, a manual accept is refused.
    let (code, message, _) = ws.err(json!({"cmd": "accept", "socket": listener})).await;
    assert_eq!(code, ErrorCode::WrongSocket, "{message}");
}

#[tokio::test]
async fn switching_auto_accept_on_takes_connections_already_waiting() {
    let (_s, mut ws) = lab().await;
    let (listener, port) = tcp_listen(&mut ws).await;
    // The kernel completes the handshake and queues the connection before anyone accepts.
    let waiting = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let events = ws
        .step(json!({"cmd": "set_auto", "socket": listener, "auto": {"accept": true}}))
        .await;
    assert!(matches!(events[0], Event::AutoSet { .. }), "{events:?}");
    let accepted: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::SocketOpened {
                listener: Some(l),
                peer,
                ..
            } => Some((*l, peer.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        accepted,
        [(listener, Some(waiting.local_addr().unwrap().to_string()))]
    );
}

#[tokio::test]
async fn auto_recv_with_upper_echo_answers_a_plain_tcp_client() {
    let (_s, mut ws) = lab().await;
    let (listener, port) = tcp_listen(&mut ws).await;
    let mut client = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let conn = opened(
        &ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
            .await,
    );
    let auto = set_auto(&mut ws, conn, json!({"recv": true, "echo": "upper"})).await;
    assert_eq!(
        (auto.recv, auto.echo, auto.bufsize),
        (true, EchoMode::Upper, 1024)
    );

    client.write_all(b"hello").await.unwrap();
    let mut buf = [0u8; 5];
    tokio::time::timeout(EVENT_TIMEOUT, client.read_exact(&mut buf))
        .await
        .expect("no echo came back")
        .unwrap();
    assert_eq!(&buf, b"HELLO");

    // The lab reported what it received by itself (possibly in more than one recv) and what
    // it echoed.
    let (mut received, mut echoed) = (Vec::new(), 0);
    while received.len() < 5 || echoed < 5 {
        match ws.next_unsolicited().await {
            Event::Received {
                socket,
                data,
                spans,
                summary,
                auto,
                eof,
                ..
            } => {
                assert_eq!(socket, conn);
                assert!(auto, "made by auto-recv, not a command");
                assert!(!eof);
                assert_eq!(summary, "from an external peer");
                assert!(spans.iter().all(|s| s.is_external()), "{spans:?}");
                received.extend_from_slice(data.as_bytes());
            }
            Event::Sent {
                socket,
                accepted,
                all,
                ..
            } => {
                assert_eq!(socket, conn);
                assert!(all, "echo uses sendall");
                echoed += accepted;
            }
            Event::AutoSummary { .. } => panic!("two small recvs must be reported one by one"),
            _ => {}
        }
    }
    assert_eq!(received, b"hello");
    assert_eq!(echoed, 5);
}

#[tokio::test]
async fn auto_recv_accounts_for_every_byte_of_an_8_mib_bulk_send() {
    const TOTAL: u64 = 8 << 20;
    let (_s, mut ws) = lab().await;
    let (client, server) = tcp_pair(&mut ws).await;
    set_auto(&mut ws, server, json!({"recv": true})).await;

    match ws
        .ok(json!({"cmd": "send_bulk", "socket": client, "bytes": TOTAL}))
        .await
    {
        Event::Sent {
            requested,
            accepted,
            all,
            ..
        } => assert_eq!((requested, accepted, all), (TOTAL, TOTAL, true)),
        other => panic!("expected sent, got {other:?}"),
    }
    // Closing the client sends a FIN after the data: the receiver's last recv returns b''.
    ws.ok(json!({"cmd": "close", "socket": client})).await;

    let (mut total, mut detailed, mut summaries) = (0u64, 0, 0);
    let mut first_spans = None;
    loop {
        let eof = match ws.next_unsolicited().await {
            Event::Received {
                socket,
                data,
                spans,
                auto,
                eof,
                ..
            } => {
                assert_eq!(socket, server);
                assert!(auto);
                first_spans.get_or_insert(spans);
                total += data.len() as u64;
                detailed += 1;
                eof
            }
            Event::AutoSummary {
                socket, bytes, eof, ..
            } => {
                assert_eq!(socket, server);
                total += bytes;
                summaries += 1;
                eof
            }
            Event::Error { message, .. } => panic!("auto-recv failed: {message}"),
            _ => false,
        };
        assert!(
            total <= TOTAL,
            "auto-recv reported {total} bytes, more than sent"
        );
        if eof {
            break;
        }
    }
    assert_eq!(total, TOTAL, "every byte reported exactly once");
    assert!(
        summaries > 0,
        "8 MiB in 1 KiB recvs is summarised ({detailed} detailed events)"
    );
    // The first detailed recv traces its bytes to the client's bulk send.
    let spans = first_spans.expect("the first recvs are reported in detail");
    assert!(!spans.is_empty());
    assert!(
        spans
            .iter()
            .all(|s| s.from == Some(client) && s.send_no == Some(1)),
        "{spans:?}"
    );
}

#[tokio::test]
async fn manual_recv_is_refused_while_auto_recv_is_on() {
    let (_s, mut ws) = lab().await;
    let (client, server) = tcp_pair(&mut ws).await;
    set_auto(&mut ws, server, json!({"recv": true})).await;
    let (code, message, _) = ws
        .err(json!({"cmd": "recv", "socket": server, "timeout_ms": 100}))
        .await;
    assert_eq!(code, ErrorCode::WrongSocket, "{message}");
    assert!(message.contains("auto-recv"), "{message}");

    let udp = opened(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    set_auto(&mut ws, udp, json!({"recv": true})).await;
    let (code, _, _) = ws.err(json!({"cmd": "recv_from", "socket": udp})).await;
    assert_eq!(code, ErrorCode::WrongSocket);

    // Switched off, recv is a manual step again.
    set_auto(&mut ws, server, json!({"recv": false})).await;
    ws.ok(json!({"cmd": "send", "socket": client, "data": b64("x")}))
        .await;
    match ws
        .ok(json!({"cmd": "recv", "socket": server, "timeout_ms": 5000}))
        .await
    {
        Event::Received { data, auto, .. } => {
            assert_eq!(data.as_bytes(), b"x");
            assert!(!auto);
        }
        other => panic!("expected received, got {other:?}"),
    }
}
