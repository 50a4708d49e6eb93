//! How many bytes wait in a socket's receive and send queues, and what they are.
//!
//! # The two ioctls
//!
//! `ioctl(fd, FIONREAD, &n)` (Linux also calls it `SIOCINQ`; same number) asks "how much could
//! I read right now?". `ioctl(fd, SIOCOUTQ, &n)` (same number as `TIOCOUTQ`) asks "how much of
//! what I sent does the kernel still hold?". Both write an `int` and change nothing.
//!
//! What "bytes" means depends on the protocol, and the difference is a lesson in itself:
//!
//! | call       | TCP                                         | UDP (Linux)                            |
//! |------------|---------------------------------------------|----------------------------------------|
//! | `FIONREAD` | all unread bytes of the stream              | payload size of the **next** datagram only |
//! | `SIOCOUTQ` | bytes sent but not yet **acknowledged**     | bytes not yet handed to the network    |
//!
//! For UDP, `FIONREAD` does not add up the queue, because a `recv()` never returns more than
//! one datagram: the answer is "what the next `recv()` would give you". Two consequences a
//! student can observe: after datagrams of 10 and 5 bytes arrive it says 10, not 15; and it
//! says 0 both for an empty queue and for a waiting *empty* datagram (use
//! [`next_datagram_len`](super::next_datagram_len) to tell those apart).
//!
//! For TCP, `SIOCOUTQ` counts bytes that already went out on the wire: until the peer's ACK
//! comes back, the kernel keeps them for a possible retransmission. A receiver that stops
//! reading fills its receive buffer, advertises a zero window, and the sender's queue grows
//! until `send()` on a non-blocking socket fails with `EAGAIN`.
//!
//! A listening TCP socket has neither queue of bytes (it holds connections instead: see
//! [`accept_queue`](super::accept_queue)); Linux answers both ioctls on it with `EINVAL`.
//!
//! # Peeking
//!
//! `recv(MSG_PEEK)` copies bytes from the front of the receive queue *without removing them*:
//! the next ordinary `recv()` returns the same bytes again. That is how socklab shows the queue
//! content without disturbing the student's program.

use std::io;
use std::os::fd::AsRawFd;

use socket2::Socket;

/// The most bytes [`peek`] copies in one call, whatever the caller asks for: 16 MiB, far above
/// Linux's default TCP receive buffer limit (`net.ipv4.tcp_rmem`, 6 MiB), so in practice the
/// whole queue.
pub const PEEK_LIMIT: usize = 16 * 1024 * 1024;

/// Bytes waiting in the receive queue: `ioctl(FIONREAD)` (`SIOCINQ`).
///
/// - TCP: every unread byte of the stream.
/// - UDP on Linux: the payload size of the **next** datagram only, not the total — a
///   `recv()` returns one datagram at a time, and this is what the next one would return. A
///   waiting empty datagram also reads as 0, the same as an empty queue.
/// - A listening TCP socket: `EINVAL` (it has no byte queue).
pub fn recv_queue_len(s: &Socket) -> io::Result<u64> {
    let mut value: libc::c_int = 0;
    // SAFETY: FIONREAD writes exactly one `int` through the pointer, which points to a live,
    // writable `c_int` for the whole call. A bad fd only makes the kernel return an error.
    let rc = unsafe {
        libc::ioctl(
            s.as_raw_fd(),
            libc::FIONREAD,
            &mut value as *mut libc::c_int,
        )
    };
    int_result(rc, value)
}

/// Bytes in the send queue not yet acknowledged by the peer: `ioctl(SIOCOUTQ)` (`TIOCOUTQ`).
///
/// - TCP: bytes written with `send()` whose ACK has not arrived yet, whether or not they
///   already went out on the wire (the kernel keeps them until acknowledged, to retransmit).
/// - UDP: bytes handed to `send()` that the kernel has not yet passed to the network device
///   (there are no acknowledgements); on loopback this is almost always 0.
/// - A listening TCP socket: `EINVAL`.
///
/// Linux only; elsewhere an `Unsupported` error.
pub fn send_queue_len(s: &Socket) -> io::Result<u64> {
    #[cfg(target_os = "linux")]
    {
        // Linux's <linux/sockios.h> defines SIOCOUTQ as TIOCOUTQ: one number, two names.
        let mut value: libc::c_int = 0;
        // SAFETY: SIOCOUTQ writes exactly one `int` through the pointer, which points to a
        // live, writable `c_int` for the whole call. A bad fd only makes the kernel return an
        // error.
        let rc = unsafe {
            libc::ioctl(
                s.as_raw_fd(),
                libc::TIOCOUTQ,
                &mut value as *mut libc::c_int,
            )
        };
        int_result(rc, value)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = s;
        Err(super::unsupported("the send queue length (SIOCOUTQ)"))
    }
}

/// Up to `max` bytes (capped at [`PEEK_LIMIT`]) at the front of the receive queue, without
/// consuming them: `recv(MSG_PEEK | MSG_DONTWAIT)`.
///
/// Returns an empty `Vec` when nothing is waiting (`EAGAIN`) — and also at the end of a TCP
/// stream (the peer closed: `recv` returns 0). For UDP it shows the start of the next datagram
/// only, like a real `recv()` would. Errors other than `EAGAIN` are returned as they are (for
/// example a listening socket gives `ENOTCONN`).
///
/// Caution (UDP): a pending error on the socket, such as `ECONNREFUSED` from an ICMP "port
/// unreachable" after an earlier `send()`, is reported by this call *and cleared by it*, as by
/// any `recv()`; the caller should show it, because the next call will not see it again.
pub fn peek(s: &Socket, max: usize) -> io::Result<Vec<u8>> {
    let len = max.min(PEEK_LIMIT);
    let flags = libc::MSG_PEEK | libc::MSG_DONTWAIT;
    match super::recv_into_vec(len, |buf| Ok((s.recv_with_flags(buf, flags)?, ()))) {
        Ok((data, _, ())) => Ok(data),
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Turns the result of an `ioctl` that wrote an `int` into a byte count.
///
/// (The request constants have different integer types on different platforms — `c_ulong`
/// on glibc, `c_int` on musl — so each caller makes its own `ioctl` call rather than passing
/// the request through a shared helper.)
fn int_result(rc: libc::c_int, value: libc::c_int) -> io::Result<u64> {
    if rc == -1 {
        return Err(io::Error::last_os_error());
    }
    u64::try_from(value).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the kernel reported a negative queue length ({value})"),
        )
    })
}
