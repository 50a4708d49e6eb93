//! The `/ws` endpoint.
//!
//! - [`origin`]: which pages may open a lab session (cross-site WebSocket hijacking defence).
//! - [`session`]: the session loop, generic over a stream of [`Incoming`] frames and a sink of
//!   outgoing text, so it is unit-tested with channels.
//! - [`outbox`]: how events leave a connection (sequence, time, write timeout, the room).
//! - [`follow`]: a follower's read-only connection to a shared session.
//! - This file: the axum upgrade handler and the adapter from axum's WebSocket to the loop.

pub mod follow;
pub mod origin;
pub mod outbox;
pub mod session;
mod sharing;

use std::net::SocketAddr;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};

use crate::access::clients::ClientSlot;
use crate::app::AppState;
use crate::engine::policy::Policy;
use crate::error::Error;
pub use session::{Incoming, run_session};

/// Bytes read from a WebSocket at a time.
const READ_BUFFER: usize = 8 * 1024;
/// Frames are written out once this much is buffered.
const WRITE_BUFFER: usize = 16 * 1024;
/// Most bytes buffered for writing (one large event on top of the buffer); a client that
/// doesn't take them makes writes wait, which the session's write timeout bounds.
const MAX_WRITE_BUFFER: usize = 8 << 20;

/// Checks the origin and the session limits (all sessions, and per client address), then
/// upgrades to a lab session. Host and token were checked by [`crate::access::guard`].
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    uri: axum::http::Uri,
    ws: WebSocketUpgrade,
) -> Response {
    let following = crate::room::follow_key(uri.query()).and_then(|k| state.rooms.find(&k));
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(origin) = origin::check(
        header("origin"),
        header("host"),
        &state.access.hosts,
        &state.config.allowed_origins,
    ) {
        return Error::ForeignOrigin { origin }.into_response();
    }
    if let Some(room) = following {
        return upgrade_follower(state, room, ws);
    }
    // The server inserts the client's address for every connection (see `server.rs`); a
    // router driven without a server (unit tests) has none and is not capped per client.
    let client = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let slot: Option<ClientSlot> = match client {
        Some(ip) => match state
            .clients
            .enter(ip, state.config.max_sessions_per_client)
        {
            Some(slot) => Some(slot),
            None => {
                return Error::TooManyFromClient {
                    ip,
                    max: state.config.max_sessions_per_client,
                }
                .into_response();
            }
        },
        None => None,
    };
    let Ok(permit) = state.sessions.clone().try_acquire_owned() else {
        return Error::TooManySessions {
            max: state.config.max_sessions,
        }
        .into_response();
    };
    sized(ws, &state.config).on_upgrade(move |socket| async move {
        serve_socket(socket, state).await;
        drop((permit, slot));
    })
}

/// A follower's upgrade: the followers' own cap instead of the session caps (a classroom
/// behind one NAT address is many followers from one address), no sockets, no client slot.
fn upgrade_follower(
    state: AppState,
    room: std::sync::Arc<crate::room::Room>,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(permit) = state.followers.clone().try_acquire_owned() else {
        return Error::TooManyFollowers {
            max: state.config.max_followers,
        }
        .into_response();
    };
    sized(ws, &state.config).on_upgrade(move |socket| async move {
        serve_follower(socket, state, room).await;
        drop(permit);
    })
}

/// The WebSocket's buffers and message cap.
fn sized(ws: WebSocketUpgrade, config: &crate::config::Config) -> WebSocketUpgrade {
    // The hard cap sits above the soft limit the session enforces, so a message that is a
    // little too large gets a friendly error event instead of a dropped connection.
    let hard_cap = config.max_message_bytes.saturating_mul(2).max(64 * 1024);
    // Small buffers: an idle session should cost kilobytes, not the 128 KiB tungstenite
    // reserves for each direction by default.
    ws.max_message_size(hard_cap)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
}

/// A follower's connection: the shared session's events, read-only.
async fn serve_follower(
    socket: WebSocket,
    state: AppState,
    room: std::sync::Arc<crate::room::Room>,
) {
    let (incoming, outgoing) = adapt(socket);
    let followed = follow::runtime().spawn(async move {
        follow::run_follower(
            incoming,
            outgoing,
            &state.config,
            room,
            state.shutdown.subscribe(),
        )
        .await;
    });
    let _ = followed.await;
}

/// Adapts axum's WebSocket to the transport-agnostic session loop.
async fn serve_socket(socket: WebSocket, state: AppState) {
    let (incoming, outgoing) = adapt(socket);
    let policy = Policy::for_server(
        &state.config,
        state.lab_ports.clone(),
        state.web_port,
        state.exec.clone(),
    );
    run_session(
        incoming,
        outgoing,
        &state.config,
        policy,
        state.rooms.clone(),
        state.shutdown.subscribe(),
    )
    .await;
}

/// axum's WebSocket as a stream of [`Incoming`] frames and a sink of text.
fn adapt(
    socket: WebSocket,
) -> (
    impl futures_util::Stream<Item = Incoming> + Unpin,
    impl futures_util::Sink<String> + Unpin,
) {
    let (sink, stream) = socket.split();
    let incoming = stream.map(|frame| match frame {
        Ok(Message::Text(text)) => Incoming::Text(text.to_string()),
        Ok(Message::Binary(bytes)) => Incoming::Binary(bytes.len()),
        Ok(Message::Ping(_) | Message::Pong(_)) => Incoming::Control,
        Ok(Message::Close(_)) => Incoming::Close,
        Err(e) => Incoming::Broken(e.to_string()),
    });
    let outgoing = sink.with(|text: String| {
        futures_util::future::ready(Ok::<_, axum::Error>(Message::Text(text.into())))
    });
    (incoming, outgoing)
}
