//! Small value types used by commands and events.

use serde::{Deserialize, Serialize};

/// A lab socket, numbered by the server from 1 within one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SocketId(pub u32);

impl std::fmt::Display for SocketId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What a lab socket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SocketKind {
    /// A listening TCP socket (`socket(); bind(); listen()`).
    TcpListener,
    /// A connected TCP socket: from `connect()` or from `accept()`.
    TcpStream,
    /// A bound UDP socket.
    Udp,
    /// A listening Unix-domain stream socket (`AF_UNIX`, bound to a file path).
    UnixListener,
    /// A connected Unix-domain stream socket.
    UnixStream,
}

impl SocketKind {
    /// Listens for connections (TCP or Unix): `accept()` applies.
    pub fn is_listener(self) -> bool {
        matches!(self, SocketKind::TcpListener | SocketKind::UnixListener)
    }

    /// A connected byte stream (TCP or Unix): `send`, `recv` and `shutdown` apply.
    pub fn is_stream(self) -> bool {
        matches!(self, SocketKind::TcpStream | SocketKind::UnixStream)
    }

    /// An `AF_UNIX` socket, addressed by a file path rather than `(ip, port)`.
    pub fn is_unix(self) -> bool {
        matches!(self, SocketKind::UnixListener | SocketKind::UnixStream)
    }
}

/// A TCP state as the kernel reports it (`TCP_INFO.tcpi_state`), for sockets that have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TcpState {
    Established,
    SynSent,
    SynRecv,
    FinWait1,
    FinWait2,
    TimeWait,
    Close,
    CloseWait,
    LastAck,
    Listen,
    Closing,
    /// A value this build does not know.
    Unknown,
}

impl TcpState {
    /// Maps the kernel's numbering (`include/net/tcp_states.h`).
    pub fn from_linux(value: u8) -> Self {
        use TcpState::*;
        match value {
            1 => Established,
            2 => SynSent,
            3 => SynRecv,
            4 => FinWait1,
            5 => FinWait2,
            6 => TimeWait,
            7 => Close,
            8 => CloseWait,
            9 => LastAck,
            10 => Listen,
            11 => Closing,
            _ => Unknown,
        }
    }
}

/// An OS error as a student meets it in Python: `ConnectionRefusedError: [Errno 111]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Errno {
    /// The symbolic name, e.g. `ECONNREFUSED`.
    pub name: String,
    /// The number on this machine, e.g. 111 on Linux.
    pub number: i32,
}
