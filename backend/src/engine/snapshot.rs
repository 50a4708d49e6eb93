//! The kernel's view of every socket, read right after a step.
//!
//! Every number here comes from the kernel: FIONREAD for the receive queue, MSG_PEEK for its
//! bytes, SIOCOUTQ for the send queue, TCP_INFO for the state and a TCP listener's accept queue,
//! sock_diag for a Unix listener's. Only the colouring (which send wrote the peeked bytes) comes
//! from the lab's send logs.

use socklab_shared::Payload;
use socklab_shared::protocol::{BufferSnapshot, Event, SocketKind};

use super::Engine;
use super::lab_socket::{LabSocket, lock};
use super::stream_io::trace;
use super::sys;

impl Engine {
    /// A [`Event::Buffers`] with one entry per socket, in id order.
    pub fn snapshot(&self) -> Event {
        let sockets = self
            .table
            .iter()
            .map(|s| snapshot_one(s, self.policy.peek_bytes))
            .collect();
        Event::Buffers { sockets }
    }
}

fn snapshot_one(s: &LabSocket, peek_bytes: usize) -> BufferSnapshot {
    let sock = s.socket();
    let mut snap = BufferSnapshot::empty(s.id, s.kind);
    match s.kind {
        SocketKind::TcpListener => {
            snap.tcp_state = sys::tcp_state(sock).ok();
            snap.accept_queue = sys::accept_queue(sock).ok().map(|(queued, _)| queued);
        }
        SocketKind::TcpStream | SocketKind::UnixStream => {
            // A Unix socket has no TCP state (TCP_INFO is TCP's); its queues and peek work
            // as for TCP. Its SIOCOUTQ counts the kernel memory its sent bytes still use
            // while they wait in the peer's receive queue (buffer overhead included), since
            // a Unix send puts them straight there.
            if s.kind == SocketKind::TcpStream {
                snap.tcp_state = sys::tcp_state(sock).ok();
                snap.tcp_info = sys::tcp_metrics(sock).ok();
            }
            snap.recv_queued = sys::recv_queue_len(sock).unwrap_or(0);
            snap.send_queued = sys::send_queue_len(sock).unwrap_or(0);
            // The book's lock is held across the peek so a concurrent auto-recv can't move
            // the offset between "what's queued" and "where it starts".
            // Peek only when bytes are queued: a peek would also consume a pending socket
            // error (a reset), which the student's next recv must be the one to see.
            let book = lock(&s.book);
            let peek = if snap.recv_queued > 0 {
                sys::peek(sock, peek_bytes).unwrap_or_default()
            } else {
                Vec::new()
            };
            snap.recv_offset = book.in_offset;
            drop(book);
            snap.recv_spans = trace(&s.book, snap.recv_offset, peek.len() as u64, None);
            snap.recv_peek = Payload(peek);
        }
        // No ioctl or getsockopt of a Unix socket tells its accept queue; netlink's
        // sock_diag does (unknown, not 0, when even that fails).
        SocketKind::UnixListener => {
            snap.accept_queue = sys::unix_accept_queue(sock).ok().map(|(queued, _)| queued);
        }
        SocketKind::Udp => {
            snap.next_datagram = sys::next_datagram_len(sock).ok().flatten();
            snap.recv_queued = sys::recv_queue_len(sock).unwrap_or(0);
            snap.send_queued = sys::send_queue_len(sock).unwrap_or(0);
            if snap.next_datagram.is_some() {
                snap.recv_peek = Payload(sys::peek(sock, peek_bytes).unwrap_or_default());
            }
        }
    }
    snap
}
