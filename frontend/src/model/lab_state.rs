//! The lab as the page sees it, rebuilt from events.
//!
//! Invariant: a [`LabState`] is a pure function of the events applied to it, in order. The
//! timeline's cursor works by applying the history up to the cursor to a fresh state, so the
//! picture at step n is exactly the picture the page showed live at step n. A hello starts a
//! new session: everything of the old one goes but its latest error ([`LastError`], which
//! may say why the old session ended and is the only part the link and the page itself write
//! to, in the live state only).

use std::collections::BTreeMap;

use socklab_shared::protocol::{BufferSnapshot, Envelope, Event, SocketId, SocketKind};

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
                    },
                );
            }
            Event::Closed { socket } => {
                self.sockets.remove(socket);
            }
            Event::Buffers { sockets } => {
                for snap in sockets {
                    if let Some(view) = self.sockets.get_mut(&snap.socket) {
                        view.snapshot = Some(snap.clone());
                    }
                }
            }
            Event::Error {
                message,
                hint,
                socket,
                ..
            } => {
                if let Some(view) = socket.and_then(|s| self.sockets.get_mut(&s)) {
                    view.error = Some((message.clone(), hint.clone()));
                    on_a_socket = true;
                }
            }
            other => {
                if let Some(view) = other.socket().and_then(|id| self.sockets.get_mut(&id)) {
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
mod tests {
    use super::*;
    use socklab_shared::Payload;
    use socklab_shared::protocol::Sequencer;

    fn history(events: Vec<Event>) -> Vec<Envelope> {
        let mut seq = Sequencer::default();
        events.into_iter().map(|e| seq.stamp(0, None, e)).collect()
    }

    fn opened(id: u32) -> Event {
        Event::SocketOpened {
            socket: SocketId(id),
            kind: SocketKind::TcpStream,
            local: format!("127.0.0.1:{}", 5000 + id),
            peer: None,
            listener: None,
            peer_socket: None,
        }
    }

    fn buffers(id: u32, queued: &str) -> Event {
        Event::Buffers {
            sockets: vec![BufferSnapshot {
                socket: SocketId(id),
                kind: SocketKind::TcpStream,
                tcp_state: None,
                recv_queued: queued.len() as u64,
                recv_peek: Payload::from(queued),
                recv_spans: vec![],
                recv_offset: 0,
                send_queued: 0,
                next_datagram: None,
                accept_queue: None,
            }],
        }
    }

    #[test]
    fn auto_totals_add_detailed_and_summarised_recvs() {
        let received = |n: usize, auto| Event::Received {
            socket: SocketId(2),
            data: Payload(vec![0; n]),
            bufsize: 65536,
            eof: n == 0,
            spans: vec![],
            stream_offset: 0,
            summary: String::new(),
            auto,
        };
        let h = history(vec![
            received(100, true),
            received(7, false),
            Event::AutoSummary {
                socket: SocketId(2),
                recvs: 10,
                bytes: 1000,
                stream_offset: 1100,
                echoed: 0,
                eof: false,
                folded: 0,
            },
            Event::AutoSummary {
                socket: SocketId(3),
                recvs: 1,
                bytes: 1,
                stream_offset: 1,
                echoed: 0,
                eof: false,
                folded: 0,
            },
            received(0, true),
        ]);
        assert_eq!(
            auto_totals(&h, SocketId(2)),
            AutoTotals {
                recvs: 12,
                bytes: 1100,
                eof: true
            }
        );
    }

    #[test]
    fn sockets_come_and_go() {
        let h = history(vec![
            opened(1),
            opened(2),
            Event::Closed {
                socket: SocketId(1),
            },
        ]);
        let s = LabState::replay(&h, h.len());
        assert_eq!(s.sockets.keys().copied().collect::<Vec<_>>(), [SocketId(2)]);
    }

    #[test]
    fn replaying_to_an_earlier_step_restores_the_earlier_buffer_picture() {
        let h = history(vec![
            opened(1),
            buffers(1, "helloworld"),
            buffers(1, "lloworld"),
        ]);
        let peek = |n| {
            LabState::replay(&h, n).sockets[&SocketId(1)]
                .snapshot
                .as_ref()
                .map(|s| s.recv_peek.as_bytes().to_vec())
        };
        assert_eq!(peek(3).unwrap(), b"lloworld");
        assert_eq!(peek(2).unwrap(), b"helloworld");
        assert_eq!(peek(1), None);
    }

    #[test]
    fn an_error_without_a_socket_stays_until_a_later_command_works() {
        let mut seq = Sequencer::default();
        let bind_failed = Event::Error {
            code: socklab_shared::protocol::ErrorCode::Os,
            message: "bind failed: EADDRINUSE".into(),
            hint: None,
            socket: None,
            errno: None,
        };
        let h = vec![
            seq.stamp(0, Some(7), bind_failed),
            seq.stamp(0, Some(7), buffers(1, "")),
            seq.stamp(0, None, opened(3)),
            seq.stamp(0, Some(8), buffers(1, "")),
            seq.stamp(0, Some(8), opened(2)),
        ];
        for n in 1..=4 {
            let s = LabState::replay(&h, n);
            assert_eq!(
                s.error().map(|e| e.message.as_str()),
                Some("bind failed: EADDRINUSE"),
                "after {n} events: snapshots and automatic events keep it"
            );
        }
        assert_eq!(LabState::replay(&h, 5).error(), None, "request 8 worked");
    }

    #[test]
    fn errors_land_on_their_socket() {
        let h = history(vec![
            opened(1),
            Event::Error {
                code: socklab_shared::protocol::ErrorCode::WouldBlock,
                message: "recv(1024) failed".into(),
                hint: Some("nothing to read".into()),
                socket: Some(SocketId(1)),
                errno: None,
            },
        ]);
        let s = LabState::replay(&h, 2);
        assert_eq!(
            s.sockets[&SocketId(1)].error.as_ref().unwrap().0,
            "recv(1024) failed"
        );
        assert!(s.error().is_none());
    }
}
