//! Binding the web server, serving connections within limits, and shutting down gracefully.
//!
//! The accept loop is ours rather than `axum::serve`'s so that every connection is bounded:
//! - at most `--max-connections` open HTTP connections; more are closed at once (a WebSocket
//!   leaves this count when it is upgraded: sessions have their own caps);
//! - a client gets `--header-timeout-secs` to send a request's headers, so half-sent requests
//!   (slowloris) don't hold connections forever;
//! - every request carries the client's address ([`ConnectInfo`]) for the per-client session
//!   cap.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

use crate::app::{AppState, app};
use crate::error::Error;

/// A bound, not yet serving, web server: binding first lets the caller learn the real port
/// (for `--listen 127.0.0.1:0`) before anything is served.
pub struct BoundServer {
    listener: TcpListener,
    state: AppState,
}

impl BoundServer {
    /// Binds the configured address.
    pub async fn bind(mut state: AppState) -> Result<Self, Error> {
        let addr = state.config.listen;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        // The real port (for port 0) is the one lab sockets must never reach.
        state.web_port = listener.local_addr().map_err(Error::Serve)?.port();
        if !state.config.no_wire {
            match crate::wire::exec::ExecPoint::start() {
                Ok(point) => state.exec = Some(point),
                Err(e) => tracing::warn!("`socklab exec` will not work: {e}"),
            }
        }
        Ok(BoundServer { listener, state })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The state the server runs with (its token, its lab ports).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The URL to open: the bound address, and the token when there is one.
    pub fn url(&self) -> std::io::Result<String> {
        let mut addr = self.local_addr()?;
        // Listening on every interface: this machine reaches it on loopback (others use the
        // machine's own address with the same port and token).
        if addr.ip().is_unspecified() {
            addr.set_ip(match addr {
                SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
            });
        }
        Ok(match self.state.token() {
            Some(token) => format!("http://{addr}/?token={token}"),
            None => format!("http://{addr}/"),
        })
    }

    /// Serves until `shutdown` completes, then lets open requests finish. Open lab sessions
    /// see the shutdown and close their sockets.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let config = self.state.config.clone();
        let exec = self.state.exec.clone();
        let router = app(self.state.clone());
        let connections = Arc::new(Semaphore::new(config.max_connections));
        let header_timeout = Duration::from_secs(config.header_timeout_secs.max(1));
        // `graceful` tells connections to finish; `open_tx.closed()` completes when all did.
        let (graceful, _) = watch::channel(false);
        let (open_tx, open_rx) = watch::channel(());
        tokio::pin!(shutdown);
        loop {
            let (tcp, remote) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // EMFILE and friends: wait a moment rather than spin.
                        tracing::warn!("cannot accept a web connection: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let Ok(permit) = connections.clone().try_acquire_owned() else {
                tracing::warn!(
                    %remote,
                    max = config.max_connections,
                    "too many open web connections (--max-connections); closing a new one"
                );
                continue;
            };
            // Events go out as small WebSocket frames; with Nagle's algorithm on, the second
            // frame of a step would wait for the browser's delayed ACK, ~40 ms.
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY on a web connection: {e}");
            }
            let router = router.clone();
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    router.clone().oneshot(request)
                });
            let mut finish = graceful.subscribe();
            let open = open_rx.clone();
            tokio::spawn(async move {
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout);
                let conn = builder
                    .serve_connection(TokioIo::new(tcp), service)
                    .with_upgrades();
                tokio::pin!(conn);
                // `wait_for`'s guard is not `Send`: reduce it to `()` inside the future.
                let finishing = async move {
                    let _ = finish.wait_for(|f| *f).await;
                };
                let result = tokio::select! {
                    result = conn.as_mut() => result,
                    () = finishing => {
                        conn.as_mut().graceful_shutdown();
                        conn.await
                    }
                };
                if let Err(e) = result {
                    tracing::debug!(%remote, "web connection ended: {e}");
                }
                drop((permit, open));
            });
        }
        // Open WebSockets would keep a graceful shutdown waiting forever, so tell every
        // session to wind down first.
        self.state.shutdown.send_replace(true);
        graceful.send_replace(true);
        drop(self.listener);
        drop(open_rx);
        if let Some(exec) = exec {
            exec.remove();
        }
        open_tx.closed().await;
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down");
}
