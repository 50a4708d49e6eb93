//! The page's link to the backend: the browser's WebSocket, reopened with back-off whenever it
//! drops ([`crate::link::reconnect_delay`]), pinged while it is up so the server doesn't close
//! an idle session ([`crate::link::ping_interval`]), and, when a socket never opens, a question
//! to `/api/lessons` whether the server wants the lab's token ([`crate::token`]).
//!
//! [`Connection`] owns all of it: the current socket with its callbacks, the keep-alive's
//! generation, and the [`inbox`] (events not yet applied, commands awaiting answers); nothing
//! lives in globals. It tells the page what happens through a [`Listener`] (the lab).
//!
//! Invariants:
//! - at most one socket is current; frames go on the current one only, and only while it is
//!   open (`send` is false otherwise);
//! - a socket's JavaScript callbacks live as long as it is current and are dropped only when
//!   the next attempt replaces them, never from inside one (dropping a running wasm-bindgen
//!   closure is an error);
//! - at most one keep-alive timer runs per socket, and it stops by itself once its socket is no
//!   longer current;
//! - events reach the listener in the order received, in batches: the page renders once per
//!   batch rather than once per event;
//! - every command awaited ([`Connection::wait_for`]) is answered: with its events, with the
//!   error of a request the server could not read, or with nothing when the link drops.

use futures_channel::oneshot;
use leptos::prelude::*;
use socklab_shared::protocol::{Envelope, ErrorCode, Event, Limits, Request};

use crate::link::{LinkStatus, ServerInfo};

pub mod api;
mod inbox;
mod socket;

/// What the connection tells the page.
pub trait Listener: Copy + 'static {
    /// A socket opened (the hello follows).
    fn opened(&self);
    /// One event, in order; called for each event of a batch in one task.
    fn received(&self, env: Envelope);
    /// The server sent something the page can't read.
    fn unreadable(&self, message: String);
}

/// The link, its state as signals, and what it owns.
#[derive(Clone, Copy)]
pub struct Connection {
    pub status: RwSignal<LinkStatus>,
    pub server: RwSignal<Option<ServerInfo>>,
    /// The limits the server announced in its hello (largest send, largest message...).
    pub limits: RwSignal<Option<Limits>>,
    /// The server refused the page for lack of its token (a `/api/*` request got 401): the
    /// page says to open the URL socklab printed. Cleared when the WebSocket opens.
    pub needs_token: RwSignal<bool>,
    /// The server had no room for another session (the lab is full): why, from
    /// `/api/stats`. Cleared when the WebSocket opens.
    pub full: RwSignal<Option<crate::model::lab_full::LabFull>>,
    link: StoredValue<socket::Link, LocalStorage>,
    inbox: StoredValue<inbox::Inbox, LocalStorage>,
}

impl Connection {
    pub fn new() -> Self {
        Connection {
            status: RwSignal::new(LinkStatus::Connecting),
            server: RwSignal::new(None),
            limits: RwSignal::new(None),
            needs_token: RwSignal::new(false),
            full: RwSignal::new(None),
            link: StoredValue::new_local(socket::Link::default()),
            inbox: StoredValue::new_local(inbox::Inbox::default()),
        }
    }

    /// Opens the link and keeps reopening it whenever it drops.
    pub fn connect(self, listener: impl Listener) {
        socket::open(self, listener, 0);
    }

    /// Sends a request on the current socket; false when the link is down.
    pub fn send(&self, request: &Request) -> bool {
        socket::send_text(*self, &request.to_json())
    }

    /// The server said hello: what it is, its limits, and pings from now on if it closes idle
    /// sessions.
    pub fn hello(&self, info: ServerInfo, limits: Limits) {
        socket::keep_alive(*self, limits.idle_timeout_ms);
        self.limits.set(Some(limits));
        self.server.set(Some(info));
    }

    /// Starts waiting for the answer to request `req` (to be sent next).
    pub fn wait_for(&self, req: u64) -> oneshot::Receiver<Vec<Event>> {
        self.inbox
            .try_update_value(|i| i.wait_for(req))
            .unwrap_or_else(|| oneshot::channel().1)
    }

    /// Stops waiting for request `req` (it was never sent).
    pub fn forget(&self, req: u64) {
        self.inbox.update_value(|i| i.forget(req));
    }

    /// Gives an event applied to whatever awaits its request: an event with a request number
    /// goes to that request's waiter; an error the server could not tie to a request (it could
    /// not read one: too large, not JSON) answers every waiter rather than leave them waiting
    /// forever.
    pub fn answer(&self, env: &Envelope) {
        match (env.req, &env.event) {
            (Some(req), event) => self.inbox.update_value(|i| i.answer(req, event)),
            (
                None,
                Event::Error {
                    code: ErrorCode::MessageTooLarge | ErrorCode::BadMessage,
                    ..
                },
            ) => self.inbox.update_value(|i| i.fail_all(&env.event)),
            _ => {}
        }
    }

    /// A follower's command was refused (or its session ended): every command awaited gets
    /// `error` as its answer rather than wait for a snapshot that never comes.
    pub fn refuse_all(&self, error: &Event) {
        self.inbox.update_value(|i| i.fail_all(error));
    }

    /// Collects `env` into the batch to apply soon: the first event of a batch schedules its
    /// delivery (Leptos runs effects after the task that changed their signals, so the page
    /// draws once per batch). When events come faster than the page can draw them (auto-recv
    /// during a 100 MB upload), the batches grow and the page keeps up instead of falling
    /// further and further behind. Order is kept.
    fn deliver(&self, listener: impl Listener, env: Envelope) {
        let first = self
            .inbox
            .try_update_value(|i| i.push(env))
            .unwrap_or(false);
        if first {
            let inbox = self.inbox;
            set_timeout(
                move || {
                    let batch = inbox
                        .try_update_value(|i| i.take_batch())
                        .unwrap_or_default();
                    for env in batch {
                        listener.received(env);
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    }

    /// The link dropped: nothing in flight will be answered, every waiter gets nothing.
    fn dropped(&self) {
        let waiters = self.inbox.try_update_value(|i| i.take_waiters());
        drop(waiters);
    }
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}
