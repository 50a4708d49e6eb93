//! Who may use the web server: the checks every request passes before any handler runs.
//!
//! In order:
//! 1. **Host** ([`host`]): the request must be for a name the server knows as its own, or it is
//!    refused with 403 (DNS rebinding).
//! 2. **Token** ([`token`]): `/ws` and `/api/*` need the lab's token, or get 401. The page,
//!    its assets and `/healthz` don't: they hold nothing secret. A live follow key
//!    (`?follow=…`, see [`crate::room`]) opens `/ws` read-only and `/api/lessons` instead.
//! 3. `/ws` then checks the page's `Origin` and the session caps itself ([`crate::ws`]).
//!
//! Refusals are plain text saying what was wrong and which flag changes it.

pub mod clients;
pub mod host;
pub mod token;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// The middleware: Host for every request, the token for `/ws` and `/api/*`.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let access = &state.access;
    match host {
        Some(host) if access.hosts.allows(host) => {}
        other => {
            let shown = other.unwrap_or("(none)");
            tracing::warn!(host = shown, "refused a request for a foreign host name");
            return refuse(
                StatusCode::FORBIDDEN,
                format!(
                    "socklab does not answer to the host name {shown:?} (a page that re-points \
                     its name at this machine could drive the lab). It answers to {}. If this \
                     is your classroom's name for the machine, start socklab with \
                     --allow-host NAME",
                    access.hosts.names().join(", ")
                ),
            );
        }
    }
    let path = request.uri().path();
    let needs_token = path == "/ws" || path.starts_with("/api/");
    // A follow link opens the session's WebSocket and the lessons, read-only, without the token.
    let follows =
        (path == "/ws" || path == "/api/lessons") && state.rooms.admits(request.uri().query());
    if needs_token && !follows && !access.token.admits(request.uri(), request.headers()) {
        tracing::info!(path, "refused a request without the lab's token");
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this lab needs its token: open the URL socklab printed when it started (it ends in \
             ?token=…), or send the token as ?token=… or an Authorization: Bearer header"
                .to_owned(),
        );
    }
    next.run(request).await
}

fn refuse(status: StatusCode, reason: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        reason + "\n",
    )
        .into_response()
}

/// The access rules of one server, built once from the configuration.
#[derive(Debug, Clone)]
pub struct Access {
    pub token: token::Token,
    pub hosts: host::AllowedHosts,
}
