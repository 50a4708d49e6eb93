//! The scripts the page runs (a demo, a lesson step) and the fallbacks of single commands.
//!
//! Invariants:
//! - at most one script runs; starting one replaces the one before;
//! - a script has one command in flight at a time: the next goes once the answer to the
//!   previous one has ended with its snapshot ([`ScriptRun::observe`]);
//! - `last_names` are the names (`"as"`) bound by the last script that finished, kept until
//!   another finishes or the session ends;
//! - a fallback is sent at most once, and only when an error answers the request it stands in
//!   for ([`Fallbacks`]);
//! - a new session forgets the script and the names (the server forgot their sockets).

use std::collections::HashMap;

use leptos::prelude::*;
use socklab_shared::protocol::{Command, Envelope};

use crate::model::script::{Named, ScriptRun};

/// The script being run, the names of the last one, and the fallbacks waiting.
#[derive(Clone, Copy)]
pub struct Scripts {
    /// The script being run (a demo or a lesson step), if any.
    pub run: RwSignal<Option<ScriptRun>>,
    /// The sockets the last finished script named (`"as"`), e.g. the TCP vs UDP demo's.
    pub last_names: RwSignal<HashMap<String, Named>>,
    fallbacks: StoredValue<Fallbacks>,
}

impl Scripts {
    pub fn new() -> Self {
        Scripts {
            run: RwSignal::new(None),
            last_names: RwSignal::new(HashMap::new()),
            fallbacks: StoredValue::new(Fallbacks::default()),
        }
    }

    /// Starts running `run` (its first command goes with [`Scripts::next_command`]).
    pub(super) fn start(&self, run: ScriptRun) {
        self.run.set(Some(run));
    }

    /// Stops the running script with `why`.
    pub(super) fn fail(&self, why: String) {
        self.run.update(|run| {
            if let Some(r) = run.as_mut().filter(|r| !r.finished()) {
                r.failed = Some(why);
            }
        });
    }

    /// The running script's next command, to be sent with request number `req`, if it is
    /// ready for one.
    pub(super) fn next_command(&self, req: u64) -> Option<Command> {
        self.run
            .try_update(|run| run.as_mut().and_then(|r| r.next_command(req)))
            .flatten()
    }

    /// Feeds an event to the running script; true when it completed the step in flight.
    pub(super) fn observe(&self, env: &Envelope) -> bool {
        self.run
            .try_update(|run| run.as_mut().is_some_and(|r| r.observe(env)))
            .unwrap_or(false)
    }

    /// Keeps the names of the running script once it has finished.
    pub(super) fn keep_names_if_finished(&self) {
        let finished = self.run.with_untracked(|run| {
            run.as_ref()
                .filter(|r| r.finished())
                .map(|r| r.names().clone())
        });
        if let Some(names) = finished {
            self.last_names.set(names);
        }
    }

    /// A new session: the script and the names go.
    pub(super) fn forget_session(&self) {
        self.run.set(None);
        self.last_names.set(HashMap::new());
    }

    /// Sends `fallback` instead if request `req` fails.
    pub(super) fn add_fallback(&self, req: u64, fallback: Command) {
        self.fallbacks.update_value(|f| f.add(req, fallback));
    }

    /// The fallback of request `req`, which failed (taken: it goes once).
    pub(super) fn take_fallback(&self, req: u64) -> Option<Command> {
        self.fallbacks.try_update_value(|f| f.take(req)).flatten()
    }
}

impl Default for Scripts {
    fn default() -> Self {
        Self::new()
    }
}

/// Commands to send instead if the command with a request number fails (port 9000 is taken:
/// any free port).
#[derive(Debug, Default)]
pub struct Fallbacks(Vec<(u64, Command)>);

impl Fallbacks {
    /// `fallback` stands in for request `req`.
    pub fn add(&mut self, req: u64, fallback: Command) {
        self.0.push((req, fallback));
    }

    /// The fallback for request `req`, removed.
    pub fn take(&mut self, req: u64) -> Option<Command> {
        let i = self.0.iter().position(|(r, _)| *r == req)?;
        Some(self.0.remove(i).1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fallback_goes_once_and_only_for_its_request() {
        let mut f = Fallbacks::default();
        f.add(3, Command::Snapshot);
        f.add(5, Command::Ping);
        assert_eq!(f.take(4), None);
        assert_eq!(f.take(5), Some(Command::Ping));
        assert_eq!(f.take(5), None);
        assert_eq!(f.take(3), Some(Command::Snapshot));
    }
}
