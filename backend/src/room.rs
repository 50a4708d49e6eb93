//! Rooms: a lecturer's session shared read-only with the students who follow it.
//!
//! Every session keeps its history: the JSON text of each event it sent, in order. Sharing
//! (the `share` command) lists the session's [`Room`] under a random key; a follower connects
//! with that key and reads the history from its first event, then waits for more
//! ([`crate::ws::follow`]). The lecturer only ever appends: no follower is written to from the
//! lecturer's loop, so a slow or stuck follower can't slow the lecturer down. Each follower has
//! its own cursor into the history and its own write timeout.
//!
//! Invariants:
//! - The history is bounded ([`MAX_HISTORY_EVENTS`], [`MAX_HISTORY_BYTES`]): beyond that its
//!   oldest events go, and a follower joining later is told how many it misses; a follower
//!   whose cursor falls before the kept events is ended with `fell_behind`.
//! - Event `i` of the history is the lecturer's event with `seq` `i + 1`.
//! - A key names a room only while its session runs ([`RoomEntry`] is dropped with it); keys
//!   are 128-bit random.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::watch;

/// Most events a session keeps for its followers.
pub const MAX_HISTORY_EVENTS: usize = 50_000;
/// Most bytes of event text a session keeps for its followers.
pub const MAX_HISTORY_BYTES: usize = 8 << 20;

/// A session's history, shared with its followers.
pub struct Room {
    history: Mutex<History>,
    /// The number of events appended so far (the next event's index); [`ENDED`] once the
    /// session ended.
    appended: watch::Sender<u64>,
    followers: AtomicU32,
    /// Follower count changes, for the lecturer's page.
    count: watch::Sender<u32>,
}

/// The kept events: `events[0]` has index `first`.
#[derive(Default)]
struct History {
    events: VecDeque<Arc<str>>,
    first: u64,
    bytes: usize,
}

/// What a follower gets from [`Room::read`].
pub enum Read {
    /// Events from the asked index on (possibly none yet).
    Events(Vec<Arc<str>>),
    /// The asked index is no longer kept.
    Gone { first_kept: u64 },
}

/// Marks the session as ended when dropped.
pub const ENDED: u64 = u64::MAX;

impl Default for Room {
    fn default() -> Self {
        Room {
            history: Mutex::default(),
            appended: watch::Sender::new(0),
            followers: AtomicU32::new(0),
            count: watch::Sender::new(0),
        }
    }
}

impl Room {
    fn history(&self) -> std::sync::MutexGuard<'_, History> {
        self.history.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Appends one event the lecturer was sent.
    pub fn append(&self, event: &str) {
        let next = {
            let mut h = self.history();
            h.bytes += event.len();
            h.events.push_back(Arc::from(event));
            while h.events.len() > MAX_HISTORY_EVENTS || h.bytes > MAX_HISTORY_BYTES {
                match h.events.pop_front() {
                    Some(old) => {
                        h.bytes -= old.len();
                        h.first += 1;
                    }
                    None => break,
                }
            }
            h.first + h.events.len() as u64
        };
        self.appended.send_replace(next);
    }

    /// Events from index `from` on, at most `max` of them.
    pub fn read(&self, from: u64, max: usize) -> Read {
        let h = self.history();
        if from < h.first {
            return Read::Gone {
                first_kept: h.first,
            };
        }
        let skip = (from - h.first) as usize;
        Read::Events(h.events.iter().skip(skip).take(max).cloned().collect())
    }

    /// The first index still kept.
    pub fn first_kept(&self) -> u64 {
        self.history().first
    }

    /// Watches the number of events appended ([`ENDED`] once the session ended).
    pub fn appended(&self) -> watch::Receiver<u64> {
        self.appended.subscribe()
    }

    /// Says the session ended: followers finish what is kept, then stop.
    pub fn end(&self) {
        self.appended.send_replace(ENDED);
    }

    /// Counts a follower in until the guard is dropped.
    pub fn follow(self: &Arc<Self>) -> FollowerGuard {
        let n = self.followers.fetch_add(1, Ordering::Relaxed) + 1;
        self.count.send_replace(n);
        FollowerGuard { room: self.clone() }
    }

    /// Watches the follower count.
    pub fn follower_count(&self) -> watch::Receiver<u32> {
        self.count.subscribe()
    }

    /// Bytes of history kept (for the stats and the tests).
    pub fn history_bytes(&self) -> usize {
        self.history().bytes
    }
}

/// One follower, counted while it exists.
pub struct FollowerGuard {
    room: Arc<Room>,
}

impl Drop for FollowerGuard {
    fn drop(&mut self) {
        let n = self.room.followers.fetch_sub(1, Ordering::Relaxed) - 1;
        self.room.count.send_replace(n);
    }
}

/// The shared rooms of a server, by key.
#[derive(Clone, Default)]
pub struct Rooms {
    rooms: Arc<Mutex<HashMap<String, Weak<Room>>>>,
}

/// A room's listing; dropping it makes the key unknown.
pub struct RoomEntry {
    pub key: String,
    rooms: Rooms,
}

impl Drop for RoomEntry {
    fn drop(&mut self) {
        self.rooms.lock().remove(&self.key);
    }
}

impl Rooms {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Weak<Room>>> {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Lists `room` under a new random key.
    pub fn share(&self, room: &Arc<Room>) -> std::io::Result<RoomEntry> {
        let key = crate::access::token::random_hex(16)?;
        self.lock().insert(key.clone(), Arc::downgrade(room));
        Ok(RoomEntry {
            key,
            rooms: self.clone(),
        })
    }

    /// The room shared under `key`, if its session still runs.
    pub fn find(&self, key: &str) -> Option<Arc<Room>> {
        self.lock().get(key).and_then(Weak::upgrade)
    }

    /// Whether a request's query names a shared room (`follow=<key>`).
    pub fn admits(&self, query: Option<&str>) -> bool {
        follow_key(query).is_some_and(|k| self.find(&k).is_some())
    }

    /// Shared rooms now.
    pub fn len(&self) -> usize {
        self.lock()
            .values()
            .filter(|w| w.strong_count() > 0)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The `follow` parameter of a query string.
pub fn follow_key(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "follow")
        .map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_bounded_and_says_what_it_lost() {
        let room = Room::default();
        let big = "x".repeat(1 << 20);
        for _ in 0..20 {
            room.append(&big);
        }
        assert!(room.history_bytes() <= MAX_HISTORY_BYTES);
        let first = room.first_kept();
        assert!(first > 0);
        assert!(matches!(room.read(0, 10), Read::Gone { first_kept } if first_kept == first));
        let Read::Events(events) = room.read(first, 100) else {
            panic!("kept events are readable")
        };
        assert_eq!(first as usize + events.len(), 20);
    }

    #[test]
    fn keys_name_a_room_only_while_it_is_listed() {
        let rooms = Rooms::default();
        let room = Arc::new(Room::default());
        let entry = rooms.share(&room).unwrap();
        assert_eq!(entry.key.len(), 32);
        assert!(rooms.admits(Some(&format!("follow={}", entry.key))));
        assert!(!rooms.admits(Some("follow=0000")));
        assert!(!rooms.admits(None));
        let key = entry.key.clone();
        drop(entry);
        assert!(rooms.find(&key).is_none());
    }

    #[test]
    fn followers_are_counted() {
        let room = Arc::new(Room::default());
        let count = room.follower_count();
        let a = room.follow();
        let b = room.follow();
        assert_eq!(*count.borrow(), 2);
        drop((a, b));
        assert_eq!(*count.borrow(), 0);
    }
}
