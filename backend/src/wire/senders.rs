//! Which lab sends a packet's payload came from, named when the cable sees the packet.
//!
//! It must be then, not when the session forwards the event: by the time a busy session gets
//! to it, the receiver may have read those bytes and the sender's log forgotten them. The
//! cable reads the same books the engine writes, through the session's directories of
//! connected TCP sockets (by local and peer address) and UDP sockets (by local address).
//!
//! A TCP payload's bytes are found by their stream offset (relative sequence number - 1);
//! a datagram is the oldest one its socket sent to that address that the cable hasn't seen
//! yet (datagrams leave a socket in send order).

use std::net::SocketAddr;

use socklab_shared::protocol::SendSpan;

use crate::engine::lab_socket::{StreamDirectory, UdpDirectory, lock};

/// The session's directories, as the cable reads them.
#[derive(Clone, Default)]
pub struct Senders {
    pub udp: UdpDirectory,
    pub streams: StreamDirectory,
}

impl Senders {
    /// The sends that wrote `len` bytes at `offset` of the stream from `src` to `dst`.
    pub fn stream(&self, src: SocketAddr, dst: SocketAddr, offset: u64, len: u64) -> Vec<SendSpan> {
        let entry = self
            .streams
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(src, dst))
            .cloned();
        entry
            .map(|(_, book)| lock(&book).out.spans(offset, len))
            .unwrap_or_default()
    }

    /// The send that wrote a datagram of `len` bytes from `src` to `dst`.
    pub fn datagram(&self, src: SocketAddr, dst: SocketAddr, len: u64) -> Vec<SendSpan> {
        let entry = self
            .udp
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&src)
            .cloned();
        let Some((id, book)) = entry else {
            return Vec::new();
        };
        let Some(send_no) = lock(&book).next_datagram_on_wire(dst) else {
            return Vec::new();
        };
        vec![SendSpan {
            start: 0,
            len,
            from: Some(id),
            send_no: Some(send_no),
            offset_in_send: 0,
            send_len: len,
            header_bytes: 0,
            trailer_bytes: 0,
        }]
    }
}
