//! The bounded queue from auto tasks to the session.
//!
//! Auto tasks (auto-recv, echo, chat, file receiver, auto-accept) run on their own and can
//! produce events much faster than a page reads them: two echo sockets playing ping-pong make
//! hundreds of thousands a second. Whatever the reader does, a session's memory must stay
//! bounded, so the queue is bounded twice: by messages ([`QUEUE_MESSAGES`]) and by the payload
//! bytes they carry ([`QUEUE_BYTES`], so a few 1 MiB recvs can't fill memory either).
//!
//! A task never waits for room with an ordinary event: [`AutoSender::try_send`] says "full"
//! and the task folds the event into its next summary (see [`super::reporter`]), which costs a
//! few counters. Only messages that end something wait for room ([`AutoSender::send`]): the
//! last summary of a task, its final error, and "connections are waiting" from a listener;
//! there is at most one such message per task at a time, so waiting holds no growing memory.
//!
//! Invariant: every byte counted in the byte budget belongs to a message still in the queue or
//! being written by the session; its permit is returned when the session has written it.

use std::sync::Arc;

use socklab_shared::protocol::Event;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use super::auto::AutoMsg;

/// Most messages waiting for the session.
pub const QUEUE_MESSAGES: usize = 256;
/// Most payload bytes (received data carried by events) waiting for the session.
pub const QUEUE_BYTES: usize = 4 << 20;
/// What an event costs in the byte budget besides its payload (its JSON envelope, roughly).
const EVENT_OVERHEAD: usize = 256;

/// A message with its share of the byte budget.
pub struct Queued {
    pub msg: AutoMsg,
    /// Returned to the budget when dropped, after the session wrote the message.
    _bytes: OwnedSemaphorePermit,
}

/// The auto tasks' end; cheap to clone.
#[derive(Clone)]
pub struct AutoSender {
    tx: mpsc::Sender<Queued>,
    budget: Arc<Semaphore>,
}

/// The session's end.
pub struct AutoReceiver {
    rx: mpsc::Receiver<Queued>,
}

/// A new, empty queue.
pub fn auto_queue() -> (AutoSender, AutoReceiver) {
    let (tx, rx) = mpsc::channel(QUEUE_MESSAGES);
    let budget = Arc::new(Semaphore::new(QUEUE_BYTES));
    (AutoSender { tx, budget }, AutoReceiver { rx })
}

/// What a message costs in the byte budget.
fn cost(msg: &AutoMsg) -> u32 {
    let payload = match msg {
        AutoMsg::Event(Event::Received { data, .. } | Event::ReceivedFrom { data, .. }) => {
            data.0.len()
        }
        _ => 0,
    };
    (payload + EVENT_OVERHEAD).min(QUEUE_BYTES) as u32
}

impl AutoSender {
    /// Queues `msg` if there is room now; `false` (and `msg` is dropped) when the queue is
    /// full, so the caller folds it into a summary instead.
    pub fn try_send(&self, msg: AutoMsg) -> bool {
        let Ok(permit) = self.budget.clone().try_acquire_many_owned(cost(&msg)) else {
            return false;
        };
        self.tx
            .try_send(Queued {
                msg,
                _bytes: permit,
            })
            .is_ok()
    }

    /// Queues `msg`, waiting for room. `false` when the session is gone.
    pub async fn send(&self, msg: AutoMsg) -> bool {
        let Ok(permit) = self.budget.clone().acquire_many_owned(cost(&msg)).await else {
            return false;
        };
        self.tx
            .send(Queued {
                msg,
                _bytes: permit,
            })
            .await
            .is_ok()
    }

    /// Payload bytes queued now (benchmarks and tests look at it).
    pub fn queued_bytes(&self) -> usize {
        QUEUE_BYTES - self.budget.available_permits()
    }

    /// Messages queued now.
    pub fn queued_messages(&self) -> usize {
        QUEUE_MESSAGES - self.tx.capacity()
    }
}

impl AutoReceiver {
    /// The next message; `None` when every sender is gone.
    pub async fn recv(&mut self) -> Option<Queued> {
        self.rx.recv().await
    }

    /// The next message if one is waiting.
    pub fn try_recv(&mut self) -> Option<Queued> {
        self.rx.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::Payload;
    use socklab_shared::protocol::SocketId;

    fn received(n: usize) -> AutoMsg {
        AutoMsg::Event(Event::Received {
            socket: SocketId(1),
            data: Payload(vec![0; n]),
            bufsize: n as u32,
            eof: false,
            spans: vec![],
            stream_offset: 0,
            summary: String::new(),
            auto: true,
        })
    }

    #[test]
    fn full_by_count_or_by_bytes() {
        let (tx, mut rx) = auto_queue();
        let mut sent = 0;
        while tx.try_send(AutoMsg::AcceptReady(SocketId(1))) {
            sent += 1;
        }
        assert_eq!(sent, QUEUE_MESSAGES);
        assert_eq!(tx.queued_messages(), QUEUE_MESSAGES);
        while rx.try_recv().is_some() {}
        assert_eq!(
            tx.queued_bytes(),
            0,
            "written messages give their bytes back"
        );

        let mut big = 0;
        while tx.try_send(received(1 << 20)) {
            big += 1;
        }
        assert_eq!(
            big, 3,
            "three 1 MiB recvs fill the 4 MiB budget (with overhead)"
        );
        assert!(tx.queued_bytes() <= QUEUE_BYTES);
        assert!(tx.try_send(received(10)), "a small one still fits");
    }
}
