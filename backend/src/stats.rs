//! `GET /api/stats`: what the server holds right now, for operators and the benchmarks that
//! check every resource returns to its baseline after sessions end.
//!
//! Like every `/api/*` path it needs the token. All figures are read when asked; nothing is
//! kept for them.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::Extensions;
use serde::Serialize;

use crate::app::AppState;

/// The server's current holdings.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// Open lab sessions.
    pub sessions: usize,
    /// `--max-sessions`: a page that can't open a session learns here that the lab is full.
    pub max_sessions: usize,
    /// Open sessions from the asking client's address (0 when unknown).
    pub your_sessions: usize,
    /// `--max-sessions-per-client`.
    pub max_sessions_per_client: usize,
    /// Addresses held by lab listeners and UDP sockets, over all sessions.
    pub lab_ports: usize,
    /// Client addresses with at least one session.
    pub clients: usize,
    /// Tasks alive in the server's runtime (sessions, connections, auto behaviours).
    pub tasks: usize,
    /// Session folders for Unix socket files that exist now.
    pub session_folders: usize,
    /// Open file descriptors of the process.
    pub open_fds: usize,
}

pub async fn serve(State(state): State<AppState>, extensions: Extensions) -> Json<Stats> {
    let sessions = state.config.max_sessions - state.sessions.available_permits();
    let your_sessions = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(0, |ConnectInfo(addr)| state.clients.count(addr.ip()));
    Json(Stats {
        sessions,
        max_sessions: state.config.max_sessions,
        your_sessions,
        max_sessions_per_client: state.config.max_sessions_per_client,
        lab_ports: state.lab_ports.len(),
        clients: state.clients.addresses(),
        tasks: tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        session_folders: crate::engine::unix_dir::folders_of_this_process(),
        open_fds: std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count()),
    })
}
