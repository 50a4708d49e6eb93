//! The browser's WebSocket to the backend.
//!
//! [`Lab`] is a bundle of signals (cheap to copy into components). [`connect`] opens the
//! socket and keeps it open: when it closes, a timer schedules the next attempt with
//! [`crate::link::reconnect_delay`] (`socket.rs`).
//!
//! Events are applied in batches (`inbox::deliver`), so the page renders once per batch rather
//! than once per event; [`Lab::ask`] sends a command and awaits its answer, for code that
//! must wait for one step before the next (a file upload's chunks).
//!
//! While the link is up, `socket.rs` pings the server so it doesn't close an idle session
//! ([`crate::link::ping_interval`]). When a socket never opens, it asks `/api/lessons`
//! whether the server wants the lab's token ([`crate::token`]); [`Lab::needs_token`] says so.

use std::collections::HashMap;

use leptos::prelude::*;
use socklab_shared::Payload;
use socklab_shared::protocol::{
    Command, Envelope, ErrorCode, Event, Limits, Request, SentCommands,
};

use crate::link::{LinkStatus, ServerInfo};
use crate::model::lab_state::{LabState, supersedes};
use crate::model::script::{Named, ScriptRun};
use inbox::{answer_waiter, fail_waiters};

pub mod api;
mod inbox;
mod socket;
pub use socket::connect;

/// The page's view of the backend, as signals.
#[derive(Clone, Copy)]
pub struct Lab {
    pub status: RwSignal<LinkStatus>,
    pub server: RwSignal<Option<ServerInfo>>,
    /// The limits the server announced in its hello (largest send, largest message...).
    pub limits: RwSignal<Option<Limits>>,
    /// The most recent error event's message, for the status bar, until a later command works.
    pub last_error: RwSignal<Option<String>>,
    /// The request `last_error` answered (see [`crate::model::lab_state::supersedes`]).
    last_error_req: RwSignal<Option<u64>>,
    /// The code of the error event in `last_error` (`None` for the page's own messages).
    last_error_code: RwSignal<Option<ErrorCode>>,
    /// The server refused the page for lack of its token (a `/api/*` request got 401): the
    /// page says to open the URL socklab printed. Cleared when the WebSocket opens.
    pub needs_token: RwSignal<bool>,
    /// Every event of this connection, in order (the timeline's history).
    pub history: RwSignal<Vec<Envelope>>,
    /// The state after every event ("live").
    pub live: RwSignal<LabState>,
    /// The timeline's cursor: `None` follows the live state; `Some(n)` shows the state after
    /// the first `n` events of `history`.
    pub cursor: RwSignal<Option<usize>>,
    /// What the page draws: the live state, or the state at the cursor.
    pub shown: Memo<LabState>,
    /// Every command this page sent, by request number: the Python panel writes exactly what
    /// was sent (events only say how many bytes went).
    pub sent: RwSignal<SentCommands>,
    /// The script being run (a demo or a lesson step), if any.
    pub script: RwSignal<Option<ScriptRun>>,
    /// The sockets the last finished script named (`"as"`), e.g. the TCP vs UDP demo's.
    pub last_names: RwSignal<HashMap<String, Named>>,
    /// Commands to send instead if the command with this request number fails.
    fallbacks: RwSignal<Vec<(u64, Command)>>,
    next_req: RwSignal<u64>,
}

impl Lab {
    pub fn new() -> Self {
        let history = RwSignal::new(Vec::new());
        let live = RwSignal::new(LabState::default());
        let cursor = RwSignal::new(None::<usize>);
        let shown = Memo::new(move |_| match cursor.get() {
            None => live.get(),
            Some(n) => history.with(|h| LabState::replay(h, n)),
        });
        Lab {
            status: RwSignal::new(LinkStatus::Connecting),
            server: RwSignal::new(None),
            limits: RwSignal::new(None),
            last_error: RwSignal::new(None),
            last_error_req: RwSignal::new(None),
            last_error_code: RwSignal::new(None),
            needs_token: RwSignal::new(false),
            history,
            live,
            cursor,
            shown,
            sent: RwSignal::new(Default::default()),
            script: RwSignal::new(None),
            last_names: RwSignal::new(HashMap::new()),
            fallbacks: RwSignal::new(Vec::new()),
            next_req: RwSignal::new(0),
        }
    }

    /// Sends a command with a fresh request number; false when the link is down.
    pub fn command(&self, command: Command) -> bool {
        self.command_or(command, None)
    }

    /// Sends `command`; if it fails, sends `fallback` (e.g. port 9000 is taken: any free port).
    pub fn command_or(&self, command: Command, fallback: Option<Command>) -> bool {
        // Acting on the lab returns the page to the present.
        self.cursor.set(None);
        let req = self.next_req.get_untracked() + 1;
        self.next_req.set(req);
        if let Some(f) = fallback {
            self.fallbacks.update(|list| list.push((req, f)));
        }
        self.send(&Request {
            req: Some(req),
            command,
        })
    }

    /// Sends `command` and waits for its answer: the events carrying its request number, up
    /// to the snapshot that ends every step (the snapshot itself is left out). `None` when the
    /// link is down or drops first. For code that must wait for one step before the next,
    /// like a file upload's chunks (flow control: one chunk in flight at a time).
    pub async fn ask(&self, command: Command) -> Option<Vec<Event>> {
        self.cursor.set(None);
        let req = self.next_req.get_untracked() + 1;
        self.next_req.set(req);
        let answer = inbox::wait_for(req);
        if !self.send(&Request {
            req: Some(req),
            command,
        }) {
            inbox::forget(req);
            return None;
        }
        answer.await.ok()
    }

    /// Starts running `run`; its commands go out one at a time as answers come back.
    pub fn run_script(&self, run: ScriptRun) {
        self.script.set(Some(run));
        self.advance_script();
    }

    /// Sends the script's next command, if it is ready for one.
    fn advance_script(&self) {
        let req = self.next_req.get_untracked() + 1;
        let command = self
            .script
            .try_update(|run| run.as_mut().and_then(|r| r.next_command(req)))
            .flatten();
        if let Some(command) = command {
            self.cursor.set(None);
            self.next_req.set(req);
            self.send(&Request {
                req: Some(req),
                command,
            });
        }
    }

    /// Sends a command; returns false when the link is down.
    pub fn send(&self, request: &Request) -> bool {
        if let Some(req) = request.req {
            // A file's later chunks are not kept: a 100 MB upload would stay in the page. The
            // Python panel writes one chunk loop from the first chunk (its length is the
            // chunk size) and the later ones' offsets.
            let kept = match &request.command {
                Command::SendFileChunk {
                    socket,
                    name,
                    offset,
                    total,
                    timeout_ms,
                    ..
                } if *offset > 0 => Command::SendFileChunk {
                    socket: *socket,
                    data: Payload::default(),
                    name: name.clone(),
                    offset: *offset,
                    total: *total,
                    timeout_ms: *timeout_ms,
                },
                other => other.clone(),
            };
            self.sent.update(|sent| {
                sent.insert(req, kept);
            });
        }
        socket::send_text(&request.to_json())
    }

    fn apply(&self, envelope: Envelope) {
        if let (Some(req), Event::Error { .. }) = (envelope.req, &envelope.event) {
            let fallback = self.fallbacks.try_update(|list| {
                list.iter()
                    .position(|(r, _)| *r == req)
                    .map(|i| list.remove(i).1)
            });
            if let Some(Some(fallback)) = fallback {
                self.command(fallback);
                return;
            }
        }
        match (envelope.req, &envelope.event) {
            (Some(req), event) => answer_waiter(req, event),
            // The server could not read a request (too large, not JSON), so it can't say
            // which: every command awaited gets the error rather than waiting forever.
            (
                None,
                Event::Error {
                    code: ErrorCode::MessageTooLarge | ErrorCode::BadMessage,
                    ..
                },
            ) => fail_waiters(&envelope.event),
            _ => {}
        }
        if matches!(envelope.event, Event::Hello { .. }) {
            // A new connection is a new session: the server forgot the old sockets.
            self.history.set(Vec::new());
            self.live.set(LabState::default());
            self.cursor.set(None);
            self.script.set(None);
            self.sent.set(Default::default());
            self.last_names.set(HashMap::new());
        }
        self.live.update(|state| state.apply(&envelope));
        self.history.update(|h| h.push(envelope.clone()));
        let step_done = self
            .script
            .try_update(|run| run.as_mut().is_some_and(|r| r.observe(&envelope)))
            .unwrap_or(false);
        if step_done {
            self.advance_script();
            let finished = self.script.with_untracked(|run| {
                run.as_ref()
                    .filter(|r| r.finished())
                    .map(|r| r.names().clone())
            });
            if let Some(names) = finished {
                self.last_names.set(names);
            }
        }
        if supersedes(self.last_error_req.get_untracked(), &envelope)
            && self.last_error.with_untracked(Option::is_some)
        {
            self.last_error.set(None);
            self.last_error_code.set(None);
        }
        match envelope.event {
            Event::Hello {
                protocol_version,
                server_version,
                limits,
            } => {
                socket::keep_alive(limits.idle_timeout_ms);
                self.limits.set(Some(limits));
                self.server.set(Some(ServerInfo {
                    protocol_version,
                    server_version,
                }))
            }
            Event::Error { code, message, .. } => {
                self.last_error.set(Some(message));
                self.last_error_req.set(envelope.req);
                self.last_error_code.set(Some(code));
            }
            _ => {}
        }
    }
}

impl Lab {
    /// The link just opened: errors of the previous session are cleared, unless one says why
    /// that session ended ([`crate::link::error_survives_reconnect`]).
    fn opened(&self) {
        self.status.set(LinkStatus::Connected);
        self.needs_token.set(false);
        let keep = self
            .last_error_code
            .get_untracked()
            .is_some_and(crate::link::error_survives_reconnect);
        if !keep {
            self.last_error.set(None);
            self.last_error_code.set(None);
        }
    }
}

impl Default for Lab {
    fn default() -> Self {
        Self::new()
    }
}
