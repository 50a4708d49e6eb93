//! The lab as the page sees it, rebuilt from events.
//!
//! Invariant: a [`LabState`] is a pure function of the events applied to it, in order. The
//! timeline's cursor works by applying the history up to the cursor to a fresh state, so the
//! picture at step n is exactly the picture the page showed live at step n. A hello starts a
//! new session: everything of the old one goes but its latest error ([`LastError`], which
//! may say why the old session ended and is the only part the link and the page itself write
//! to, in the live state only).

use std::collections::BTreeMap;

use socklab_shared::protocol::{
    BufferSnapshot, Envelope, ErrorCode, Event, SendSpan, SocketId, SocketKind,
};

use super::card_error::{card_error, moved_on};
use super::last_error::{ErrorNote, LastError};

/// One socket as shown on its card.
#[derive(Debug, Clone, PartialEq)]
pub struct SocketView {
    pub id: SocketId,
    pub kind: SocketKind,
    pub local: String,
    pub peer: Option<String>,
    pub listener: Option<SocketId>,
    /// The kernel's view after the latest step.
    pub snapshot: Option<BufferSnapshot>,
    /// The latest result of a call on this socket (recv, send...), for the card.
    pub last: Option<Event>,
    /// The latest error on this socket.
    pub error: Option<(String, Option<String>)>,
    /// The code and the server's message of the latest error, for the page's own words
    /// (`crate::i18n`): meaningful while `error` is shown.
    pub error_src: Option<(ErrorCode, String)>,
    /// Where the bytes of the recv before the latest one came from (to say "its header
    /// came in the recv before").
    pub recv_before: Option<Vec<SendSpan>>,
    /// Where the bytes of the latest recv came from.
    pub recv_latest: Option<Vec<SendSpan>>,
}

/// Everything the page draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabState {
    pub sockets: BTreeMap<SocketId, SocketView>,
    /// The last error, until a later command succeeds: the page's one place for it.
    pub errors: LastError,
    /// How many events were applied.
    pub applied: usize,
}

impl LabState {
    /// Applies one event.
    pub fn apply(&mut self, env: &Envelope) {
        if matches!(env.event, Event::Hello { .. }) {
            // A new connection is a new session: the server forgot the old sockets.
            *self = LabState {
                errors: std::mem::take(&mut self.errors),
                ..LabState::default()
            };
        }
        self.applied += 1;
        let mut on_a_socket = false;
        match &env.event {
            Event::SocketOpened {
                socket,
                kind,
                local,
                peer,
                listener,
                ..
            } => {
                self.sockets.insert(
                    *socket,
                    SocketView {
                        id: *socket,
                        kind: *kind,
                        local: local.clone(),
                        peer: peer.clone(),
                        listener: *listener,
                        snapshot: None,
                        last: None,
                        error: None,
                        error_src: None,
                        recv_before: None,
                        recv_latest: None,
                    },
                );
            }
            Event::Closed { socket } => {
                self.sockets.remove(socket);
            }
            Event::Buffers { sockets } => {
                for snap in sockets {
                    if let Some(view) = self.sockets.get_mut(&snap.socket) {
                        if moved_on(view.snapshot.as_ref(), snap) {
                            view.error = None;
                        }
                        view.snapshot = Some(snap.clone());
                    }
                }
            }
            Event::Error {
                code,
                message,
                hint,
                socket,
                ..
            } => {
                if let Some(view) = socket.and_then(|s| self.sockets.get_mut(&s)) {
                    view.error = Some(card_error(*code, message, hint.as_deref()));
                    view.error_src = Some((*code, message.clone()));
                    on_a_socket = true;
                }
            }
            other => {
                if let Some(view) = other.socket().and_then(|id| self.sockets.get_mut(&id)) {
                    if let Event::Received { spans, .. } = other {
                        view.recv_before = view.recv_latest.replace(spans.clone());
                    }
                    view.last = Some(other.clone());
                    view.error = None;
                }
            }
        }
        self.errors.apply(env, on_a_socket);
    }

    /// The latest error not tied to a socket, until a later command succeeds (the
    /// workbench's).
    pub fn error(&self) -> Option<&ErrorNote> {
        self.errors.lab_wide()
    }

    /// The lab socket at the other end of `id`'s connection, if both ends are lab sockets
    /// (its local address is `id`'s peer, and the other way round).
    pub fn peer_of(&self, id: SocketId) -> Option<SocketId> {
        let me = self.sockets.get(&id)?;
        let peer = me.peer.as_ref()?;
        self.sockets
            .values()
            .find(|v| v.id != id && &v.local == peer && v.peer.as_ref() == Some(&me.local))
            .map(|v| v.id)
    }

    /// The state after the first `n` events of `history`.
    pub fn replay(history: &[Envelope], n: usize) -> Self {
        let mut state = LabState::default();
        for env in history.iter().take(n) {
            state.apply(env);
        }
        state
    }
}

/// What auto-recv did on one socket, summed over detailed and summarised events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AutoTotals {
    pub recvs: u64,
    pub bytes: u64,
    pub eof: bool,
}

/// Adds up the auto-recv events of `socket` in `history`.
pub fn auto_totals(history: &[Envelope], socket: SocketId) -> AutoTotals {
    let mut t = AutoTotals::default();
    for env in history {
        match &env.event {
            Event::Received {
                socket: s,
                data,
                eof,
                auto: true,
                ..
            } if *s == socket => {
                t.recvs += 1;
                t.bytes += data.len() as u64;
                t.eof |= *eof;
            }
            Event::AutoSummary {
                socket: s,
                recvs,
                bytes,
                eof,
                ..
            } if *s == socket => {
                t.recvs += recvs;
                t.bytes += bytes;
                t.eof |= *eof;
            }
            _ => {}
        }
    }
    t
}

#[cfg(test)]
mod tests;
