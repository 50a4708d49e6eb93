//! Reading what the kernel holds for a socket: one system call per question.
//!
//! # Why this module exists
//!
//! socklab shows students what is *really* inside a socket. The program that owns a socket
//! only sees the calls it makes (`send`, `recv`, …); the data itself lives in the kernel, in
//! two queues per socket:
//!
//! - the **receive queue**: bytes (TCP) or whole datagrams (UDP) that arrived from the network
//!   and that the program has not `recv()`ed yet;
//! - the **send queue**: bytes the program handed to `send()` that the kernel has not yet got
//!   rid of. For TCP that means "not yet acknowledged by the peer" — a byte stays in the send
//!   queue after it went out on the wire, because the kernel must be able to retransmit it.
//!
//! Plus, for TCP, a **state** (`ESTABLISHED`, `CLOSE_WAIT`, …) and, for a listening socket, an
//! **accept queue** of finished handshakes waiting for `accept()`.
//!
//! Counting bytes ourselves (“we sent 10, they read 4, so 6 are queued”) would show what the
//! program *believes*, and that belief is exactly what students need to test against reality.
//! So every function here asks the kernel, with the same calls a C or Python program would use
//! (`ioctl(FIONREAD)`, `getsockopt(TCP_INFO)`, `recv(MSG_PEEK)`), and never keeps state.
//!
//! # Rules every function follows
//!
//! - **Synchronous and non-blocking.** Each function is a single system call (at most one
//!   extra cheap `getsockopt` as a guard, where a wrong socket type would otherwise destroy
//!   data) and never waits: reads use `MSG_DONTWAIT`, so they work on blocking sockets too.
//! - **Errors are the kernel's.** A failing call returns its `io::Error` untouched, so the
//!   caller can show the student the real errno with [`errno_of`] and [`explain_errno`].
//! - **No panics on any input.** Buffer sizes are capped ([`PEEK_LIMIT`], [`DATAGRAM_LIMIT`])
//!   and allocated fallibly.
//!
//! # Layout
//!
//! - [`queues`]: how many bytes wait in the receive and send queues; peeking at them.
//! - [`tcp`]: the TCP state and a listener's accept queue, from `TCP_INFO`.
//! - [`unix_diag`]: a Unix listener's accept queue, from netlink's sock_diag.
//! - [`datagram`]: UDP: reading one datagram and seeing how long it really was.
//! - [`errno`]: naming and explaining the errors a socket course meets.
//!
//! Linux is the target: `SIOCOUTQ`, `TCP_INFO` and the `MSG_TRUNC` length trick are Linux
//! features. On other unixes those functions return an `Unsupported` error instead, so the
//! crate still builds there.

pub mod datagram;
pub mod errno;
pub mod queues;
pub mod tcp;
pub mod unix_diag;

#[cfg(test)]
mod tests;

use std::io;
use std::mem::MaybeUninit;

pub use datagram::{DATAGRAM_LIMIT, next_datagram_len, recv_datagram};
pub use errno::{errno_of, explain_errno};
pub use queues::{PEEK_LIMIT, peek, recv_queue_len, send_queue_len};
pub use tcp::{accept_queue, tcp_metrics, tcp_state};
pub use unix_diag::unix_accept_queue;

/// Calls `read` with a fresh, uninitialised buffer of up to `len` bytes and returns the bytes
/// the kernel wrote, plus whatever else `read` returned.
///
/// `read` returns the number the system call returned. That number is normally how many
/// bytes were written into the buffer, but with `MSG_TRUNC` (see [`datagram`]) it is the real
/// length of the datagram and may be larger than the buffer; the returned `Vec` is therefore
/// cut at `min(returned, buffer length)`, which is exactly what the kernel copied.
///
/// The buffer is allocated with `try_reserve_exact`, so an absurd `len` gives an
/// `OutOfMemory` error instead of aborting the process; callers cap `len` first anyway.
fn recv_into_vec<T>(
    len: usize,
    read: impl FnOnce(&mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>,
) -> io::Result<(Vec<u8>, usize, T)> {
    let mut buf: Vec<u8> = Vec::new();
    buf.try_reserve_exact(len).map_err(|_| {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!("could not allocate a {len}-byte receive buffer"),
        )
    })?;
    let spare = buf.spare_capacity_mut();
    // `spare.len() >= len` after the reservation; `min` keeps this panic-free regardless.
    let usable = spare.len().min(len);
    let (returned, extra) = read(&mut spare[..usable])?;
    let written = returned.min(usable);
    // SAFETY: recv(2)/recvfrom(2) copy min(returned length, buffer length) bytes to the start
    // of the buffer, so the first `written` bytes of the spare capacity are initialised, and
    // `written <= usable <= capacity`.
    unsafe { buf.set_len(written) };
    // The caller keeps the bytes (an event carries them): not the whole buffer (up to 64 KiB).
    buf.shrink_to_fit();
    Ok((buf, returned, extra))
}

/// An error for a request this platform cannot answer (everything but Linux, for the
/// Linux-only calls), worded for the person reading it.
#[cfg_attr(target_os = "linux", allow(dead_code))]
fn unsupported(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{what} is only available on Linux"),
    )
}
