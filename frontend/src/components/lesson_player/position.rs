//! The lesson position, shared with the room: the lecturer's player says where it is
//! (`lesson_at`), and a follower's or a recording's player shows the position the history
//! holds at the timeline's cursor (see [`crate::model::lesson_position`]).

use leptos::prelude::*;
use socklab_shared::protocol::{Command, LessonAt};

use crate::lab::Lab;
use crate::model::lesson_player::Player;
use crate::model::lesson_position::{self, Shown};

/// Wires `player` to the session's lesson positions, in whichever direction this page has.
pub(super) fn share_position(lab: Lab, player: RwSignal<Player>) {
    // Sent so far in this session (a new session, after a reconnect, is told again).
    let told = StoredValue::new(None::<LessonAt>);
    Effect::new(move |_| {
        if lab.follow.is_follower() || lab.recording.get() {
            return;
        }
        let position = player.with(lesson_position::of_player);
        if lab.connection.server.with(Option::is_none) {
            told.set_value(None);
            return;
        }
        // A step's names arrive when its script has finished; send each position once (and
        // none before a lesson is opened: "no lesson" is what a history without one says).
        let same = told.with_value(|t| match t {
            Some(t) => *t == position,
            None => position.lesson.is_empty(),
        });
        if same {
            return;
        }
        told.set_value(Some(position.clone()));
        lab.command(Command::LessonAt(position));
    });
    let lessons = Memo::new(move |_| player.with(|p| p.lessons.len()));
    Effect::new(move |_| {
        if !(lab.follow.is_follower() || lab.recording.get()) {
            return;
        }
        lessons.track();
        let cursor = lab.cursor.get();
        let at = lab
            .history
            .events
            .with(|h| lesson_position::at(h, cursor).cloned());
        // Only a real change is written: the player is read above through `lessons` alone.
        if let Some(shown) = player.with_untracked(|p| Shown::of(p, at.as_ref())) {
            player.update(|p| shown.apply(p));
        }
        // The Python panel names its variables after the lecturer's sockets too.
        let names = lesson_position::names(at.as_ref());
        if lab.scripts.last_names.with_untracked(|n| *n != names) {
            lab.scripts.last_names.set(names);
        }
    });
}
