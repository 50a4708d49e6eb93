//! One direction of the cable: what happens to a packet between the two hosts.
//!
//! Invariants:
//! - Pure: time is the caller's `now` (a [`Duration`] since the wire started); the link never
//!   reads a clock. All randomness comes from one ChaCha8 generator seeded by `seed`, so the
//!   same seed and the same sequence of calls give the same fates. A percentage of 0 draws no
//!   random number (the default settings draw none at all).
//! - Order of decisions in [`Link::offer`]: a pending "drop next" drops the packet; then loss;
//!   then the queue bound (tail drop); then, on a held wire, the packet waits (held packets were
//!   already past loss and are scheduled when released); otherwise it is scheduled.
//! - Scheduling: with a rate limit the packet is serialized: departure = max(now, previous
//!   departure) + len * 8 / rate. Delivery = departure + delay + jitter, jitter uniform in
//!   0..=jitter_ms at microsecond resolution. Deliveries are FIFO: a packet is never due before
//!   an earlier one, so jitter alone never reorders.
//! - Duplication queues the packet twice with the same due time (the copy is not serialized
//!   again); a duplicated packet is not also reordered, and its fate is `Duplicated` even when
//!   it is also delayed.
//! - Fates: `Delivered` when due at `now` (the caller's next [`Link::pop_due`] returns it),
//!   otherwise `Delayed { ms }` with the wait rounded up to a whole millisecond.
//! - Reordering: a packet picked by `reorder_pct` is parked and delivered right after the next
//!   packet this direction schedules (due at the same time, queued just behind it), or, if no
//!   packet is scheduled in time, [`REORDER_WAIT`] (50 ms) after the time it would have been
//!   due (delay + jitter + rate, FIFO included). Its fate says `Delayed` with that latest time.
//! - Bounded: held, queued and parked packets together are at most [`MAX_QUEUED_PACKETS`] and
//!   [`MAX_QUEUED_BYTES`]; past that an offer is `Dropped { QueueFull }`, as a router's tail
//!   drop (a duplicate that doesn't fit is silently not made).
//! - With default settings every offer is `Delivered` and [`Link::pop_due`] returns it at
//!   once; that path allocates nothing once the queue's buffer has grown.

use std::collections::VecDeque;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use socklab_shared::protocol::wire::{DropReason, Fate, LinkSettings};

/// The most packets one direction keeps (held, queued and parked together).
pub const MAX_QUEUED_PACKETS: usize = 2048;
/// The most packet bytes one direction keeps.
pub const MAX_QUEUED_BYTES: usize = 4 << 20;
/// How long a reordered packet waits for a next packet to overtake it.
pub const REORDER_WAIT: Duration = Duration::from_millis(50);

#[derive(Debug, Clone)]
struct Slot<T> {
    due: Duration,
    len: usize,
    item: T,
}

/// One direction of the cable, carrying items of type `T` (the caller's packet handle).
#[derive(Debug, Clone)]
pub struct Link<T: Clone> {
    settings: LinkSettings,
    rng: ChaCha8Rng,
    held: bool,
    /// Waiting on the held wire: (len, item), oldest first.
    hold: VecDeque<(usize, T)>,
    /// Scheduled, due times non-decreasing.
    queue: VecDeque<Slot<T>>,
    /// Reordered packets, by deadline (non-decreasing).
    parked: VecDeque<Slot<T>>,
    drop_next: u32,
    last_departure: Duration,
    last_delivery: Duration,
    last_parked: Duration,
    bytes: usize,
}

fn ceil_ms(d: Duration) -> u64 {
    d.as_nanos().div_ceil(1_000_000) as u64
}

impl<T: Clone> Link<T> {
    /// A link with `settings` (assumed valid: see [`LinkSettings::validate`]) whose random
    /// decisions come from `seed`.
    pub fn new(settings: LinkSettings, seed: u64) -> Link<T> {
        Link {
            settings,
            rng: ChaCha8Rng::seed_from_u64(seed),
            held: false,
            hold: VecDeque::new(),
            queue: VecDeque::new(),
            parked: VecDeque::new(),
            drop_next: 0,
            last_departure: Duration::ZERO,
            last_delivery: Duration::ZERO,
            last_parked: Duration::ZERO,
            bytes: 0,
        }
    }

    /// Changes the settings for packets offered from now on; queued packets keep their times.
    pub fn set(&mut self, settings: LinkSettings) {
        self.settings = settings;
    }

    /// Restarts the random generator from `seed`.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = ChaCha8Rng::seed_from_u64(seed);
    }

    pub fn settings(&self) -> &LinkSettings {
        &self.settings
    }

    /// Holds the wire (`on`) or releases it: releasing schedules every held packet from `now`,
    /// oldest first, and returns each with its fate (empty when holding).
    pub fn set_hold(&mut self, on: bool, now: Duration) -> Vec<(T, Fate)> {
        if on {
            self.held = true;
            Vec::new()
        } else {
            self.held = false;
            self.step(now, self.hold.len())
        }
    }

    pub fn is_held(&self) -> bool {
        self.held
    }

    /// Drops the next packet offered (calls add up: twice drops the next two).
    pub fn drop_next(&mut self) {
        self.drop_next = self.drop_next.saturating_add(1);
    }

    /// How many "drop next" are still pending.
    pub fn drop_pending(&self) -> u32 {
        self.drop_next
    }

    /// Decides the fate of a packet of `len` bytes leaving at `now`, and queues it unless it is
    /// dropped. See the module's documentation for the order of decisions.
    pub fn offer(&mut self, now: Duration, len: usize, item: T) -> Fate {
        if self.drop_next > 0 {
            self.drop_next -= 1;
            return Fate::Dropped {
                reason: DropReason::DropNext,
            };
        }
        if self.roll(self.settings.loss_pct) {
            return Fate::Dropped {
                reason: DropReason::Loss,
            };
        }
        if !self.room(1, len) {
            return Fate::Dropped {
                reason: DropReason::QueueFull,
            };
        }
        if self.held {
            self.hold.push_back((len, item));
            self.bytes += len;
            return Fate::Held;
        }
        self.schedule(now, len, item)
    }

    /// The next packet due at or before `now`, in delivery order.
    pub fn pop_due(&mut self, now: Duration) -> Option<T> {
        let q = self.queue.front().map(|s| s.due).filter(|d| *d <= now);
        let p = self.parked.front().map(|s| s.due).filter(|d| *d <= now);
        let slot = match (q, p) {
            (Some(q), Some(p)) if p < q => self.parked.pop_front(),
            (Some(_), _) => self.queue.pop_front(),
            (None, Some(_)) => self.parked.pop_front(),
            (None, None) => None,
        }?;
        self.bytes -= slot.len;
        Some(slot.item)
    }

    /// When the next packet is due, if any is scheduled (held packets are not).
    pub fn next_due(&self) -> Option<Duration> {
        let q = self.queue.front().map(|s| s.due);
        let p = self.parked.front().map(|s| s.due);
        match (q, p) {
            (Some(q), Some(p)) => Some(q.min(p)),
            (q, p) => q.or(p),
        }
    }

    /// Releases the oldest `n` held packets (fewer if fewer wait), scheduling them from `now`;
    /// returns each with its fate. The wire stays held.
    pub fn step(&mut self, now: Duration, n: usize) -> Vec<(T, Fate)> {
        let n = n.min(self.hold.len());
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let (len, item) = self.hold.pop_front().expect("n <= hold.len()");
            self.bytes -= len;
            let fate = self.schedule(now, len, item.clone());
            out.push((item, fate));
        }
        out
    }

    /// The oldest packet waiting on the held wire (what [`Link::step`] releases next).
    pub fn held_front(&self) -> Option<&T> {
        self.hold.front().map(|(_, item)| item)
    }

    /// Packets waiting on the held wire.
    pub fn waiting(&self) -> usize {
        self.hold.len()
    }

    /// Packets scheduled but not yet delivered (including reordered ones).
    pub fn queued(&self) -> usize {
        self.queue.len() + self.parked.len()
    }

    /// Bytes kept: held, queued and parked.
    pub fn queued_bytes(&self) -> usize {
        self.bytes
    }

    /// Forgets every held and queued packet (the wire went down); settings, seed state and
    /// pending drops stay.
    pub fn clear(&mut self) {
        self.hold.clear();
        self.queue.clear();
        self.parked.clear();
        self.bytes = 0;
    }

    fn roll(&mut self, pct: f64) -> bool {
        pct > 0.0 && self.rng.random::<f64>() * 100.0 < pct
    }

    fn room(&self, packets: usize, bytes: usize) -> bool {
        self.hold.len() + self.queued() + packets <= MAX_QUEUED_PACKETS
            && self.bytes + bytes <= MAX_QUEUED_BYTES
    }

    fn schedule(&mut self, now: Duration, len: usize, item: T) -> Fate {
        let duplicate = self.roll(self.settings.duplicate_pct) && self.room(2, 2 * len);
        let reorder = !duplicate && self.roll(self.settings.reorder_pct);
        let s = &self.settings;
        // Bits over kbit/s is milliseconds: bytes * 8 * 10^6 / kbit is nanoseconds.
        let departure = if let Some(wire_ns) = (len as u64 * 8_000_000).checked_div(s.rate_kbit) {
            let start = now.max(self.last_departure);
            self.last_departure = start + Duration::from_nanos(wire_ns);
            self.last_departure
        } else {
            now
        };
        let mut due = departure + Duration::from_millis(u64::from(s.delay_ms));
        if s.jitter_ms > 0 {
            let us = self
                .rng
                .random_range(0..=u64::from(self.settings.jitter_ms) * 1000);
            due += Duration::from_micros(us);
        }
        due = due.max(self.last_delivery);
        self.bytes += len;
        if reorder {
            let deadline = (due + REORDER_WAIT).max(self.last_parked);
            self.last_parked = deadline;
            self.parked.push_back(Slot {
                due: deadline,
                len,
                item,
            });
            return Fate::Delayed {
                ms: ceil_ms(deadline - now),
            };
        }
        self.last_delivery = due;
        if duplicate {
            self.bytes += len;
            self.queue.push_back(Slot {
                due,
                len,
                item: item.clone(),
            });
        }
        self.queue.push_back(Slot { due, len, item });
        if !self.parked.is_empty() {
            let first = self.parked.partition_point(|p| p.due < due);
            self.queue
                .extend(self.parked.drain(first..).map(|p| Slot { due, ..p }));
        }
        match (duplicate, due > now) {
            (true, _) => Fate::Duplicated,
            (false, false) => Fate::Delivered,
            (false, true) => Fate::Delayed {
                ms: ceil_ms(due - now),
            },
        }
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
