//! UDP: receiving one datagram, and learning how long it really was.
//!
//! # Datagrams keep their boundaries
//!
//! A UDP receive queue holds whole datagrams, one per `send()` of the sender. Each `recv()`
//! takes exactly one datagram off the queue, however big the buffer: two datagrams are never
//! merged, and one is never split over two calls. If the buffer is smaller than the datagram,
//! the part that does not fit is **thrown away** — the classic UDP surprise.
//!
//! # MSG_TRUNC tells the truth (Linux)
//!
//! Normally `recv()` returns how many bytes it copied, so a truncated datagram looks like a
//! short one. On Linux, passing `MSG_TRUNC` makes a datagram socket return the datagram's
//! *real* length instead (while still copying only what fits). So a return value larger than
//! the buffer means "truncated; this many bytes were lost". Combined with `MSG_PEEK` it
//! measures the next datagram without taking it. (On a TCP socket `MSG_TRUNC` means "discard
//! the bytes": never use it there. These functions refuse non-datagram sockets for that
//! reason.)
//!
//! Other systems (BSD, macOS) only report truncation as a flag, not the real length, so these
//! functions are Linux only.
//!
//! # An empty datagram is a datagram
//!
//! `send(b"")` on UDP sends a datagram with no payload. It sits in the queue, makes the socket
//! readable, and a `recv()` returns 0 for it. `ioctl(FIONREAD)` also says 0 — just as for an
//! empty queue — which is why [`next_datagram_len`] returns an `Option`: `Some(0)` is an empty
//! datagram, `None` is nothing at all.

use std::io;
use std::net::SocketAddr;

use socket2::{Socket, Type};

/// The largest buffer [`recv_datagram`] allocates: 64 KiB. No UDP datagram carries more than
/// 65,535 − 8 bytes of payload (over IPv4 less: 65,507), so a larger buffer could never hold
/// more.
pub const DATAGRAM_LIMIT: usize = 64 * 1024;

/// One `recvfrom(MSG_TRUNC | MSG_DONTWAIT)` on a datagram socket into a buffer of `bufsize`
/// bytes (capped at [`DATAGRAM_LIMIT`]): returns (the data — at most `bufsize` bytes —, the
/// datagram's real length, the sender's address).
///
/// A real length greater than `data.len()` means the datagram was truncated and the rest is
/// gone: the whole datagram has left the queue either way. `bufsize` 0 is allowed and just
/// measures and discards the next datagram.
///
/// - Nothing waiting: a `WouldBlock` error (`EAGAIN`), even on a blocking socket.
/// - A pending error on the socket (e.g. `ECONNREFUSED` after an ICMP "port unreachable"
///   answered an earlier `send()` on a connected UDP socket) is returned, and cleared.
/// - Not a datagram socket: an `InvalidInput` error, checked first with `getsockopt(SO_TYPE)`,
///   because `MSG_TRUNC` on a TCP socket would silently discard stream bytes.
/// - A sender address that is not IPv4/IPv6 (a Unix-domain datagram socket): an error after
///   the datagram has been consumed; socklab only uses UDP.
///
/// Linux only (the real length needs Linux's `MSG_TRUNC`); elsewhere an `Unsupported` error.
pub fn recv_datagram(s: &Socket, bufsize: usize) -> io::Result<(Vec<u8>, usize, SocketAddr)> {
    require_datagram(s)?;
    recv_datagram_impl(s, bufsize.min(DATAGRAM_LIMIT))
}

/// The payload size of the next waiting datagram, without consuming it:
/// `recv(MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT)` with a 1-byte buffer. `Ok(None)` when no
/// datagram is waiting; `Ok(Some(0))` for a waiting empty datagram.
///
/// Errors as for [`recv_datagram`]; in particular a pending socket error is reported and
/// cleared by this call, like by any `recv()`. Linux only; elsewhere an `Unsupported` error.
pub fn next_datagram_len(s: &Socket) -> io::Result<Option<u64>> {
    require_datagram(s)?;
    next_datagram_len_impl(s)
}

/// Refuses sockets that are not `SOCK_DGRAM` (see the module docs for why it matters).
fn require_datagram(s: &Socket) -> io::Result<()> {
    let kind = s.r#type()?;
    if kind == Type::DGRAM {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "this call is for datagram (UDP) sockets; on a stream socket MSG_TRUNC would \
             discard bytes",
        ))
    }
}

#[cfg(target_os = "linux")]
fn recv_datagram_impl(s: &Socket, len: usize) -> io::Result<(Vec<u8>, usize, SocketAddr)> {
    let flags = libc::MSG_TRUNC | libc::MSG_DONTWAIT;
    let (data, real_len, from) =
        super::recv_into_vec(len, |buf| s.recv_from_with_flags(buf, flags))?;
    let from = from.as_socket().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the datagram's sender has no IP address (not a UDP socket?)",
        )
    })?;
    Ok((data, real_len, from))
}

#[cfg(target_os = "linux")]
fn next_datagram_len_impl(s: &Socket) -> io::Result<Option<u64>> {
    let flags = libc::MSG_PEEK | libc::MSG_TRUNC | libc::MSG_DONTWAIT;
    let mut one = [std::mem::MaybeUninit::<u8>::uninit(); 1];
    match s.recv_with_flags(&mut one, flags) {
        // With MSG_TRUNC the return value is the datagram's full length, not the 0 or 1 byte
        // copied. usize → u64 never loses anything on the platforms Rust supports.
        Ok(n) => Ok(Some(n as u64)),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn recv_datagram_impl(_s: &Socket, _len: usize) -> io::Result<(Vec<u8>, usize, SocketAddr)> {
    Err(super::unsupported("the real datagram length (MSG_TRUNC)"))
}

#[cfg(not(target_os = "linux"))]
fn next_datagram_len_impl(_s: &Socket) -> io::Result<Option<u64>> {
    Err(super::unsupported(
        "the next datagram's length (MSG_PEEK | MSG_TRUNC)",
    ))
}
