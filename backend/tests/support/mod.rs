//! Test support: a real socklab server on an ephemeral loopback port and a WebSocket client.
//!
//! Each test gets its own server (its own port, its own temp page folder), so tests run in
//! parallel without sharing state.

#![allow(dead_code)]

pub mod lesson_run;
pub mod python_script;
pub mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use socklab::server::BoundServer;
use socklab::{AppState, Config};
use socklab_shared::Payload;
use socklab_shared::protocol::{Envelope, ErrorCode, Event, Request, SocketId};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for an event before failing with a clear message (instead of hanging).
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct LabServer {
    pub addr: SocketAddr,
    /// The lab's token (`None` with `--no-token`).
    pub token: Option<String>,
    _dist: TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serving: Option<tokio::task::JoinHandle<Result<(), socklab::Error>>>,
}

impl LabServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `adjust` has changed the default configuration.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dist = TempDir::new();
        std::fs::write(
            dist.0.join("index.html"),
            "<!doctype html><html><body>lab</body></html>",
        )
        .unwrap();
        let mut config = Config::defaults();
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.dist = dist.0.clone();
        adjust(&mut config);
        let server = BoundServer::bind(AppState::new(config).unwrap())
            .await
            .unwrap();
        let addr = server.local_addr().unwrap();
        let token = server.state().token().map(str::to_owned);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(server.serve(async move {
            let _ = stopped.await;
        }));
        LabServer {
            addr,
            token,
            _dist: dist,
            stop: Some(stop),
            serving: Some(serving),
        }
    }

    /// Shuts the server down and waits until it has let go of its port.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serving) = self.serving.take() {
            serving.await.unwrap().unwrap();
        }
    }

    /// The `/ws` URL, with the token.
    pub fn ws_url(&self) -> String {
        match &self.token {
            Some(t) => format!("ws://{}/ws?token={t}", self.addr),
            None => format!("ws://{}/ws", self.addr),
        }
    }

    /// The page's URL as socklab prints it (with the token).
    pub fn page_url(&self) -> String {
        match &self.token {
            Some(t) => format!("http://{}/?token={t}", self.addr),
            None => format!("http://{}/", self.addr),
        }
    }

    /// A plain HTTP GET over a raw socket (keeps the test free of an HTTP client crate), with
    /// the token in an `Authorization` header. Returns the body.
    pub async fn get(&self, path: &str) -> String {
        let auth = self
            .token
            .as_ref()
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let host = self.addr.to_string();
        let text = self.raw_get(path, &host, &auth).await;
        text.split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or(text)
    }

    /// A GET with this `Host` and extra header lines (each ending in CRLF); returns the whole
    /// response, status line first.
    pub async fn raw_get(&self, path: &str, host: &str, headers: &str) -> String {
        String::from_utf8_lossy(&self.raw_get_bytes(path, host, headers).await).into_owned()
    }

    /// Like [`LabServer::raw_get`], the whole response as bytes (for compressed bodies).
    pub async fn raw_get_bytes(&self, path: &str, host: &str, headers: &str) -> Vec<u8> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = TcpStream::connect(self.addr).await.unwrap();
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.unwrap();
        out
    }
}

impl Drop for LabServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub struct WsClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_req: u64,
    /// Events that arrived without a request number (auto behaviours) while waiting for a step.
    pub unsolicited: Vec<Event>,
}

impl WsClient {
    pub async fn connect(server: &LabServer) -> Self {
        Self::try_connect(server)
            .await
            .unwrap_or_else(|e| panic!("WebSocket upgrade failed: {e}"))
    }

    /// Connects without an `Origin` header, as a script would; `Err` carries the refusal
    /// (for example "HTTP error: 503 Service Unavailable").
    pub async fn try_connect(server: &LabServer) -> Result<Self, String> {
        Self::try_connect_request(server.ws_url().into_client_request().unwrap()).await
    }

    /// Connects as a follower of the session shared under `key` (no token); `Err` carries the
    /// refusal.
    pub async fn try_follow(server: &LabServer, key: &str) -> Result<Self, String> {
        let url = format!("ws://{}/ws?follow={key}", server.addr);
        Self::try_connect_request(url.into_client_request().unwrap()).await
    }

    /// Connects with an `Origin` header as a browser page would; `Err` carries the refusal.
    pub async fn try_connect_with_origin(server: &LabServer, origin: &str) -> Result<Self, String> {
        let mut request = server.ws_url().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        Self::try_connect_request(request).await
    }

    async fn try_connect_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Result<Self, String> {
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        Ok(WsClient {
            ws,
            next_req: 1000,
            unsolicited: Vec::new(),
        })
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    pub async fn send(&mut self, request: &Request) {
        self.send_text(&request.to_json()).await;
    }

    /// The next event, failing the test if none comes within [`EVENT_TIMEOUT`].
    pub async fn next_event(&mut self) -> Envelope {
        loop {
            let frame = tokio::time::timeout(EVENT_TIMEOUT, self.ws.next())
                .await
                .expect("no event from the server in time")
                .expect("server closed the WebSocket")
                .expect("WebSocket error");
            if let Message::Text(text) = frame {
                return Envelope::parse(&text).expect("server sent invalid JSON");
            }
        }
    }

    /// Performs one command given as JSON (`{"cmd": ...}`) and returns its events, up to and
    /// including the snapshot that ends every socket command. Skips the hello if not yet read.
    pub async fn step(&mut self, command: serde_json::Value) -> Vec<Event> {
        self.next_req += 1;
        let req = self.next_req;
        let mut command = command;
        command["req"] = serde_json::json!(req);
        self.send_text(&command.to_string()).await;
        let mut events = Vec::new();
        loop {
            let env = self.next_event().await;
            if env.req != Some(req) {
                if !matches!(env.event, Event::Hello { .. }) {
                    self.unsolicited.push(env.event);
                }
                continue;
            }
            let last = matches!(env.event, Event::Buffers { .. } | Event::Pong);
            events.push(env.event);
            if last {
                return events;
            }
        }
    }

    /// Like [`WsClient::step`], returning the first event, which must not be an error.
    pub async fn ok(&mut self, command: serde_json::Value) -> Event {
        let events = self.step(command.clone()).await;
        match events.into_iter().next() {
            Some(Event::Error { message, .. }) => panic!("{command} failed: {message}"),
            Some(e) => e,
            None => panic!("{command}: no event"),
        }
    }

    /// Like [`WsClient::step`], expecting an error event first; returns (code, message, errno name).
    pub async fn err(&mut self, command: serde_json::Value) -> (ErrorCode, String, Option<String>) {
        match self.step(command.clone()).await.into_iter().next() {
            Some(Event::Error {
                code,
                message,
                errno,
                ..
            }) => (code, message, errno.map(|e| e.name)),
            other => panic!("{command}: expected an error, got {other:?}"),
        }
    }

    /// Waits for an unsolicited event (auto behaviour) matching `pred`.
    pub async fn wait_unsolicited(&mut self, pred: impl Fn(&Event) -> bool) -> Event {
        if let Some(i) = self.unsolicited.iter().position(&pred) {
            return self.unsolicited.remove(i);
        }
        loop {
            let env = self.next_event().await;
            if pred(&env.event) {
                return env.event;
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }

    /// Closes the WebSocket and waits until the server has dropped the connection, which it
    /// does only after the session has closed all of its sockets.
    pub async fn close_and_wait_until_gone(mut self) {
        use tokio::io::AsyncReadExt;
        let _ = self.ws.close(None).await;
        while let Some(Ok(_)) = self.ws.next().await {}
        let MaybeTlsStream::Plain(mut tcp) = self.ws.into_inner() else {
            panic!("tests use plain ws://")
        };
        let mut rest = Vec::new();
        tokio::time::timeout(EVENT_TIMEOUT, tcp.read_to_end(&mut rest))
            .await
            .expect("server kept the connection open")
            .ok();
    }
}

/// A server with the default configuration and a session on it.
pub async fn lab() -> (LabServer, WsClient) {
    let server = LabServer::start().await;
    let ws = WsClient::connect(&server).await;
    (server, ws)
}

/// Fails unless a page served from `origin` is refused the WebSocket upgrade (403); `why`
/// says why it must be.
pub async fn assert_origin_refused(server: &LabServer, origin: &str, why: &str) {
    match WsClient::try_connect_with_origin(server, origin).await {
        Ok(_) => panic!("{why}: a page from {origin} got a lab session"),
        Err(err) => assert!(err.contains("403"), "{origin}: {err}"),
    }
}

/// A session opened by the lab's own page (origin `http://<the lab's address>`), which is
/// always let in.
pub async fn connect_as_own_page(server: &LabServer) -> WsClient {
    let own = format!("http://{}", server.addr);
    WsClient::try_connect_with_origin(server, &own)
        .await
        .expect("the lab's own page may connect")
}

/// `bytes` (or a string's UTF-8) in base64, as commands carry data.
pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    Payload(bytes.as_ref().to_vec()).to_base64()
}

/// A TCP listener on a free loopback port: (id, port).
pub async fn tcp_listen(ws: &mut WsClient) -> (SocketId, u16) {
    let event = ws
        .ok(serde_json::json!({"cmd": "tcp_listen", "port": 0}))
        .await;
    (opened(&event), port_of(&event))
}

/// A lab client connected to a fresh lab listener, and the `socket_opened` event of the end
/// the listener accepted: (client, accepted).
pub async fn connect_and_accept(ws: &mut WsClient) -> (SocketId, Event) {
    use serde_json::json;
    let (listener, port) = tcp_listen(ws).await;
    let client = opened(&ws.ok(json!({"cmd": "connect", "port": port})).await);
    let accepted = ws.ok(json!({"cmd": "accept", "socket": listener})).await;
    (client, accepted)
}

/// A lab client connected to a fresh lab listener and the accepted side: (client, server).
pub async fn tcp_pair(ws: &mut WsClient) -> (SocketId, SocketId) {
    let (client, accepted) = connect_and_accept(ws).await;
    (client, opened(&accepted))
}

/// A temporary folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "socklab-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The refusal that starts `events`: (message, hint). Fails unless the code is `refused` and
/// the refusal says what to do about it.
pub fn refusal(events: &[Event]) -> (String, String) {
    match events.first() {
        Some(Event::Error {
            code: ErrorCode::Refused,
            message,
            hint,
            ..
        }) => (
            message.clone(),
            hint.clone().expect("a refusal says what to do about it"),
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The socket id in a `socket_opened` event.
pub fn opened(event: &Event) -> SocketId {
    match event {
        Event::SocketOpened { socket, .. } => *socket,
        other => panic!("expected socket_opened, got {other:?}"),
    }
}

/// The port of a `socket_opened` event's local address.
pub fn port_of(event: &Event) -> u16 {
    match event {
        Event::SocketOpened { local, .. } => local.rsplit(':').next().unwrap().parse().unwrap(),
        other => panic!("expected socket_opened, got {other:?}"),
    }
}

/// The snapshot of `socket` in the last event of a step (a `buffers` event).
pub fn snapshot_of(events: &[Event], socket: SocketId) -> socklab_shared::protocol::BufferSnapshot {
    match events.last() {
        Some(Event::Buffers { sockets }) => sockets
            .iter()
            .find(|s| s.socket == socket)
            .cloned()
            .unwrap_or_else(|| panic!("no snapshot of {socket}")),
        other => panic!("expected a buffers snapshot, got {other:?}"),
    }
}

impl WsClient {
    /// The next unsolicited event (auto behaviours, and the snapshots that follow them), in
    /// arrival order: first those an earlier step kept aside, then new ones from the wire.
    /// Unlike [`WsClient::wait_unsolicited`] nothing is skipped, so a test can add events up.
    pub async fn next_unsolicited(&mut self) -> Event {
        if !self.unsolicited.is_empty() {
            return self.unsolicited.remove(0);
        }
        loop {
            let env = self.next_event().await;
            if env.req.is_none() && !matches!(env.event, Event::Hello { .. }) {
                return env.event;
            }
        }
    }
}
