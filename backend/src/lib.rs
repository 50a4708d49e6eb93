//! socklab's backend: serves the lab page and, per WebSocket connection, runs a lab session
//! that opens REAL TCP and UDP sockets on request and reports what the kernel did.
//!
//! # Layout
//! - [`config`]: command-line options and the safety limits derived from them.
//! - [`access`]: who may use the server: the Host allow-list, the token, sessions per client.
//! - [`fd_limit`]: enough file descriptors for every session allowed, checked at start.
//! - [`error`]: the crate's error type; HTTP-facing errors turn into responses.
//! - [`app`]: `app(state) -> Router`, testable without binding a port.
//! - [`ws`]: the `/ws` endpoint: the upgrade (origin check, connection limit) and the session
//!   loop, which is generic over any `Stream`/`Sink` so tests drive it without a network.
//! - [`lessons`]: lesson files, checked and served at `/api/lessons`.
//! - [`follow_qr`]: `GET /api/follow-qr`, a shared session's follow link as a QR code.
//! - [`room`]: a session shared read-only with followers (its history, the follow keys).
//! - [`stats`]: `GET /api/stats`, what the server holds right now.
//! - [`wire`]: the virtual hosts A and B and the cable between them (namespaces, TUN).
//! - [`server`]: binding the HTTP listener, the bounded accept loop (connection cap, header
//!   timeout) and graceful shutdown, used by `main.rs`.

pub mod access;
pub mod app;
pub mod config;
pub mod engine;
pub mod error;
pub mod fd_limit;
pub mod follow_qr;
pub mod lessons;
pub mod room;
pub mod server;
pub mod stats;
pub mod wire;
pub mod ws;

pub use app::{AppState, app};
pub use config::Config;
pub use error::Error;
