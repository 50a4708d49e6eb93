//! The lesson position a page shares with the room, and how a follower's (or a recording's)
//! lesson player takes it up.
//!
//! The lecturer's page sends `lesson_at` whenever its player moves (another lesson, a step
//! run, the names a step gave to sockets); the answer enters the session's history as an
//! event like any other. So the position at any moment of the history is the last `lesson_at`
//! before it: a follower stepping back through the timeline sees the narration of that moment,
//! and a recording replays it, with no separate channel to keep in step.

use std::collections::{BTreeMap, HashMap};

use socklab_shared::protocol::{Envelope, Event, LessonAt};
use socklab_shared::script::Named;

use super::lesson_player::Player;

/// The position the player `p` is at, as `lesson_at` says it.
pub fn of_player(p: &Player) -> LessonAt {
    LessonAt {
        lesson: p.lesson().map(|l| l.slug.clone()).unwrap_or_default(),
        step: if p.lesson().is_some() {
            u32::try_from(p.done).unwrap_or(LessonAt::MAX_STEP)
        } else {
            0
        },
        sockets: p
            .names
            .iter()
            .map(|(name, n)| (name.clone(), n.socket))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The last position in the first `upto` events of `history` (all of it for `None`).
pub fn at(history: &[Envelope], upto: Option<usize>) -> Option<&LessonAt> {
    let n = upto.unwrap_or(history.len()).min(history.len());
    history[..n].iter().rev().find_map(|env| match &env.event {
        Event::LessonAt(at) => Some(at),
        _ => None,
    })
}

/// The socket names of `at`, as a script binds them (the Python panel names its variables
/// after them).
pub fn names(at: Option<&LessonAt>) -> HashMap<String, Named> {
    at.map(|at| {
        at.sockets
            .iter()
            .map(|(name, socket)| {
                // The port is what a lesson's later commands fill in; a follower runs none.
                let named = Named {
                    socket: *socket,
                    port: 0,
                };
                (name.clone(), named)
            })
            .collect()
    })
    .unwrap_or_default()
}

/// What a player shows for a position: the lesson (index into its list), the steps run and
/// the names of the lesson's sockets.
#[derive(Debug, PartialEq)]
pub struct Shown {
    current: Option<usize>,
    done: usize,
    names: HashMap<String, Named>,
}

impl Shown {
    /// What `p` shows for `at` (no lesson for `None` or a slug the list doesn't have), or
    /// `None` when it shows that already: checked without copying the player, which holds
    /// every lesson (a follower asks on every event).
    pub fn of(p: &Player, at: Option<&LessonAt>) -> Option<Shown> {
        let current = at.and_then(|at| p.lessons.iter().position(|l| l.slug == at.lesson));
        let steps = current.map_or(0, |i| p.lessons[i].steps.len());
        let done = at.map_or(0, |at| (at.step as usize).min(steps));
        let names = names(at);
        let same = p.current == current && p.done == done && p.names == names;
        (!same).then_some(Shown {
            current,
            done,
            names,
        })
    }

    /// Moves the player there.
    pub fn apply(self, p: &mut Player) {
        p.current = self.current;
        p.done = self.done;
        p.names = self.names;
    }
}

/// Moves `p` to `at`; whether anything changed.
pub fn show(p: &mut Player, at: Option<&LessonAt>) -> bool {
    match Shown::of(p, at) {
        Some(shown) => {
            shown.apply(p);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
