//! Sharing a session: its room (the history every session keeps) and, after `share`, the
//! follow key that lists it (see [`crate::room`]).

use std::sync::Arc;

use socklab_shared::protocol::{ErrorCode, Event};
use tokio::sync::watch;

use super::session::error_event;
use crate::room::{Room, RoomEntry, Rooms};

/// The session's room, and its listing once shared.
pub(super) struct Sharing {
    rooms: Rooms,
    pub(super) room: Arc<Room>,
    entry: Option<RoomEntry>,
    pub(super) count: watch::Receiver<u32>,
}

impl Sharing {
    pub(super) fn new(rooms: Rooms) -> Self {
        let room = Arc::new(Room::default());
        let count = room.follower_count();
        Sharing {
            rooms,
            room,
            entry: None,
            count,
        }
    }

    /// `share`: the follow key (made on the first call).
    pub(super) fn share(&mut self) -> Event {
        if self.entry.is_none() {
            match self.rooms.share(&self.room) {
                Ok(entry) => self.entry = Some(entry),
                Err(e) => {
                    return error_event(
                        ErrorCode::Os,
                        format!("cannot make a follow key: {e}"),
                        None,
                    );
                }
            }
        }
        Event::Shared {
            key: self
                .entry
                .as_ref()
                .map(|e| e.key.clone())
                .unwrap_or_default(),
            followers: *self.count.borrow(),
        }
    }
}
