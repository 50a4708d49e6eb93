//! Keeping the lecturer's place across a reload: the lesson and its step are written to the
//! tab's storage as they change (the page's language is kept by the app, `crate::app`); after a reload, once the lesson
//! list has come and the new session said hello, the lesson is chosen again and its steps run
//! again up to the same one (real sockets can't be carried over a reload: the lab rebuilds
//! them, quickly, as one script, the way "◀ previous" does).

use leptos::prelude::*;

use crate::lab::Lab;
use crate::model::lesson_player::Player;
use crate::model::place::Place;
use crate::storage::{self, PLACE_KEY};

/// The place kept in this tab's storage (the default when there is none).
pub fn stored_place() -> Place {
    Place::from_text(&storage::read(PLACE_KEY).unwrap_or_default())
}

/// Restores the stored place into `player` (its lesson and step once both the lessons and a
/// session are there, through `restart`), then keeps it stored.
pub(super) fn keep_place(
    lab: Lab,
    player: RwSignal<Player>,
    restart: impl Fn(usize) + Copy + 'static,
) {
    let stored = stored_place();
    let pending = StoredValue::new(stored.lesson.is_some().then_some(stored));
    Effect::new(move |_| {
        let ready =
            player.with(|p| !p.lessons.is_empty()) && lab.connection.server.with(Option::is_some);
        if !ready {
            return;
        }
        let Some(place) = pending.try_update_value(Option::take).flatten() else {
            return;
        };
        let index = player.with_untracked(|p| {
            p.lessons
                .iter()
                .position(|l| place.lesson.as_deref() == Some(l.slug.as_str()))
        });
        if let Some(index) = index {
            player.update(|p| p.select(Some(index)));
            let steps = player.with_untracked(|p| p.lesson().map_or(0, |l| l.steps.len()));
            restart(place.done.min(steps));
        }
    });
    Effect::new(move |_| {
        let (lesson, done) = player.with(|p| (p.lesson().map(|l| l.slug.clone()), p.done));
        if pending.with_value(Option::is_some) {
            // Not restored yet: the stored place must not be overwritten by the empty start.
            return;
        }
        let mut place = stored_place();
        place.lesson = lesson;
        place.done = done;
        storage::write(PLACE_KEY, &place.to_text());
    });
}
