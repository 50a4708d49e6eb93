//! Tests against real sockets on 127.0.0.1 (port 0: the kernel picks free ports).
//!
//! They never sleep to "let the packet arrive": they wait for readiness with `poll(2)` (with a
//! generous timeout that only matters when something is broken). A few facts printed in the
//! module docs — what FIONREAD says for UDP, EINVAL on a listener, the somaxconn cap — are
//! checked here against the running kernel.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use socklab_shared::protocol::{Errno, TcpState};

use super::*;

/// How long `wait_for` waits before declaring the test failed.
const POLL_TIMEOUT_MS: libc::c_int = 5_000;

fn localhost() -> SockAddr {
    SocketAddr::from(([127, 0, 0, 1], 0)).into()
}

fn addr_of(s: &Socket) -> SocketAddr {
    s.local_addr().unwrap().as_socket().unwrap()
}

/// Waits until `s` has one of `events` (e.g. `POLLIN`), using poll(2).
fn wait_for(s: &Socket, events: libc::c_short) {
    let mut pfd = libc::pollfd {
        fd: s.as_raw_fd(),
        events,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid, writable pollfd and we pass a count of 1.
    let n = unsafe { libc::poll(&mut pfd, 1, POLL_TIMEOUT_MS) };
    assert_eq!(n, 1, "socket not ready within {POLL_TIMEOUT_MS} ms");
    assert_ne!(pfd.revents & events, 0, "revents = {:#x}", pfd.revents);
}

fn wait_readable(s: &Socket) {
    wait_for(s, libc::POLLIN);
}

fn tcp_listener(backlog: i32) -> Socket {
    let l = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    l.bind(&localhost()).unwrap();
    l.listen(backlog).unwrap();
    l
}

/// A connected pair: (client, accepted server side), plus the listener kept alive.
fn tcp_pair_from(listener: &Socket) -> (Socket, Socket) {
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

fn udp() -> Socket {
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
    s.bind(&localhost()).unwrap();
    s
}

// ---- receive queue and peek --------------------------------------------------------------

#[test]
fn fionread_counts_tcp_bytes_and_peek_does_not_consume() {
    let listener = tcp_listener(8);
    let (client, server) = tcp_pair_from(&listener);
    assert_eq!(recv_queue_len(&server).unwrap(), 0);
    assert_eq!(
        peek(&server, 64).unwrap(),
        b"",
        "nothing waiting → empty, not EAGAIN"
    );

    (&client).write_all(b"helloworld").unwrap();
    wait_readable(&server);
    assert_eq!(recv_queue_len(&server).unwrap(), 10);
    assert_eq!(peek(&server, 64).unwrap(), b"helloworld");
    assert_eq!(peek(&server, 3).unwrap(), b"hel", "at most `max` bytes");
    assert_eq!(
        recv_queue_len(&server).unwrap(),
        10,
        "peeking consumed nothing"
    );

    let mut two = [0u8; 2];
    (&server).read_exact(&mut two).unwrap();
    assert_eq!(&two, b"he");
    assert_eq!(recv_queue_len(&server).unwrap(), 8);
    assert_eq!(peek(&server, 64).unwrap(), b"lloworld");
    assert_eq!(peek(&server, 0).unwrap(), b"");
}

#[test]
fn peek_accepts_absurd_sizes() {
    let listener = tcp_listener(8);
    let (client, server) = tcp_pair_from(&listener);
    (&client).write_all(b"xyz").unwrap();
    wait_readable(&server);
    assert_eq!(peek(&server, usize::MAX).unwrap(), b"xyz");
}

#[test]
fn a_listener_has_no_byte_queues() {
    // Linux's tcp_ioctl answers SIOCINQ/SIOCOUTQ on a LISTEN socket with EINVAL.
    let listener = tcp_listener(8);
    let err = recv_queue_len(&listener).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
    let err = send_queue_len(&listener).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EINVAL));
    let err = peek(&listener, 16).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENOTCONN));
}

// ---- send queue --------------------------------------------------------------------------

#[test]
fn siocoutq_holds_what_a_slow_reader_has_not_acknowledged() {
    // A tiny receive buffer on the listener is inherited by the accepted socket, so the
    // receiver's window closes after a few KiB and the sender's queue must fill up.
    let listener = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    listener.set_recv_buffer_size(4096).unwrap();
    listener.bind(&localhost()).unwrap();
    listener.listen(8).unwrap();
    let (client, server) = tcp_pair_from(&listener);

    assert_eq!(
        send_queue_len(&client).unwrap(),
        0,
        "an idle connection holds nothing"
    );

    client.set_nonblocking(true).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut sent: u64 = 0;
    let mut would_block = false;
    for _ in 0..10_000 {
        match client.send(&chunk) {
            Ok(n) => sent += n as u64,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                would_block = true;
                break;
            }
            Err(e) => panic!("send failed: {e}"),
        }
    }
    assert!(
        would_block,
        "the send buffer never filled ({sent} bytes sent)"
    );
    wait_readable(&server);

    let outq = send_queue_len(&client).unwrap();
    let inq = recv_queue_len(&server).unwrap();
    assert!(
        outq > 0,
        "EAGAIN means the send queue is full, yet SIOCOUTQ = 0"
    );
    assert!(outq <= sent);
    assert!(inq > 0);
    // Every byte sent is either still unacknowledged at the sender or waiting unread at the
    // receiver — or, while an ACK is on its way back, both.
    assert!(
        outq + inq >= sent,
        "outq {outq} + inq {inq} < sent {sent}: bytes went missing"
    );
}

// ---- TCP state ---------------------------------------------------------------------------

#[test]
fn tcp_states_listen_established_close_wait() {
    let listener = tcp_listener(8);
    assert_eq!(tcp_state(&listener).unwrap(), TcpState::Listen);
    let (client, server) = tcp_pair_from(&listener);
    assert_eq!(tcp_state(&client).unwrap(), TcpState::Established);
    assert_eq!(tcp_state(&server).unwrap(), TcpState::Established);

    // The client sends its FIN; once it has arrived the server can read EOF (POLLIN).
    client.shutdown(Shutdown::Write).unwrap();
    wait_readable(&server);
    assert_eq!(tcp_state(&server).unwrap(), TcpState::CloseWait);
    let client_state = tcp_state(&client).unwrap();
    assert!(
        matches!(client_state, TcpState::FinWait1 | TcpState::FinWait2),
        "client is {client_state:?}"
    );
    assert_eq!(peek(&server, 16).unwrap(), b"", "EOF peeks as empty");
    assert_eq!(recv_queue_len(&server).unwrap(), 0);
}

#[test]
fn tcp_info_on_udp_is_the_kernels_error() {
    // Linux 6.18 answers getsockopt(IPPROTO_TCP, …) on UDP with EOPNOTSUPP (ip_getsockopt
    // for a level other than SOL_IP); ENOPROTOOPT is accepted too, as the setsockopt side's
    // answer, in case another kernel version differs.
    let err = tcp_state(&udp()).unwrap_err();
    let errno = err.raw_os_error();
    assert!(
        errno == Some(libc::EOPNOTSUPP) || errno == Some(libc::ENOPROTOOPT),
        "{err}"
    );
}

// ---- accept queue ------------------------------------------------------------------------

#[test]
fn accept_queue_counts_finished_handshakes_not_yet_accepted() {
    let listener = tcp_listener(5);
    assert_eq!(accept_queue(&listener).unwrap(), (0, 5));

    // connect() returns once the handshake is done — before anyone calls accept().
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    wait_readable(&listener); // a listener is readable when its accept queue is not empty
    assert_eq!(accept_queue(&listener).unwrap(), (1, 5));

    let (server, _) = listener.accept().unwrap();
    assert_eq!(accept_queue(&listener).unwrap(), (0, 5));

    let err = accept_queue(&server).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(errno_of(&err).is_none(), "not an OS error");
}

#[test]
fn the_backlog_is_capped_at_somaxconn() {
    let Ok(text) = std::fs::read_to_string("/proc/sys/net/core/somaxconn") else {
        return; // not visible here; nothing to compare with
    };
    let somaxconn: u32 = text.trim().parse().unwrap();
    let listener = tcp_listener(1_000_000);
    let (_, backlog) = accept_queue(&listener).unwrap();
    assert_eq!(backlog, somaxconn.min(1_000_000));
}

// ---- datagrams ---------------------------------------------------------------------------

#[test]
fn a_short_buffer_truncates_and_msg_trunc_reports_the_real_length() {
    let (a, b) = (udp(), udp());
    a.send_to(b"0123456789", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b);
    let (data, real_len, from) = recv_datagram(&b, 4).unwrap();
    assert_eq!(data, b"0123");
    assert_eq!(real_len, 10, "real length > data.len(): truncated");
    assert_eq!(from, addr_of(&a));
    // The other 6 bytes are gone with the datagram: the queue is empty.
    assert_eq!(next_datagram_len(&b).unwrap(), None);
    assert_eq!(recv_queue_len(&b).unwrap(), 0);
}

#[test]
fn a_big_enough_buffer_gets_the_whole_datagram() {
    let (a, b) = (udp(), udp());
    a.send_to(b"0123456789", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b);
    let (data, real_len, _) = recv_datagram(&b, usize::MAX).unwrap();
    assert_eq!((data.as_slice(), real_len), (&b"0123456789"[..], 10));
}

#[test]
fn bufsize_zero_measures_and_discards() {
    let (a, b) = (udp(), udp());
    a.send_to(b"0123456789", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b);
    let (data, real_len, _) = recv_datagram(&b, 0).unwrap();
    assert_eq!((data.len(), real_len), (0, 10));
    assert_eq!(next_datagram_len(&b).unwrap(), None);
}

#[test]
fn an_empty_datagram_is_a_datagram() {
    let (a, b) = (udp(), udp());
    a.send_to(b"", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b); // it makes the socket readable…
    assert_eq!(
        recv_queue_len(&b).unwrap(),
        0,
        "…but FIONREAD cannot tell it from nothing"
    );
    assert_eq!(
        next_datagram_len(&b).unwrap(),
        Some(0),
        "MSG_PEEK|MSG_TRUNC can"
    );
    let (data, real_len, from) = recv_datagram(&b, 16).unwrap();
    assert_eq!((data.len(), real_len, from), (0, 0, addr_of(&a)));
    assert_eq!(next_datagram_len(&b).unwrap(), None);
}

#[test]
fn next_datagram_len_peeks_without_consuming() {
    let (a, b) = (udp(), udp());
    assert_eq!(next_datagram_len(&b).unwrap(), None);
    let err = recv_datagram(&b, 16).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock, "never blocks");

    a.send_to(b"0123456789", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b);
    assert_eq!(next_datagram_len(&b).unwrap(), Some(10));
    assert_eq!(next_datagram_len(&b).unwrap(), Some(10), "still there");
    assert_eq!(peek(&b, 4).unwrap(), b"0123");
    assert_eq!(recv_datagram(&b, 64).unwrap().1, 10);
}

#[test]
fn fionread_on_udp_is_the_next_datagram_not_the_total() {
    let (a, b) = (udp(), udp());
    let to = b.local_addr().unwrap();
    a.send_to(b"0123456789", &to).unwrap();
    a.send_to(b"abcde", &to).unwrap();
    wait_readable(&b);
    // Loopback delivers each datagram during its send_to() in practice, so both are queued
    // here: a total would be 15.
    assert_eq!(recv_queue_len(&b).unwrap(), 10);
    assert_eq!(recv_datagram(&b, 64).unwrap().0, b"0123456789");
    wait_readable(&b);
    assert_eq!(recv_queue_len(&b).unwrap(), 5);
    assert_eq!(
        recv_datagram(&b, 64).unwrap().0,
        b"abcde",
        "boundaries are kept"
    );
}

#[test]
fn udp_send_queue_is_empty_on_loopback() {
    let (a, b) = (udp(), udp());
    a.send_to(b"hi", &b.local_addr().unwrap()).unwrap();
    wait_readable(&b);
    assert_eq!(send_queue_len(&a).unwrap(), 0);
}

#[test]
fn datagram_calls_refuse_a_stream_socket_and_leave_its_bytes_alone() {
    let listener = tcp_listener(8);
    let (client, server) = tcp_pair_from(&listener);
    (&client).write_all(b"helloworld").unwrap();
    wait_readable(&server);
    let err = recv_datagram(&server, 4).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = next_datagram_len(&server).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        recv_queue_len(&server).unwrap(),
        10,
        "no byte was discarded"
    );
}

#[test]
fn an_icmp_port_unreachable_surfaces_once_as_econnrefused() {
    // A UDP socket connected to a port where a bound-but-silent socket was, then closed:
    // the kernel's ICMP "port unreachable" comes back as a pending ECONNREFUSED.
    let target = udp();
    let target_addr = target.local_addr().unwrap();
    drop(target);
    let a = udp();
    a.connect(&target_addr).unwrap();
    a.send(b"anyone?").unwrap();
    wait_for(&a, libc::POLLERR);
    let err = next_datagram_len(&a).unwrap_err();
    assert_eq!(errno_of(&err).unwrap().name, "ECONNREFUSED");
    // Reported once, then cleared, like by any recv().
    assert_eq!(next_datagram_len(&a).unwrap(), None);
}

// ---- errno ---------------------------------------------------------------------------------

#[test]
fn connecting_to_a_closed_port_is_econnrefused_111() {
    // Keep a socket bound (but not listening) on the port, so no one else can listen there.
    let holder = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    holder.bind(&localhost()).unwrap();
    let client = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    let err = client.connect(&holder.local_addr().unwrap()).unwrap_err();
    let errno = errno_of(&err).unwrap();
    assert_eq!(
        errno,
        Errno {
            name: "ECONNREFUSED".into(),
            number: 111
        }
    );
    assert!(explain_errno(&errno.name).contains("nothing is listening"));
}

#[test]
fn binding_a_taken_port_is_eaddrinuse() {
    let first = tcp_listener(1);
    let second = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
    let err = second.bind(&first.local_addr().unwrap()).unwrap_err();
    assert_eq!(errno_of(&err).unwrap().name, "EADDRINUSE");
    assert!(explain_errno("EADDRINUSE").contains("TIME_WAIT"));
    assert!(explain_errno("EADDRINUSE").contains("SO_REUSEADDR"));
}

#[test]
fn a_non_blocking_read_with_nothing_waiting_is_eagain() {
    let listener = tcp_listener(8);
    let (_client, server) = tcp_pair_from(&listener);
    server.set_nonblocking(true).unwrap();
    let err = (&server).read(&mut [0u8; 4]).unwrap_err();
    assert_eq!(
        errno_of(&err),
        Some(Errno {
            name: "EAGAIN".into(),
            number: libc::EAGAIN
        })
    );
    assert!(explain_errno("EAGAIN").contains("nothing to read yet"));
    assert_eq!(explain_errno("EWOULDBLOCK"), explain_errno("EAGAIN"));
}

#[test]
fn errno_of_names_unknown_numbers_and_ignores_non_os_errors() {
    assert_eq!(errno_of(&io::Error::other("made up")), None);
    assert_eq!(errno_of(&io::ErrorKind::WouldBlock.into()), None);
    let odd = errno_of(&io::Error::from_raw_os_error(4242)).unwrap();
    assert_eq!((odd.name.as_str(), odd.number), ("E4242", 4242));
    let negative = errno_of(&io::Error::from_raw_os_error(-7)).unwrap();
    assert_eq!(negative.name, "E-7");
    assert!(explain_errno("E4242").contains("man 3 errno"));
    assert!(explain_errno("").contains("man 3 errno"));
}

#[test]
fn every_known_errno_round_trips_and_is_explained() {
    let unknown = explain_errno("ENOSUCHTHING");
    for (name, number) in errno::known_names() {
        let errno = errno_of(&io::Error::from_raw_os_error(number)).unwrap();
        assert_eq!(errno.number, number);
        assert_eq!(errno.name, name, "{number}");
        assert_ne!(explain_errno(name), unknown, "{name} has no explanation");
    }
    for name in [
        "ECONNREFUSED",
        "EADDRINUSE",
        "EADDRNOTAVAIL",
        "EAGAIN",
        "ECONNRESET",
        "EPIPE",
        "ETIMEDOUT",
        "EINPROGRESS",
        "ENOTCONN",
        "EISCONN",
        "EINVAL",
        "EACCES",
        "EPERM",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "EMSGSIZE",
        "ENOBUFS",
        "EBADF",
        "ENOTSOCK",
        "EALREADY",
        "ECONNABORTED",
        "EPROTOTYPE",
        "EAFNOSUPPORT",
        "EMFILE",
        "ENFILE",
        "EINTR",
        "ENOENT",
    ] {
        assert_ne!(explain_errno(name), unknown, "{name} has no explanation");
    }
    assert!(explain_errno("EPIPE").contains("closed"));
    assert!(explain_errno("ECONNRESET").contains("reset"));
    assert!(explain_errno("EMSGSIZE").contains("too large"));
}
