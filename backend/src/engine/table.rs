//! The session's socket table: the one place that holds the map from ids to lab sockets.
//!
//! Every command family asks the table rather than reaching into the engine: to open a socket
//! (an id, the entry, its `socket_opened` event), to link the two lab ends of a connection, to
//! look a socket up by id or address, and to close one (its entry and its bookkeeping).
//!
//! # Invariants
//! 1. Ids are handed out once per session, increasing from 1; a closed id is never reused.
//! 2. At most `max` sockets are open ([`SocketTable::check_capacity`] refuses more).
//! 3. Links are symmetric: when `a.peer_id == Some(b)` and `b` is open, then
//!    `b.peer_id == Some(a)`, and each book's `peer` is the other's book. A lab end that closed
//!    (a Unix client closed before it was accepted) is still named, and its book lives on in its
//!    peer's, so bytes it sent are still traced to it.
//! 4. A socket's `socket_opened` event is made from the entry as stored, so what the page is
//!    told is what the table holds.

use std::collections::BTreeMap;

use socket2::Socket;
use socklab_shared::protocol::{Event, SocketId, SocketKind};

use super::lab_socket::{DirectoryEntry, LabAddr, LabSocket, SharedBook, StreamDirectory, lock};
use super::step_error::{StepError, StepResult};
use super::targets::PortClaim;

/// What a new lab socket is made of.
pub struct NewSocket {
    pub kind: SocketKind,
    pub socket: Socket,
    /// `getsockname()`.
    pub local: LabAddr,
    /// `getpeername()`, for connected sockets.
    pub peer: Option<LabAddr>,
    /// The listener an accepted connection came from.
    pub listener: Option<SocketId>,
    /// A listener's or UDP socket's hold on its address.
    pub claim: Option<PortClaim>,
}

impl NewSocket {
    pub fn new(kind: SocketKind, socket: Socket, local: impl Into<LabAddr>) -> Self {
        NewSocket {
            kind,
            socket,
            local: local.into(),
            peer: None,
            listener: None,
            claim: None,
        }
    }
}

/// The session's sockets by id.
pub struct SocketTable {
    sockets: BTreeMap<SocketId, LabSocket>,
    /// Connected TCP sockets by (local, peer), for the wire's cable.
    streams: StreamDirectory,
    last_id: u32,
    max: usize,
}

impl SocketTable {
    pub fn new(max: usize) -> Self {
        SocketTable {
            sockets: BTreeMap::new(),
            streams: StreamDirectory::default(),
            last_id: 0,
            max,
        }
    }

    /// Refuses a new socket when the session is at its cap.
    pub fn check_capacity(&self) -> StepResult<()> {
        if self.sockets.len() >= self.max {
            return Err(StepError::refused(
                format!(
                    "this session already has {} sockets, the most allowed",
                    self.sockets.len()
                ),
                "close sockets you no longer need, or start socklab with a larger --max-sockets",
            ));
        }
        Ok(())
    }

    /// Registers a new socket with the reactor and gives it the next id.
    pub fn open(&mut self, new: NewSocket) -> StepResult<SocketId> {
        self.check_capacity()?;
        let id = SocketId(self.last_id + 1);
        let mut lab = LabSocket::new(id, new.kind, new.socket, new.local)
            .map_err(|e| StepError::os("socket setup", &e))?;
        lab.peer = new.peer;
        lab.listener = new.listener;
        lab.claim = new.claim;
        if let (SocketKind::TcpStream, LabAddr::Ip(local), Some(LabAddr::Ip(peer))) =
            (lab.kind, &lab.local, &lab.peer)
        {
            let key = (*local, *peer);
            lab.stream_entry = Some(DirectoryEntry::new(
                &self.streams,
                key,
                id,
                lab.book.clone(),
            ));
        }
        self.last_id = id.0;
        self.sockets.insert(id, lab);
        Ok(id)
    }

    /// The connected TCP sockets by address, shared (the wire's cable names sends with it).
    pub fn streams(&self) -> StreamDirectory {
        self.streams.clone()
    }

    /// The `socket_opened` event of a socket in the table.
    pub fn opened_event(&self, id: SocketId) -> StepResult<Event> {
        let s = self.get(id)?;
        Ok(Event::SocketOpened {
            socket: id,
            kind: s.kind,
            local: s.local.to_string(),
            peer: s.peer.as_ref().map(ToString::to_string),
            listener: s.listener,
            peer_socket: s.peer_id,
        })
    }

    /// Links `id` to the lab socket at the other end of its connection: `peer` if it is still
    /// open, and in any case its book (a client that closed before being accepted still sent
    /// the bytes waiting for us).
    pub fn link(&mut self, id: SocketId, peer: SocketId, peer_book: &SharedBook) {
        let Some(ours) = self.sockets.get(&id).map(|s| s.book.clone()) else {
            return;
        };
        lock(&ours).peer = Some(peer_book.clone());
        lock(peer_book).peer = Some(ours);
        if let Some(other) = self.sockets.get_mut(&peer) {
            other.peer_id = Some(id);
        }
        if let Some(me) = self.sockets.get_mut(&id) {
            me.peer_id = Some(peer);
        }
    }

    /// The connected stream socket of `kind` whose own address is `local` and whose peer is
    /// `peer`: the lab client at the other end of a connection just accepted.
    pub fn find_connection(
        &self,
        kind: SocketKind,
        local: &LabAddr,
        peer: &LabAddr,
    ) -> Option<(SocketId, SharedBook)> {
        self.sockets
            .values()
            .find(|c| c.kind == kind && c.local == *local && c.peer.as_ref() == Some(peer))
            .map(|c| (c.id, c.book.clone()))
    }

    /// The lab socket of `kind` bound to `addr`, if any.
    pub fn find_by_local(&self, addr: &LabAddr, kind: SocketKind) -> Option<&LabSocket> {
        self.sockets
            .values()
            .find(|s| s.kind == kind && s.local == *addr)
    }

    /// Takes a socket out of the table; the caller closes it (stops its auto task, drops it).
    pub fn remove(&mut self, id: SocketId) -> StepResult<LabSocket> {
        self.sockets
            .remove(&id)
            .ok_or_else(|| StepError::unknown(id))
    }

    pub fn get(&self, id: SocketId) -> StepResult<&LabSocket> {
        self.sockets.get(&id).ok_or_else(|| StepError::unknown(id))
    }

    pub fn get_mut(&mut self, id: SocketId) -> StepResult<&mut LabSocket> {
        self.sockets
            .get_mut(&id)
            .ok_or_else(|| StepError::unknown(id))
    }

    /// Every socket, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &LabSocket> {
        self.sockets.values()
    }

    /// Every id, in order.
    pub fn ids(&self) -> Vec<SocketId> {
        self.sockets.keys().copied().collect()
    }

    pub fn len(&self) -> usize {
        self.sockets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socket2::{Domain, Type};

    fn udp() -> NewSocket {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        NewSocket::new(
            SocketKind::Udp,
            s,
            "127.0.0.1:1".parse::<std::net::SocketAddr>().unwrap(),
        )
    }

    #[tokio::test]
    async fn ids_count_up_are_never_reused_and_the_cap_holds() {
        let mut t = SocketTable::new(2);
        let a = t.open(udp()).unwrap();
        let b = t.open(udp()).unwrap();
        assert_eq!((a, b), (SocketId(1), SocketId(2)));
        assert!(t.open(udp()).is_err(), "at the cap");
        t.remove(a).unwrap();
        assert_eq!(t.open(udp()).unwrap(), SocketId(3));
        assert!(t.remove(a).is_err());
    }

    #[tokio::test]
    async fn links_are_symmetric_and_show_in_the_opened_event() {
        let mut t = SocketTable::new(8);
        let a = t.open(udp()).unwrap();
        let b = t.open(udp()).unwrap();
        let b_book = t.get(b).unwrap().book.clone();
        t.link(a, b, &b_book);
        assert_eq!(t.get(a).unwrap().peer_id, Some(b));
        assert_eq!(t.get(b).unwrap().peer_id, Some(a));
        assert!(lock(&t.get(a).unwrap().book).peer.is_some());
        assert!(lock(&b_book).peer.is_some());
        match t.opened_event(a).unwrap() {
            Event::SocketOpened { peer_socket, .. } => assert_eq!(peer_socket, Some(b)),
            other => panic!("{other:?}"),
        }
    }
}
