//! The page's lab: what every component gets from the context, split by concern, each part
//! its own type with its own invariants:
//!
//! - [`Connection`]: the WebSocket, reconnecting, keep-alive pings, the token question;
//! - [`History`]: the events received, the live state after them, the commands sent;
//! - [`Cursor`]: the timeline's position and the state the page draws there;
//! - [`Scripts`]: the script being run (a demo, a lesson step) and the fallbacks;
//! - [`Scope`]: the lesson or demo being done, and where in the history it began;
//! - [`RequestCounter`]: the one source of request numbers.
//!
//! [`Lab`] ties them together: it numbers and sends commands ([`Lab::command`],
//! [`Lab::command_or`], [`Lab::ask`], a script's steps), and routes every event the connection
//! delivers: to the command awaiting it, to a fallback, into the history, to the script.
//!
//! Invariants: every command goes out through one path (numbered by the counter, recorded in
//! the history, the cursor back to live); an event answered by a fallback is replaced by the
//! fallback's own events and does not enter the history; a hello starts everything of the
//! session over (history, cursor, script, scope), the connection's state and the counter
//! excepted; a lesson or demo starts from a clean slate ([`Lab::start_fresh`]).
//!
//! Leptos CSR runs on one thread: every part is `Copy` (signals and stored values owned by
//! the page's root), so components and browser callbacks hold the lab itself.

use leptos::prelude::*;
use socklab_shared::protocol::{Command, Envelope, Event, Request};

use crate::connection::{Connection, Listener};
use crate::follow::{FollowState, Route, route};
use crate::link::ServerInfo;
use crate::model::script::{ScriptRun, load_scripts};
use crate::on_demand::{ChunkMissing, ready_now};

pub mod cursor;
pub mod history;
pub mod requests;
pub mod scope;
pub mod scripts;

pub use cursor::Cursor;
pub use history::History;
pub use requests::RequestCounter;
pub use scope::{Owner, Scope};
pub use scripts::Scripts;

#[cfg(test)]
mod tests;

/// The page's view of the backend, and what it does with it.
#[derive(Clone, Copy)]
pub struct Lab {
    pub connection: Connection,
    pub history: History,
    pub cursor: Cursor,
    pub scripts: Scripts,
    pub scope: Scope,
    /// Follow mode: the lecturer's sharing, or this page following a shared session.
    pub follow: FollowState,
    /// A recording plays (model/recording.rs): the history is the recording's, read-only;
    /// the connection's events are ignored and no command goes out until the page reloads.
    pub recording: RwSignal<bool>,
    requests: StoredValue<RequestCounter>,
}

impl Lab {
    pub fn new() -> Self {
        let history = History::new();
        Lab {
            connection: Connection::new(),
            history,
            cursor: Cursor::new(history),
            scripts: Scripts::new(),
            scope: Scope::new(),
            follow: FollowState::new(crate::follow::page_follow_key()),
            recording: RwSignal::new(false),
            requests: StoredValue::new(RequestCounter::default()),
        }
    }

    /// Opens the link to the backend, and keeps it open.
    pub fn connect(self) {
        self.connection.connect(self);
    }

    /// Sends a command with a fresh request number; false when the link is down.
    pub fn command(&self, command: Command) -> bool {
        self.command_or(command, None)
    }

    /// Sends `command`; if it fails, sends `fallback` (e.g. port 9000 is taken: any free port).
    pub fn command_or(&self, command: Command, fallback: Option<Command>) -> bool {
        let req = self.take_req();
        if let Some(f) = fallback {
            self.scripts.add_fallback(req, f);
        }
        self.send(req, command)
    }

    /// Sends `command` and waits for its answer: the events carrying its request number, up
    /// to the snapshot that ends every step (the snapshot itself is left out). `None` when the
    /// link is down or drops first. For code that must wait for one step before the next,
    /// like a file upload's chunks (flow control: one chunk in flight at a time).
    pub async fn ask(&self, command: Command) -> Option<Vec<Event>> {
        let req = self.take_req();
        let answer = self.connection.wait_for(req);
        if !self.send(req, command) {
            self.connection.forget(req);
            return None;
        }
        answer.await.ok()
    }

    /// Starts running `run`; its commands go out one at a time as answers come back.
    /// Its steps are resolved in a chunk of the page ([`crate::model::script::resolve_step`]):
    /// the first script waits for it to load; later ones start at once.
    pub fn run_script(&self, run: ScriptRun) {
        self.scripts.start(run);
        // Not loaded yet, this first poll starts the download and is dropped; the task below
        // waits on the same download (the loader fetches each chunk once).
        match ready_now(load_scripts()) {
            Some(Ok(())) => self.advance_script(),
            Some(Err(e)) => self.scripts.fail(ChunkMissing::from(e).both_languages()),
            None => {
                let lab = *self;
                leptos::task::spawn_local(async move {
                    match load_scripts().await {
                        Ok(()) => lab.advance_script(),
                        Err(e) => lab.scripts.fail(ChunkMissing::from(e).both_languages()),
                    }
                });
            }
        }
    }

    /// Starts a lesson or demo from a clean slate: closes every socket still open, begins a
    /// new scope (the timeline shows only what follows), then runs `commands`.
    pub fn start_fresh(
        &self,
        owner: Owner,
        commands: Vec<serde_json::Value>,
        names: std::collections::HashMap<String, crate::model::script::Named>,
    ) {
        let open: Vec<u32> = self
            .history
            .live
            .with_untracked(|s| s.sockets.keys().map(|id| id.0).collect());
        let mut steps = scope::close_commands(open);
        steps.extend(commands);
        self.scope
            .begin(self.history.events.with_untracked(Vec::len), owner);
        if !steps.is_empty() {
            self.run_script(ScriptRun::new(steps, names));
        }
    }

    /// Sends the script's next command, if it is ready for one.
    fn advance_script(&self) {
        let scripts = self.scripts;
        let next = self
            .requests
            .try_update_value(|r| r.take_if(|req| scripts.next_command(req)))
            .flatten();
        if let Some((req, command)) = next {
            self.send(req, command);
        }
    }

    fn take_req(&self) -> u64 {
        self.requests
            .try_update_value(RequestCounter::take)
            .unwrap_or_default()
    }

    /// Sends `command` as request `req`, the one way every command goes: acting on the lab
    /// returns the page to the present, and the history keeps the command. False when the link
    /// is down.
    fn send(&self, req: u64, command: Command) -> bool {
        if self.recording.get_untracked() {
            self.history
                .note_error(crate::model::recording::READ_ONLY.to_owned());
            return false;
        }
        self.cursor.to_live();
        // A follower's history is the lecturer's, request numbers included: its own commands
        // (refused anyway) are not recorded among the lecturer's.
        if !self.follow.is_follower() {
            self.history.record(req, &command);
        }
        self.connection.send(&Request {
            req: Some(req),
            command,
        })
    }
}

impl Listener for Lab {
    fn opened(&self) {
        self.history.link_reopened();
    }

    fn received(&self, envelope: Envelope) {
        // Live events must not mix into a recording being played.
        if self.recording.get_untracked() {
            return;
        }
        match route(envelope, self.follow.is_follower()) {
            Route::Normal(envelope) => self.handle(envelope),
            Route::Relayed(envelope) => self.relayed(envelope),
            Route::Following => self.follow.following.set(true),
            Route::Own(envelope) => {
                self.connection.refuse_all(&envelope.event);
                self.history.note_own_error(&envelope);
            }
            Route::Ignore => {}
        }
    }

    fn unreadable(&self, message: String) {
        self.history.note_error(message);
    }
}

impl Lab {
    /// Plays a recording: the history becomes its events, fed in as a follower's relays are;
    /// from now on the page is read-only and ignores its connection's events.
    pub fn play_recording(&self, events: Vec<Envelope>) {
        self.recording.set(true);
        self.cursor.to_live();
        self.scripts.forget_session();
        self.scope.forget_session();
        self.history.start_over();
        for envelope in events {
            self.history.apply(envelope);
        }
    }

    /// One of the lecturer's events on a follower's page: into the history as if received
    /// (a hello starts the session over), answering none of this page's requests.
    fn relayed(&self, envelope: Envelope) {
        if matches!(envelope.event, Event::Hello { .. }) {
            self.cursor.to_live();
            self.scripts.forget_session();
            self.scope.forget_session();
        }
        self.history.apply(envelope);
    }

    /// An event of this page's own session: to the command awaiting it, to a fallback, into
    /// the history, to the script.
    fn handle(&self, envelope: Envelope) {
        self.follow.observe(&envelope.event);
        if let (Some(req), Event::Error { .. }) = (envelope.req, &envelope.event)
            && let Some(fallback) = self.scripts.take_fallback(req)
        {
            self.command(fallback);
            return;
        }
        self.connection.answer(&envelope);
        let hello = match &envelope.event {
            Event::Hello {
                protocol_version,
                server_version,
                limits,
            } => Some((
                ServerInfo {
                    protocol_version: *protocol_version,
                    server_version: server_version.clone(),
                },
                limits.clone(),
            )),
            _ => None,
        };
        if hello.is_some() {
            // A new connection is a new session: the server forgot the old sockets.
            self.cursor.to_live();
            self.scripts.forget_session();
            self.scope.forget_session();
        }
        self.history.apply(envelope.clone());
        if self.scripts.observe(&envelope) {
            self.advance_script();
            self.scripts.keep_names_if_finished();
        }
        if let Some((info, limits)) = hello {
            self.connection.hello(info, limits);
        }
    }
}

impl Default for Lab {
    fn default() -> Self {
        Self::new()
    }
}
