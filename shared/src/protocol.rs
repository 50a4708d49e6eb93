//! The WebSocket protocol between the page (or any script) and the backend.
//!
//! One JSON object per WebSocket text frame, in both directions.
//!
//! - Client → server: a [`Request`]: `{"req": 7, "cmd": "tcp_listen", "port": 9000}`. `req` is an
//!   optional number chosen by the client; every event caused by that command echoes it, so a
//!   script can match answers to questions.
//! - Server → client: an [`Envelope`]: `{"seq": 12, "t_us": 48211, "req": 7, "event":
//!   "listening", ...}`. `seq` counts from 1 per connection with no gaps, and `t_us` is
//!   microseconds since the connection opened (monotonic clock), so the page can order, step
//!   through and replay what happened.
//!
//! The first event on every connection is [`Event::Hello`] with [`PROTOCOL_VERSION`]. The
//! version changes when a message changes meaning or a field is removed; adding an optional field
//! or a new command does not change it.
//!
//! Byte payloads are base64 strings ([`crate::Payload`]). `docs/protocol.md` lists every message
//! with an example.

mod command;
mod event;
pub mod hmac_demo;
mod ports;
mod sent;
mod types;
pub mod wire;

pub use command::{AutoBehaviour, Command, EchoMode, LessonAt, ShutdownHow, SockOption};
pub use event::{BufferSnapshot, ErrorCode, Event, Limits, SendSpan, TcpMetrics};
pub use ports::{PortRange, PortRanges};
pub use sent::SentCommands;
pub use types::{Errno, SocketId, SocketKind, TcpState};

use serde::{Deserialize, Serialize};

/// The protocol version this build speaks; sent in [`Event::Hello`].
pub const PROTOCOL_VERSION: u32 = 1;

/// A command from the client, with the client's optional request number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Chosen by the client and echoed in every event the command causes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<u64>,
    /// What to do.
    #[serde(flatten)]
    pub command: Command,
}

impl Request {
    /// A request without a request number.
    pub fn new(command: Command) -> Self {
        Request { req: None, command }
    }

    /// Parses one text frame. The error text is meant for the user: it says what was wrong.
    pub fn parse(text: &str) -> Result<Self, crate::Error> {
        serde_json::from_str(text).map_err(|e| {
            crate::Error::BadMessage(format!(
                "could not understand the message: {e}. Send one JSON object such as \
                 {{\"cmd\": \"ping\"}}; docs/protocol.md lists every command"
            ))
        })
    }

    /// The JSON text frame for this request.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a Request always serialises")
    }
}

/// An event from the server, stamped with its place in the connection's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// 1, 2, 3… per connection, no gaps.
    pub seq: u64,
    /// Microseconds since the connection opened.
    pub t_us: u64,
    /// The request number of the command that caused this event, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub req: Option<u64>,
    /// What happened.
    #[serde(flatten)]
    pub event: Event,
}

impl Envelope {
    /// The JSON text frame for this envelope.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an Envelope always serialises")
    }

    /// Parses one text frame from the server.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// Hands out sequence numbers and timestamps for one connection.
///
/// Pure: the caller passes the time (microseconds since the connection opened), so this is
/// testable without a clock. Invariant: `seq` of the n-th stamped event is n.
#[derive(Debug, Default)]
pub struct Sequencer {
    last_seq: u64,
}

impl Sequencer {
    /// Wraps `event` in the next envelope.
    pub fn stamp(&mut self, t_us: u64, req: Option<u64>, event: Event) -> Envelope {
        self.last_seq += 1;
        Envelope {
            seq: self.last_seq,
            t_us,
            req,
            event,
        }
    }

    /// The next envelope around an event that is already JSON: a `relay` of `envelope`, the
    /// text of another connection's envelope, without parsing it again (a follower gets
    /// thousands). Same shape as stamping [`Event::Relay`].
    pub fn stamp_relay(&mut self, t_us: u64, envelope: &str) -> String {
        self.last_seq += 1;
        format!(
            r#"{{"seq":{},"t_us":{t_us},"event":"relay","envelope":{envelope}}}"#,
            self.last_seq
        )
    }
}

#[cfg(test)]
mod tests;
