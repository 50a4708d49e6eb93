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
