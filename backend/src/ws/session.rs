//! One lab session: the loop that reads commands from a WebSocket and writes events back.
//!
//! The loop knows nothing of axum: it reads [`Incoming`] frames from any `Stream` and writes
//! JSON text to any `Sink`, so unit tests drive it with channels. Every event goes through
//! [`Outbox`], which stamps it with the connection's sequence number and time.
//!
//! Bad input never ends a session: a malformed message, a binary frame or an oversized one
//! gets an error event and the loop goes on. Only the client closing, a broken transport or
//! server shutdown end it.

use std::time::Instant;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use socklab_shared::protocol::{ErrorCode, Event, PROTOCOL_VERSION, Request, Sequencer};
use tokio::sync::watch;

use crate::config::Config;
use crate::engine::Engine;
use crate::engine::auto::AutoMsg;
use crate::engine::policy::Policy;

/// A frame from the client, reduced to what the session cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A text frame: one JSON command.
    Text(String),
    /// A binary frame of this many bytes (not part of the protocol).
    Binary(usize),
    /// Ping/pong, handled by the WebSocket layer.
    Control,
    /// The client closed the connection.
    Close,
    /// The transport failed; the text says how.
    Broken(String),
}

/// Stamps events and writes them to the client.
pub struct Outbox<O> {
    sink: O,
    sequencer: Sequencer,
    opened: Instant,
}

impl<O: Sink<String> + Unpin> Outbox<O> {
    fn new(sink: O) -> Self {
        Outbox {
            sink,
            sequencer: Sequencer::default(),
            opened: Instant::now(),
        }
    }

    /// Sends one event now; `Err` means the client is gone.
    pub async fn send(&mut self, req: Option<u64>, event: Event) -> Result<(), ()> {
        self.queue(req, event).await?;
        self.flush().await
    }

    /// Queues an event without flushing, so a step's events leave together.
    pub async fn queue(&mut self, req: Option<u64>, event: Event) -> Result<(), ()> {
        let t_us = u64::try_from(self.opened.elapsed().as_micros()).unwrap_or(u64::MAX);
        let envelope = self.sequencer.stamp(t_us, req, event);
        self.sink.feed(envelope.to_json()).await.map_err(|_| ())
    }

    /// Sends what was queued.
    pub async fn flush(&mut self) -> Result<(), ()> {
        self.sink.flush().await.map_err(|_| ())
    }
}

/// An error event with a message and a hint.
pub fn error_event(code: ErrorCode, message: impl Into<String>, hint: Option<&str>) -> Event {
    Event::Error {
        code,
        message: message.into(),
        hint: hint.map(str::to_owned),
        socket: None,
        errno: None,
    }
}

/// Runs a session until the client leaves or the server shuts down.
pub async fn run_session<I, O>(
    mut incoming: I,
    outgoing: O,
    config: &Config,
    mut shutdown: watch::Receiver<bool>,
) where
    I: Stream<Item = Incoming> + Unpin,
    O: Sink<String> + Unpin,
{
    let mut out = Outbox::new(outgoing);
    tracing::info!("lab session opened");
    let hello = Event::Hello {
        protocol_version: PROTOCOL_VERSION,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        limits: config.limits(),
    };
    if out.send(None, hello).await.is_err() {
        return;
    }
    let (auto_tx, mut auto_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut engine = Engine::new(Policy::from_config(config), auto_tx);
    loop {
        let frame = tokio::select! {
            frame = incoming.next() => frame,
            Some(first) = auto_rx.recv() => {
                if forward_auto(&mut out, &mut engine, first, &mut auto_rx).await.is_err() {
                    break;
                }
                continue;
            }
            () = stopped(&mut shutdown) => {
                let bye = error_event(ErrorCode::ShuttingDown, "the lab server is shutting down", Some("the page reconnects when the server is back"));
                let _ = out.send(None, bye).await;
                break;
            }
        };
        let result = match frame {
            None | Some(Incoming::Close) => break,
            Some(Incoming::Broken(reason)) => {
                tracing::debug!("session transport broke: {reason}");
                break;
            }
            Some(Incoming::Control) => Ok(()),
            Some(Incoming::Binary(len)) => {
                let e = error_event(
                    ErrorCode::BinaryNotSupported,
                    format!(
                        "received a binary frame of {len} bytes; the lab speaks JSON text frames"
                    ),
                    Some(
                        "send commands as JSON text; socket data goes base64-encoded in the \"data\" field",
                    ),
                );
                out.send(None, e).await
            }
            // A step may wait (a recv with a timeout, a sendall into a full buffer); a server
            // shutdown must not wait for it. Dropping the step mid-wait is safe: it only ever
            // waits for readiness, between system calls.
            Some(Incoming::Text(text)) => tokio::select! {
                result = handle_text(&mut out, &mut engine, config, &text) => result,
                () = stopped(&mut shutdown) => {
                    let bye = error_event(ErrorCode::ShuttingDown, "the lab server is shutting down", Some("the page reconnects when the server is back"));
                    let _ = out.send(None, bye).await;
                    break;
                }
            },
        };
        if result.is_err() {
            break;
        }
    }
    let sockets = engine.len();
    engine.close_all().await;
    tracing::info!(sockets, "lab session closed; its sockets are closed");
}

/// Forwards what auto tasks did (this message and any others already waiting), then one
/// fresh snapshot for all of them.
async fn forward_auto<O: Sink<String> + Unpin>(
    out: &mut Outbox<O>,
    engine: &mut Engine,
    first: AutoMsg,
    more: &mut tokio::sync::mpsc::UnboundedReceiver<AutoMsg>,
) -> Result<(), ()> {
    let mut next = Some(first);
    let mut handled = 0;
    while let Some(msg) = next.take() {
        match msg {
            AutoMsg::Event(event) => out.queue(None, event).await?,
            AutoMsg::AcceptReady(id) => {
                for event in engine.auto_accept(id) {
                    out.queue(None, event).await?;
                }
            }
        }
        handled += 1;
        if handled < 256 {
            next = more.try_recv().ok();
        }
    }
    out.send(None, engine.snapshot()).await
}

/// Completes once the server starts shutting down.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`; drop it here rather than hold it in `select!`.
    if shutdown.wait_for(|stop| *stop).await.is_err() {
        // The server's state is gone without a shutdown signal: nothing will ever stop us.
        std::future::pending::<()>().await;
    }
}

/// Parses and performs one text frame.
async fn handle_text<O: Sink<String> + Unpin>(
    out: &mut Outbox<O>,
    engine: &mut Engine,
    config: &Config,
    text: &str,
) -> Result<(), ()> {
    if text.len() > config.max_message_bytes {
        let e = error_event(
            ErrorCode::MessageTooLarge,
            format!(
                "message of {} bytes is over the limit of {} bytes",
                text.len(),
                config.max_message_bytes
            ),
            Some("send less data per command, or start socklab with a larger --max-message-bytes"),
        );
        return out.send(None, e).await;
    }
    let request = match Request::parse(text) {
        Ok(r) => r,
        Err(message) => {
            return out
                .send(None, error_event(ErrorCode::BadMessage, message, None))
                .await;
        }
    };
    let req = request.req;
    for event in engine.step(request.command).await {
        out.queue(req, event).await?;
    }
    out.flush().await
}

#[cfg(test)]
mod tests;
