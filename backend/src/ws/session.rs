//! One lab session: the loop that reads commands from a WebSocket and writes events back.
//!
//! The loop knows nothing of axum: it reads [`Incoming`] frames from any `Stream` and writes
//! JSON text to any `Sink`, so unit tests drive it with channels. Every event goes through
//! [`Outbox`], which stamps it with the connection's sequence number and time.
//!
//! Bad input never ends a session: a malformed message, a binary frame or an oversized one
//! gets an error event and the loop goes on. What ends it:
//! - the client closing, or the transport breaking, **also while a step waits** (a `recv`
//!   with a timeout, a `sendall` into a full buffer): the loop keeps reading the WebSocket
//!   during a step, so a client that leaves frees its slot at once. Commands that arrive
//!   during a step wait their turn (a few, bounded);
//! - nothing from the client for `--idle-timeout-secs` (an `idle_timeout` error is sent;
//!   the page pings well within it);
//! - a client that stops reading: a write that doesn't complete within
//!   `--write-timeout-secs` ends the session, so no event piles up for it;
//! - server shutdown (a `shutting_down` error is sent).

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::{Sink, Stream, StreamExt};

use socklab_shared::protocol::{Command, ErrorCode, Event, LessonAt, PROTOCOL_VERSION, Request};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::Config;
use crate::engine::Engine;
use crate::engine::auto::AutoMsg;
use crate::engine::auto_queue::{AutoReceiver, Queued, auto_queue};
use crate::engine::policy::Policy;
use crate::engine::step_error::StepError;
use crate::room::Rooms;

pub use super::outbox::Outbox;
use super::sharing::Sharing;

/// Most frames kept while a step waits; more stay unread in the WebSocket until it ends.
const MAX_WAITING_FRAMES: usize = 16;

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

/// Why an event could not be written: the session ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    /// The transport failed or the client closed it.
    Closed,
    /// The client did not take the event within the write timeout: it stopped reading.
    NotReading,
}

/// An error event with a message and a hint, not tied to a socket.
pub(super) fn error_event(
    code: ErrorCode,
    message: impl Into<String>,
    hint: Option<&str>,
) -> Event {
    let error = StepError::new(code, message);
    match hint {
        Some(hint) => error.hint(hint),
        None => error,
    }
    .into_event()
}

/// Why a session ended, for the log.
#[derive(Debug)]
enum End {
    ClientLeft,
    Broken(String),
    Idle,
    Shutdown,
    Gone(Gone),
}

/// What happened while a step ran.
enum StepEnd {
    Done(Result<(), Gone>),
    Interrupted(End),
}

/// Runs a session until the client leaves, stops reading or goes idle, or the server shuts
/// down. `policy` is what the session's sockets may do.
pub async fn run_session<I, O>(
    mut incoming: I,
    outgoing: O,
    config: &Config,
    policy: Policy,
    rooms: Rooms,
    mut shutdown: watch::Receiver<bool>,
) where
    I: Stream<Item = Incoming> + Unpin,
    O: Sink<String> + Unpin,
{
    let mut out = Outbox::new(
        outgoing,
        Duration::from_secs(config.write_timeout_secs.max(1)),
    );
    let mut sharing = Sharing::new(rooms);
    out.tap = Some(sharing.room.clone());
    tracing::info!("lab session opened");
    let hello = Event::Hello {
        protocol_version: PROTOCOL_VERSION,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        limits: config.limits(),
    };
    if out.send(None, hello).await.is_err() {
        return;
    }
    let (auto_tx, mut auto_rx) = auto_queue();
    let mut engine = Engine::new(policy, auto_tx);
    let idle =
        (config.idle_timeout_secs > 0).then(|| Duration::from_secs(config.idle_timeout_secs));
    let mut last_heard = Instant::now();
    let mut waiting: VecDeque<Incoming> = VecDeque::new();
    let end = loop {
        let frame = match waiting.pop_front() {
            Some(frame) => frame,
            None => tokio::select! {
                frame = incoming.next() => match frame {
                    Some(frame) => frame,
                    None => break End::ClientLeft,
                },
                Some(first) = auto_rx.recv() => {
                    if let Err(gone) = forward_auto(&mut out, &mut engine, first, &mut auto_rx).await {
                        break End::Gone(gone);
                    }
                    continue;
                }
                () = stopped(&mut shutdown) => break End::Shutdown,
                () = idle_deadline(idle, last_heard) => break End::Idle,
                Ok(()) = sharing.count.changed() => {
                    let count = *sharing.count.borrow_and_update();
                    if let Err(gone) = out.send(None, Event::Followers { count }).await {
                        break End::Gone(gone);
                    }
                    continue;
                }
            },
        };
        last_heard = Instant::now();
        let result = match frame {
            Incoming::Close => break End::ClientLeft,
            Incoming::Broken(reason) => break End::Broken(reason),
            Incoming::Control => Ok(()),
            Incoming::Binary(len) => out.send(None, binary_refused(len)).await,
            Incoming::Text(text) => {
                // A step may wait; meanwhile keep reading the WebSocket (a client that leaves
                // ends the step) and watching for shutdown. Dropping a step mid-wait is safe:
                // it only ever waits for readiness, between system calls.
                let step = handle_text(&mut out, &mut engine, &mut sharing, config, &text);
                tokio::pin!(step);
                let step_end = loop {
                    let room = has_room(&waiting, config.max_message_bytes);
                    tokio::select! {
                        result = &mut step => break StepEnd::Done(result),
                        () = stopped(&mut shutdown) => break StepEnd::Interrupted(End::Shutdown),
                        frame = incoming.next(), if room => {
                            last_heard = Instant::now();
                            match frame {
                                None | Some(Incoming::Close) => break StepEnd::Interrupted(End::ClientLeft),
                                Some(Incoming::Broken(reason)) => break StepEnd::Interrupted(End::Broken(reason)),
                                Some(Incoming::Control) => {}
                                Some(frame) => waiting.push_back(frame),
                            }
                        }
                    }
                };
                match step_end {
                    StepEnd::Done(result) => result,
                    StepEnd::Interrupted(end) => break end,
                }
            }
        };
        if let Err(gone) = result {
            break End::Gone(gone);
        }
    };
    match &end {
        End::Shutdown => {
            let bye = error_event(
                ErrorCode::ShuttingDown,
                "the lab server is shutting down",
                Some("the page reconnects when the server is back"),
            );
            let _ = out.send(None, bye).await;
        }
        End::Idle => {
            let secs = config.idle_timeout_secs;
            let bye = error_event(
                ErrorCode::IdleTimeout,
                format!("nothing came from this client for {secs} s, so the session is closed"),
                Some(
                    "send a ping at least every minute to keep a session open (the page does); reconnect to start again",
                ),
            );
            let _ = out.send(None, bye).await;
        }
        End::Gone(Gone::NotReading) => tracing::warn!(
            write_timeout_secs = config.write_timeout_secs,
            "closing a lab session whose client stopped reading its events"
        ),
        End::Broken(reason) => tracing::debug!("session transport broke: {reason}"),
        End::ClientLeft | End::Gone(Gone::Closed) => {}
    }
    sharing.room.end();
    let sockets = engine.len();
    engine.close_all().await;
    tracing::info!(sockets, reason = ?end, "lab session closed; its sockets are closed");
}

fn binary_refused(len: usize) -> Event {
    error_event(
        ErrorCode::BinaryNotSupported,
        format!("received a binary frame of {len} bytes; the lab speaks JSON text frames"),
        Some("send commands as JSON text; socket data goes base64-encoded in the \"data\" field"),
    )
}

/// Whether another frame may be read during a step: a few frames, and together no more than
/// one largest message, so a client can't make a waiting session hold much.
fn has_room(waiting: &VecDeque<Incoming>, max_bytes: usize) -> bool {
    let bytes: usize = waiting
        .iter()
        .map(|f| match f {
            Incoming::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    waiting.len() < MAX_WAITING_FRAMES && bytes < max_bytes
}

/// Completes when the session has been idle for `idle` since `last_heard` (never without one).
pub(super) async fn idle_deadline(idle: Option<Duration>, last_heard: Instant) {
    match idle {
        Some(idle) => tokio::time::sleep_until(last_heard + idle).await,
        None => std::future::pending().await,
    }
}

/// Forwards what auto tasks did (this message and any others already waiting, up to 256),
/// then one fresh snapshot for all of them.
async fn forward_auto<O: Sink<String> + Unpin>(
    out: &mut Outbox<O>,
    engine: &mut Engine,
    first: Queued,
    more: &mut AutoReceiver,
) -> Result<(), Gone> {
    let mut next = Some(first);
    let mut handled = 0;
    while let Some(queued) = next.take() {
        match queued.msg {
            AutoMsg::Event(event) => out.queue(None, event).await?,
            AutoMsg::AcceptReady(id) => {
                for event in engine.auto_accept(id) {
                    out.queue(None, event).await?;
                }
            }
        }
        handled += 1;
        if handled < 256 {
            next = more.try_recv();
        }
    }
    out.send(None, engine.snapshot()).await
}

/// Completes once the server starts shutting down.
pub(super) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
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
    sharing: &mut Sharing,
    config: &Config,
    text: &str,
) -> Result<(), Gone> {
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
                .send(
                    None,
                    error_event(ErrorCode::BadMessage, message.to_string(), None),
                )
                .await;
        }
    };
    let req = request.req;
    let command = match request.command {
        Command::Share => {
            // Like every command but ping, followed by a snapshot.
            out.queue(req, sharing.share()).await?;
            return out.send(req, engine.snapshot()).await;
        }
        // A position marker, answered like every command (then a snapshot). Its event goes
        // into the history like any other, which is how followers and recordings get it.
        Command::LessonAt(at) => {
            out.queue(req, lesson_at(at)).await?;
            return out.send(req, engine.snapshot()).await;
        }
        command => command,
    };
    for event in engine.step(command).await {
        out.queue(req, event).await?;
    }
    out.flush().await
}

/// The answer to `lesson_at`: the position itself, or why it is refused.
fn lesson_at(at: LessonAt) -> Event {
    match at.check() {
        Ok(()) => Event::LessonAt(at),
        Err(message) => error_event(
            ErrorCode::BadMessage,
            format!("lesson_at refused: {message}"),
            Some("send the slug GET /api/lessons lists and how many steps have run"),
        ),
    }
}

#[cfg(test)]
mod tests;
