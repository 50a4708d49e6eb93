//! Commands: what the page (or a script) asks the lab to do.
//!
//! Each socket command performs one system call (or the few a Python line performs together,
//! like `socket(); setsockopt(); bind(); listen()`), so the lecturer controls time: nothing
//! happens on a socket unless a command or a switched-on auto behaviour makes it happen.

use serde::{Deserialize, Serialize};

use super::types::SocketId;
use crate::Payload;
use crate::framing::Framing;

fn default_host() -> String {
    "127.0.0.1".to_owned()
}

fn default_backlog() -> u32 {
    5
}

fn default_bufsize() -> u32 {
    1024
}

fn raw() -> Framing {
    Framing::Raw
}

/// A command. On the wire: `{"cmd": "<name>", ...fields}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Answered by [`super::Event::Pong`]; for liveness and latency checks.
    Ping,

    /// `socket(AF_INET, SOCK_STREAM); [setsockopt(SO_REUSEADDR)]; bind((host, port)); listen(backlog)`.
    /// Port 0 asks the kernel for a free port; the answer carries the real address.
    TcpListen {
        #[serde(default = "default_host")]
        host: String,
        port: u16,
        #[serde(default = "default_backlog")]
        backlog: u32,
        #[serde(default)]
        reuse_addr: bool,
    },
    /// `accept()` on a listener. With `timeout_ms` absent the call never waits: nothing in
    /// the accept queue answers "would block" (EAGAIN) at once. With it, waits up to that long.
    Accept {
        socket: SocketId,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// `socket(AF_INET, SOCK_STREAM); connect((host, port))`. Errors carry the errno
    /// (ECONNREFUSED 111 for a closed port), as `connect_ex` would return.
    Connect {
        #[serde(default = "default_host")]
        host: String,
        port: u16,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// One `send()` call: the answer says how many bytes the kernel accepted, which may be
    /// fewer than asked when the send buffer is full. `framing` wraps `data` first (a length
    /// header, a JSON header...). `header` is the JSON header for JSON-header framing.
    Send {
        socket: SocketId,
        data: Payload,
        #[serde(default = "raw")]
        framing: Framing,
        #[serde(default)]
        header: Option<serde_json::Value>,
    },
    /// `sendall()`: `send()` in a loop until every byte is accepted (or `timeout_ms` passes).
    SendAll {
        socket: SocketId,
        data: Payload,
        #[serde(default = "raw")]
        framing: Framing,
        #[serde(default)]
        header: Option<serde_json::Value>,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// One `recv(bufsize)` call: the answer holds exactly what that call returned.
    Recv {
        socket: SocketId,
        #[serde(default = "default_bufsize")]
        bufsize: u32,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },
    /// `shutdown(how)`: `write` sends a FIN, so the peer's recv returns b''.
    Shutdown { socket: SocketId, how: ShutdownHow },
    /// `close()`.
    Close { socket: SocketId },
    /// `setsockopt` / `setblocking` / `settimeout`.
    SetOption {
        socket: SocketId,
        option: SockOption,
    },

    /// `socket(AF_INET, SOCK_DGRAM); bind((host, port))`.
    UdpBind {
        #[serde(default = "default_host")]
        host: String,
        port: u16,
    },
    /// One `sendto(data, (host, port))`; an empty `data` sends an empty datagram.
    SendTo {
        socket: SocketId,
        data: Payload,
        #[serde(default = "default_host")]
        host: String,
        port: u16,
    },
    /// One `recvfrom(bufsize)`: one datagram, truncated to `bufsize` if it was longer.
    RecvFrom {
        socket: SocketId,
        #[serde(default = "default_bufsize")]
        bufsize: u32,
        #[serde(default)]
        timeout_ms: Option<u64>,
    },

    /// Switches a socket's automatic behaviours (for talking to a student's own program).
    SetAuto {
        socket: SocketId,
        auto: AutoBehaviour,
    },
    /// Asks for a fresh [`super::Event::Buffers`] snapshot of every socket.
    Snapshot,
}

/// Which directions `shutdown()` closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShutdownHow {
    /// SHUT_RD
    Read,
    /// SHUT_WR: sends a FIN.
    Write,
    /// SHUT_RDWR
    Both,
}

/// A socket option. On the wire: `{"name": "rcvbuf", "value": 4096}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", content = "value", rename_all = "snake_case")]
pub enum SockOption {
    /// TCP_NODELAY: switch Nagle's algorithm off.
    Nodelay(bool),
    /// SO_RCVBUF in bytes (Linux doubles what you ask; the answer reports the real value).
    Rcvbuf(u32),
    /// SO_SNDBUF in bytes (doubled by Linux too).
    Sndbuf(u32),
    /// SO_REUSEADDR.
    ReuseAddr(bool),
    /// `setblocking(flag)`.
    Blocking(bool),
    /// `settimeout(seconds)` in milliseconds; `null` means block forever.
    TimeoutMs(Option<u64>),
}

/// What a socket does by itself, without a command for each step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutoBehaviour {
    /// A listener accepts every incoming connection as it arrives.
    pub accept: bool,
    /// A connected socket receives whatever arrives (and reports each recv).
    pub recv: bool,
    /// What a receiving socket sends back.
    pub echo: EchoMode,
}

/// Echo behaviour of an auto-receiving socket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EchoMode {
    /// Send nothing back.
    #[default]
    Off,
    /// Send back exactly what was received.
    Same,
    /// Send back the received bytes with ASCII letters upper-cased.
    Upper,
}
