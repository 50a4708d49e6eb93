//! Experiment 13's file upload through the real /ws endpoint: a lab client sends the JSON header
//! as a length-prefixed `sendall` and the file with `send_file_chunk`, exactly as the page does,
//! to an accepted socket whose auto-recv runs the file-receiver service.

use crate::support::{WsClient, b64, lab, opened, tcp_pair};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use socklab_shared::framing::{Framing, LengthPrefix};
use socklab_shared::protocol::{ErrorCode, Event, SocketId};

const MIB: usize = 1 << 20;

/// A lab client and the accepted side, the latter receiving files by itself:
/// (client, receiver).
async fn file_pair(ws: &mut WsClient, bufsize: u32) -> (SocketId, SocketId) {
    let (client, conn) = tcp_pair(ws).await;
    let auto = json!({"recv": true, "echo": "file_receiver", "bufsize": bufsize});
    match ws
        .ok(json!({"cmd": "set_auto", "socket": conn, "auto": auto}))
        .await
    {
        Event::AutoSet { auto, .. } => assert!(auto.recv),
        other => panic!("expected auto_set, got {other:?}"),
    }
    (client, conn)
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Sends the JSON header as the page does: `sendall(struct.pack('i', len(h)) + h)`.
async fn send_header(ws: &mut WsClient, client: SocketId, header: &[u8]) {
    let framing = Framing::LengthPrefixed {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_len: 1 << 16,
    };
    let data = b64(header);
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": data, "framing": framing}))
        .await;
}

/// Header, then the body in `chunk`-byte `send_file_chunk` commands.
async fn upload(ws: &mut WsClient, client: SocketId, name: &str, body: &[u8], md5: &str) {
    let header = json!({"filename": name, "size": body.len(), "md5": md5}).to_string();
    send_header(ws, client, header.as_bytes()).await;
    for (i, chunk) in body.chunks(MIB).enumerate() {
        let command = json!({"cmd": "send_file_chunk", "socket": client,
            "data": b64(chunk), "name": name,
            "offset": i * MIB, "total": body.len()});
        match ws.ok(command).await {
            Event::Sent {
                accepted,
                all: true,
                ..
            } => assert_eq!(accepted, chunk.len() as u64),
            other => panic!("expected a whole sendall, got {other:?}"),
        }
    }
}

/// The next `file_received` event (other auto events are skipped).
async fn file_received(ws: &mut WsClient) -> Event {
    ws.wait_unsolicited(|e| matches!(e, Event::FileReceived { .. } | Event::Error { .. }))
        .await
}

/// The message of the framing error the next `file_received` must be, on `conn`.
async fn framing_error(ws: &mut WsClient, conn: SocketId) -> String {
    match file_received(ws).await {
        Event::Error {
            code,
            message,
            socket,
            ..
        } => {
            assert_eq!((code, socket), (ErrorCode::Framing, Some(conn)));
            message
        }
        other => panic!("expected an error, got {other:?}"),
    }
}

/// What the client reads back: the server's JSON answer.
async fn reply(ws: &mut WsClient, client: SocketId) -> Value {
    match ws
        .ok(json!({"cmd": "recv", "socket": client, "bufsize": 4096, "timeout_ms": 10000}))
        .await
    {
        Event::Received { data, .. } => serde_json::from_slice(data.as_bytes())
            .unwrap_or_else(|e| panic!("reply is not JSON ({e}): {data:?}")),
        other => panic!("expected received, got {other:?}"),
    }
}

#[tokio::test]
async fn an_8_mib_upload_in_1_mib_chunks_is_checked_and_answered() {
    let (_s, mut ws) = lab().await;
    let (client, conn) = file_pair(&mut ws, 65536).await;
    let body: Vec<u8> = (0..8 * MIB).map(|i| (i * 31 + i / 4099) as u8).collect();
    let md5 = md5_hex(&body);
    upload(&mut ws, client, "report.pdf", &body, &md5).await;

    match file_received(&mut ws).await {
        Event::FileReceived {
            socket,
            filename,
            size,
            md5_expected,
            md5_actual,
            ok,
            elapsed_us,
        } => {
            assert_eq!(socket, conn);
            assert_eq!((filename.as_str(), size), ("report.pdf", body.len() as u64));
            assert_eq!(md5_expected, md5);
            assert_eq!(md5_actual, md5, "the lab hashed exactly the bytes sent");
            assert!(ok);
            assert!(elapsed_us > 0);
        }
        other => panic!("expected file_received, got {other:?}"),
    }
    assert_eq!(
        reply(&mut ws, client).await,
        json!({"ok": true, "filename": "report.pdf", "size": body.len(), "md5": md5})
    );
}

#[tokio::test]
async fn a_wrong_md5_is_refused_and_the_next_file_on_the_connection_is_checked() {
    let (_s, mut ws) = lab().await;
    let (client, _conn) = file_pair(&mut ws, 0).await;
    let body: Vec<u8> = (0..3 * MIB + 123).map(|i| (i % 251) as u8).collect();
    let md5 = md5_hex(&body);
    let wrong = md5_hex(b"something else");
    upload(&mut ws, client, "a.bin", &body, &wrong).await;
    match file_received(&mut ws).await {
        Event::FileReceived {
            ok,
            md5_expected,
            md5_actual,
            ..
        } => assert_eq!((ok, md5_expected, md5_actual), (false, wrong, md5.clone())),
        other => panic!("expected file_received, got {other:?}"),
    }
    let answer = reply(&mut ws, client).await;
    assert_eq!(
        (&answer["ok"], &answer["md5"]),
        (&json!(false), &json!(md5))
    );

    // The stream is still in step: the second upload is parsed and matches.
    upload(
        &mut ws,
        client,
        "b.bin",
        &body[..1000],
        &md5_hex(&body[..1000]),
    )
    .await;
    assert!(matches!(
        file_received(&mut ws).await,
        Event::FileReceived { ok: true, filename, .. } if filename == "b.bin"
    ));
    assert_eq!(reply(&mut ws, client).await["ok"], json!(true));
}

#[tokio::test]
async fn many_small_files_in_one_send_each_get_their_event_and_reply() {
    // 40 uploads glued into one send, read 1024 bytes at a time: far more recvs than the
    // reporter shows in detail, but every verdict must arrive.
    const FILES: usize = 40;
    let (_s, mut ws) = lab().await;
    let (client, _conn) = file_pair(&mut ws, 0).await;
    let mut stream = Vec::new();
    for n in 0..FILES {
        let body = vec![n as u8; 5000 + n];
        let header =
            json!({"filename": format!("f{n}"), "size": body.len(), "md5": md5_hex(&body)});
        let header = header.to_string().into_bytes();
        stream.extend((header.len() as i32).to_le_bytes());
        stream.extend(header);
        stream.extend(body);
    }
    let data = b64(stream.as_slice());
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": data}))
        .await;
    for n in 0..FILES {
        match file_received(&mut ws).await {
            Event::FileReceived { filename, ok, .. } => {
                assert_eq!((filename, ok), (format!("f{n}"), true));
            }
            other => panic!("file {n}: expected file_received, got {other:?}"),
        }
    }
    // The answers are JSON objects back to back on the stream: read until all 40 are in.
    let mut answers = Vec::new();
    let mut got = 0;
    while got < FILES {
        match ws
            .ok(json!({"cmd": "recv", "socket": client, "bufsize": 65536, "timeout_ms": 10000}))
            .await
        {
            Event::Received { data, .. } => answers.extend_from_slice(data.as_bytes()),
            other => panic!("expected received, got {other:?}"),
        }
        got = serde_json::Deserializer::from_slice(&answers)
            .into_iter::<Value>()
            .take_while(Result::is_ok)
            .count();
    }
    assert_eq!(got, FILES);
}

#[tokio::test]
async fn a_malformed_header_is_an_error_and_the_session_goes_on() {
    let (_s, mut ws) = lab().await;
    let (client, conn) = file_pair(&mut ws, 0).await;
    send_header(&mut ws, client, b"{\"filename\": \"x\"").await;
    let message = framing_error(&mut ws, conn).await;
    assert!(message.contains("not JSON"), "{message}");
    let answer = reply(&mut ws, client).await;
    assert_eq!(answer["ok"], json!(false));
    assert!(answer["error"].as_str().unwrap().contains("not JSON"));

    // The session (and a new connection) still work.
    let (client, _) = file_pair(&mut ws, 0).await;
    upload(&mut ws, client, "ok.txt", b"fine", &md5_hex(b"fine")).await;
    assert!(matches!(
        file_received(&mut ws).await,
        Event::FileReceived { ok: true, .. }
    ));
}

#[tokio::test]
async fn an_upload_cut_short_by_a_close_is_reported() {
    let (_s, mut ws) = lab().await;
    let (client, conn) = file_pair(&mut ws, 0).await;
    send_header(
        &mut ws,
        client,
        br#"{"filename": "big.iso", "size": 100, "md5": "x"}"#,
    )
    .await;
    let half = b64([7u8; 50]);
    ws.ok(
        json!({"cmd": "send_file_chunk", "socket": client, "data": half,
        "name": "big.iso", "offset": 0, "total": 100}),
    )
    .await;
    ws.ok(json!({"cmd": "close", "socket": client})).await;
    let message = framing_error(&mut ws, conn).await;
    assert!(
        message.contains("50 of the 100 bytes of big.iso"),
        "{message}"
    );
}

#[tokio::test]
async fn a_udp_socket_cant_be_a_file_receiver() {
    let (_s, mut ws) = lab().await;
    let udp = opened(&ws.ok(json!({"cmd": "udp_bind", "port": 0})).await);
    let auto = json!({"recv": true, "echo": "file_receiver"});
    let (code, message, _) = ws
        .err(json!({"cmd": "set_auto", "socket": udp, "auto": auto}))
        .await;
    assert_eq!(code, ErrorCode::WrongSocket, "{message}");
    assert!(message.contains("byte stream"), "{message}");
}
