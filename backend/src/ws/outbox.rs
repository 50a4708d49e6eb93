//! The one way events leave a connection: stamped with its sequence number and time, each
//! write bounded by the write timeout, and kept in the session's room for followers.
//!
//! Invariant: the n-th frame written has `seq` n (relays included), and every event a lab
//! session sends is appended to its room before it is written.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use socklab_shared::protocol::{Event, Sequencer};
use tokio::time::Instant;

use super::session::Gone;
use crate::room::Room;

/// Stamps events and writes them to the client, each write bounded by the write timeout.
pub struct Outbox<O> {
    sink: O,
    sequencer: Sequencer,
    opened: Instant,
    write_timeout: Duration,
    /// The session's room: every event sent is also kept there for followers.
    pub(super) tap: Option<Arc<Room>>,
}

impl<O: Sink<String> + Unpin> Outbox<O> {
    pub(super) fn new(sink: O, write_timeout: Duration) -> Self {
        Outbox {
            sink,
            sequencer: Sequencer::default(),
            opened: Instant::now(),
            write_timeout,
            tap: None,
        }
    }

    fn t_us(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Queues another connection's envelope (its JSON text) as a `relay` event.
    pub(super) async fn queue_relay(&mut self, envelope: &str) -> Result<(), Gone> {
        let text = self.sequencer.stamp_relay(self.t_us(), envelope);
        self.feed(text).await
    }

    async fn feed(&mut self, text: String) -> Result<(), Gone> {
        match tokio::time::timeout(self.write_timeout, self.sink.feed(text)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Gone::Closed),
            Err(_) => Err(Gone::NotReading),
        }
    }

    /// Sends one event now.
    pub async fn send(&mut self, req: Option<u64>, event: Event) -> Result<(), Gone> {
        self.queue(req, event).await?;
        self.flush().await
    }

    /// Queues an event without flushing, so a step's events leave together. (A sink may still
    /// have to write earlier frames to make room, which the write timeout bounds.)
    pub async fn queue(&mut self, req: Option<u64>, event: Event) -> Result<(), Gone> {
        let envelope = self.sequencer.stamp(self.t_us(), req, event);
        let text = envelope.to_json();
        if let Some(room) = &self.tap {
            room.append(&text);
        }
        self.feed(text).await
    }

    /// Sends what was queued.
    pub async fn flush(&mut self) -> Result<(), Gone> {
        match tokio::time::timeout(self.write_timeout, self.sink.flush()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Gone::Closed),
            Err(_) => Err(Gone::NotReading),
        }
    }
}
