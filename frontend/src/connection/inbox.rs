//! Where events wait between the WebSocket and the page: the batch not yet applied, and the
//! commands [`Lab::ask`] is waiting on.

use std::cell::RefCell;
use std::collections::HashMap;

use futures_channel::oneshot;
use leptos::prelude::set_timeout;
use socklab_shared::protocol::{Envelope, Event};

use super::Lab;

/// A command [`Lab::ask`] waits for: its events so far, and where to deliver them.
type Waiter = (Vec<Event>, oneshot::Sender<Vec<Event>>);

thread_local! {
    static WAITERS: RefCell<HashMap<u64, Waiter>> = RefCell::new(HashMap::new());
    static INBOX: RefCell<Vec<Envelope>> = const { RefCell::new(Vec::new()) };
}

/// Starts waiting for the answer to request `req`.
pub(super) fn wait_for(req: u64) -> oneshot::Receiver<Vec<Event>> {
    let (done, answer) = oneshot::channel();
    WAITERS.with(|w| w.borrow_mut().insert(req, (Vec::new(), done)));
    answer
}

/// Stops waiting for request `req` (it was never sent).
pub(super) fn forget(req: u64) {
    WAITERS.with(|w| w.borrow_mut().remove(&req));
}

/// Applies `env` soon, together with every event that arrives before then. Each applied event
/// updates signals, and the page re-renders once per batch (Leptos runs effects after the
/// task that changed their signals), not once per event: when events come faster than the
/// page can draw them (auto-recv during a 100 MB upload), the batches grow and the page keeps
/// up instead of falling further and further behind. Order is kept.
pub(super) fn deliver(lab: Lab, env: Envelope) {
    let first = INBOX.with(|q| {
        let mut q = q.borrow_mut();
        q.push(env);
        q.len() == 1
    });
    if first {
        set_timeout(
            move || {
                for env in INBOX.with(|q| std::mem::take(&mut *q.borrow_mut())) {
                    lab.apply(env);
                }
            },
            std::time::Duration::ZERO,
        );
    }
}

/// Collects an event for the [`Lab::ask`] waiting on request `req`; the step's closing
/// snapshot (or pong) completes it.
pub(super) fn answer_waiter(req: u64, event: &Event) {
    WAITERS.with(|w| {
        let mut w = w.borrow_mut();
        if matches!(event, Event::Buffers { .. } | Event::Pong) {
            if let Some((events, done)) = w.remove(&req) {
                let _ = done.send(events);
            }
        } else if let Some((events, _)) = w.get_mut(&req) {
            events.push(event.clone());
        }
    });
}

/// Answers every waiting [`Lab::ask`] with `error`.
pub(super) fn fail_waiters(error: &Event) {
    let waiting = WAITERS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for (_, (_, done)) in waiting {
        let _ = done.send(vec![error.clone()]);
    }
}

/// The link dropped: nothing in flight will be answered. Dropping the senders wakes every
/// waiter with `None`.
pub(super) fn forget_waiters() {
    let dropped = WAITERS.with(|w| std::mem::take(&mut *w.borrow_mut()));
    drop(dropped);
}
