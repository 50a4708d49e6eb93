//! Python for what happened in the lab: the course's own socket code, generated from the
//! session's history, ready to copy and run.
//!
//! Every socket event in the history is one call a Python program makes: `socket_opened` of a
//! listener is `socket(); bind(); listen()`, `sent` is `send(...)`, `received` is `recv(n)`,
//! an error is the exception that call raises. [`PythonCode`] turns a history into those calls,
//! one [`Block`] of lines per event, with variables named after the sockets (`server`,
//! `client`, `conn` when the lesson named them, else `s1`, `s2`…), and
//! [`PythonCode::text`] puts them together as ONE program that performs the same calls in the
//! same order, both ends in one process, and prints what each `recv` returns.
//!
//! # Why one sequential program works
//!
//! `connect()` returns once the kernel has finished the handshake, before the server calls
//! `accept()`; `send()` returns once the kernel has copied the bytes. So the lab's order of
//! calls, replayed top to bottom, never waits for the other end. Where the lab's history is
//! not in that order (an auto-echo reported after the recv that read it), the generator moves
//! the call a recv depends on in front of it. The one thing a single thread can't do is a
//! `sendall` bigger than the buffers while the other end reads (the lab's auto-recv): that
//! send runs in a `threading.Thread`, joined once its last byte has been read.
//!
//! # Runs anywhere
//!
//! Servers bind port 0 (any free port) and clients connect to `server.getsockname()[1]`, so the
//! program doesn't depend on the ports the lab happened to get. A call that failed in the lab
//! is wrapped in `try`/`except` for the exception Python raises, with the socket made
//! non-blocking (or given the lab's timeout) around it, so the program runs to the end.
//!
//! # What the history can't say
//!
//! Events report results, not requests: a `sent` event carries how many bytes went, not which.
//! The generator finds the bytes where the receiving side saw them (recv results and buffer
//! peeks, matched by send number), recognises a length prefix, a JSON header (with its
//! `hashlib.md5(body).hexdigest()`) or a JSON text from the bytes, and writes `b'?'` for bytes
//! no one ever saw. [`PythonCode::with_commands`] takes the commands as sent (by request
//! number) and is then exact: bytes, `struct` format, `SO_REUSEADDR`, backlog, the address of
//! a failed `connect`. Without them, signedness of a length prefix is the course's habit
//! (`'<i'` little-endian, `'!I'` network order) and the backlog is 5.
//!
//! # Layout
//! - this file: the API, a first pass gathering what the history tells, the generator.
//! - `sends`: one send's bytes as Python (`struct.pack`, JSON header).
//! - `literal`: Python literals (`repr` of bytes, `json.dumps(...)`, MD5).

use std::collections::{HashMap, HashSet};

use crate::protocol::{
    AutoBehaviour, Command, EchoMode, Envelope, Errno, ErrorCode, Event, ShutdownHow, SockOption,
    SocketId, SocketKind,
};
use crate::script::Named;

mod literal;
mod sends;

pub use literal::py_bytes;
use literal::{py_bool, seconds};
use sends::{Outgoing, bulk, outgoing_from_bytes, outgoing_from_command, unknown_bytes};

/// Python variable names for lab sockets.
pub type SocketNames = HashMap<SocketId, String>;

/// The commands of a session by request number, for [`PythonCode::with_commands`].
pub type Commands = HashMap<u64, Command>;

/// The Python of one event: the lines that perform its call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Index of the event in the history.
    pub event: usize,
    /// The socket whose call this is, if any.
    pub socket: Option<SocketId>,
    pub lines: Vec<String>,
    /// Other history events these lines perform too: recvs folded into one loop, the error
    /// of a send that failed half-way.
    pub merged: Vec<usize>,
    imports: Imports,
}

/// The modules a block's lines use, besides `socket`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Imports {
    struct_: bool,
    json: bool,
    hashlib: bool,
    hmac: bool,
    threading: bool,
}

impl Imports {
    fn of(out: &Outgoing) -> Self {
        Imports {
            struct_: out.uses_struct,
            json: out.uses_json,
            hashlib: out.uses_hashlib,
            ..Imports::default()
        }
    }

    /// The import lines, in a fixed order.
    fn lines(blocks: &[&Block]) -> Vec<&'static str> {
        let any = |f: fn(&Imports) -> bool| blocks.iter().any(|b| f(&b.imports));
        [
            (true, "import socket"),
            (any(|i| i.struct_), "import struct"),
            (any(|i| i.json), "import json"),
            (any(|i| i.hashlib), "import hashlib"),
            (any(|i| i.hmac), "import hmac"),
            (any(|i| i.threading), "import threading"),
        ]
        .into_iter()
        .filter_map(|(used, line)| used.then_some(line))
        .collect()
    }
}

/// One line of a generated program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyLine {
    pub text: String,
    /// The history index of the event the line performs; `None` for imports and blank lines.
    pub event: Option<usize>,
    pub socket: Option<SocketId>,
}

/// The Python of a whole history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PythonCode {
    blocks: Vec<Block>,
    /// Each history event's request number, to group the events of one command.
    reqs: Vec<Option<u64>>,
}

/// The complete program for `history`: imports, then every call in order.
pub fn python_program(history: &[Envelope], names: &SocketNames) -> String {
    PythonCode::new(history, names).text(None)
}

/// The lines of the step (the events of one command) that `index` belongs to.
pub fn python_for_event(history: &[Envelope], index: usize, names: &SocketNames) -> Vec<String> {
    PythonCode::new(history, names).step_lines(index)
}

/// Variable names from a script's `"as"` names (`{"server": #1}` → `{#1: "server"}`).
pub fn socket_names(named: &HashMap<String, Named>) -> SocketNames {
    named
        .iter()
        .map(|(name, n)| (n.socket, name.clone()))
        .collect()
}

impl PythonCode {
    /// The Python for `history`, finding sent bytes in the history itself.
    pub fn new(history: &[Envelope], names: &SocketNames) -> Self {
        Self::with_commands(history, &Commands::new(), names)
    }

    /// The Python for `history`, taking sent bytes and call details from `commands` (by
    /// request number) where they are known.
    pub fn with_commands(history: &[Envelope], commands: &Commands, names: &SocketNames) -> Self {
        let know = Knowledge::build(history);
        let order = know.order(history);
        // A port referred to after its socket closed needs a variable saved while it was open;
        // the first pass finds out which.
        let mut saved = HashSet::new();
        loop {
            let mut g = Gen::new(history, commands, names, &know, &saved);
            g.run(&order);
            if g.need_saved.is_subset(&saved) {
                return PythonCode {
                    blocks: g.blocks,
                    reqs: history.iter().map(|e| e.req).collect(),
                };
            }
            saved.extend(g.need_saved);
        }
    }

    /// Every event's Python, in program order.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// The program's lines (imports, blank lines and calls) for the first `upto` events of the
    /// history, or all of it; empty when no event made a call.
    pub fn lines(&self, upto: Option<usize>) -> Vec<PyLine> {
        let blocks: Vec<&Block> = self
            .blocks
            .iter()
            .filter(|b| upto.is_none_or(|n| b.event < n))
            .collect();
        if blocks.is_empty() {
            return Vec::new();
        }
        let plain = |text: &str| PyLine {
            text: text.to_owned(),
            event: None,
            socket: None,
        };
        let mut out: Vec<PyLine> = Imports::lines(&blocks).into_iter().map(plain).collect();
        let mut prev: Option<&Block> = None;
        for b in blocks {
            let apart =
                prev.is_none_or(|p| p.socket != b.socket || p.lines.len() > 2 || b.lines.len() > 2);
            if apart {
                out.push(plain(""));
            }
            out.extend(b.lines.iter().map(|text| PyLine {
                text: text.clone(),
                event: Some(b.event),
                socket: b.socket,
            }));
            prev = Some(b);
        }
        out
    }

    /// The program as text (see [`PythonCode::lines`]).
    pub fn text(&self, upto: Option<usize>) -> String {
        let mut s = String::new();
        for line in self.lines(upto) {
            s.push_str(&line.text);
            s.push('\n');
        }
        s
    }

    /// The lines of the step `index` belongs to: every event with its request number.
    pub fn step_lines(&self, index: usize) -> Vec<String> {
        let step = self.step_of(index);
        self.blocks
            .iter()
            .filter(|b| step.contains(&b.event))
            .flat_map(|b| b.lines.iter().cloned())
            .collect()
    }

    /// The history range of the events caused by the same command as event `index`.
    pub fn step_of(&self, index: usize) -> std::ops::Range<usize> {
        let Some(Some(req)) = self.reqs.get(index).copied() else {
            return index..index + 1;
        };
        let same = |i: &usize| self.reqs[*i] == Some(req);
        let start = (0..=index).rev().take_while(same).last().unwrap_or(index);
        let end = (index..self.reqs.len())
            .take_while(same)
            .last()
            .unwrap_or(index);
        start..end + 1
    }
}

// ---- what the history knows about sent bytes and causes ----

/// Facts gathered from the whole history before generating: which bytes each send carried
/// (seen by its receiver) and which event each recv or accept depends on.
#[derive(Debug, Default)]
struct Knowledge {
    /// TCP sends by (socket, send number): their bytes, `None` where no one saw them.
    tcp: HashMap<(SocketId, u32), Vec<Option<u8>>>,
    /// UDP datagrams by (socket, send number), when seen whole.
    udp: HashMap<(SocketId, u32), Vec<u8>>,
    tcp_sent_at: HashMap<(SocketId, u32), usize>,
    udp_sent_at: HashMap<(SocketId, u32), usize>,
    /// Connected (not accepted) TCP sockets' `socket_opened` events by local address.
    connect_at: HashMap<String, usize>,
    /// Connected TCP sockets by local address (unique: an ephemeral port each).
    clients_by_local: HashMap<String, SocketId>,
    /// Accepted TCP sockets by their peer's address (they all share the listener's).
    accepted_by_peer: HashMap<String, SocketId>,
    peer_of: HashMap<SocketId, String>,
    /// The first event that ends a socket's sending side (close or shutdown).
    fin_at: HashMap<SocketId, usize>,
    /// Local addresses of every socket.
    local_of: HashMap<SocketId, String>,
    /// Every socket's kind.
    kinds: HashMap<SocketId, SocketKind>,
    /// Listeners whose port another listener of the session bound too. On Linux a listener
    /// can take a port whose old connections linger in TIME_WAIT only when both sockets set
    /// SO_REUSEADDR, so without the commands these are given it.
    reused: HashSet<SocketId>,
    /// How far each socket's incoming stream had been read after each recv (or auto-recv
    /// summary): (history index, stream offset after it).
    reads: HashMap<SocketId, Vec<(usize, u64)>>,
    /// Sends that only finished because the receiver read at the same time (a `sendall`
    /// bigger than the buffers, to a socket that receives by itself): in Python these run in
    /// a thread, because one sequential program can't be on both sides at once.
    concurrent: HashMap<usize, Concurrent>,
}

/// Where a concurrent send's thread starts and is joined, as history indices.
#[derive(Debug, Clone)]
struct Concurrent {
    /// Before this event: the send itself, or the first recv of its bytes when that was
    /// reported earlier than the send.
    start: usize,
    /// After this event: the send itself, or the recv that read its last byte; `None` when
    /// no recv in the history did (the thread is then a daemon, never waited for).
    join: Option<usize>,
    /// The receiver's recvs from `start` to `join`: they raced the send, so in Python they
    /// become one loop that reads as many bytes, however they come.
    readers: Vec<usize>,
}

/// What a blocking send can leave in the kernel without the receiver reading, at least (a
/// share of the default socket buffers on loopback).
const QUIET_CAPACITY: u64 = 16 * 1024;

impl Knowledge {
    fn build(history: &[Envelope]) -> Self {
        let mut k = Knowledge::default();
        // A sendto waiting for the snapshot that may show its datagram at the head of the
        // receiver's queue: (key, destination, length, whether that queue was empty before).
        let mut pending_udp: Option<((SocketId, u32), String, u64)> = None;
        let mut udp_next: HashMap<SocketId, Option<u64>> = HashMap::new();
        let mut listeners_on: HashMap<String, Vec<SocketId>> = HashMap::new();
        // Sockets receiving by themselves, and buffer sizes set (SO_RCVBUF, SO_SNDBUF).
        let mut auto_recv: HashSet<SocketId> = HashSet::new();
        let mut bufs: HashMap<SocketId, u64> = HashMap::new();
        // Sends that need their receiver reading at the same time: (send, receiver, first
        // read of its bytes if reported before the send, stream offset after the send).
        let mut big: Vec<(usize, SocketId, Option<usize>, u64)> = Vec::new();
        for (i, env) in history.iter().enumerate() {
            match &env.event {
                Event::SocketOpened {
                    socket,
                    kind,
                    local,
                    peer,
                    listener,
                } => {
                    k.local_of.insert(*socket, local.clone());
                    k.kinds.insert(*socket, *kind);
                    if *kind == SocketKind::TcpListener {
                        let same = listeners_on.entry(local.clone()).or_default();
                        same.push(*socket);
                        if same.len() > 1 {
                            k.reused.extend(same.iter().copied());
                        }
                    }
                    if *kind == SocketKind::TcpStream {
                        match (listener, peer) {
                            (None, _) => {
                                k.clients_by_local.insert(local.clone(), *socket);
                                k.connect_at.insert(local.clone(), i);
                            }
                            (Some(l), Some(p)) => {
                                k.accepted_by_peer.insert(p.clone(), *socket);
                                if let Some(b) = bufs.get(l).copied() {
                                    bufs.insert(*socket, b);
                                }
                            }
                            (Some(_), None) => {}
                        }
                    }
                    if let Some(p) = peer {
                        k.peer_of.insert(*socket, p.clone());
                    }
                }
                Event::Sent {
                    socket,
                    send_no,
                    requested,
                    accepted,
                    stream_offset,
                    ..
                } => {
                    k.tcp_sent_at.insert((*socket, *send_no), i);
                    let peer = k.peer_socket(*socket);
                    let first_read = peer
                        .and_then(|peer| k.reads.get(&peer))
                        .and_then(|reads| reads.iter().find(|(_, end)| end > stream_offset))
                        .map(|(at, _)| *at);
                    let room = [Some(socket), peer.as_ref()]
                        .into_iter()
                        .flatten()
                        .filter_map(|s| bufs.get(s))
                        .min()
                        .map_or(QUIET_CAPACITY, |b| b / 2);
                    match (peer, env.req) {
                        (Some(peer), Some(_))
                            if first_read.is_some()
                                || (auto_recv.contains(&peer)
                                    && accepted == requested
                                    && *accepted > room) =>
                        {
                            big.push((i, peer, first_read, stream_offset + accepted));
                        }
                        _ => {}
                    }
                    let len = usize::try_from(*requested).unwrap_or(0);
                    k.tcp
                        .entry((*socket, *send_no))
                        .or_insert_with(|| vec![None; len]);
                }
                Event::Received {
                    socket,
                    data,
                    spans,
                    stream_offset,
                    ..
                } => {
                    k.learn_tcp(data.as_bytes(), spans);
                    let end = stream_offset + data.len() as u64;
                    k.reads.entry(*socket).or_default().push((i, end));
                }
                Event::AutoSummary {
                    socket,
                    stream_offset,
                    ..
                } => {
                    k.reads
                        .entry(*socket)
                        .or_default()
                        .push((i, *stream_offset));
                }
                Event::SentTo {
                    socket,
                    send_no,
                    to,
                    bytes,
                } => {
                    k.udp_sent_at.insert((*socket, *send_no), i);
                    if *bytes == 0 {
                        k.udp.insert((*socket, *send_no), Vec::new());
                    }
                    pending_udp = Some(((*socket, *send_no), to.clone(), *bytes));
                }
                Event::ReceivedFrom {
                    data,
                    truncated,
                    from_socket,
                    send_no,
                    ..
                } => {
                    if let (Some(s), Some(n), false) = (from_socket, send_no, truncated) {
                        k.udp.insert((*s, *n), data.as_bytes().to_vec());
                    }
                }
                Event::AutoSet { socket, auto } => {
                    if auto.recv {
                        auto_recv.insert(*socket);
                    } else {
                        auto_recv.remove(socket);
                    }
                }
                Event::OptionSet {
                    socket,
                    effective: SockOption::Rcvbuf(n) | SockOption::Sndbuf(n),
                    ..
                } => {
                    let b = bufs.entry(*socket).or_insert(u64::from(*n));
                    *b = (*b).min(u64::from(*n));
                }
                Event::ShutDown { socket, how } if *how != ShutdownHow::Read => {
                    k.fin_at.entry(*socket).or_insert(i);
                }
                Event::Closed { socket } => {
                    k.fin_at.entry(*socket).or_insert(i);
                }
                Event::Buffers { sockets } => {
                    if let Some((key, to, len)) = pending_udp.take() {
                        let dest = k
                            .local_of
                            .iter()
                            .find(|(id, l)| **l == to && k.kinds.get(id) == Some(&SocketKind::Udp))
                            .map(|(id, _)| *id);
                        let snap = dest.and_then(|d| sockets.iter().find(|s| s.socket == d));
                        if let (Some(d), Some(snap)) = (dest, snap) {
                            let was_empty = udp_next.get(&d).copied().flatten().is_none();
                            if was_empty
                                && snap.next_datagram == Some(len)
                                && snap.recv_peek.len() as u64 == len
                            {
                                k.udp
                                    .entry(key)
                                    .or_insert_with(|| snap.recv_peek.as_bytes().to_vec());
                            }
                        }
                    }
                    for snap in sockets {
                        if snap.kind == SocketKind::Udp {
                            udp_next.insert(snap.socket, snap.next_datagram);
                        } else {
                            k.learn_tcp(snap.recv_peek.as_bytes(), &snap.recv_spans);
                        }
                    }
                }
                _ => {}
            }
        }
        for (d, peer, first_read, end) in big {
            let reads = k.reads.get(&peer).map(Vec::as_slice).unwrap_or_default();
            // The read of the send's last byte.
            let last = reads.iter().find(|(_, e)| *e >= end).map(|(at, _)| *at);
            let (start, join) = match first_read {
                Some(first) => (first, Some(last.map_or(d, |l| l.max(d)))),
                None => (d, last),
            };
            let until = join.unwrap_or(history.len());
            let readers = reads
                .iter()
                .map(|(at, _)| *at)
                .filter(|at| (start..=until).contains(at) && *at != d)
                .take_while(|at| matches!(&history[*at].event, Event::Received { eof: false, .. }))
                .collect();
            k.concurrent.insert(
                d,
                Concurrent {
                    start,
                    join,
                    readers,
                },
            );
        }
        k
    }

    /// The other end of a connected TCP socket, when it is a lab socket.
    fn peer_socket(&self, socket: SocketId) -> Option<SocketId> {
        let local = self.local_of.get(&socket)?;
        if self.clients_by_local.get(local) == Some(&socket) {
            self.accepted_by_peer.get(local).copied()
        } else {
            self.clients_by_local
                .get(self.peer_of.get(&socket)?)
                .copied()
        }
    }

    /// Records the bytes `spans` say came from lab sends.
    fn learn_tcp(&mut self, data: &[u8], spans: &[crate::protocol::SendSpan]) {
        for span in spans {
            let (Some(from), Some(no)) = (span.from, span.send_no) else {
                continue;
            };
            let send_len = usize::try_from(span.send_len).unwrap_or(0);
            let buf = self
                .tcp
                .entry((from, no))
                .or_insert_with(|| vec![None; send_len]);
            if buf.len() < send_len {
                buf.resize(send_len, None);
            }
            for k in 0..span.len {
                let (Ok(src), Ok(dst)) = (
                    usize::try_from(span.start + k),
                    usize::try_from(span.offset_in_send + k),
                ) else {
                    break;
                };
                if let (Some(b), Some(slot)) = (data.get(src), buf.get_mut(dst)) {
                    *slot = Some(*b);
                }
            }
        }
    }

    /// The history indices of the events event `i` needs to have happened first.
    fn deps(&self, history: &[Envelope], i: usize) -> Vec<usize> {
        match &history[i].event {
            Event::Received {
                socket, spans, eof, ..
            } => {
                let mut d: Vec<usize> = spans
                    .iter()
                    .filter_map(|s| Some((s.from?, s.send_no?)))
                    .filter_map(|key| self.tcp_sent_at.get(&key).copied())
                    .filter(|sent| !(*sent > i && self.concurrent.contains_key(sent)))
                    .collect();
                if *eof
                    && let Some(peer) = self.peer_socket(*socket)
                    && let Some(fin) = self.fin_at.get(&peer)
                {
                    d.push(*fin);
                }
                d
            }
            Event::ReceivedFrom {
                from_socket: Some(s),
                send_no: Some(n),
                ..
            } => self
                .udp_sent_at
                .get(&(*s, *n))
                .copied()
                .into_iter()
                .collect(),
            Event::SocketOpened {
                listener: Some(_),
                peer: Some(peer),
                ..
            } => self.connect_at.get(peer).copied().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The history in an order a single program can follow: each event after the events it
    /// depends on (pulled forward with the earlier events of their own socket), otherwise in
    /// the lab's order.
    fn order(&self, history: &[Envelope]) -> Vec<usize> {
        struct Walk<'a> {
            k: &'a Knowledge,
            history: &'a [Envelope],
            done: Vec<bool>,
            out: Vec<usize>,
            /// Everything before this index has been visited by the main loop.
            front: usize,
        }
        impl Walk<'_> {
            fn visit(&mut self, i: usize) {
                if self.done[i] {
                    return;
                }
                self.done[i] = true;
                if i > self.front
                    && let Some(s) = event_socket(&self.history[i].event)
                {
                    // Pulled forward: its socket's earlier calls go first.
                    for j in self.front..i {
                        if !self.done[j] && event_socket(&self.history[j].event) == Some(s) {
                            self.visit(j);
                        }
                    }
                }
                for d in self.k.deps(self.history, i) {
                    self.visit(d);
                }
                self.out.push(i);
            }
        }
        let mut walk = Walk {
            k: self,
            history,
            done: vec![false; history.len()],
            out: Vec::with_capacity(history.len()),
            front: 0,
        };
        for i in 0..history.len() {
            walk.front = i;
            walk.visit(i);
        }
        walk.out
    }
}

/// The socket an event is about.
fn event_socket(event: &Event) -> Option<SocketId> {
    use Event::*;
    match event {
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
        | Names { socket, .. } => Some(*socket),
        Error { socket, .. } => *socket,
        Hello { .. } | Pong | Buffers { .. } => None,
    }
}

// ---- the generator ----

/// How a Python socket waits, as the generated code has set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Blocking,
    NonBlocking,
    Timeout(u64),
}

#[derive(Debug, Clone)]
struct Sock {
    var: String,
    alive: bool,
    mode: Mode,
}

/// What a failed call reported.
struct Failure<'e> {
    code: ErrorCode,
    message: &'e str,
    errno: Option<&'e Errno>,
    timeout_ms: Option<u64>,
}

/// A call that failed, as far as the command or the error message tells.
enum Call {
    Connect {
        host: String,
        port: u16,
    },
    Bind {
        udp: bool,
        host: String,
        port: u16,
        reuse: bool,
        backlog: u32,
    },
    Accept(SocketId),
    Recv(SocketId, u32),
    RecvFrom(SocketId, u32),
    Send {
        socket: SocketId,
        all: bool,
        out: Option<Outgoing>,
    },
    SendTo {
        socket: SocketId,
        out: Option<Outgoing>,
        host: String,
        port: u16,
    },
    Shutdown(SocketId, ShutdownHow),
    Other,
}

struct Gen<'a> {
    history: &'a [Envelope],
    commands: &'a Commands,
    names: &'a SocketNames,
    know: &'a Knowledge,
    /// Sockets whose port gets a variable (`server_port`) when bound.
    saved: &'a HashSet<SocketId>,
    need_saved: HashSet<SocketId>,
    socks: HashMap<SocketId, Sock>,
    /// The socket last bound to a port: (is UDP, port) → socket.
    owners: HashMap<(bool, u16), SocketId>,
    /// The lab address the Python variable `addr` holds (from the latest `recvfrom`).
    addr_holds: Option<String>,
    /// The socket and length of what the Python variable `data` holds (the latest `recv`).
    data_holds: Option<(SocketId, usize)>,
    /// Events already written as part of another event's block.
    consumed: HashSet<usize>,
    /// Those of them that go with the next block pushed.
    merged: Vec<usize>,
    /// Concurrent sends (see `Knowledge::concurrent`) by the event their thread starts
    /// before, and by the event it is joined after, where that is not the send itself.
    thread_starts: HashMap<usize, Vec<usize>>,
    thread_joins: HashMap<usize, Vec<usize>>,
    /// Each socket's automatic behaviours, as last set.
    auto: HashMap<SocketId, AutoBehaviour>,
    blocks: Vec<Block>,
}

impl<'a> Gen<'a> {
    fn new(
        history: &'a [Envelope],
        commands: &'a Commands,
        names: &'a SocketNames,
        know: &'a Knowledge,
        saved: &'a HashSet<SocketId>,
    ) -> Self {
        Gen {
            history,
            commands,
            names,
            know,
            saved,
            need_saved: HashSet::new(),
            socks: HashMap::new(),
            owners: HashMap::new(),
            addr_holds: None,
            data_holds: None,
            consumed: HashSet::new(),
            merged: Vec::new(),
            thread_starts: by_event(&know.concurrent, |c| Some(c.start)),
            thread_joins: by_event(&know.concurrent, |c| c.join),
            auto: HashMap::new(),
            blocks: Vec::new(),
        }
    }

    fn run(&mut self, order: &[usize]) {
        for &i in order {
            for d in self.thread_starts.remove(&i).unwrap_or_default() {
                self.thread_start(d, i);
            }
            if !self.consumed.contains(&i) {
                self.event(i);
            }
            for d in self.thread_joins.remove(&i).unwrap_or_default() {
                self.thread_join(d, i);
            }
        }
    }

    fn push(&mut self, event: usize, socket: Option<SocketId>, lines: Vec<String>) {
        self.push_with(event, socket, lines, Imports::default());
    }

    fn push_with(
        &mut self,
        event: usize,
        socket: Option<SocketId>,
        lines: Vec<String>,
        imports: Imports,
    ) {
        if !lines.is_empty() {
            self.blocks.push(Block {
                event,
                socket,
                lines,
                merged: std::mem::take(&mut self.merged),
                imports,
            });
        }
    }

    fn command(&self, i: usize) -> Option<&'a Command> {
        self.history[i].req.and_then(|r| self.commands.get(&r))
    }

    // ---- names ----

    /// The variable of a socket, giving it one if it was never seen opening.
    fn var(&mut self, id: SocketId) -> String {
        if let Some(s) = self.socks.get(&id) {
            return s.var.clone();
        }
        self.open_var(id)
    }

    /// A fresh variable for a socket that is opening now.
    fn open_var(&mut self, id: SocketId) -> String {
        let base = match self.names.get(&id) {
            Some(name) => identifier(name),
            None => format!("s{}", id.0),
        };
        let taken = |g: &Self, v: &str| {
            g.socks
                .iter()
                .any(|(other, s)| *other != id && s.alive && s.var == v)
        };
        let var = if taken(self, &base) {
            format!("{base}_{}", id.0)
        } else {
            base
        };
        self.socks.insert(
            id,
            Sock {
                var: var.clone(),
                alive: true,
                mode: Mode::Blocking,
            },
        );
        var
    }

    /// A variable for a socket the lab never made (a failed `connect` or `bind`).
    fn temp_var(&self) -> String {
        let live = |v: &str| self.socks.values().any(|s| s.alive && s.var == v);
        let mut var = "sock".to_owned();
        let mut n = 2;
        while live(&var) {
            var = format!("sock{n}");
            n += 1;
        }
        var
    }

    fn mode(&self, id: SocketId) -> Mode {
        self.socks.get(&id).map_or(Mode::Blocking, |s| s.mode)
    }

    // ---- ports ----

    /// The Python expression for a port the lab used: the bound socket's own port when it is
    /// one of this program's sockets, else the number.
    fn port_ref(&mut self, udp: bool, port: u16) -> String {
        let Some(owner) = self.owners.get(&(udp, port)).copied() else {
            return port.to_string();
        };
        let sock = &self.socks[&owner];
        if sock.alive {
            format!("{}.getsockname()[1]", sock.var)
        } else if self.saved.contains(&owner) {
            format!("{}_port", sock.var)
        } else {
            self.need_saved.insert(owner);
            port.to_string()
        }
    }

    /// The port to bind: 0 (any free port) unless an earlier socket of this program had it.
    fn bind_port(&mut self, udp: bool, port: u16) -> String {
        if self.owners.contains_key(&(udp, port)) {
            self.port_ref(udp, port)
        } else {
            "0".to_owned()
        }
    }

    /// Registers `id` as bound to `local`'s port, saving the port in a variable if needed.
    fn bound(&mut self, id: SocketId, udp: bool, local: &str, lines: &mut Vec<String>) {
        let (_, port) = split_addr(local);
        self.owners.insert((udp, port), id);
        if self.saved.contains(&id) {
            let var = &self.socks[&id].var;
            lines.push(format!("{var}_port = {var}.getsockname()[1]"));
        }
    }

    // ---- events ----

    fn event(&mut self, i: usize) {
        let history = self.history;
        match &history[i].event {
            Event::Hello { .. } | Event::Pong | Event::Buffers { .. } => {}
            Event::SocketOpened {
                socket,
                kind,
                local,
                peer,
                listener,
            } => self.opened(i, *socket, *kind, local, peer.as_deref(), *listener),
            Event::Sent {
                socket,
                send_no,
                requested,
                accepted,
                header_len,
                trailer_len,
                all,
                ..
            } => self.sent(
                i,
                *socket,
                (*send_no, *requested, *header_len, *trailer_len),
                *accepted,
                *all,
            ),
            Event::Received {
                socket,
                data,
                bufsize,
                eof,
                auto,
                ..
            } if self.fold_reads(i, *socket, *bufsize) => {}
            Event::Received {
                socket,
                data,
                bufsize,
                eof,
                auto,
                ..
            } => {
                let var = self.var(*socket);
                let mut first = format!("data = {var}.recv({bufsize})");
                if *auto {
                    first.push_str("  # auto-recv");
                }
                let mut print = "print(data)".to_owned();
                if *eof && data.is_empty() {
                    print.push_str("  # b'': the peer closed its side");
                }
                self.data_holds = Some((*socket, data.len()));
                self.push(i, Some(*socket), vec![first, print]);
            }
            Event::AutoSummary {
                socket,
                recvs,
                bytes,
                echoed,
                eof,
                ..
            } => {
                let lines = self.auto_summary(*socket, *recvs, *bytes, *echoed, *eof);
                self.push(i, Some(*socket), lines);
            }
            Event::SentTo {
                socket,
                send_no,
                to,
                bytes,
            } => self.sent_to(i, *socket, *send_no, to, *bytes),
            Event::ReceivedFrom {
                socket,
                from,
                bufsize,
                truncated,
                real_len,
                ..
            } => {
                let var = self.var(*socket);
                let mut lines = vec![
                    format!("msg, addr = {var}.recvfrom({bufsize})"),
                    "print(msg)".to_owned(),
                ];
                if *truncated {
                    lines[1].push_str(&format!(
                        "  # the datagram had {real_len} bytes: the rest is lost"
                    ));
                }
                self.addr_holds = Some(from.clone());
                self.push(i, Some(*socket), lines);
            }
            Event::ShutDown { socket, how } => {
                let var = self.var(*socket);
                let line = format!("{var}.shutdown({})", shut_how(*how));
                self.push(i, Some(*socket), vec![line]);
            }
            Event::Closed { socket } => {
                let var = self.var(*socket);
                if let Some(s) = self.socks.get_mut(socket) {
                    s.alive = false;
                }
                self.push(i, Some(*socket), vec![format!("{var}.close()")]);
            }
            Event::OptionSet {
                socket,
                option,
                effective,
            } => {
                let lines = self.option(*socket, option, effective);
                self.push(i, Some(*socket), lines);
            }
            Event::Names { socket, peer, .. } => {
                let var = self.var(*socket);
                let mut lines = vec![format!("print({var}.getsockname())")];
                if peer.is_some() {
                    lines.push(format!("print({var}.getpeername())"));
                } else if self.know.kinds.get(socket) == Some(&SocketKind::TcpStream) {
                    lines.push(format!(
                        "# {var}.getpeername() would raise OSError: [Errno 107] ENOTCONN"
                    ));
                }
                self.push(i, Some(*socket), lines);
            }
            Event::AutoSet { socket, auto } => {
                self.auto.insert(*socket, *auto);
                let var = self.var(*socket);
                let line = format!("# {var}: {}", describe_auto(auto));
                self.push(i, Some(*socket), vec![line]);
            }
            Event::Error {
                code,
                message,
                socket,
                errno,
                ..
            } => {
                let failure = Failure {
                    code: *code,
                    message,
                    errno: errno.as_ref(),
                    timeout_ms: None,
                };
                self.error(i, *socket, failure);
            }
        }
    }

    fn opened(
        &mut self,
        i: usize,
        id: SocketId,
        kind: SocketKind,
        local: &str,
        peer: Option<&str>,
        listener: Option<SocketId>,
    ) {
        let (ip, port) = split_addr(local);
        let family = family(&ip);
        let mut lines = Vec::new();
        match (kind, listener) {
            (SocketKind::TcpListener, _) => {
                let bind = self.bind_port(false, port);
                let var = self.open_var(id);
                let (reuse, backlog) = match self.command(i) {
                    Some(Command::TcpListen {
                        reuse_addr,
                        backlog,
                        ..
                    }) => (*reuse_addr, *backlog),
                    // Listeners that share a port in one session: binding it again only
                    // works with SO_REUSEADDR set on both (see `Knowledge::reused`).
                    _ => (self.know.reused.contains(&id), 5),
                };
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_STREAM)"
                ));
                if reuse {
                    lines.push(format!(
                        "{var}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
                    ));
                }
                lines.push(format!("{var}.bind(('{ip}', {bind}))"));
                lines.push(format!("{var}.listen({backlog})"));
                self.bound(id, false, local, &mut lines);
            }
            (SocketKind::TcpStream, Some(l)) => {
                let server = self.var(l);
                let var = self.open_var(id);
                let mut line = format!("{var}, addr = {server}.accept()");
                let external = peer.is_some_and(|p| !self.know.connect_at.contains_key(p));
                if external {
                    line.push_str("  # waits for a client from outside this program");
                } else if self.history[i].req.is_none() {
                    line.push_str("  # auto-accept");
                }
                lines.push(line);
                self.addr_holds = None;
            }
            (SocketKind::TcpStream, None) => {
                let (peer_ip, peer_port) = split_addr(peer.unwrap_or_default());
                let target = self.port_ref(false, peer_port);
                let var = self.open_var(id);
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_STREAM)"
                ));
                lines.push(format!("{var}.connect(('{peer_ip}', {target}))"));
            }
            (SocketKind::Udp, _) => {
                let bind = self.bind_port(true, port);
                let var = self.open_var(id);
                lines.push(format!(
                    "{var} = socket.socket({family}, socket.SOCK_DGRAM)"
                ));
                lines.push(format!("{var}.bind(('{ip}', {bind}))"));
                self.bound(id, true, local, &mut lines);
            }
        }
        self.push(i, Some(id), lines);
    }

    /// The error event right after event `i`, caused by the same command, if any; it is then
    /// written as part of event `i`.
    fn take_error(&mut self, i: usize) -> Option<Failure<'a>> {
        let history = self.history;
        let next = history.get(i + 1)?;
        if next.req.is_none() || next.req != history[i].req {
            return None;
        }
        let Event::Error {
            code,
            message,
            errno,
            ..
        } = &next.event
        else {
            return None;
        };
        self.consumed.insert(i + 1);
        self.merged.push(i + 1);
        Some(Failure {
            code: *code,
            message,
            errno: errno.as_ref(),
            timeout_ms: None,
        })
    }

    /// The bytes of the send reported by event `i`, as Python.
    fn outgoing(
        &self,
        i: usize,
        socket: SocketId,
        (send_no, requested, header_len, trailer_len): (u32, u64, u32, u32),
    ) -> Outgoing {
        let out = match self.command(i) {
            Some(Command::SendBulk { bytes, .. }) => Some(bulk(*bytes)),
            Some(
                Command::Send {
                    data,
                    framing,
                    header,
                    ..
                }
                | Command::SendAll {
                    data,
                    framing,
                    header,
                    ..
                },
            ) => outgoing_from_command(data.as_bytes(), framing, header.as_ref()),
            _ => None,
        };
        out.unwrap_or_else(|| {
            let bytes = self
                .know
                .tcp
                .get(&(socket, send_no))
                .cloned()
                .unwrap_or_else(|| vec![None; usize::try_from(requested).unwrap_or(0)]);
            outgoing_from_bytes(&bytes, header_len, trailer_len, None)
        })
    }

    /// Waits for the thread of the send of event `d`, after event `at`.
    fn thread_join(&mut self, d: usize, at: usize) {
        let Event::Sent { socket, .. } = &self.history[d].event else {
            return;
        };
        let var = self.var(*socket);
        self.push(at, Some(*socket), vec![format!("{var}_thread.join()")]);
    }

    /// The recvs that raced a send running in a thread (see `Concurrent::readers`), written
    /// at the first of them as one loop reading as many bytes; false when `i` isn't such a
    /// first recv.
    fn fold_reads(&mut self, i: usize, socket: SocketId, bufsize: u32) -> bool {
        let know = self.know;
        let Some(readers) = know
            .concurrent
            .values()
            .map(|c| &c.readers)
            .find(|r| r.first() == Some(&i))
        else {
            return false;
        };
        let history = self.history;
        let bytes: usize = readers
            .iter()
            .map(|r| match &history[*r].event {
                Event::Received { data, .. } => data.len(),
                _ => 0,
            })
            .sum();
        let var = self.var(socket);
        let lines = vec![
            format!(
                "# {var}: {} recv() calls in the lab read these {bytes} bytes as they came",
                readers.len()
            ),
            "got = 0".to_owned(),
            format!("while got < {bytes}:"),
            format!("    data = {var}.recv({bufsize})"),
            "    print(data)".to_owned(),
            "    got += len(data)".to_owned(),
        ];
        for r in &readers[1..] {
            self.consumed.insert(*r);
            self.merged.push(*r);
        }
        self.data_holds = None;
        self.push(i, Some(socket), lines);
        true
    }

    /// An auto-receiving socket's answer, as the lab's service computes it: the HMAC client's
    /// `hmac.new(key, challenge, hashlib.sha256).digest()` of the challenge just received; the
    /// HMAC server's challenge is random, so it stays a literal, with a comment.
    fn service_reply(&self, socket: SocketId, len: u64, out: &mut Outgoing, imports: &mut Imports) {
        let echo = self.auto.get(&socket).map(|a| a.echo);
        match echo {
            Some(EchoMode::HmacClient { right_key })
                if len == HMAC_LEN && self.data_holds == Some((socket, HMAC_LEN as usize)) =>
            {
                let key = if right_key { HMAC_KEY } else { HMAC_WRONG_KEY };
                out.pre.clear();
                out.expr = format!("hmac.new({}, data, hashlib.sha256).digest()", py_bytes(key));
                imports.hmac = true;
                imports.hashlib = true;
            }
            Some(EchoMode::HmacServer) if len == HMAC_LEN => {
                out.pre
                    .push("# a random challenge: os.urandom(32) in a real server".to_owned());
            }
            _ => {}
        }
    }

    /// The send of event `d`, started in a thread before event `at` (the send itself, or the
    /// first recv that read its bytes, if the lab reported that one earlier).
    fn thread_start(&mut self, d: usize, at: usize) {
        let Event::Sent {
            socket,
            send_no,
            requested,
            header_len,
            trailer_len,
            all,
            ..
        } = &self.history[d].event
        else {
            return;
        };
        let var = self.var(*socket);
        let out = self.outgoing(
            d,
            *socket,
            (*send_no, *requested, *header_len, *trailer_len),
        );
        let call = if *all { "sendall" } else { "send" };
        let imports = Imports::of(&out);
        let mut lines = out.pre;
        lines.push(format!(
            "# {var}.{call}() waits for room while the other end reads: it runs in a thread"
        ));
        let daemon = self
            .know
            .concurrent
            .get(&d)
            .is_some_and(|c| c.join.is_none());
        lines.push(format!(
            "{var}_thread = threading.Thread(target={var}.{call}, args=({},){})",
            out.expr,
            if daemon { ", daemon=True" } else { "" }
        ));
        lines.push(format!("{var}_thread.start()"));
        let imports = Imports {
            threading: true,
            ..imports
        };
        self.blocks.push(Block {
            event: at,
            socket: Some(*socket),
            lines,
            merged: Vec::new(),
            imports,
        });
    }

    fn sent(
        &mut self,
        i: usize,
        socket: SocketId,
        (send_no, requested, header_len, trailer_len): (u32, u64, u32, u32),
        accepted: u64,
        all: bool,
    ) {
        let var = self.var(socket);
        let call = if all { "sendall" } else { "send" };
        let know = self.know;
        if let Some(c) = know.concurrent.get(&i) {
            // Sent by a thread: the receiver reads at the same time.
            let failure = self.take_error(i);
            if c.start == i {
                self.thread_start(i, i);
            }
            let mut lines = Vec::new();
            if c.join == Some(i) {
                lines.push(format!("{var}_thread.join()"));
            }
            if let Some(f) = failure {
                lines.push(format!("# the lab's {call}() raised {}", exception(&f).1));
            }
            self.push(i, Some(socket), lines);
            return;
        }
        let mut out = self.outgoing(i, socket, (send_no, requested, header_len, trailer_len));
        let mut imports = Imports::of(&out);
        if self.history[i].req.is_none() {
            // An automatic answer: write it as the service computes it, where Python can.
            self.service_reply(socket, requested, &mut out, &mut imports);
        }
        let failure = self.take_error(i);
        let mut lines = out.pre;
        let mut body = vec![format!("{var}.{call}({})", out.expr)];
        match failure {
            Some(f) => {
                let guarded = self.guarded(Some(socket), &var, body, &f);
                lines.extend(guarded);
            }
            None if accepted < requested && !all => {
                // One send() that took only part: the lab's socket did not wait, and a
                // blocking Python send() would wait for room for everything.
                let wrap = self.mode(socket) == Mode::Blocking;
                if wrap {
                    lines.push(format!("{var}.setblocking(False)"));
                }
                body[0] = format!("n = {var}.send({})", out.expr);
                lines.extend(body);
                lines.push(format!(
                    "print(n)  # the lab's send() took {accepted} of {requested} bytes"
                ));
                if wrap {
                    lines.push(format!("{var}.setblocking(True)"));
                }
            }
            None => lines.extend(body),
        }
        self.push_with(i, Some(socket), lines, imports);
    }

    /// Many automatic recvs reported as one summary: a loop that reads as many bytes (or
    /// datagrams), echoing them back as the lab did when the echo is one Python can repeat.
    fn auto_summary(
        &mut self,
        socket: SocketId,
        recvs: u64,
        bytes: u64,
        echoed: u64,
        eof: bool,
    ) -> Vec<String> {
        let var = self.var(socket);
        let auto = self.auto.get(&socket).copied().unwrap_or_default();
        let bufsize = if auto.bufsize == 0 {
            1024
        } else {
            auto.bufsize
        };
        let udp = self.know.kinds.get(&socket) == Some(&SocketKind::Udp);
        self.data_holds = None;
        let (what, data) = if udp {
            ("recvfrom", "msg")
        } else {
            ("recv", "data")
        };
        let echo = match auto.echo {
            _ if echoed == 0 => None,
            EchoMode::Same => Some(data.to_owned()),
            EchoMode::Upper => Some(format!("{data}.upper()")),
            _ => None,
        };
        let mut lines = vec![format!(
            "# {var}: {recvs} automatic {what}() calls read {bytes} bytes"
        )];
        if udp {
            lines.push(format!("for _ in range({recvs}):"));
            lines.push(format!("    msg, addr = {var}.recvfrom({bufsize})"));
            if let Some(e) = &echo {
                lines.push(format!("    {var}.sendto({e}, addr)"));
            }
            self.addr_holds = None;
        } else if bytes > 0 {
            lines.push("got = 0".to_owned());
            lines.push(format!("while got < {bytes}:"));
            lines.push(format!("    data = {var}.recv({bufsize})"));
            lines.push("    got += len(data)".to_owned());
            if let Some(e) = &echo {
                lines.push(format!("    {var}.sendall({e})"));
            }
        }
        if echoed > 0 && echo.is_none() {
            lines.push(format!(
                "# (the lab also answered with {echoed} bytes: not written out)"
            ));
        }
        if eof && !udp {
            lines.push(format!(
                "data = {var}.recv({bufsize})  # b'': the peer closed its side"
            ));
        }
        lines
    }

    fn sent_to(&mut self, i: usize, socket: SocketId, send_no: u32, to: &str, bytes: u64) {
        let var = self.var(socket);
        let data = match self.command(i) {
            Some(Command::SendTo { data, .. }) => Some(data.as_bytes().to_vec()),
            _ => self.know.udp.get(&(socket, send_no)).cloned(),
        };
        let data: Vec<Option<u8>> = match data {
            Some(d) => d.into_iter().map(Some).collect(),
            None => vec![None; usize::try_from(bytes).unwrap_or(0)],
        };
        let out = outgoing_from_bytes(&data, 0, 0, None);
        let dest = self.dest(to);
        let imports = Imports::of(&out);
        let mut lines = out.pre;
        lines.push(format!("{var}.sendto({}, {dest})", out.expr));
        self.push_with(i, Some(socket), lines, imports);
    }

    /// The address argument of `sendto`: `addr` when it holds that address, else a tuple.
    fn dest(&mut self, to: &str) -> String {
        if self.addr_holds.as_deref() == Some(to) {
            return "addr".to_owned();
        }
        let (ip, port) = split_addr(to);
        let port = self.port_ref(true, port);
        format!("('{ip}', {port})")
    }

    fn option(&mut self, id: SocketId, option: &SockOption, effective: &SockOption) -> Vec<String> {
        let var = self.var(id);
        let flag = |b: bool| if b { 1 } else { 0 };
        let mut lines = Vec::new();
        match option {
            SockOption::Nodelay(b) => lines.push(format!(
                "{var}.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, {})",
                flag(*b)
            )),
            SockOption::ReuseAddr(b) => lines.push(format!(
                "{var}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, {})",
                flag(*b)
            )),
            SockOption::Rcvbuf(n) | SockOption::Sndbuf(n) => {
                let name = if matches!(option, SockOption::Rcvbuf(_)) {
                    "SO_RCVBUF"
                } else {
                    "SO_SNDBUF"
                };
                lines.push(format!(
                    "{var}.setsockopt(socket.SOL_SOCKET, socket.{name}, {n})"
                ));
                if let SockOption::Rcvbuf(got) | SockOption::Sndbuf(got) = effective
                    && got != n
                {
                    lines.push(format!(
                        "print({var}.getsockopt(socket.SOL_SOCKET, socket.{name}))  # the lab's kernel said {got}"
                    ));
                }
            }
            SockOption::Blocking(b) => {
                lines.push(format!("{var}.setblocking({})", py_bool(*b)));
                self.set_mode(
                    id,
                    if *b {
                        Mode::Blocking
                    } else {
                        Mode::NonBlocking
                    },
                );
            }
            SockOption::TimeoutMs(ms) => {
                let (arg, mode) = match ms {
                    Some(ms) => (seconds(*ms), Mode::Timeout(*ms)),
                    None => ("None".to_owned(), Mode::Blocking),
                };
                lines.push(format!("{var}.settimeout({arg})"));
                self.set_mode(id, mode);
            }
        }
        lines
    }

    fn set_mode(&mut self, id: SocketId, mode: Mode) {
        if let Some(s) = self.socks.get_mut(&id) {
            s.mode = mode;
        }
    }

    /// `body` in `try`/`except` for the exception the lab's call met, with the socket made
    /// non-blocking or given the lab's timeout around it, so the call can't hang.
    fn guarded(
        &self,
        socket: Option<SocketId>,
        var: &str,
        body: Vec<String>,
        f: &Failure,
    ) -> Vec<String> {
        let (class, shown) = exception(f);
        let mut lines = vec![format!("# raises {shown}")];
        let current = socket.map_or(Mode::Blocking, |s| self.mode(s));
        let wanted = match f.code {
            ErrorCode::WouldBlock => Some(Mode::NonBlocking),
            ErrorCode::TimedOut => f
                .timeout_ms
                .or_else(|| timeout_in(f.message))
                .map(Mode::Timeout),
            _ => None,
        }
        .filter(|m| *m != current);
        if let Some(m) = wanted {
            lines.push(mode_line(var, m));
        }
        lines.push("try:".to_owned());
        lines.extend(body.into_iter().map(|l| format!("    {l}")));
        lines.push(format!("except {class} as e:"));
        lines.push("    print(type(e).__name__, e)".to_owned());
        if wanted.is_some() && socket.is_some() {
            lines.push(mode_line(var, current));
        }
        lines
    }

    fn error(&mut self, i: usize, socket: Option<SocketId>, mut f: Failure<'a>) {
        let call = self.failed_call(i, socket, f.message);
        if !matches!(
            f.code,
            ErrorCode::Os | ErrorCode::WouldBlock | ErrorCode::TimedOut
        ) {
            // Not a system call's error: the lab itself said no.
            let line = format!("# the lab refused: {}", one_line(f.message));
            self.push(i, socket, vec![line]);
            return;
        }
        f.timeout_ms = f.timeout_ms.or(match self.command(i) {
            Some(
                Command::Accept { timeout_ms, .. }
                | Command::Connect { timeout_ms, .. }
                | Command::Recv { timeout_ms, .. }
                | Command::RecvFrom { timeout_ms, .. }
                | Command::SendAll { timeout_ms, .. }
                | Command::SendBulk { timeout_ms, .. },
            ) => *timeout_ms,
            _ => None,
        });
        let (lines, socket, imports) = match call {
            Call::Connect { host, port } => {
                let tmp = self.temp_var();
                let target = self.port_ref(false, port);
                let mut lines = vec![format!(
                    "{tmp} = socket.socket({}, socket.SOCK_STREAM)",
                    family(&host)
                )];
                let body = vec![format!("{tmp}.connect(('{host}', {target}))")];
                lines.extend(self.guarded(None, &tmp, body, &f));
                lines.push(format!("{tmp}.close()"));
                (lines, None, Imports::default())
            }
            Call::Bind {
                udp,
                host,
                port,
                reuse,
                backlog,
            } => {
                let tmp = self.temp_var();
                let target = self.port_ref(udp, port);
                let ty = if udp { "SOCK_DGRAM" } else { "SOCK_STREAM" };
                let mut lines = vec![format!(
                    "{tmp} = socket.socket({}, socket.{ty})",
                    family(&host)
                )];
                if reuse {
                    lines.push(format!(
                        "{tmp}.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)"
                    ));
                }
                let mut body = vec![format!("{tmp}.bind(('{host}', {target}))")];
                if !udp {
                    body.push(format!("{tmp}.listen({backlog})"));
                }
                lines.extend(self.guarded(None, &tmp, body, &f));
                lines.push(format!("{tmp}.close()"));
                (lines, None, Imports::default())
            }
            Call::Accept(s) => {
                let var = self.var(s);
                let body = vec![format!("{var}.accept()")];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Recv(s, n) => {
                self.data_holds = None;
                let var = self.var(s);
                let body = vec![format!("data = {var}.recv({n})"), "print(data)".to_owned()];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::RecvFrom(s, n) => {
                let var = self.var(s);
                let body = vec![
                    format!("msg, addr = {var}.recvfrom({n})"),
                    "print(msg)".to_owned(),
                ];
                self.addr_holds = None;
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Send {
                socket: s,
                all,
                out,
            } => {
                let var = self.var(s);
                let out = out.unwrap_or_else(unknown_bytes);
                let call = if all { "sendall" } else { "send" };
                let imports = Imports::of(&out);
                let mut lines = out.pre;
                let body = vec![format!("{var}.{call}({})", out.expr)];
                lines.extend(self.guarded(Some(s), &var, body, &f));
                (lines, Some(s), imports)
            }
            Call::SendTo {
                socket: s,
                out,
                host,
                port,
            } => {
                let var = self.var(s);
                let out = out.unwrap_or_else(unknown_bytes);
                let dest = self.dest(&format!("{host}:{port}"));
                let imports = Imports::of(&out);
                let mut lines = out.pre;
                let body = vec![format!("{var}.sendto({}, {dest})", out.expr)];
                lines.extend(self.guarded(Some(s), &var, body, &f));
                (lines, Some(s), imports)
            }
            Call::Shutdown(s, how) => {
                let var = self.var(s);
                let body = vec![format!("{var}.shutdown({})", shut_how(how))];
                (
                    self.guarded(Some(s), &var, body, &f),
                    Some(s),
                    Imports::default(),
                )
            }
            Call::Other => {
                let (_, shown) = exception(&f);
                let lines = vec![format!(
                    "# {} -> {shown}",
                    one_line(f.message.split(" failed").next().unwrap_or(f.message))
                )];
                (lines, socket, Imports::default())
            }
        };
        self.push_with(i, socket, lines, imports);
    }

    /// Which call failed: from the command when known, else from the error message, which
    /// starts with the call as Python would write it (`connect(('127.0.0.1', 9)) failed: ...`).
    fn failed_call(&self, i: usize, socket: Option<SocketId>, message: &str) -> Call {
        if let Some(cmd) = self.command(i) {
            return match cmd {
                Command::Connect { host, port, .. } => Call::Connect {
                    host: host.clone(),
                    port: *port,
                },
                Command::TcpListen {
                    host,
                    port,
                    backlog,
                    reuse_addr,
                } => Call::Bind {
                    udp: false,
                    host: host.clone(),
                    port: *port,
                    reuse: *reuse_addr,
                    backlog: *backlog,
                },
                Command::UdpBind { host, port } => Call::Bind {
                    udp: true,
                    host: host.clone(),
                    port: *port,
                    reuse: false,
                    backlog: 0,
                },
                Command::Accept { socket, .. } => Call::Accept(*socket),
                Command::Recv {
                    socket, bufsize, ..
                } => Call::Recv(*socket, *bufsize),
                Command::RecvFrom {
                    socket, bufsize, ..
                } => Call::RecvFrom(*socket, *bufsize),
                Command::Send {
                    socket,
                    data,
                    framing,
                    header,
                }
                | Command::SendAll {
                    socket,
                    data,
                    framing,
                    header,
                    ..
                } => Call::Send {
                    socket: *socket,
                    all: matches!(cmd, Command::SendAll { .. }),
                    out: outgoing_from_command(data.as_bytes(), framing, header.as_ref()),
                },
                Command::SendBulk { socket, bytes, .. } => Call::Send {
                    socket: *socket,
                    all: true,
                    out: Some(bulk(*bytes)),
                },
                Command::SendTo {
                    socket,
                    data,
                    host,
                    port,
                } => Call::SendTo {
                    socket: *socket,
                    out: Some(outgoing_from_bytes(
                        &data
                            .as_bytes()
                            .iter()
                            .copied()
                            .map(Some)
                            .collect::<Vec<_>>(),
                        0,
                        0,
                        None,
                    )),
                    host: host.clone(),
                    port: *port,
                },
                Command::Shutdown { socket, how } => Call::Shutdown(*socket, *how),
                _ => Call::Other,
            };
        }
        let call = message
            .split(" failed")
            .next()
            .unwrap_or(message)
            .split(" timed out")
            .next()
            .unwrap_or(message);
        let number = |s: &str| s.trim_end_matches(')').parse::<u32>().ok();
        if let Some(rest) = call.strip_prefix("connect((") {
            let (host, port) = tuple_addr(rest);
            return Call::Connect { host, port };
        }
        if let Some(rest) = call.strip_prefix("bind((") {
            let (host, port) = tuple_addr(rest);
            return Call::Bind {
                udp: false,
                host,
                port,
                reuse: false,
                backlog: 5,
            };
        }
        let Some(s) = socket else {
            return Call::Other;
        };
        if call == "accept()" {
            Call::Accept(s)
        } else if let Some(n) = call.strip_prefix("recvfrom(").and_then(number) {
            Call::RecvFrom(s, n)
        } else if let Some(n) = call.strip_prefix("recv(").and_then(number) {
            Call::Recv(s, n)
        } else if call == "send()" || call == "sendall()" {
            Call::Send {
                socket: s,
                all: call == "sendall()",
                out: None,
            }
        } else if let Some(rest) = call.strip_prefix("sendto(..., (") {
            let (host, port) = tuple_addr(rest);
            Call::SendTo {
                socket: s,
                out: None,
                host,
                port,
            }
        } else if call == "shutdown()" {
            Call::Shutdown(s, ShutdownHow::Write)
        } else {
            Call::Other
        }
    }
}

/// The keys of the lab's HMAC client (backend/src/engine/services.rs): the shared secret, and
/// the guess of a client that doesn't know it. The Python tests run the generated HMAC code
/// against the lab, so a change there shows up as a failing test.
const HMAC_KEY: &[u8] = b"socklab secret key";
const HMAC_WRONG_KEY: &[u8] = b"guess";
/// Length of the HMAC server's challenge and of an HMAC-SHA256 digest.
const HMAC_LEN: u64 = 32;

/// Concurrent sends grouped by one of their events (`None`: not grouped), each group in
/// history order.
fn by_event(
    concurrent: &HashMap<usize, Concurrent>,
    at: impl Fn(&Concurrent) -> Option<usize>,
) -> HashMap<usize, Vec<usize>> {
    let mut m: HashMap<usize, Vec<usize>> = HashMap::new();
    for (d, c) in concurrent {
        if let Some(at) = at(c).filter(|at| at != d) {
            m.entry(at).or_default().push(*d);
        }
    }
    m.values_mut().for_each(|v| v.sort_unstable());
    m
}

fn mode_line(var: &str, mode: Mode) -> String {
    match mode {
        Mode::Blocking => format!("{var}.setblocking(True)"),
        Mode::NonBlocking => format!("{var}.setblocking(False)"),
        Mode::Timeout(ms) => format!("{var}.settimeout({})", seconds(ms)),
    }
}

fn shut_how(how: ShutdownHow) -> &'static str {
    match how {
        ShutdownHow::Read => "socket.SHUT_RD",
        ShutdownHow::Write => "socket.SHUT_WR",
        ShutdownHow::Both => "socket.SHUT_RDWR",
    }
}

/// The exception class to catch and how to show it: `("ConnectionRefusedError",
/// "ConnectionRefusedError: [Errno 111] ECONNREFUSED")`.
fn exception(f: &Failure) -> (&'static str, String) {
    if f.code == ErrorCode::TimedOut {
        return (
            "socket.timeout",
            "socket.timeout (TimeoutError): timed out".to_owned(),
        );
    }
    let class = match f.errno.map(|e| e.name.as_str()) {
        _ if f.code == ErrorCode::WouldBlock => "BlockingIOError",
        Some("ECONNREFUSED") => "ConnectionRefusedError",
        Some("ECONNRESET") => "ConnectionResetError",
        Some("ECONNABORTED") => "ConnectionAbortedError",
        Some("EPIPE" | "ESHUTDOWN") => "BrokenPipeError",
        Some("ETIMEDOUT") => "TimeoutError",
        Some("EAGAIN" | "EWOULDBLOCK" | "EINPROGRESS" | "EALREADY") => "BlockingIOError",
        Some("EINTR") => "InterruptedError",
        _ => "OSError",
    };
    let shown = match f.errno {
        Some(e) => format!("{class}: [Errno {}] {}", e.number, e.name),
        None => format!("{class}: {}", one_line(f.message)),
    };
    (class, shown)
}

/// `"... timed out after 2000 ms ..."` → 2000.
fn timeout_in(message: &str) -> Option<u64> {
    let rest = message.split("timed out after ").nth(1)?;
    rest.split(' ').next()?.parse().ok()
}

fn describe_auto(a: &AutoBehaviour) -> String {
    let mut on = Vec::new();
    if a.accept {
        on.push("accepts".to_owned());
    }
    if a.recv {
        on.push("receives".to_owned());
    }
    match a.echo {
        EchoMode::Off => {}
        EchoMode::Same => on.push("echoes".to_owned()),
        EchoMode::Upper => on.push("echoes in upper case".to_owned()),
        EchoMode::Time => on.push("answers with the time".to_owned()),
        EchoMode::Canned { bytes } => on.push(format!("answers with {bytes} bytes")),
        EchoMode::Chat => on.push("relays chat messages".to_owned()),
        EchoMode::Login => on.push("checks logins".to_owned()),
        EchoMode::HmacServer => on.push("challenges clients (HMAC)".to_owned()),
        EchoMode::HmacClient { .. } => on.push("answers HMAC challenges".to_owned()),
    }
    if on.is_empty() {
        "automatic behaviours off".to_owned()
    } else {
        format!(
            "the lab now {} by itself; each of its calls is written out below",
            on.join(", ")
        )
    }
}

fn one_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

/// `"127.0.0.1:9000"` or `"[::1]:9000"` → (ip, port).
fn split_addr(addr: &str) -> (String, u16) {
    let (ip, port) = addr.rsplit_once(':').unwrap_or((addr, "0"));
    let ip = ip.trim_start_matches('[').trim_end_matches(']');
    (ip.to_owned(), port.parse().unwrap_or(0))
}

/// `"'127.0.0.1', 9000))..."` (the inside of a Python address tuple) → (ip, port).
fn tuple_addr(text: &str) -> (String, u16) {
    let mut parts = text.splitn(2, ',');
    let host = parts.next().unwrap_or_default().trim().trim_matches('\'');
    let port = parts
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(')')
        .parse()
        .unwrap_or(0);
    (host.to_owned(), port)
}

fn family(ip: &str) -> &'static str {
    if ip.contains(':') {
        "socket.AF_INET6"
    } else {
        "socket.AF_INET"
    }
}

/// A socket's name as a Python variable: letters, digits and `_`, not a keyword or a name the
/// generated code uses itself.
fn identifier(name: &str) -> String {
    const RESERVED: [&str; 50] = [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
        "socket",
        "struct",
        "json",
        "data",
        "msg",
        "addr",
        "body",
        "header",
        "e",
        "n",
        "print",
        "len",
        "got",
        "type",
        "threading",
    ];
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "s_");
    }
    let temp_like = s
        .strip_prefix("sock")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()));
    if RESERVED.contains(&s.as_str()) || temp_like {
        s.push_str("_sock");
    }
    s
}

#[cfg(test)]
mod tests;
