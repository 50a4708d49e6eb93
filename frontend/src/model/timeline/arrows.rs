//! The arrows between rows, drawn while the history is walked: from a `send` to every `recv`
//! that returned some of its bytes, from a `sendto` to its `recvfrom`, from `connect()` to
//! the matching `accept()`, and from a `close()`/`shutdown()` to the peer's `recv` of `b''`.
//!
//! These are [`Builder`] methods because each arrow needs what the walk remembers (the row of
//! every send, which sockets are the two ends of a connection, each socket's last FIN).

use socklab_shared::protocol::{SendSpan, SocketId};

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

    /// Pairs the two ends of a TCP or Unix connection and draws connect() → accept(). Ends
    /// already paired are skipped: every Unix client is `(unnamed)`, and taking the oldest
    /// unpaired one follows the kernel's first-in, first-out accept queue.
    pub(super) fn connect_arrow(
        &mut self,
        socket: SocketId,
        local: &str,
        peer: Option<&str>,
        row: usize,
        accepted: bool,
    ) {
        let Some(peer) = peer else { return };
        let other = self
            .streams
            .iter()
            .find(|(s, l, p, _)| {
                l == peer && p.as_deref() == Some(local) && !self.peer.contains_key(s)
            })
            .map(|(s, _, _, r)| (*s, *r));
        self.streams
            .push((socket, local.to_owned(), Some(peer.to_owned()), row));
        if let Some((other, other_row)) = other {
            self.peer.insert(socket, other);
            self.peer.insert(other, socket);
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
