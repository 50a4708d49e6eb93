//! The wire in tests: a server whose namespace helper is the built `socklab` binary, a session
//! with hosts A and B made (or a loud SKIPPED where this machine can't make them), and a TCP
//! connection from host A to host B.

use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event, SocketId};

use super::{LabServer, WsClient, opened};

/// A server whose wire helper is the built `socklab` binary (the test binary is not it).
pub async fn wire_server() -> LabServer {
    LabServer::start_with(|c| {
        c.wire_helper = Some(env!("CARGO_BIN_EXE_socklab").into());
    })
    .await
}

/// A session with the wire made, or `None` (after a loud SKIPPED) where it can't be.
pub async fn wire_session(server: &LabServer, test: &str) -> Option<WsClient> {
    let mut ws = WsClient::connect(server).await;
    let events = ws.step(json!({"cmd": "wire_status", "up": true})).await;
    match &events[0] {
        Event::WireState { wire } => {
            assert!(wire.up, "wire_status up:true makes the hosts");
            Some(ws)
        }
        Event::Error {
            code: ErrorCode::WireUnavailable,
            message,
            hint,
            ..
        } => {
            eprintln!(
                "\n*** SKIPPED {test}: the wire can't be made here: {message} {}\n",
                hint.as_deref().unwrap_or("")
            );
            None
        }
        other => panic!("wire_status answered {other:?}"),
    }
}

/// Host B listens on `port`, host A connects and B accepts: (client on A, server on B).
pub async fn wire_pair(ws: &mut WsClient, port: u16) -> (SocketId, SocketId) {
    let listener = opened(
        &ws.ok(json!({"cmd": "tcp_listen", "on": "b", "port": port}))
            .await,
    );
    let client = opened(
        &ws.ok(json!({"cmd": "connect", "on": "a", "host": "b", "port": port}))
            .await,
    );
    let server = opened(
        &ws.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 2000}))
            .await,
    );
    (client, server)
}
