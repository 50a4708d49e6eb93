//! The timeline's cursor: which moment of the history the page draws.
//!
//! Invariants:
//! - `None` follows the live state; `Some(n)` shows the state after the first `n` events of
//!   the history, replayed from them, so the picture at step n is exactly the one the page
//!   showed live at step n ([`LabState::replay`]).
//! - Acting on the lab (any command sent) and a new session return it to the live state
//!   ([`Cursor::to_live`]); only the timeline's controls move it elsewhere.

use leptos::prelude::*;

use super::history::History;
use crate::model::lab_state::LabState;

/// The position shown and the state there.
#[derive(Clone, Copy)]
pub struct Cursor {
    position: RwSignal<Option<usize>>,
    /// What the page draws: the live state, or the state at the cursor.
    pub shown: Memo<LabState>,
}

impl Cursor {
    /// A cursor over `history`, following the live state.
    pub fn new(history: History) -> Self {
        let position = RwSignal::new(None::<usize>);
        let shown = Memo::new(move |_| match position.get() {
            None => history.live.get(),
            Some(n) => history.events.with(|h| LabState::replay(h, n)),
        });
        Cursor { position, shown }
    }

    /// The position shown (tracked): `None` when live.
    pub fn get(&self) -> Option<usize> {
        self.position.get()
    }

    /// The position shown, untracked.
    pub fn get_untracked(&self) -> Option<usize> {
        self.position.get_untracked()
    }

    /// Shows the state after the first `n` events (`Some(n)`), or the live state (`None`).
    pub fn set(&self, to: Option<usize>) {
        self.position.set(to);
    }

    /// Back to the live state.
    pub fn to_live(&self) {
        if self.position.with_untracked(Option::is_some) {
            self.position.set(None);
        }
    }
}
