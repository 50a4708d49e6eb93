//! The real `/ws` endpoint over a real TCP port: upgrade, hello, bad input, origin check.

use crate::support::{LabServer, WsClient, assert_origin_refused, connect_as_own_page};
use socklab_shared::protocol::{ErrorCode, Event, PROTOCOL_VERSION};

#[tokio::test]
async fn hello_then_ping_pong_over_a_real_socket() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    let hello = ws.next_event().await;
    assert_eq!(hello.seq, 1);
    assert!(
        matches!(hello.event, Event::Hello { protocol_version, .. } if protocol_version == PROTOCOL_VERSION)
    );
    ws.send_text(r#"{"req":1,"cmd":"ping"}"#).await;
    let pong = ws.next_event().await;
    assert_eq!((pong.seq, pong.req, pong.event), (2, Some(1), Event::Pong));
}

#[tokio::test]
async fn malformed_and_unknown_messages_get_errors_and_the_connection_stays() {
    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    ws.next_event().await;
    for bad in [
        "{",
        r#"{"cmd":"teleport"}"#,
        r#"{"cmd":"recv","socket":-1}"#,
    ] {
        ws.send_text(bad).await;
        match ws.next_event().await.event {
            Event::Error { code, message, .. } => {
                assert_eq!(code, ErrorCode::BadMessage, "{bad}");
                assert!(!message.is_empty());
            }
            other => panic!("{bad}: expected an error, got {other:?}"),
        }
    }
    ws.send_text(r#"{"cmd":"ping"}"#).await;
    assert_eq!(ws.next_event().await.event, Event::Pong);
}

#[tokio::test]
async fn foreign_origin_is_refused_before_the_upgrade() {
    let server = LabServer::start().await;
    assert_origin_refused(
        &server,
        "http://evil.example",
        "a foreign page must not get a lab session",
    )
    .await;
    // The lab's own origin is fine.
    connect_as_own_page(&server).await;
}

#[tokio::test]
async fn page_is_served_with_compression_and_spa_fallback() {
    let server = LabServer::start().await;
    let index = server.get("/").await;
    assert!(index.contains("<html"), "{index}");
    let deep = server.get("/some/deep/link").await;
    assert_eq!(deep, index, "unknown paths fall back to index.html");
    assert!(server.get("/healthz").await.starts_with("socklab "));
}

#[tokio::test]
async fn assets_gzipped_at_build_are_sent_as_they_are() {
    let dist = crate::support::TempDir::new();
    std::fs::write(dist.0.join("index.html"), "<!doctype html>lab").unwrap();
    let js = "console.log('socklab');\n".repeat(50);
    std::fs::write(dist.0.join("app.js"), &js).unwrap();
    let gz = std::process::Command::new("gzip")
        .args(["-9", "-k", "-n"])
        .arg(dist.0.join("app.js"))
        .status()
        .unwrap();
    assert!(gz.success());
    let stored = std::fs::read(dist.0.join("app.js.gz")).unwrap();
    let path = dist.0.clone();
    let server = LabServer::start_with(move |c| c.dist = path).await;
    let host = server.addr.to_string();
    let response = server
        .raw_get_bytes("/app.js", &host, "Accept-Encoding: gzip\r\n")
        .await;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert_eq!(
        &response[split + 4..],
        &stored[..],
        "the build's own gzip file"
    );
    let _ = std::fs::remove_dir_all(&dist.0);
}
