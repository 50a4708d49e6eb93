//! A Unix listener's accept queue, from the kernel's socket-diagnostics netlink interface.
//!
//! TCP answers "how many connections wait for `accept()`?" through `TCP_INFO`; a Unix-domain
//! socket has no getsockopt or ioctl for it. The kernel still knows, and tells anyone who asks
//! through `NETLINK_SOCK_DIAG` (what `ss -x` uses): one request names the socket by its inode
//! (from `fstat`), and the answer's `UNIX_DIAG_RQLEN` attribute holds, for a listener, the
//! connections queued and the backlog (`listen(n)`'s n). A Unix listener queues up to n + 1:
//! the kernel refuses only when the queue is already *longer* than the backlog.
//!
//! No privileges are needed to ask about sockets. The request is answered while `send` runs,
//! so the reply is read with `MSG_DONTWAIT`: like every question in [`super`], this never waits.
//!
//! [`parse_reply`] is pure and tested with byte literals; [`unix_accept_queue`] is the I/O.

use std::io;

use socket2::Socket;

/// `SOCK_DIAG_BY_FAMILY`, the message type of requests and answers (linux/sock_diag.h).
const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// `NLMSG_ERROR`: the kernel's answer is an errno.
const NLMSG_ERROR: u16 = 2;
/// `UDIAG_SHOW_RQLEN`: ask for the queue lengths (linux/unix_diag.h).
const UDIAG_SHOW_RQLEN: u32 = 0x10;
/// `UNIX_DIAG_RQLEN`: the attribute that carries them.
const UNIX_DIAG_RQLEN: u16 = 4;
/// `TCP_LISTEN`: Unix sockets report their state with TCP's numbers.
const STATE_LISTEN: u8 = 10;
/// Length of `struct nlmsghdr`, and of `struct unix_diag_msg` after it.
const NLMSG_HDRLEN: usize = 16;
const UNIX_DIAG_MSG_LEN: usize = 16;

/// The request for the socket with inode `ino`: `nlmsghdr` + `unix_diag_req`, native endian.
pub fn request(ino: u32) -> [u8; 40] {
    let mut buf = [0u8; 40];
    buf[0..4].copy_from_slice(&40u32.to_ne_bytes()); // nlmsg_len
    buf[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes()); // nlmsg_type
    buf[6..8].copy_from_slice(&(libc::NLM_F_REQUEST as u16).to_ne_bytes()); // one socket, no dump
    buf[8..12].copy_from_slice(&1u32.to_ne_bytes()); // nlmsg_seq
    buf[16] = libc::AF_UNIX as u8; // sdiag_family; sdiag_protocol and pad stay 0
    buf[20..24].copy_from_slice(&u32::MAX.to_ne_bytes()); // udiag_states: any
    buf[24..28].copy_from_slice(&ino.to_ne_bytes()); // udiag_ino
    buf[28..32].copy_from_slice(&UDIAG_SHOW_RQLEN.to_ne_bytes()); // udiag_show
    buf[32..40].copy_from_slice(&[0xff; 8]); // udiag_cookie: INET_DIAG_NOCOOKIE
    buf
}

fn u16_at(buf: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(buf.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

fn malformed(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("sock_diag reply: {what}"),
    )
}

/// `(queued, backlog)` from the kernel's reply about the listener with inode `ino`.
///
/// An `NLMSG_ERROR` reply becomes that errno; a socket that is not listening is
/// `InvalidInput` (its two numbers would be byte counts, not connections).
pub fn parse_reply(buf: &[u8], ino: u32) -> io::Result<(u32, u32)> {
    let len = u32_at(buf, 0).ok_or_else(|| malformed("shorter than its header"))? as usize;
    let msg = buf
        .get(..len)
        .ok_or_else(|| malformed("shorter than it says"))?;
    match u16_at(msg, 4) {
        Some(NLMSG_ERROR) => {
            let errno = u32_at(msg, NLMSG_HDRLEN).ok_or_else(|| malformed("short error"))? as i32;
            // The kernel sends the errno negated; i32::MIN has no positive counterpart (found
            // by fuzzing: `-errno` overflowed).
            let errno = errno
                .checked_neg()
                .ok_or_else(|| malformed("an error code out of range"))?;
            return Err(io::Error::from_raw_os_error(errno));
        }
        Some(SOCK_DIAG_BY_FAMILY) => {}
        other => return Err(malformed(&format!("unexpected message type {other:?}"))),
    }
    let state = *msg
        .get(NLMSG_HDRLEN + 2)
        .ok_or_else(|| malformed("no unix_diag_msg"))?;
    if u32_at(msg, NLMSG_HDRLEN + 4) != Some(ino) {
        return Err(malformed("an answer about another socket"));
    }
    if state != STATE_LISTEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("only a listening socket has an accept queue (state {state})"),
        ));
    }
    // Attributes: u16 length (header included), u16 type, payload, padded to 4 bytes.
    let mut at = NLMSG_HDRLEN + UNIX_DIAG_MSG_LEN;
    while let (Some(alen), Some(atype)) = (u16_at(msg, at), u16_at(msg, at + 2)) {
        let alen = usize::from(alen);
        if alen < 4 {
            return Err(malformed("an attribute shorter than its header"));
        }
        if atype == UNIX_DIAG_RQLEN && alen >= 12 {
            let queued = u32_at(msg, at + 4).ok_or_else(|| malformed("short RQLEN"))?;
            let backlog = u32_at(msg, at + 8).ok_or_else(|| malformed("short RQLEN"))?;
            return Ok((queued, backlog));
        }
        at += alen.next_multiple_of(4);
    }
    Err(malformed("no UNIX_DIAG_RQLEN attribute"))
}

/// `(queued, backlog)` of a listening Unix socket: connections waiting for `accept()`, and
/// the backlog the kernel uses. Linux only; elsewhere an `Unsupported` error.
#[cfg(target_os = "linux")]
pub fn unix_accept_queue(s: &Socket) -> io::Result<(u32, u32)> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    // SAFETY: fstat writes one `struct stat` into memory we own; zeroed is a valid start.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(s.as_raw_fd(), &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let ino = u32::try_from(st.st_ino).map_err(|_| malformed("inode beyond 32 bits"))?;
    // SAFETY: plain socket(2); the descriptor is owned (and closed) by `nl` from here on.
    let fd = unsafe {
        libc::socket(
            libc::AF_NETLINK,
            libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
            libc::NETLINK_SOCK_DIAG,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let nl = unsafe { OwnedFd::from_raw_fd(fd) };
    let req = request(ino);
    // SAFETY: sends `req.len()` bytes from a live buffer; an unconnected netlink socket sends
    // to the kernel.
    if unsafe { libc::send(nl.as_raw_fd(), req.as_ptr().cast(), req.len(), 0) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut buf = [0u8; 512];
    // SAFETY: receives at most `buf.len()` bytes into a buffer we own.
    let n = unsafe {
        libc::recv(
            nl.as_raw_fd(),
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_DONTWAIT,
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    parse_reply(&buf[..n as usize], ino)
}

#[cfg(not(target_os = "linux"))]
pub fn unix_accept_queue(_s: &Socket) -> io::Result<(u32, u32)> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "sock_diag is Linux's",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reply as the kernel writes it: header, unix_diag_msg, then the attributes.
    fn reply(state: u8, ino: u32, attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = vec![libc::AF_UNIX as u8, 1, state, 0];
        body.extend(ino.to_ne_bytes());
        body.extend([0u8; 8]); // cookie
        for (atype, payload) in attrs {
            let alen = 4 + payload.len();
            body.extend((alen as u16).to_ne_bytes());
            body.extend(atype.to_ne_bytes());
            body.extend(*payload);
            body.resize(body.len().next_multiple_of(4), 0);
        }
        let mut msg = ((16 + body.len()) as u32).to_ne_bytes().to_vec();
        msg.extend(SOCK_DIAG_BY_FAMILY.to_ne_bytes());
        msg.extend([0u8; 10]); // flags, seq, pid
        msg.extend(body);
        msg
    }

    fn rqlen(queued: u32, backlog: u32) -> Vec<u8> {
        [queued.to_ne_bytes(), backlog.to_ne_bytes()].concat()
    }

    #[test]
    fn the_rqlen_attribute_is_found_after_others() {
        // UNIX_DIAG_SHUTDOWN (6) is one byte, padded to four, before the queue lengths.
        let buf = reply(STATE_LISTEN, 77, &[(6, &[0]), (4, &rqlen(3, 7))]);
        assert_eq!(parse_reply(&buf, 77).unwrap(), (3, 7));
    }

    #[test]
    fn the_kernels_errno_comes_back_as_is() {
        let mut buf = 36u32.to_ne_bytes().to_vec();
        buf.extend(NLMSG_ERROR.to_ne_bytes());
        buf.extend([0u8; 10]);
        buf.extend((-libc::ENOENT).to_ne_bytes());
        buf.extend([0u8; 16]); // the request's header, echoed
        let err = parse_reply(&buf, 77).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
    }

    #[test]
    fn an_error_code_without_a_positive_counterpart_is_malformed_not_a_panic() {
        // Found by the unix_diag fuzz target: nlmsg_len 20, NLMSG_ERROR, error i32::MIN.
        let mut buf = 20u32.to_ne_bytes().to_vec();
        buf.extend(NLMSG_ERROR.to_ne_bytes());
        buf.extend([0u8; 10]);
        buf.extend(i32::MIN.to_ne_bytes());
        let err = parse_reply(&buf, 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_connected_socket_or_a_wrong_answer_is_refused() {
        let established = reply(1, 77, &[(4, &rqlen(10, 0))]);
        assert_eq!(
            parse_reply(&established, 77).unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        let other = reply(STATE_LISTEN, 78, &[(4, &rqlen(1, 5))]);
        assert!(parse_reply(&other, 77).is_err());
        let bare = reply(STATE_LISTEN, 77, &[]);
        assert!(parse_reply(&bare, 77).is_err());
        let full = reply(STATE_LISTEN, 77, &[(4, &rqlen(1, 5))]);
        for cut in 0..full.len() {
            assert!(parse_reply(&full[..cut], 77).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn the_request_asks_about_one_socket_by_inode() {
        let req = request(0x0102_0304);
        assert_eq!(u32_at(&req, 0), Some(40));
        assert_eq!(u16_at(&req, 4), Some(SOCK_DIAG_BY_FAMILY));
        assert_eq!(u32_at(&req, 24), Some(0x0102_0304));
        assert_eq!(u32_at(&req, 28), Some(UDIAG_SHOW_RQLEN));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_real_listener_reports_its_waiting_connections_and_backlog() {
        use std::os::unix::net::{UnixListener, UnixStream};
        let dir = std::env::temp_dir().join(format!("socklab-diag-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("q.sock");
        let _ = std::fs::remove_file(&path);
        let s = Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        s.bind(&socket2::SockAddr::unix(&path).unwrap()).unwrap();
        s.listen(7).unwrap();
        assert_eq!(unix_accept_queue(&s).unwrap(), (0, 7));
        let clients: Vec<_> = (0..3)
            .map(|_| UnixStream::connect(&path).unwrap())
            .collect();
        assert_eq!(unix_accept_queue(&s).unwrap(), (3, 7));
        let listener = UnixListener::from(std::os::fd::OwnedFd::from(s));
        let _conn = listener.accept().unwrap();
        let s = Socket::from(std::os::fd::OwnedFd::from(listener));
        assert_eq!(unix_accept_queue(&s).unwrap(), (2, 7));
        drop(clients);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
