//! Packet events within the page's budget: each packet in detail while the rate is low, a
//! summary per direction while a bulk transfer floods the cable.
//!
//! The same rules as the auto events' [`crate::engine::reporter`]: a token bucket (here 200
//! packets a second, bursts of 400, enough for any handshake or stepped lesson), the session's
//! bounded queue (a full queue folds the packet into the summary instead of waiting), and order
//! kept: while a summary is pending, its packets are reported before any later one in detail.
//! A pending summary goes out every [`SUMMARY_EVERY`] while packets keep coming, and
//! [`QUIET`] after they stop.

use std::time::Duration;

use socklab_shared::protocol::Event;
use socklab_shared::protocol::wire::{Direction, Fate, PacketInfo};
use tokio::time::Instant;

use crate::engine::auto::AutoMsg;
use crate::engine::auto_queue::AutoSender;
use crate::engine::bucket::Bucket;

/// Detailed packet events per second, and in one burst.
const PER_SECOND: f64 = 200.0;
const BURST: f64 = 400.0;
/// How often a pending summary goes out while packets keep coming.
pub const SUMMARY_EVERY: Duration = Duration::from_millis(100);
/// How soon after the last packet a pending summary goes out.
pub const QUIET: Duration = Duration::from_millis(5);

#[derive(Debug, Default, Clone, Copy)]
struct Pending {
    packets: u64,
    bytes: u64,
    dropped: u64,
    last_no: u64,
}

/// Decides between packet events and summaries.
pub struct PacketReporter {
    tx: AutoSender,
    bucket: Bucket,
    pending: [Option<Pending>; 2],
    last_flush: Instant,
    last_packet: Instant,
}

fn index(d: Direction) -> usize {
    match d {
        Direction::AToB => 0,
        Direction::BToA => 1,
    }
}

const DIRECTIONS: [Direction; 2] = [Direction::AToB, Direction::BToA];

impl PacketReporter {
    pub fn new(tx: AutoSender) -> Self {
        let now = Instant::now();
        PacketReporter {
            tx,
            bucket: Bucket::new(PER_SECOND, BURST),
            pending: [None, None],
            last_flush: now,
            last_packet: now,
        }
    }

    /// One packet: in detail if allowed, else counted in its direction's summary.
    pub fn packet(&mut self, packet: PacketInfo) {
        self.last_packet = Instant::now();
        let fold = fold_of(&packet);
        if self.bucket.take()
            && self.flush()
            && self.tx.try_send(AutoMsg::Event(Event::Packet {
                packet: Box::new(packet),
            }))
        {
            return;
        }
        self.add(fold);
    }

    /// A held packet's later fate (released or dropped): always reported (they come one per
    /// click), after any pending summary.
    pub fn fate(&mut self, no: u64, fate: Fate) {
        self.flush();
        if !self
            .tx
            .try_send(AutoMsg::Event(Event::PacketFate { no, fate }))
        {
            tracing::debug!(no, "packet fate not reported: the session's queue is full");
        }
    }

    fn add(&mut self, (direction, bytes, dropped, no): (Direction, u64, bool, u64)) {
        let p = self.pending[index(direction)].get_or_insert_with(Pending::default);
        p.packets += 1;
        p.bytes += bytes;
        p.dropped += u64::from(dropped);
        p.last_no = no;
    }

    /// Sends the pending summaries; `true` when none is left pending.
    pub fn flush(&mut self) -> bool {
        for d in DIRECTIONS {
            if let Some(p) = self.pending[index(d)] {
                let event = Event::PacketSummary {
                    direction: d,
                    packets: p.packets,
                    bytes: p.bytes,
                    dropped: p.dropped,
                    last_no: p.last_no,
                };
                if !self.tx.try_send(AutoMsg::Event(event)) {
                    return false;
                }
                self.pending[index(d)] = None;
                self.last_flush = Instant::now();
            }
        }
        true
    }

    /// When the pending summaries should go out, if any is pending.
    pub fn flush_at(&self) -> Option<Instant> {
        if self.pending.iter().all(Option::is_none) {
            return None;
        }
        Some((self.last_packet + QUIET).min(self.last_flush + SUMMARY_EVERY))
    }
}

/// What a folded packet adds to its summary: direction, IP bytes, dropped, number.
fn fold_of(info: &PacketInfo) -> (Direction, u64, bool, u64) {
    (
        info.direction,
        u64::from(info.ip.len),
        matches!(info.fate, Fate::Dropped { .. }),
        info.no,
    )
}
