//! The session's history: every event received, the lab state after them ("live"), and the
//! record of the commands this page sent, as signals.
//!
//! Invariants:
//! - `events` holds every event of the current session, in the order received, except the
//!   pongs of keep-alive pings (dropped by the connection) and errors that a fallback answered;
//!   the first is the session's hello. A hello empties the history and the record of sent
//!   commands: a new connection is a new session, the server forgot the old sockets.
//! - `live` is always the state after every event of `events`
//!   ([`LabState::replay`]`(events, events.len())`), but for its latest error, which the page
//!   itself and the link may also write ([`crate::model::last_error`]).
//! - `sent` has the command of every request number sent in this session, as
//!   [`crate::model::sent`] keeps it (a file's later chunks without their bytes).
//! - `events` only grows, except when a hello starts it over; `session` counts those hellos,
//!   so what is computed from the history event by event (the timeline, its steps) knows when
//!   to start over instead of adding the new events.

use leptos::prelude::*;
use socklab_shared::protocol::{Command, Envelope, Event, SentCommands};

use crate::model::lab_state::LabState;
use crate::model::sent;

/// Events received, the live state, and commands sent.
#[derive(Clone, Copy)]
pub struct History {
    /// Every event of this session, in order (the timeline's history).
    pub events: RwSignal<Vec<Envelope>>,
    /// The state after every event.
    pub live: RwSignal<LabState>,
    /// Every command this page sent, by request number: the Python panel writes exactly what
    /// was sent (events only say how many bytes went).
    pub sent: RwSignal<SentCommands>,
    /// How many sessions (hellos) the history has started: it changes exactly when `events`
    /// was emptied, so models kept up to date event by event build again.
    pub session: RwSignal<u64>,
}

impl History {
    pub fn new() -> Self {
        History {
            events: RwSignal::new(Vec::new()),
            live: RwSignal::new(LabState::default()),
            sent: RwSignal::new(SentCommands::new()),
            session: RwSignal::new(0),
        }
    }

    /// Keeps `command`, sent with request number `req`.
    pub fn record(&self, req: u64, command: &Command) {
        self.sent.update(|s| sent::record(s, req, command));
    }

    /// Adds one event (a hello starts the history over).
    pub fn apply(&self, env: Envelope) {
        if matches!(env.event, Event::Hello { .. }) {
            self.events.set(Vec::new());
            self.sent.set(SentCommands::new());
            self.session.update(|n| *n += 1);
        }
        self.live.update(|state| state.apply(&env));
        self.events.update(|h| h.push(env));
    }

    /// Empties the history for another one (a recording): a new session.
    pub fn start_over(&self) {
        self.events.set(Vec::new());
        self.sent.set(SentCommands::new());
        self.live.set(LabState::default());
        self.session.update(|n| *n += 1);
    }

    /// The page's own error message (the server sent something it can't read).
    pub fn note_error(&self, message: String) {
        self.live.update(|state| state.errors.note(message));
    }

    /// An error of a follower's own connection (a refused command, the lecturer's session
    /// ended): shown like any error, but not kept in the history, which is the lecturer's.
    pub fn note_own_error(&self, env: &Envelope) {
        self.live.update(|state| state.errors.apply(env, false));
    }

    /// The link opened again: the errors it makes stale go.
    pub fn link_reopened(&self) {
        self.live.maybe_update(|state| state.errors.link_reopened());
    }

    /// The latest error, for the status bar.
    pub fn last_error_note(&self) -> Option<crate::model::last_error::ErrorNote> {
        self.live.with(|state| state.errors.latest().cloned())
    }

    /// The message of the latest error.
    pub fn last_error(&self) -> Option<String> {
        self.live
            .with(|state| state.errors.latest().map(|e| e.message.clone()))
    }
}

impl Default for History {
    fn default() -> Self {
        Self::new()
    }
}
