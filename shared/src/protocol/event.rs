//! Events: what the server reports.
//!
//! Every socket event describes one system call and its real result, or a change the kernel
//! made (a connection arriving, bytes arriving). After each step the server also sends a
//! [`Event::Buffers`] snapshot read from the kernel, so the page can draw the buffers as they
//! were at that moment and step back through history.

use serde::{Deserialize, Serialize};

use super::ports::PortRanges;
use super::wire::{Direction, Fate, PacketInfo, WireStatus};

use super::command::{AutoBehaviour, SockOption};
use super::types::{Errno, SocketId, SocketKind, TcpState};
use crate::Payload;

/// An event. On the wire: `{"event": "<name>", ...fields}` inside an [`super::Envelope`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// First event of every connection.
    Hello {
        protocol_version: u32,
        server_version: String,
        limits: Limits,
    },
    /// Answer to [`super::Command::Ping`].
    Pong,
    /// Something went wrong. The connection stays open.
    Error {
        code: ErrorCode,
        /// What happened, in plain words.
        message: String,
        /// What to do about it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hint: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        socket: Option<SocketId>,
        /// The OS error, for errors that come from a system call.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        errno: Option<Errno>,
    },

    /// A new lab socket exists (listener, connected client, accepted connection, UDP socket).
    SocketOpened {
        socket: SocketId,
        kind: SocketKind,
        /// `getsockname()`: the real bound address, e.g. "127.0.0.1:9000".
        local: String,
        /// `getpeername()` for connected stream sockets (TCP and Unix).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer: Option<String>,
        /// For an accepted connection, the listener it came from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listener: Option<SocketId>,
        /// For an accepted connection, the lab socket that connected (the other end), when
        /// the client is one of the lab's; `None` for a client outside the lab (a Python
        /// script). The engine knows this for certain, so pages and the Python generator take
        /// it from here instead of matching names: every Unix client is `(unnamed)`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer_socket: Option<SocketId>,
    },
    /// A `send`/`sendall` call finished.
    Sent {
        socket: SocketId,
        /// This send's number within the connection (#1, #2, ...), used for colouring.
        send_no: u32,
        /// Bytes handed to the call (after framing).
        requested: u64,
        /// Bytes the kernel accepted (fewer than requested = a partial send).
        accepted: u64,
        /// Leading bytes that are a frame header rather than message body.
        header_len: u32,
        /// Trailing bytes that are a delimiter (line framing).
        trailer_len: u32,
        /// Offset of the first byte in this direction's stream.
        stream_offset: u64,
        /// Whether this was `sendall`.
        all: bool,
    },
    /// A `recv` call returned. `data` is exactly what it returned; empty means the peer
    /// closed (EOF). `spans` say which send each byte range came from.
    Received {
        socket: SocketId,
        data: Payload,
        bufsize: u32,
        eof: bool,
        spans: Vec<SendSpan>,
        /// Offset of the first byte in this direction's stream.
        stream_offset: u64,
        /// "2 sends → 1 recv", "partial: 2 of 5 bytes of send #3", "from an external peer".
        summary: String,
        /// Made by auto-recv rather than a command.
        #[serde(default)]
        auto: bool,
    },
    /// Auto-recv moved bytes faster than the page can show one by one: a summary of the
    /// recvs since the last event for this socket.
    AutoSummary {
        socket: SocketId,
        recvs: u64,
        bytes: u64,
        /// Stream offset after the last of those recvs.
        stream_offset: u64,
        /// Bytes sent back by echo in the same period.
        echoed: u64,
        /// The peer closed (recv returned b'').
        eof: bool,
        /// Other events of this socket left out in the same period (echo replies, file
        /// verdicts, chat forwards, errors), because they came faster than the rate limit or
        /// the client was not reading fast enough. Omitted when 0.
        #[serde(default, skip_serializing_if = "is_zero")]
        folded: u64,
    },
    /// A `sendto` finished.
    SentTo {
        socket: SocketId,
        send_no: u32,
        to: String,
        bytes: u64,
    },
    /// A `recvfrom` returned one datagram.
    ReceivedFrom {
        socket: SocketId,
        from: String,
        data: Payload,
        bufsize: u32,
        /// The datagram was longer than `bufsize`; the rest is gone.
        truncated: bool,
        /// The datagram's real length (MSG_TRUNC).
        real_len: u64,
        /// The lab socket that sent it, when it was one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_socket: Option<SocketId>,
        /// That socket's send number for this datagram.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        send_no: Option<u32>,
    },
    /// `shutdown()` succeeded.
    ShutDown {
        socket: SocketId,
        how: super::ShutdownHow,
    },
    /// The socket is closed and gone from the session.
    Closed { socket: SocketId },
    /// `setsockopt` succeeded; `effective` is what the kernel reports back.
    OptionSet {
        socket: SocketId,
        option: SockOption,
        effective: SockOption,
    },
    /// The answer to `get_names`: the kernel's view of both ends.
    Names {
        socket: SocketId,
        /// `getsockname()`.
        local: String,
        /// `getpeername()`; `None` when not connected (ENOTCONN).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer: Option<String>,
    },
    /// A file-receiver socket ([`super::EchoMode::FileReceiver`]) has read a whole file:
    /// the header's claims and what really arrived.
    FileReceived {
        socket: SocketId,
        /// `filename` from the JSON header.
        filename: String,
        /// `size` from the header: the bytes read as the file body.
        size: u64,
        /// `md5` from the header (what the sender computed).
        md5_expected: String,
        /// The MD5 of the bytes that arrived.
        md5_actual: String,
        /// Whether they agree.
        ok: bool,
        /// Microseconds from the first header byte to the last body byte.
        elapsed_us: u64,
    },
    /// Auto behaviours changed.
    AutoSet {
        socket: SocketId,
        auto: AutoBehaviour,
    },
    /// The kernel's view of every socket, read right after the step before it.
    Buffers { sockets: Vec<BufferSnapshot> },

    /// One packet on the wire's cable and what the link did with it. Nested rather than
    /// flattened: a TCP segment's `seq` is not the envelope's.
    Packet { packet: Box<PacketInfo> },
    /// A packet that waited on the held wire was released (or dropped) later.
    PacketFate {
        no: u64,
        #[serde(flatten)]
        fate: Fate,
    },
    /// Packets crossed faster than the page can show one by one: a summary of those not
    /// reported, per direction, since the last packet event.
    PacketSummary {
        direction: Direction,
        packets: u64,
        bytes: u64,
        dropped: u64,
        /// The number of the last packet summarised.
        last_no: u64,
    },
    /// The wire's hosts and link (answer to `wire_status`, `link_set`, `wire_hold`...).
    WireState {
        #[serde(flatten)]
        wire: WireStatus,
    },
    /// The session is shared (answer to `share`): followers open `/?follow=<key>` and connect
    /// to `/ws?follow=<key>`; they need no token and can't run commands.
    Shared { key: String, followers: u32 },
    /// How many followers watch this session now (sent to the lecturer when it changes).
    Followers { count: u32 },
    /// To a follower, first: following a session; `missing` counts its first events that are
    /// no longer kept (0 for a complete history).
    Following { missing: u64 },
    /// To a follower: one event of the followed session, as the lecturer's page got it.
    Relay { envelope: Box<super::Envelope> },
    /// Where the lecturer's page is in a lesson (answer to `lesson_at`): followers and
    /// recordings show this lesson's narration after this many steps.
    LessonAt(super::command::LessonAt),
    /// The session's packets as a pcap file (answer to `wire_pcap`).
    Pcap {
        data: Payload,
        packets: u64,
        /// Packets left out because the capture keeps only the newest ones.
        #[serde(default)]
        truncated: u64,
    },
}

impl Event {
    /// The socket this event is about, if it is about one.
    pub fn socket(&self) -> Option<SocketId> {
        use Event::*;
        match self {
            SocketOpened { socket, .. }
            | Sent { socket, .. }
            | Received { socket, .. }
            | AutoSummary { socket, .. }
            | SentTo { socket, .. }
            | ReceivedFrom { socket, .. }
            | ShutDown { socket, .. }
            | Closed { socket }
            | OptionSet { socket, .. }
            | AutoSet { socket, .. }
            | FileReceived { socket, .. }
            | Names { socket, .. } => Some(*socket),
            Error { socket, .. } => *socket,
            Hello { .. }
            | Pong
            | Buffers { .. }
            | Packet { .. }
            | PacketFate { .. }
            | PacketSummary { .. }
            | WireState { .. }
            | Pcap { .. }
            | Shared { .. }
            | Followers { .. }
            | Following { .. }
            | Relay { .. }
            | LessonAt(_) => None,
        }
    }
}

/// One socket's kernel state, as read from the kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BufferSnapshot {
    pub socket: SocketId,
    pub kind: SocketKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_state: Option<TcpState>,
    /// Bytes waiting in the receive buffer (FIONREAD / SIOCINQ).
    pub recv_queued: u64,
    /// The first of those bytes (MSG_PEEK, up to the server's limit).
    pub recv_peek: Payload,
    /// Where the peeked bytes came from.
    pub recv_spans: Vec<SendSpan>,
    /// Stream offset of the first peeked byte.
    pub recv_offset: u64,
    /// Bytes in the send queue not yet acknowledged by the peer (SIOCOUTQ).
    pub send_queued: u64,
    /// For UDP: the size of the next datagram, if one is waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_datagram: Option<u64>,
    /// For connected TCP sockets: the kernel's TCP numbers (`TCP_INFO`, as `ss -ti` shows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_info: Option<TcpMetrics>,
    /// For listeners: connections waiting to be accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_queue: Option<u32>,
}

impl BufferSnapshot {
    /// A snapshot of `socket` with nothing queued anywhere (filled in from the kernel by the
    /// engine; also handy in tests).
    pub fn empty(socket: SocketId, kind: SocketKind) -> Self {
        BufferSnapshot {
            socket,
            kind,
            tcp_state: None,
            recv_queued: 0,
            recv_peek: Payload::default(),
            recv_spans: vec![],
            recv_offset: 0,
            send_queued: 0,
            next_datagram: None,
            tcp_info: None,
            accept_queue: None,
        }
    }
}

/// A connection's numbers from the kernel's TCP control block (`getsockopt(TCP_INFO)`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TcpMetrics {
    /// Smoothed round-trip time and its variation, in microseconds.
    pub rtt_us: u32,
    pub rttvar_us: u32,
    /// Congestion window, in segments, and the sender's MSS in bytes.
    pub cwnd: u32,
    pub mss: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    /// Segments retransmitted over the connection's life.
    pub retransmits: u32,
    /// The window the peer advertised last, in bytes (Linux 5.19+; absent before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_window: Option<u32>,
}

/// A run of bytes that came from one send call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendSpan {
    /// Offset within the bytes this span annotates (the recv result or the peek).
    pub start: u64,
    pub len: u64,
    /// The lab socket that sent them; `None` for an external peer (a Python script, nc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<SocketId>,
    /// The send number on that socket; `None` for external bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_no: Option<u32>,
    /// Offset of this span's first byte within that send's bytes.
    pub offset_in_send: u64,
    /// That send's total length (to say "2 of 5 bytes").
    pub send_len: u64,
    /// How many leading bytes of this span are frame header.
    pub header_bytes: u64,
    /// How many trailing bytes of this span are a frame trailer (delimiter).
    #[serde(default)]
    pub trailer_bytes: u64,
}

impl SendSpan {
    /// True when these bytes came from outside the lab.
    pub fn is_external(&self) -> bool {
        self.send_no.is_none()
    }
}

/// The limits in force, announced in [`Event::Hello`] so the page can respect them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_sockets: u32,
    pub max_send_bytes: u64,
    pub max_message_bytes: u64,
    pub peek_bytes: u64,
    /// Most bytes one `send_bulk` may generate.
    pub max_bulk_bytes: u64,
    /// Longest a single call may wait, in milliseconds.
    pub max_wait_ms: u64,
    /// Whether lab sockets may bind or connect outside loopback.
    pub loopback_only: bool,
    /// Ports that `connect` and `send_to` may reach besides those held by lab sockets of this
    /// server (`--allow-ports`, default 9000-9999). Never the lab's own web port.
    #[serde(default)]
    pub allowed_ports: PortRanges,
    /// Whether lab sockets may bind ports below 1024 (`--allow-privileged-ports`).
    #[serde(default)]
    pub privileged_ports: bool,
    /// A session that sends nothing for this long is closed; send a `ping` more often.
    /// 0 means no idle timeout.
    #[serde(default)]
    pub idle_timeout_ms: u64,
}

/// A machine-readable class of error; the message says the details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The text frame was not a valid command.
    BadMessage,
    /// A binary frame arrived; the protocol is JSON text.
    BinaryNotSupported,
    /// The message was larger than allowed.
    MessageTooLarge,
    /// No socket with that id in this session.
    UnknownSocket,
    /// The command doesn't apply to this kind of socket or its state.
    WrongSocket,
    /// A system call failed; `errno` says how.
    Os,
    /// The call would block (EAGAIN) and no timeout was given.
    WouldBlock,
    /// The call waited for its timeout.
    TimedOut,
    /// A safety limit or policy refused the command.
    Refused,
    /// Framing could not encode or decode.
    Framing,
    /// The server is shutting down.
    ShuttingDown,
    /// Nothing came from the client for the idle timeout; the session is closed.
    IdleTimeout,
    /// A follower's connection can't run commands (it is read-only).
    ReadOnly,
    /// A follower fell so far behind that the events it needs next are no longer kept.
    FellBehind,
    /// The followed session ended (its lecturer left); the follower's connection ends too.
    SessionEnded,
    /// The wire's hosts can't be made on this machine (user namespaces or TUN not allowed);
    /// the hint says the exact fix. Loopback sockets keep working.
    WireUnavailable,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
