//! How an auto task reports what it did without flooding the page or the server's memory.
//!
//! A fast transfer makes thousands of recvs a second. The [`Reporter`] sends each one as its own
//! event while the rate is low (a token bucket: 30 a second, bursts of 30) and otherwise sums
//! them up in [`Event::AutoSummary`] events: at most every 100 ms while data keeps flowing, and
//! 2 ms after it pauses, so the last summary of a transfer arrives right after its last byte.
//! Pauses are rate-limited too: one that finds a token in a small bucket (20 a second, bursts
//! of 4) is reported after those 2 ms; otherwise not sooner than 20 ms after the previous
//! summary. So the end of a transfer (rare) is reported at once, and a stop-and-go sender
//! still can't flood the page with summaries (at most 20 + 50 a second).
//!
//! Every event of the task goes through here: recvs, echo replies, file verdicts, chat
//! forwards, errors. Each detailed event costs a token and needs room in the session's bounded
//! queue ([`super::auto_queue`]); without either it is *folded*: counted in the pending summary
//! (`recvs`/`bytes` for a recv, `folded` for anything else). So a page that reads slowly sees
//! fewer, fuller summaries, and the server holds a few counters, not the events.
//!
//! Recvs (with their echo) and the other events draw on two buckets: a burst of many small
//! recvs must not fold away the file verdict or chat message that follows them. The other
//! events' bucket is larger (bursts of 200, 100 a second): a lecture's 40 uploads in one send
//! all show, a flood of 28 000 empty uploads does not.
//!
//! Order is kept: while a summary is pending, nothing is sent in detail before it.

use std::time::Duration;

use socket2::Socket;
use socklab_shared::protocol::{Event, SocketId};
use tokio::io::unix::AsyncFd;
use tokio::time::Instant;

use super::auto::AutoMsg;
use super::auto_queue::AutoSender;
use super::bucket::Bucket;

/// Waits for readability; with a summary pending, wakes up in time to send it.
pub(super) async fn readable<'a>(
    fd: &'a AsyncFd<Socket>,
    reporter: &mut Reporter,
) -> Option<tokio::io::unix::AsyncFdReadyGuard<'a, Socket>> {
    loop {
        if !reporter.has_pending() {
            return fd.readable().await.ok();
        }
        // Send the summary as soon as the data pauses, but never more often than MIN_GAP.
        match tokio::time::timeout(reporter.quiet_wait(), fd.readable()).await {
            Ok(ready) => return ready.ok(),
            Err(_) => reporter.flush_after_pause(),
        }
    }
}

/// How often a pending summary goes out while data keeps flowing.
const SUMMARY_EVERY: Duration = Duration::from_millis(100);
/// A pending summary goes out once no data came for this long…
const QUIET: Duration = Duration::from_millis(2);
/// …but, without a token for a quick one, never sooner than this after the previous one, so a
/// stop-and-go sender can't flood the page with summaries.
const MIN_GAP: Duration = Duration::from_millis(20);
/// Summaries sent a QUIET after a pause regardless of MIN_GAP, per second and in one burst.
const QUICK_PER_SECOND: f64 = 20.0;
const QUICK_BURST: f64 = 4.0;
/// Detailed recvs allowed per second, and in one burst.
const DETAILED_PER_SECOND: f64 = 30.0;
/// Other detailed events (verdicts, chat forwards, replies, errors) per second…
const OTHER_PER_SECOND: f64 = 100.0;
/// …and in one burst.
const OTHER_BURST: f64 = 200.0;

/// Decides between detailed events and summaries (see the module doc).
pub(super) struct Reporter {
    id: SocketId,
    tx: AutoSender,
    recvs: Bucket,
    others: Bucket,
    /// Tokens for summaries sent soon after a pause, MIN_GAP or not.
    quick: Bucket,
    pending: Option<Pending>,
    last_flush: Instant,
}

#[derive(Default)]
struct Pending {
    recvs: u64,
    bytes: u64,
    stream_offset: u64,
    echoed: u64,
    eof: bool,
    folded: u64,
}

impl Reporter {
    pub(super) fn new(id: SocketId, tx: AutoSender) -> Self {
        let now = Instant::now();
        Reporter {
            id,
            tx,
            recvs: Bucket::new(DETAILED_PER_SECOND, DETAILED_PER_SECOND),
            others: Bucket::new(OTHER_PER_SECOND, OTHER_BURST),
            quick: Bucket::new(QUICK_PER_SECOND, QUICK_BURST),
            pending: None,
            last_flush: now,
        }
    }

    pub(super) fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// How long to wait for more data before sending the pending summary.
    pub(super) fn quiet_wait(&mut self) -> Duration {
        if self.quick.has_token() {
            QUIET
        } else {
            QUIET.max(MIN_GAP.saturating_sub(self.last_flush.elapsed()))
        }
    }

    /// The data paused for [`Reporter::quiet_wait`]: sends the pending summary, using up a
    /// quick token if there is one.
    pub(super) fn flush_after_pause(&mut self) {
        self.quick.take();
        self.flush();
    }

    /// One event that is not a recv (an echo's reply, a file verdict, a chat forward, an
    /// error): in detail when allowed, else counted as folded.
    pub(super) fn send(&mut self, event: Event) {
        // The summary of the recvs before it goes first (kept if the queue is full).
        self.flush();
        if self.pending.is_none() && self.others.take() && self.tx.try_send(AutoMsg::Event(event)) {
            return;
        }
        self.pending.get_or_insert_with(Pending::default).folded += 1;
    }

    /// An event that ends the task (its last error): waits for room rather than fold, after
    /// the pending summary.
    pub(super) async fn send_final(&mut self, event: Event) {
        self.flush_final().await;
        self.tx.send(AutoMsg::Event(event)).await;
    }

    /// One recv happened: report it (and its echo) in detail or add it to the summary.
    /// One recv: `event` builds its detailed event, called only when one will be sent (a fast
    /// transfer's recvs are mostly counted, and building an event copies its bytes).
    pub(super) fn recv(
        &mut self,
        event: impl FnOnce() -> Event,
        bytes: u64,
        stream_offset: u64,
        echo: Option<Event>,
        eof: bool,
    ) {
        if self.pending.is_none() && self.recvs.take() && self.tx.try_send(AutoMsg::Event(event()))
        {
            if let Some(echo) = echo
                && !self.tx.try_send(AutoMsg::Event(echo))
            {
                self.pending.get_or_insert_with(Pending::default).folded += 1;
            }
            return;
        }
        let echoed = match &echo {
            Some(Event::Sent { accepted, .. }) => *accepted,
            Some(Event::SentTo { bytes, .. }) => *bytes,
            _ => 0,
        };
        let p = self.pending.get_or_insert_with(Pending::default);
        p.recvs += 1;
        p.bytes += bytes;
        p.stream_offset = stream_offset;
        p.echoed += echoed;
        p.eof |= eof;
        if self.last_flush.elapsed() >= SUMMARY_EVERY {
            self.flush();
        }
    }

    /// Sends the pending summary if the queue has room; otherwise keeps it (and keeps
    /// counting) for the next try.
    pub(super) fn flush(&mut self) {
        let Some(summary) = self.summary() else {
            return;
        };
        self.last_flush = Instant::now();
        if self.tx.try_send(AutoMsg::Event(summary)) {
            self.pending = None;
        }
    }

    /// Sends the pending summary, waiting for room: the task is ending (end of stream).
    pub(super) async fn flush_final(&mut self) {
        self.last_flush = Instant::now();
        if let Some(summary) = self.summary() {
            self.pending = None;
            self.tx.send(AutoMsg::Event(summary)).await;
        }
    }

    fn summary(&self) -> Option<Event> {
        let p = self.pending.as_ref()?;
        Some(Event::AutoSummary {
            socket: self.id,
            recvs: p.recvs,
            bytes: p.bytes,
            stream_offset: p.stream_offset,
            echoed: p.echoed,
            eof: p.eof,
            folded: p.folded,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::auto_queue::auto_queue;

    /// A reporter with a summary pending (more recvs than the detailed bucket allows).
    fn pending(r: &mut Reporter) {
        for _ in 0..(DETAILED_PER_SECOND as usize + 1) {
            r.recv(|| Event::Pong, 1, 0, None, false);
        }
        assert!(r.has_pending());
    }

    #[tokio::test(start_paused = true)]
    async fn the_end_of_a_transfer_is_reported_at_once_but_pauses_cannot_flood() {
        let (tx, _rx) = auto_queue();
        let mut r = Reporter::new(SocketId(1), tx);
        // The first pauses find quick tokens: reported a QUIET after the data stopped, even
        // right after the previous summary.
        for _ in 0..QUICK_BURST as usize {
            pending(&mut r);
            assert_eq!(r.quiet_wait(), QUIET);
            r.flush_after_pause();
        }
        // A stop-and-go sender has used them up: now MIN_GAP holds.
        pending(&mut r);
        assert_eq!(r.quiet_wait(), MIN_GAP);
        // Tokens come back at QUICK_PER_SECOND.
        tokio::time::advance(Duration::from_secs_f64(1.0 / QUICK_PER_SECOND)).await;
        assert_eq!(r.quiet_wait(), QUIET);
    }
}
