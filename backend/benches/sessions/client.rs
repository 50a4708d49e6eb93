//! A minimal lab client for the benchmark: commands with request numbers, bounded waits.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use socklab_shared::protocol::{Envelope, Event, SocketId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::Result;

/// The longest any one wait may take before the benchmark gives up.
pub const STALL: Duration = Duration::from_secs(30);

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_req: u64,
}

impl Client {
    pub async fn open(addr: SocketAddr) -> Result<Self> {
        let (ws, _) = tokio::time::timeout(
            STALL,
            tokio_tungstenite::connect_async_with_config(format!("ws://{addr}/ws"), None, true),
        )
        .await
        .map_err(|_| "no WebSocket upgrade in time".to_owned())?
        .map_err(|e| format!("WebSocket upgrade failed: {e}"))?;
        let mut client = Client { ws, next_req: 0 };
        client.next().await?; // hello
        Ok(client)
    }

    /// The next event.
    pub async fn next(&mut self) -> Result<Envelope> {
        loop {
            match tokio::time::timeout(STALL, self.ws.next()).await {
                Err(_) => return Err("no event in time".into()),
                Ok(None) => return Err("the server closed the WebSocket".into()),
                Ok(Some(Err(e))) => return Err(format!("WebSocket error: {e}")),
                Ok(Some(Ok(Message::Text(text)))) => {
                    return Envelope::parse(text.as_str()).map_err(|e| e.to_string());
                }
                Ok(Some(Ok(_))) => {}
            }
        }
    }

    /// Sends a command; returns its request number.
    pub async fn send(&mut self, mut command: Value) -> Result<u64> {
        self.next_req += 1;
        command["req"] = json!(self.next_req);
        self.ws
            .send(Message::Text(command.to_string().into()))
            .await
            .map_err(|e| format!("send: {e}"))?;
        Ok(self.next_req)
    }

    /// Performs a command; returns its first event, reading up to its last (`buffers`/`pong`).
    pub async fn ok(&mut self, command: Value) -> Result<Event> {
        let req = self.send(command.clone()).await?;
        let mut first = None;
        loop {
            let env = self.next().await?;
            if env.req != Some(req) {
                continue;
            }
            if let Event::Error { message, .. } = &env.event {
                return Err(format!("{command}: {message}"));
            }
            let last = matches!(env.event, Event::Buffers { .. } | Event::Pong);
            first.get_or_insert(env.event);
            if last {
                return first.ok_or_else(|| "no event".into());
            }
        }
    }

    /// A listener, a client connected to it and the accepted connection.
    pub async fn tcp_pair(&mut self) -> Result<(SocketId, SocketId, SocketId)> {
        let (listener, port) = opened(self.ok(json!({"cmd": "tcp_listen", "port": 0})).await?)?;
        let (client, _) = opened(self.ok(json!({"cmd": "connect", "port": port})).await?)?;
        let (accepted, _) = opened(
            self.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
                .await?,
        )?;
        Ok((listener, client, accepted))
    }

    /// Closes the WebSocket and waits until the server has closed the connection (it does so
    /// after the session has closed all of its sockets).
    pub async fn close_and_wait(mut self) -> Result<()> {
        let _ = self.ws.close(None).await;
        tokio::time::timeout(STALL, async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await
        .map_err(|_| "the server kept a closed session open".to_owned())
    }

    /// Drops the connection without reading anything more.
    pub fn into_inner(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.ws
    }
}

/// (socket id, port) of a `socket_opened`.
pub fn opened(event: Event) -> Result<(SocketId, u16)> {
    match event {
        Event::SocketOpened { socket, local, .. } => {
            let port = local
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            Ok((socket, port))
        }
        other => Err(format!("expected socket_opened, got {other:?}")),
    }
}
