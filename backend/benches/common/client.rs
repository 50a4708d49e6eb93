//! The benchmarks' lab client: one WebSocket session to `/ws` driven the way the page (or a
//! script) drives it, JSON commands in, JSON events out, with request numbers and a time limit
//! on every wait. Both benchmarks include this file (`#[path = "common/client.rs"] mod client;`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use socklab_shared::protocol::{Envelope, Event, SocketId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Every failure carries a sentence saying what went wrong.
pub type Result<T> = std::result::Result<T, String>;

/// One lab session: a WebSocket to `/ws` with request numbering and time limits.
pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_req: u64,
    /// The longest any one wait (upgrade, send, event) may take.
    stall: Duration,
    /// Our clock's zero for this session: taken just before connecting, so it comes before
    /// the server's zero (the moment it opened the session), which every `t_us` counts from.
    origin: Instant,
    /// The smallest (arrival here − server stamp) over every frame so far, in µs: the
    /// distance between the two zeros plus the delivery time of the fastest frame. Adding it
    /// to a stamp puts server times on our clock, off by that fastest delivery (µs).
    clock_offset_us: Option<i64>,
    /// Text frames and their bytes received so far.
    pub frames: u64,
    pub frame_bytes: u64,
}

impl Client {
    /// Connects to `ws://{addr}/ws` and reads the `hello` event; no wait takes longer than
    /// `stall`.
    pub async fn open(addr: SocketAddr, stall: Duration) -> Result<Self> {
        Self::open_at(addr, "/ws", stall).await
    }

    /// Like [`Client::open`], at `path` (e.g. `/ws?follow=KEY` for a follower).
    pub async fn open_at(addr: SocketAddr, path: &str, stall: Duration) -> Result<Self> {
        let origin = Instant::now();
        // TCP_NODELAY on the client, as browsers set it on their sockets: a command leaves at
        // once instead of possibly waiting for an ACK (Nagle), so what we time is the server.
        let connect =
            tokio_tungstenite::connect_async_with_config(format!("ws://{addr}{path}"), None, true);
        let (ws, _) = tokio::time::timeout(stall, connect)
            .await
            .map_err(|_| format!("no WebSocket upgrade from {addr} within {stall:?}"))?
            .map_err(|e| format!("WebSocket upgrade failed: {e}"))?;
        let mut client = Client {
            ws,
            next_req: 0,
            stall,
            origin,
            clock_offset_us: None,
            frames: 0,
            frame_bytes: 0,
        };
        match client.next("the hello event").await?.event {
            Event::Hello { .. } => Ok(client),
            other => Err(format!("expected hello first, got {other:?}")),
        }
    }

    /// Sends `command` with the next request number, which it returns.
    pub async fn send(&mut self, mut command: Value) -> Result<u64> {
        self.next_req += 1;
        command["req"] = json!(self.next_req);
        let stall = self.stall;
        tokio::time::timeout(
            stall,
            self.ws.send(Message::Text(command.to_string().into())),
        )
        .await
        .map_err(|_| format!("could not send {command} within {stall:?}"))?
        .map_err(|e| format!("sending {command}: {e}"))?;
        Ok(self.next_req)
    }

    /// The next event; `waiting_for` goes into the message if none comes in time.
    pub async fn next(&mut self, waiting_for: &str) -> Result<Envelope> {
        loop {
            let frame = match tokio::time::timeout(self.stall, self.ws.next()).await {
                Err(_) => Err(format!(
                    "stalled: no event from the server for {:?}",
                    self.stall
                )),
                Ok(None) => Err("the server closed the WebSocket".to_owned()),
                Ok(Some(Err(e))) => Err(format!("WebSocket error: {e}")),
                Ok(Some(Ok(frame))) => Ok(frame),
            }
            .map_err(|e| format!("{e} while waiting for {waiting_for}"))?;
            if let Message::Text(text) = frame {
                self.frames += 1;
                self.frame_bytes += text.len() as u64;
                let env = Envelope::parse(text.as_str())
                    .map_err(|e| format!("the server sent invalid JSON ({e}): {text}"))?;
                let offset = self.origin.elapsed().as_micros() as i64 - env.t_us as i64;
                self.clock_offset_us = Some(self.clock_offset_us.map_or(offset, |o| o.min(offset)));
                return Ok(env);
            }
        }
    }

    /// Performs `command` and returns its first event (not an error), reading up to its last
    /// (the `buffers` snapshot that ends every socket command, or `pong`).
    pub async fn ok(&mut self, command: Value) -> Result<Event> {
        let req = self.send(command.clone()).await?;
        let mut first = None;
        loop {
            let env = self.next(&format!("the answer to {command}")).await?;
            if env.req != Some(req) {
                continue;
            }
            if let Event::Error { message, .. } = &env.event {
                return Err(format!("{command} failed: {message}"));
            }
            let last = matches!(env.event, Event::Buffers { .. } | Event::Pong);
            first.get_or_insert(env.event);
            if last {
                return Ok(first.expect("set above"));
            }
        }
    }

    /// Opens a listener, connects to it and accepts: (listener, client, accepted).
    pub async fn tcp_pair(&mut self) -> Result<(SocketId, SocketId, SocketId)> {
        let (listener, local) = opened(self.ok(json!({"cmd": "tcp_listen", "port": 0})).await?)?;
        let port = port_of(&local)?;
        let (client, _) = opened(self.ok(json!({"cmd": "connect", "port": port})).await?)?;
        let (accepted, _) = opened(
            self.ok(json!({"cmd": "accept", "socket": listener, "timeout_ms": 5000}))
                .await?,
        )?;
        Ok((listener, client, accepted))
    }

    /// A server stamp (`t_us`) as a moment on our clock (see `clock_offset_us`).
    #[allow(dead_code)] // the engine benchmark's
    pub fn server_time(&self, t_us: u64) -> Instant {
        let us = t_us as i64 + self.clock_offset_us.unwrap_or(0);
        self.origin + Duration::from_micros(us.max(0) as u64)
    }

    /// Closes the WebSocket, giving the close a few seconds and not waiting for more.
    #[allow(dead_code)] // the engine benchmark's
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.ws.close(None)).await;
    }

    /// Closes the WebSocket and waits until the server has closed the connection (it does so
    /// after the session has closed all of its sockets).
    #[allow(dead_code)] // the sessions benchmark's
    pub async fn close_and_wait(mut self) -> Result<()> {
        let _ = self.ws.close(None).await;
        tokio::time::timeout(self.stall, async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await
        .map_err(|_| "the server kept a closed session open".to_owned())
    }

    /// Drops the connection without reading anything more.
    #[allow(dead_code)] // the sessions benchmark's
    pub fn into_inner(self) -> WebSocketStream<MaybeTlsStream<TcpStream>> {
        self.ws
    }
}

/// (socket id, local address) of a `socket_opened`.
pub fn opened(event: Event) -> Result<(SocketId, String)> {
    match event {
        Event::SocketOpened { socket, local, .. } => Ok((socket, local)),
        other => Err(format!("expected socket_opened, got {other:?}")),
    }
}

/// The port of a local address such as `127.0.0.1:9000`.
fn port_of(local: &str) -> Result<u16> {
    local
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("no port in {local:?}"))
}
