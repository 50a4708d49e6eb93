//! Where events wait between the WebSocket and the page: the batch not yet applied, and the
//! commands [`crate::lab::Lab::ask`] is waiting on. Owned by its [`super::Connection`].
//!
//! Invariants: the batch keeps the order of arrival and is taken whole; a waiter collects the
//! events of its request until the step's closing snapshot (or pong), which completes it with
//! them (the snapshot itself is left out); a waiter is answered once, or dropped, which its
//! receiver sees as "no answer".

use std::collections::HashMap;

use futures_channel::oneshot;
use socklab_shared::protocol::{Envelope, Event};

/// A command waited for: its events so far, and where to deliver them.
type Waiter = (Vec<Event>, oneshot::Sender<Vec<Event>>);

/// The batch and the waiters.
#[derive(Default)]
pub(super) struct Inbox {
    batch: Vec<Envelope>,
    waiters: HashMap<u64, Waiter>,
}

impl Inbox {
    /// Adds `env` to the batch; true when it is the batch's first (its delivery is to be
    /// scheduled).
    pub(super) fn push(&mut self, env: Envelope) -> bool {
        self.batch.push(env);
        self.batch.len() == 1
    }

    /// The batch, in order, leaving an empty one.
    pub(super) fn take_batch(&mut self) -> Vec<Envelope> {
        std::mem::take(&mut self.batch)
    }

    /// Starts waiting for the answer to request `req`.
    pub(super) fn wait_for(&mut self, req: u64) -> oneshot::Receiver<Vec<Event>> {
        let (done, answer) = oneshot::channel();
        self.waiters.insert(req, (Vec::new(), done));
        answer
    }

    /// Stops waiting for request `req`.
    pub(super) fn forget(&mut self, req: u64) {
        self.waiters.remove(&req);
    }

    /// Collects an event for the waiter of request `req`; the step's closing snapshot (or
    /// pong) completes it.
    pub(super) fn answer(&mut self, req: u64, event: &Event) {
        if matches!(event, Event::Buffers { .. } | Event::Pong) {
            if let Some((events, done)) = self.waiters.remove(&req) {
                let _ = done.send(events);
            }
        } else if let Some((events, _)) = self.waiters.get_mut(&req) {
            events.push(event.clone());
        }
    }

    /// Answers every waiter with `error`.
    pub(super) fn fail_all(&mut self, error: &Event) {
        for (_, (_, done)) in self.waiters.drain() {
            let _ = done.send(vec![error.clone()]);
        }
    }

    /// Every waiter, taken out (dropping them answers each with nothing).
    pub(super) fn take_waiters(&mut self) -> HashMap<u64, Waiter> {
        std::mem::take(&mut self.waiters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::{ErrorCode, Sequencer, SocketId};

    fn snapshot() -> Event {
        Event::Buffers { sockets: vec![] }
    }

    fn closed(id: u32) -> Event {
        Event::Closed {
            socket: SocketId(id),
        }
    }

    #[test]
    fn a_batch_keeps_its_order_and_says_when_it_starts() {
        let mut seq = Sequencer::default();
        let mut inbox = Inbox::default();
        assert!(inbox.push(seq.stamp(0, None, closed(1))));
        assert!(!inbox.push(seq.stamp(0, None, closed(2))));
        let batch = inbox.take_batch();
        assert_eq!(batch.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
        assert!(inbox.push(seq.stamp(0, None, closed(3))), "a new batch");
    }

    #[test]
    fn a_waiter_gets_its_events_up_to_the_snapshot() {
        let mut inbox = Inbox::default();
        let mut answer = inbox.wait_for(4);
        let mut other = inbox.wait_for(5);
        inbox.answer(4, &closed(1));
        inbox.answer(9, &closed(2));
        assert_eq!(answer.try_recv(), Ok(None), "not yet");
        inbox.answer(4, &snapshot());
        assert_eq!(answer.try_recv(), Ok(Some(vec![closed(1)])));
        assert_eq!(other.try_recv(), Ok(None));
        inbox.answer(5, &Event::Pong);
        assert_eq!(other.try_recv(), Ok(Some(vec![])));
    }

    #[test]
    fn an_unreadable_request_answers_every_waiter_and_a_drop_none() {
        let mut inbox = Inbox::default();
        let mut a = inbox.wait_for(1);
        let mut b = inbox.wait_for(2);
        let error = Event::Error {
            code: ErrorCode::MessageTooLarge,
            message: "too large".into(),
            hint: None,
            socket: None,
            errno: None,
        };
        inbox.fail_all(&error);
        assert_eq!(a.try_recv(), Ok(Some(vec![error.clone()])));
        assert_eq!(b.try_recv(), Ok(Some(vec![error])));
        let mut c = inbox.wait_for(3);
        let mut d = inbox.wait_for(4);
        inbox.forget(4);
        drop(inbox.take_waiters());
        assert!(c.try_recv().is_err(), "the link dropped: no answer");
        assert!(d.try_recv().is_err(), "forgotten");
    }
}
