//! The TCP state and a listener's accept queue, read from `getsockopt(TCP_INFO)`.
//!
//! # TCP_INFO
//!
//! `getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len)` fills a `struct tcp_info` with a
//! snapshot of the kernel's TCP control block for this socket: its state, round-trip time,
//! congestion window, retransmission counters… (`ss -ti` prints the same numbers). Only a TCP
//! socket has one: on a UDP socket the kernel refuses. (Checked on Linux 6.18: `getsockopt`
//! of a TCP option on UDP answers `EOPNOTSUPP`, while `setsockopt` of one answers
//! `ENOPROTOOPT`.)
//!
//! The struct has grown over the kernel versions. The kernel copies
//! `min(len we offer, size it knows)` bytes and writes that size back into `len`; we check
//! that it covers the fields we read.
//!
//! # The state
//!
//! `tcpi_state` is the state of the TCP state machine (RFC 9293), numbered as in the
//! kernel's `include/net/tcp_states.h`. The states a student meets: `LISTEN` (a server
//! waiting), `ESTABLISHED` (data can flow), `CLOSE_WAIT` (the peer sent its FIN — "I have
//! nothing more to send" — and this side has not closed yet), `FIN_WAIT_1/2` (this side sent
//! its FIN), `TIME_WAIT` (closed first; the kernel holds the port for a while).
//!
//! # The accept queue
//!
//! A listening socket keeps connections whose three-way handshake is *complete* in its
//! accept queue until the program calls `accept()`: the client's `connect()` has already
//! returned, before the server accepted anything. For a socket in `LISTEN`, Linux reuses two
//! `tcp_info` fields: `tcpi_unacked` is the current length of the accept queue and
//! `tcpi_sacked` its limit — the `backlog` given to `listen()`, capped at
//! `net.core.somaxconn`. (For any other state those fields mean something else entirely:
//! packets in flight and SACKed packets.)

use std::io;

use socket2::Socket;
use socklab_shared::protocol::{TcpMetrics, TcpState};

/// The TCP state from `getsockopt(TCP_INFO).tcpi_state`, mapped with
/// [`TcpState::from_linux`].
///
/// Fails with the kernel's error for a socket that is not TCP (for UDP, `EOPNOTSUPP` on
/// Linux 6.18). Linux only; elsewhere an `Unsupported` error.
pub fn tcp_state(s: &Socket) -> io::Result<TcpState> {
    let info = imp::tcp_info(s)?;
    Ok(TcpState::from_linux(info.state))
}

/// Connections waiting in a listener's accept queue, and the queue's limit:
/// `(queued, backlog)`, from `TCP_INFO` (`tcpi_unacked`, `tcpi_sacked` for a `LISTEN` socket).
///
/// `backlog` is what the kernel actually uses: the value passed to `listen()`, capped at
/// `net.core.somaxconn`. Fails with `InvalidInput` if the socket is not in `LISTEN` (the two
/// fields would mean something else). Linux only; elsewhere an `Unsupported` error.
pub fn accept_queue(s: &Socket) -> io::Result<(u32, u32)> {
    let info = imp::tcp_info(s)?;
    let state = TcpState::from_linux(info.state);
    if state != TcpState::Listen {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("only a listening socket has an accept queue (this one is {state:?})"),
        ));
    }
    Ok((info.unacked, info.sacked))
}

/// A connection's TCP numbers for its card: round trip, congestion window, what is in
/// flight, retransmissions and the peer's window.
pub fn tcp_metrics(s: &Socket) -> io::Result<TcpMetrics> {
    Ok(imp::tcp_info(s)?.metrics)
}

/// The `tcp_info` fields this module reads.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
struct TcpInfo {
    state: u8,
    unacked: u32,
    sacked: u32,
    metrics: TcpMetrics,
}

#[cfg(target_os = "linux")]
mod imp {
    use std::io;
    use std::mem::{self, offset_of};
    use std::os::fd::AsRawFd;

    use socket2::Socket;

    use super::{TcpInfo, TcpMetrics};

    /// One `getsockopt(IPPROTO_TCP, TCP_INFO)`.
    pub(super) fn tcp_info(s: &Socket) -> io::Result<TcpInfo> {
        // SAFETY: `tcp_info` is a plain C struct of integers, for which all-zero bytes are a
        // valid value.
        let mut info: libc::tcp_info = unsafe { mem::zeroed() };
        let mut len = mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        // SAFETY: `info` is a live, writable `tcp_info` and `len` holds its size, so the
        // kernel writes at most `len` bytes into it, and writes the size it used into `len`.
        let rc = unsafe {
            libc::getsockopt(
                s.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                (&mut info as *mut libc::tcp_info).cast(),
                &mut len,
            )
        };
        if rc == -1 {
            return Err(io::Error::last_os_error());
        }
        // Every kernel since 2.6 fills far more than this, but an answer too short to hold
        // the fields we read would make us report zeroes as facts.
        let needed = offset_of!(libc::tcp_info, tcpi_sacked) + mem::size_of::<u32>();
        if (len as usize) < needed {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("TCP_INFO returned only {len} bytes; {needed} are needed"),
            ));
        }
        // `tcpi_snd_wnd` came with Linux 5.19: only an answer that long carries it.
        let has_peer_window =
            len as usize >= offset_of!(libc::tcp_info, tcpi_snd_wnd) + mem::size_of::<u32>();
        Ok(TcpInfo {
            state: info.tcpi_state,
            unacked: info.tcpi_unacked,
            sacked: info.tcpi_sacked,
            metrics: TcpMetrics {
                rtt_us: info.tcpi_rtt,
                rttvar_us: info.tcpi_rttvar,
                cwnd: info.tcpi_snd_cwnd,
                mss: info.tcpi_snd_mss,
                unacked: info.tcpi_unacked,
                retransmits: info.tcpi_total_retrans,
                peer_window: has_peer_window.then_some(info.tcpi_snd_wnd),
            },
        })
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use std::io;

    use socket2::Socket;

    use super::{TcpInfo, TcpMetrics};

    /// TCP_INFO with Linux's layout and state numbering does not exist here.
    pub(super) fn tcp_info(_s: &Socket) -> io::Result<TcpInfo> {
        Err(crate::engine::sys::unsupported(
            "TCP_INFO (TCP state, accept queue)",
        ))
    }
}
