//! Binding the web server and shutting it down gracefully.

use std::future::Future;
use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;

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
    pub async fn bind(state: AppState) -> Result<Self, Error> {
        let addr = state.config.listen;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        Ok(BoundServer { listener, state })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then lets open requests finish. Open lab sessions
    /// see the shutdown and close their sockets.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let router = app(self.state.clone());
        let sessions_stop = self.state.shutdown.clone();
        // Open WebSockets would keep a graceful shutdown waiting forever, so tell every
        // session to wind down first.
        let shutdown = async move {
            shutdown.await;
            sessions_stop.send_replace(true);
        };
        // Events go out as small WebSocket frames; with Nagle's algorithm on, the second frame
        // of a step (the snapshot after the result) would wait for the browser's delayed ACK,
        // ~40 ms. Lab traffic is interactive: send every frame at once.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY on a web connection: {e}");
            }
        });
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await?;
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
