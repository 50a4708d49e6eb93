//! The scope: which lesson or demo the page is doing now, and where in the history it began.
//!
//! A lecturer runs lesson after lesson and demo after demo in one session; each starts from a
//! clean slate ([`super::Lab::start_fresh`]): every socket still open is closed, and the
//! timeline shows only what happened since (its earlier events stay in the history, one click
//! away, but out of the way).
//!
//! Invariants: `start` is a history length (the first event of the current lesson or demo),
//! at most the history's length; a new session (hello) starts it over at 0 with no owner.

use leptos::prelude::*;

/// Who started the current scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Owner {
    /// Nothing yet, or work by hand.
    #[default]
    Free,
    /// The lesson with this slug.
    Lesson(String),
    /// A demo button (e.g. "tcp-vs-udp").
    Demo(&'static str),
}

/// Where the current lesson or demo began.
#[derive(Clone, Copy)]
pub struct Scope {
    /// The history length when it began.
    pub start: RwSignal<usize>,
    /// Who began it.
    pub owner: RwSignal<Owner>,
    /// The timeline shows the events before `start` too.
    pub show_earlier: RwSignal<bool>,
}

impl Scope {
    pub fn new() -> Self {
        Scope {
            start: RwSignal::new(0),
            owner: RwSignal::new(Owner::Free),
            show_earlier: RwSignal::new(false),
        }
    }

    /// Begins a new scope at history length `at`.
    pub fn begin(&self, at: usize, owner: Owner) {
        self.start.set(at);
        self.owner.set(owner);
        self.show_earlier.set(false);
    }

    /// A new session: everything starts over.
    pub fn forget_session(&self) {
        self.start.set(0);
        self.show_earlier.set(false);
    }

    /// Where the timeline begins (tracked): the scope's start, or 0 when earlier work is shown.
    pub fn timeline_start(&self) -> usize {
        if self.show_earlier.get() {
            0
        } else {
            self.start.get()
        }
    }
}

impl Default for Scope {
    fn default() -> Self {
        Self::new()
    }
}

/// The script commands that close `sockets` (a clean slate), each allowed to fail (a socket
/// may close by itself while the script runs).
pub fn close_commands(sockets: impl IntoIterator<Item = u32>) -> Vec<serde_json::Value> {
    sockets
        .into_iter()
        .map(|id| serde_json::json!({"cmd": "close", "socket": id, "may_fail": true}))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_socket_is_closed_and_may_already_be_gone() {
        let c = close_commands([3, 7]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[1]["socket"], 7);
        assert_eq!(c[0]["cmd"], "close");
        assert_eq!(c[0]["may_fail"], true);
    }
}
