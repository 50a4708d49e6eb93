//! How auto-recv reports what it did without flooding the page.
//!
//! A fast transfer makes thousands of recvs a second. The [`Reporter`] sends each one as its own
//! event while the rate is low (a token bucket: 30 a second, bursts of 30) and otherwise sums
//! them up in [`Event::AutoSummary`] events: at most every 100 ms while data keeps flowing, and
//! 2 ms after it pauses (but never sooner than 20 ms after the previous summary), so the last
//! summary of a transfer arrives right after its last byte.

use std::time::Duration;

use socket2::Socket;
use socklab_shared::protocol::{Event, SocketId};
use tokio::io::unix::AsyncFd;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::auto::AutoMsg;

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
            Err(_) => reporter.flush(),
        }
    }
}

/// How often a pending summary goes out while data keeps flowing.
const SUMMARY_EVERY: Duration = Duration::from_millis(100);
/// A pending summary goes out once no data came for this long…
const QUIET: Duration = Duration::from_millis(2);
/// …but never sooner than this after the previous one, so a stop-and-go sender can't flood
/// the page with summaries.
const MIN_GAP: Duration = Duration::from_millis(20);
/// Detailed events allowed per second, and in one burst.
const DETAILED_PER_SECOND: f64 = 30.0;

/// Decides between one event per recv and summaries (see the module doc).
pub(super) struct Reporter {
    id: SocketId,
    tx: mpsc::UnboundedSender<AutoMsg>,
    tokens: f64,
    refilled: Instant,
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
}

impl Reporter {
    pub(super) fn new(id: SocketId, tx: mpsc::UnboundedSender<AutoMsg>) -> Self {
        let now = Instant::now();
        Reporter {
            id,
            tx,
            tokens: DETAILED_PER_SECOND,
            refilled: now,
            pending: None,
            last_flush: now,
        }
    }

    pub(super) fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// How long to wait for more data before sending the pending summary.
    pub(super) fn quiet_wait(&self) -> Duration {
        QUIET.max(MIN_GAP.saturating_sub(self.last_flush.elapsed()))
    }

    pub(super) fn send(&self, event: Event) {
        let _ = self.tx.send(AutoMsg::Event(event));
    }

    fn take_token(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.refilled).as_secs_f64() * DETAILED_PER_SECOND;
        self.tokens = (self.tokens + earned).min(DETAILED_PER_SECOND);
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// One recv happened: report it in detail or add it to the summary.
    pub(super) fn recv(
        &mut self,
        event: Event,
        bytes: u64,
        stream_offset: u64,
        echo: Option<Event>,
        eof: bool,
    ) {
        if self.pending.is_none() && self.take_token() {
            self.send(event);
            if let Some(echo) = echo {
                self.send(echo);
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

    pub(super) fn flush(&mut self) {
        self.last_flush = Instant::now();
        if let Some(p) = self.pending.take() {
            self.send(Event::AutoSummary {
                socket: self.id,
                recvs: p.recvs,
                bytes: p.bytes,
                stream_offset: p.stream_offset,
                echoed: p.echoed,
                eof: p.eof,
            });
        }
    }
}
