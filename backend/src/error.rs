//! The backend's error type.
//!
//! HTTP-level failures (a refused WebSocket upgrade) become responses through
//! [`IntoResponse`]; errors inside a lab session never leave it as `Err`: they become error
//! events on the socket so the session keeps running.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Everything that can fail in the backend outside a session's own sockets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A page from another site tried to open /ws (cross-site WebSocket hijacking).
    #[error(
        "WebSocket from origin {origin:?} refused: only the lab's own page may connect. \
         Start socklab with --allow-origin {origin} to allow it"
    )]
    ForeignOrigin { origin: String },

    /// Too many sessions are open.
    #[error(
        "too many lab sessions are open ({max}); close a tab or start socklab with a larger --max-sessions"
    )]
    TooManySessions { max: usize },

    /// The followers' cap is reached.
    #[error(
        "this lab already has {max} followers, the most it allows; start socklab with a larger \
         --max-followers"
    )]
    TooManyFollowers { max: usize },

    /// One client address already holds its share of sessions.
    #[error(
        "too many lab sessions from {ip} ({max}); close a tab, or start socklab with a larger \
         --max-sessions-per-client"
    )]
    TooManyFromClient { ip: std::net::IpAddr, max: usize },

    /// The configuration or the machine can't run the server safely; the text says why and
    /// what to change.
    #[error("{0}")]
    Setup(String),

    /// The web server could not bind its address.
    #[error(
        "cannot listen on {addr}: {source}. Is another socklab running? Try --listen 127.0.0.1:0"
    )]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },

    /// Serving failed.
    #[error("web server failed: {0}")]
    Serve(#[from] std::io::Error),
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = match &self {
            Error::ForeignOrigin { .. } => StatusCode::FORBIDDEN,
            Error::TooManySessions { .. } | Error::TooManyFollowers { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::TooManyFromClient { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Setup(_) | Error::Bind { .. } | Error::Serve(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        tracing::warn!(%status, "{self}");
        (status, self.to_string()).into_response()
    }
}
