//! The arrows between rows, drawn while the history is walked: from a `send` to every `recv`
//! that returned some of its bytes, from a `sendto` to its `recvfrom`, from `connect()` to
//! the matching `accept()`, and from a `close()`/`shutdown()` to the peer's `recv` of `b''`.
//!
//! These are [`Builder`] methods because each arrow needs what the walk remembers (the row of
//! every send, which sockets are the two ends of a connection, each socket's last FIN).

use socklab_shared::protocol::{SendSpan, SocketId, SocketKind};

use super::Arrow;
use super::build::Builder;
use crate::model::byte_cells::colour_of;

impl Builder {
    fn arrow(&mut self, from_row: usize, to_row: usize, label: String, colour: Option<u32>) {
        self.tl.arrows.push(Arrow {
            from_row,
            to_row,
            label,
            colour,
        });
    }

    /// A recv that returned bytes: an arrow from each send they came from ("5 B", "2 B").
    pub(super) fn data_arrows(&mut self, spans: &[SendSpan], row: usize) {
        for (from, send_no, len) in by_send(spans) {
            if let Some(&from_row) = self.sends.get(&(from, send_no)) {
                self.arrow(from_row, row, format!("{len} B"), Some(colour_of(send_no)));
            }
        }
    }

    /// A recvfrom: an arrow from the sendto of its datagram, when the lab knows it.
    pub(super) fn datagram_arrow(
        &mut self,
        from_socket: Option<SocketId>,
        send_no: Option<u32>,
        real_len: u64,
        row: usize,
    ) {
        if let (Some(s), Some(n)) = (from_socket, send_no)
            && let Some(&from_row) = self.sends.get(&(s, n))
        {
            self.arrow(from_row, row, format!("{real_len} B"), Some(colour_of(n)));
        }
    }

    /// Pairs the two ends of a TCP or Unix connection and draws connect() → accept().
    ///
    /// An accepted end names its client when the engine knows it (`peer_socket`): the only
    /// way for Unix, where every client is `(unnamed)` and a program outside the lab may have
    /// connected in between. Without it, TCP ends still pair by address (each client has an
    /// ephemeral port of its own): that covers a client closed before its accept.
    pub(super) fn connect_arrow(&mut self, end: &StreamEnd<'_>, row: usize) {
        let accepted = end.listener.is_some();
        let other = match (end.peer_socket, end.peer, end.kind) {
            (Some(client), _, _) => self.streams.iter().find(|(s, ..)| *s == client),
            (None, Some(peer), SocketKind::TcpStream) => {
                self.streams.iter().find(|(s, l, p, _)| {
                    l == peer && p.as_deref() == Some(end.local) && !self.peer.contains_key(s)
                })
            }
            _ => None,
        }
        .map(|(s, _, _, r)| (*s, *r));
        self.streams.push((
            end.socket,
            end.local.to_owned(),
            end.peer.map(str::to_owned),
            row,
        ));
        if let Some((other, other_row)) = other {
            self.peer.insert(end.socket, other);
            self.peer.insert(other, end.socket);
            let (from, to) = if accepted {
                (other_row, row)
            } else {
                (row, other_row)
            };
            self.arrow(from, to, "connect".into(), None);
        }
    }

    /// A recv that returned b'': an arrow from the peer's close()/shutdown().
    pub(super) fn fin_arrow(&mut self, socket: SocketId, row: usize) {
        if let Some(&from_row) = self.peer.get(&socket).and_then(|p| self.fin.get(p)) {
            self.arrow(from_row, row, "FIN".into(), None);
        }
    }
}

/// A stream socket as it opened: what pairing it with its other end needs (the fields of its
/// `socket_opened` event).
pub(super) struct StreamEnd<'a> {
    pub socket: SocketId,
    pub kind: SocketKind,
    pub local: &'a str,
    pub peer: Option<&'a str>,
    pub listener: Option<SocketId>,
    pub peer_socket: Option<SocketId>,
}

/// The sends a recv's bytes came from, in order, with how many bytes of each.
pub(super) fn by_send(spans: &[SendSpan]) -> Vec<(SocketId, u32, u64)> {
    let mut out: Vec<(SocketId, u32, u64)> = Vec::new();
    for span in spans {
        let (Some(from), Some(n)) = (span.from, span.send_no) else {
            continue;
        };
        match out.iter_mut().find(|(f, m, _)| *f == from && *m == n) {
            Some(entry) => entry.2 += span.len,
            None => out.push((from, n, span.len)),
        }
    }
    out
}
