//! The timeline as a sequence diagram, computed from the event history.
//!
//! [`Timeline::build`] turns the history into one lane per socket (in order of appearance),
//! one row per call (every event except `hello`, `pong` and `buffers` snapshots), and arrows
//! between rows: from a `send` to every `recv` that returned some of its bytes (so
//! `send(b"hello"); send(b"world")` read by one `recv` is two arrows into one row), from a
//! `sendto` to the `recvfrom` that got the datagram, from `connect()` to the `accept()` of
//! the same connection, and from a `close()`/`shutdown()` to the peer's `recv` that returned
//! `b''`.
//!
//! Stepping: [`step_positions`] lists the history lengths a stepping cursor stops at, one per
//! step, each right after the step's `buffers` snapshot so the buffer views show the kernel's
//! state after that step. [`prev_step`], [`next_step`] and [`stop_for_row`] move a cursor
//! (`None` = live, `Some(n)` = the state after the first `n` events) between them.
//!
//! Everything here is plain data: the component only draws it.
//!
//! # Layout
//! - this file: the diagram's data ([`Timeline`], [`Lane`], [`Row`], [`RowKind`], [`Arrow`])
//!   and which events are rows ([`is_row_event`]).
//! - `build`: the walk over the history that makes lanes and rows ([`Timeline::build`]).
//! - `labels`: the text of rows and tooltips (call labels, option values, [`format_time`]).
//! - `arrows`: the arrows between rows (send → recv, sendto → recvfrom, connect → accept,
//!   close/shutdown → EOF).
//! - `steps`: where a stepping cursor stops and how the step controls move it.
//! - `live`: the diagram and the stops kept up to date as events arrive ([`LiveTimeline`],
//!   [`LiveSteps`]): only the new events are walked, a new session or scope builds again.
//! - `window`: which rows to render around the cursor ([`window()`]).
//! - `tests`: unit tests (`tests/diagram.rs`: lanes, rows, arrows; `tests/steps.rs`: stops,
//!   cursor moves, windowing, labels), sharing the history fixtures of `tests/mod.rs`.

mod arrows;
mod build;
mod labels;
mod live;
mod steps;
mod window;

#[cfg(test)]
mod tests;

pub use labels::format_time;
pub(crate) use labels::{auto_set_label, option_label, shutdown_name, summary_in};
pub use live::{Basis, LiveSteps, LiveTimeline, Throttle, streaming};
pub use steps::{
    current_step, first_step, next_step, position_label, prev_step, step_positions, stop_for_row,
};
pub use window::window;

use socklab_shared::protocol::{Event, SocketId};

/// One socket's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub socket: SocketId,
    /// "listener", "client", "accepted", "udp" (the `data-role` of the socket's card), or
    /// "socket" when the history never said what it is.
    pub role: &'static str,
    /// "TCP server", "TCP client", "accepted by #1", "UDP socket".
    pub label: String,
    /// The address: "127.0.0.1:9000", "→ 127.0.0.1:9000"...
    pub detail: String,
    /// The row (index into [`Timeline::rows`]) where the socket first appears.
    pub first_row: usize,
    /// The row of its `close()`, if it was closed.
    pub closed_row: Option<usize>,
}

/// What a row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A call the user (or a script) made and its result.
    Call { label: String },
    /// A call that failed, or an error not tied to a call.
    Error { label: String },
    /// Something an auto behaviour did by itself (auto-accept, auto-recv, echo).
    Auto { label: String },
}

impl RowKind {
    pub fn label(&self) -> &str {
        match self {
            RowKind::Call { label } | RowKind::Error { label } | RowKind::Auto { label } => label,
        }
    }

    /// A short name for styling: "call", "error", "auto".
    pub fn class(&self) -> &'static str {
        match self {
            RowKind::Call { .. } => "call",
            RowKind::Error { .. } => "error",
            RowKind::Auto { .. } => "auto",
        }
    }
}

/// One call, in history order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Position of the event in the history.
    pub index: usize,
    pub seq: u64,
    /// The lane (index into [`Timeline::lanes`]); `None` for errors not about a socket.
    pub lane: Option<usize>,
    pub kind: RowKind,
    pub t_us: u64,
    /// Longer text for a tooltip (the recv's summary, an error's hint, addresses).
    pub title: String,
    /// The send colour (`.send-k` of the buffer strips) of a `send`/`sendto` row.
    pub colour: Option<u32>,
    /// Arrows that end at this row.
    pub arrows_in: usize,
    /// Arrows that start at this row.
    pub arrows_out: usize,
    /// The label and tooltip are the protocol's own (an event the page has no words for:
    /// its name and JSON), data rather than text to translate.
    pub raw: bool,
}

/// An arrow between two rows (indices into [`Timeline::rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrow {
    pub from_row: usize,
    pub to_row: usize,
    /// "5 B", "2 B" (a part of a send), "connect", "FIN".
    pub label: String,
    /// The send's colour for data arrows; `None` for connection arrows (connect, FIN).
    pub colour: Option<u32>,
}

/// The whole diagram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    pub arrows: Vec<Arrow>,
}

/// True for the events that are drawn as rows (everything but `hello`, `pong`, `buffers`
/// and the lesson positions the page marks, which are not calls).
pub fn is_row_event(event: &Event) -> bool {
    !matches!(
        event,
        Event::Hello { .. } | Event::Pong | Event::Buffers { .. } | Event::LessonAt(_)
    )
}
