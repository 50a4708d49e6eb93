//! The HTTP application: the lab page and the `/ws` endpoint.
//!
//! `app(state)` builds the whole router without binding a port, so tests can call it with
//! `tower::ServiceExt::oneshot` or serve it on an ephemeral port.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::sync::{Semaphore, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::ws;

/// What every request handler can see.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// One permit per concurrent lab session (`--max-sessions`).
    pub sessions: Arc<Semaphore>,
    /// Flips to `true` when the server shuts down; sessions watch it and close their sockets.
    pub shutdown: watch::Sender<bool>,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let sessions = Arc::new(Semaphore::new(config.max_sessions));
        AppState {
            config: Arc::new(config),
            sessions,
            shutdown: watch::Sender::new(false),
        }
    }
}

/// The router: `/ws` for lab sessions, everything else from the built page.
pub fn app(state: AppState) -> Router {
    let dist = &state.config.dist;
    // Unknown paths get index.html, so a reload on any URL still opens the app.
    let page = ServeDir::new(dist)
        .precompressed_br()
        .not_found_service(ServeFile::new(dist.join("index.html")));
    Router::new()
        .route("/ws", get(ws::upgrade))
        .route("/healthz", get(healthz))
        .route("/api/lessons", get(crate::lessons::serve))
        .fallback_service(page)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    concat!("socklab ", env!("CARGO_PKG_VERSION"), " ok\n")
}
