//! The HTTP application: the lab page, `/api/lessons` and the `/ws` endpoint.
//!
//! `app(state)` builds the whole router without binding a port, so tests can call it with
//! `tower::ServiceExt::oneshot` or serve it on an ephemeral port. Every request first passes
//! [`crate::access::guard`] (Host allow-list, token).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use tokio::sync::{Semaphore, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

use crate::access::clients::ClientSessions;
use crate::access::host::AllowedHosts;
use crate::access::token::Token;
use crate::access::{self, Access};
use crate::config::Config;
use crate::engine::targets::LabPorts;
use crate::error::Error;
use crate::ws;

/// What every request handler can see.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    /// Host allow-list and token.
    pub access: Arc<Access>,
    /// One permit per concurrent lab session (`--max-sessions`).
    pub sessions: Arc<Semaphore>,
    /// Sessions per client address (`--max-sessions-per-client`).
    pub clients: ClientSessions,
    /// Addresses held by lab sockets of every session: what `connect`/`send_to` may reach.
    pub lab_ports: LabPorts,
    /// The web server's own port (never a lab target); the bound one once the server is bound.
    pub web_port: u16,
    /// Flips to `true` when the server shuts down; sessions watch it and close their sockets.
    pub shutdown: watch::Sender<bool>,
    /// Where `socklab exec` asks to join a session's host; started with the bound server.
    pub exec: Option<crate::wire::exec::ExecPoint>,
    /// Sessions shared with followers, by follow key.
    pub rooms: crate::room::Rooms,
    /// One permit per follower (`--max-followers`).
    pub followers: Arc<Semaphore>,
}

impl AppState {
    /// The state for `config`: refuses a configuration that would be unsafe (`--no-token` on a
    /// listener other machines can reach, an empty `--token`). Without `--token` a random
    /// token is made.
    pub fn new(config: Config) -> Result<Self, Error> {
        let token = match (&config.token, config.no_token) {
            (_, true) if !config.listen.ip().is_loopback() => {
                return Err(Error::Setup(format!(
                    "--no-token is allowed only on a loopback listener, and --listen is {}: \
                     anyone on the network could drive the lab. Drop --no-token (students then \
                     open the URL with its token)",
                    config.listen
                )));
            }
            (_, true) => Token::Off,
            (Some(given), false) => Token::given(given).map_err(|e| Error::Setup(e.to_owned()))?,
            (None, false) => Token::generate(),
        };
        let access = Access {
            token,
            hosts: AllowedHosts::new(config.listen, &config.allowed_hosts),
        };
        Ok(AppState {
            sessions: Arc::new(Semaphore::new(config.max_sessions)),
            followers: Arc::new(Semaphore::new(config.max_followers)),
            web_port: config.listen.port(),
            config: Arc::new(config),
            access: Arc::new(access),
            clients: ClientSessions::default(),
            lab_ports: LabPorts::default(),
            shutdown: watch::Sender::new(false),
            exec: None,
            rooms: crate::room::Rooms::default(),
        })
    }

    /// The token requests must carry, if any.
    pub fn token(&self) -> Option<&str> {
        self.access.token.secret()
    }
}

/// The router: `/ws` for lab sessions, everything else from the built page.
pub fn app(state: AppState) -> Router {
    let dist = &state.config.dist;
    // Unknown paths get index.html, so a reload on any URL still opens the app. The build
    // stores every asset gzipped beside itself (scripts/lib.sh), sent as it is to browsers that
    // accept gzip: no compression work per request.
    let page = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .not_found_service(
            ServeFile::new(dist.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .route("/ws", get(ws::upgrade))
        .route("/healthz", get(healthz))
        .route("/api/lessons", get(crate::lessons::serve))
        .route("/api/stats", get(crate::stats::serve))
        .route("/api/follow-qr", get(crate::follow_qr::serve))
        .fallback_service(page)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            access::guard,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> &'static str {
    concat!("socklab ", env!("CARGO_PKG_VERSION"), " ok\n")
}
