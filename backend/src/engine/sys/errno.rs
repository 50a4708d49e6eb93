//! Naming and explaining the errors a socket course meets.
//!
//! # errno
//!
//! When a system call fails it returns -1 and leaves a small number in the thread's `errno`:
//! 111 means "connection refused" on Linux. Programs and people use the symbolic names from
//! `<errno.h>` (`ECONNREFUSED`) because the numbers differ between systems (it is 61 on macOS).
//! Python shows both: `ConnectionRefusedError: [Errno 111] Connection refused`. socklab shows
//! the name, this machine's number, and a plain-words explanation from [`explain_errno`].
//!
//! The numbers come from the `libc` crate's constants for the platform we were built for,
//! never from a hard-coded list, so they are the ones the kernel actually returned.
//!
//! `EAGAIN` and `EWOULDBLOCK` are two names for one number on Linux (and every mainstream
//! unix); we always say `EAGAIN`.

use std::io;

use socklab_shared::protocol::Errno;

/// One known errno: its number here, its name, and what it means for a student.
struct Known {
    number: i32,
    name: &'static str,
    explanation: &'static str,
}

const fn known(number: i32, name: &'static str, explanation: &'static str) -> Known {
    Known {
        number,
        name,
        explanation,
    }
}

/// Shared by EAGAIN and EWOULDBLOCK.
const EAGAIN_TEXT: &str = "nothing to read yet (non-blocking socket): the call would have to \
     wait. For send() it means the send buffer is full. Try again when the socket is readable \
     (or writable), e.g. after select()/poll(), or use a blocking socket.";

/// The errnos a socket course meets. Searched in order, so when two names share a number (on
/// Linux `EWOULDBLOCK` is `EAGAIN`), the first entry names it.
const KNOWN: &[Known] = &[
    known(
        libc::ECONNREFUSED,
        "ECONNREFUSED",
        "nothing is listening on that port (the kernel answered the SYN with a RST). Start the \
         server first, or check the port. On a connected UDP socket it means an earlier \
         datagram got an ICMP \"port unreachable\" back: nobody was bound to that port.",
    ),
    known(
        libc::EADDRINUSE,
        "EADDRINUSE",
        "another socket already has that address and port: a server still running, or \
         connections of a server that just closed, lingering in TIME_WAIT for a minute or two. \
         Close the other socket or pick another port; for a restarted server, set SO_REUSEADDR \
         before bind() so ports held only by TIME_WAIT connections can be reused.",
    ),
    known(
        libc::EADDRNOTAVAIL,
        "EADDRNOTAVAIL",
        "that IP address does not belong to this machine, so bind() cannot use it (or, for \
         connect(), no free local port was left). Bind to 127.0.0.1 or 0.0.0.0, or check the \
         address.",
    ),
    known(libc::EAGAIN, "EAGAIN", EAGAIN_TEXT),
    // Same number as EAGAIN on Linux; listed so a platform where they differ still says EAGAIN.
    known(libc::EWOULDBLOCK, "EAGAIN", EAGAIN_TEXT),
    known(
        libc::ECONNRESET,
        "ECONNRESET",
        "the peer reset the connection (it sent a RST): it closed while data was still unread, \
         crashed, or aborted on purpose. The connection is gone; anything in flight is lost. \
         Open a new connection.",
    ),
    known(
        libc::EPIPE,
        "EPIPE",
        "you wrote to a connection that can no longer carry data: you shut down your own \
         sending side, or the peer closed and already answered with a RST. Stop sending and \
         close the socket.",
    ),
    known(
        libc::ETIMEDOUT,
        "ETIMEDOUT",
        "the other side never answered: the kernel retransmitted (the SYN for connect(), or \
         data) until it gave up. Check the address, that the host is up, and firewalls that \
         silently drop packets.",
    ),
    known(
        libc::EINPROGRESS,
        "EINPROGRESS",
        "a non-blocking connect() has started but the handshake is not finished yet. That is \
         not a failure: wait until the socket is writable, then read SO_ERROR to learn whether \
         the connection succeeded.",
    ),
    known(
        libc::ENOTCONN,
        "ENOTCONN",
        "the socket is not connected: connect() (or accept() a connection) first; for UDP, \
         give an address with sendto(). Also returned once a connection has been fully closed.",
    ),
    known(
        libc::EISCONN,
        "EISCONN",
        "the socket is already connected: you called connect() twice, or gave an address to \
         sendto() on a connected socket. Use the connection you have, or a new socket.",
    ),
    known(
        libc::EINVAL,
        "EINVAL",
        "an argument does not make sense for this socket in its current state: for example \
         bind() on a socket that is already bound, listen() or accept() on the wrong kind of \
         socket, or an option value out of range. Check the order of the calls.",
    ),
    known(
        libc::EACCES,
        "EACCES",
        "permission denied: ports below 1024 are reserved for privileged programs (use a port \
         of 1024 or more), and sending to a broadcast address needs SO_BROADCAST.",
    ),
    known(
        libc::EPERM,
        "EPERM",
        "the operation is not permitted: a firewall rule refused the packet, or the call \
         needs privileges this program does not have.",
    ),
    known(
        libc::EHOSTUNREACH,
        "EHOSTUNREACH",
        "no route to that host: this machine or a router on the way reports that the host \
         cannot be reached. Check the address and that the host is up.",
    ),
    known(
        libc::ENETUNREACH,
        "ENETUNREACH",
        "the network is unreachable: this machine has no route towards that address (for \
         example no IPv6 connectivity, or no default gateway). Check the address and the \
         machine's network settings.",
    ),
    known(
        libc::EMSGSIZE,
        "EMSGSIZE",
        "the datagram is too large to send in one piece: a UDP payload can be at most 65,507 \
         bytes over IPv4 (65,527 over IPv6), and never more than the send buffer. Send smaller \
         datagrams.",
    ),
    known(
        libc::ENOBUFS,
        "ENOBUFS",
        "the kernel has no buffer space left for this (a queue or memory limit was hit). Slow \
         down, send less at once, or retry a little later.",
    ),
    known(
        libc::EBADF,
        "EBADF",
        "the file descriptor is not open: the socket was already closed. Create a new socket.",
    ),
    known(
        libc::ENOTSOCK,
        "ENOTSOCK",
        "the file descriptor is not a socket (it is a file or pipe), so socket calls cannot \
         work on it.",
    ),
    known(
        libc::EALREADY,
        "EALREADY",
        "a non-blocking connect() is already in progress on this socket: wait for it to finish \
         (the socket becomes writable) instead of calling connect() again.",
    ),
    known(
        libc::ECONNABORTED,
        "ECONNABORTED",
        "the connection was aborted before it could be used: typically the client gave up \
         (sent a RST) while the connection waited in the accept queue. Just accept() the next \
         one.",
    ),
    known(
        libc::EPROTOTYPE,
        "EPROTOTYPE",
        "the protocol does not fit the socket type, e.g. TCP requested on a datagram socket. \
         Use SOCK_STREAM for TCP and SOCK_DGRAM for UDP.",
    ),
    known(
        libc::EAFNOSUPPORT,
        "EAFNOSUPPORT",
        "the address family is not supported here: for example an IPv6 address given to an \
         IPv4 socket, or IPv6 disabled on this machine. Use an address of the socket's family.",
    ),
    known(
        libc::EMFILE,
        "EMFILE",
        "this program has too many open files (every socket is a file descriptor). Close \
         sockets you no longer need, or raise the limit (`ulimit -n`).",
    ),
    known(
        libc::ENFILE,
        "ENFILE",
        "the whole system has too many open files. Close sockets you no longer need; the \
         administrator can raise fs.file-max.",
    ),
    known(
        libc::EINTR,
        "EINTR",
        "a signal interrupted the call before it finished. Nothing is wrong: call it again.",
    ),
    known(
        libc::ENOENT,
        "ENOENT",
        "no such file or directory: a path that does not exist (for sockets, usually a \
         Unix-domain socket path or a file under /proc).",
    ),
    // A few more that socket programs hit.
    known(
        libc::ENOPROTOOPT,
        "ENOPROTOOPT",
        "that option does not exist for this kind of socket, e.g. setting a TCP option such as \
         TCP_NODELAY on a UDP socket.",
    ),
    known(
        libc::EOPNOTSUPP,
        "EOPNOTSUPP",
        "this kind of socket cannot do that, e.g. listen() or accept() on a UDP socket (UDP \
         has no connections to accept), or reading a TCP option such as TCP_INFO from a UDP \
         socket.",
    ),
    known(
        libc::EDESTADDRREQ,
        "EDESTADDRREQ",
        "the socket does not know where to send: an unconnected UDP socket needs an address \
         (sendto()), or connect() it first.",
    ),
];

/// What [`explain_errno`] says about a name it does not know.
const UNKNOWN_EXPLANATION: &str = "an error this lab has no explanation for. Its name comes from <errno.h>: look it up with \
     `man 3 errno` (or `errno -l` from the moreutils package).";

/// The errno of an `io::Error` as the protocol type, e.g.
/// `Errno { name: "ECONNREFUSED", number: 111 }`.
///
/// Unknown numbers are named `E<number>`. `None` when the error did not come from the OS
/// (it has no `raw_os_error`, like errors this crate makes up itself).
pub fn errno_of(e: &io::Error) -> Option<Errno> {
    let number = e.raw_os_error()?;
    let name = KNOWN
        .iter()
        .find(|k| k.number == number)
        .map_or_else(|| format!("E{number}"), |k| k.name.to_owned());
    Some(Errno { name, number })
}

/// A plain-words explanation of an errno for students, and what to do about it, by name
/// (`"ECONNREFUSED"`). `EWOULDBLOCK` is read as `EAGAIN`; unknown names get a pointer to the
/// manual.
pub fn explain_errno(name: &str) -> &'static str {
    let name = if name == "EWOULDBLOCK" {
        "EAGAIN"
    } else {
        name
    };
    KNOWN
        .iter()
        .find(|k| k.name == name)
        .map_or(UNKNOWN_EXPLANATION, |k| k.explanation)
}

/// The names in the table, for tests.
#[cfg(test)]
pub(super) fn known_names() -> impl Iterator<Item = (&'static str, i32)> {
    KNOWN.iter().map(|k| (k.name, k.number))
}
