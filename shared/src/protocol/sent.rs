//! The record of what a client sent: its commands by request number.
//!
//! Events report results, not requests: a `sent` event says how many bytes went, not which,
//! and an error names the call that failed but not its arguments. A client that keeps the
//! [`Command`] of every [`Request`](super::Request) it numbered can look up what any event
//! answered through the event's `req`: the page does so to write the Python of a session
//! exactly (the bytes, the `struct` format, the backlog) and to decode a socket's input with
//! the framing that socket sends.

use std::collections::HashMap;

use super::Command;

/// The commands a client sent, by request number (`req`).
pub type SentCommands = HashMap<u64, Command>;
