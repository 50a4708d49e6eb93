//! The generator's state and its walk over the history, one event at a time in the order
//! `Knowledge::order` found, each written as a [`Block`] of Python. What each kind of call
//! becomes is in the sibling modules (`tcp`, `udp`, `options`, `auto`, `threads`, `errors`);
//! this file holds what they share (every socket's variable and blocking mode, what the
//! Python variables `data` and `addr` hold, the blocks written so far) and the dispatch from
//! event to emitter.

use std::collections::{HashMap, HashSet};

use socklab_shared::protocol::{AutoBehaviour, Command, Envelope, Event, SentCommands, SocketId};

use crate::auto::describe_auto;
use crate::errors::Failure;
use crate::exact::PrefixRead;
use crate::knowledge::Knowledge;
use crate::program::{Block, Imports, SocketNames};
use crate::tcp::shut_how;
use crate::threads::by_event;
use crate::upload_thread::UploadThreads;

/// How a Python socket waits, as the generated code has set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Blocking,
    NonBlocking,
    Timeout(u64),
}

/// A socket of the program: its variable, whether it is still open, how it waits.
#[derive(Debug, Clone)]
pub(crate) struct Sock {
    pub var: String,
    pub alive: bool,
    pub mode: Mode,
}

pub(crate) struct Gen<'a> {
    pub history: &'a [Envelope],
    pub commands: &'a SentCommands,
    pub names: &'a SocketNames,
    pub know: &'a Knowledge,
    /// Uploads whose receiving side runs in a thread (see `upload_thread`).
    pub uploads: &'a UploadThreads,
    /// Whether `receive_file` has been defined (see `upload_thread`).
    pub receive_file_defined: bool,
    /// Sockets whose port gets a variable (`server_port`) when bound.
    pub saved: &'a HashSet<SocketId>,
    pub need_saved: HashSet<SocketId>,
    pub socks: HashMap<SocketId, Sock>,
    /// The socket last bound to a port: (is UDP, port) → socket.
    pub owners: HashMap<(bool, u16), SocketId>,
    /// The lab address the Python variable `addr` holds (from the latest `recvfrom`).
    pub addr_holds: Option<String>,
    /// The socket and length of what the Python variable `data` holds (the latest `recv`).
    pub data_holds: Option<(SocketId, usize)>,
    /// Events already written as part of another event's block.
    pub consumed: HashSet<usize>,
    /// Those of them that go with the next block pushed.
    pub merged: Vec<usize>,
    /// Concurrent sends (see `Knowledge::concurrent`) by the event their thread starts
    /// before, and by the event it is joined after, where that is not the send itself.
    pub thread_starts: HashMap<usize, Vec<usize>>,
    pub thread_joins: HashMap<usize, Vec<usize>>,
    /// Each socket's automatic behaviours, as last set.
    pub auto: HashMap<SocketId, AutoBehaviour>,
    /// The Python variables of Unix socket paths, by file name (see `unix`).
    pub unix_paths: HashMap<String, String>,
    /// Sockets whose file receiver's loop has been written out once (see `files`).
    pub files_explained: HashSet<SocketId>,
    /// Whether `make_sample_file` has been defined (see `files`).
    pub sample_maker: bool,
    /// Whether the program has said what `'i'` means (see `sends::NATIVE_I_NOTE`).
    pub native_i_noted: bool,
    /// Whether `recv_exactly` has been defined (see `exact`).
    pub recv_exactly_defined: bool,
    /// The length prefix the Python variable `header` holds, read for the body recv after it
    /// (see `exact`).
    pub prefix_holds: Option<PrefixRead>,
    pub blocks: Vec<Block>,
}

impl<'a> Gen<'a> {
    pub(crate) fn new(
        history: &'a [Envelope],
        commands: &'a SentCommands,
        names: &'a SocketNames,
        know: &'a Knowledge,
        uploads: &'a UploadThreads,
        saved: &'a HashSet<SocketId>,
    ) -> Self {
        Gen {
            uploads,
            receive_file_defined: false,
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
            consumed: uploads.performed.clone(),
            merged: Vec::new(),
            thread_starts: by_event(&know.concurrent, |c| Some(c.start)),
            thread_joins: by_event(&know.concurrent, |c| c.join),
            auto: HashMap::new(),
            unix_paths: HashMap::new(),
            files_explained: HashSet::new(),
            sample_maker: false,
            native_i_noted: false,
            recv_exactly_defined: false,
            prefix_holds: None,
            blocks: Vec::new(),
        }
    }

    pub(crate) fn run(&mut self, order: &[usize]) {
        let uploads = self.uploads;
        for &i in order {
            for d in self.thread_starts.remove(&i).unwrap_or_default() {
                self.thread_start(d, i);
            }
            if let Some(u) = uploads.start_before.get(&i) {
                self.upload_thread_start(u, i);
            }
            if let Some(r) = uploads.join_before.get(&i) {
                self.upload_thread_join(*r, i);
            }
            if !self.consumed.contains(&i) {
                self.event(i);
            }
            for d in self.thread_joins.remove(&i).unwrap_or_default() {
                self.thread_join(d, i);
            }
            if let Some(r) = uploads.join_after.get(&i) {
                self.upload_thread_join(*r, i);
            }
        }
    }

    pub(crate) fn push(&mut self, event: usize, socket: Option<SocketId>, lines: Vec<String>) {
        self.push_with(event, socket, lines, Imports::default());
    }

    pub(crate) fn push_with(
        &mut self,
        event: usize,
        socket: Option<SocketId>,
        lines: Vec<String>,
        imports: Imports,
    ) {
        if !lines.is_empty() {
            if lines.iter().any(|l| l.starts_with("header = ")) {
                // The variable holds something else now: the body is read as the lab did.
                self.prefix_holds = None;
            }
            self.blocks.push(Block {
                event,
                socket,
                lines,
                merged: std::mem::take(&mut self.merged),
                imports,
            });
        }
    }

    pub(crate) fn command(&self, i: usize) -> Option<&'a Command> {
        self.history[i].req.and_then(|r| self.commands.get(&r))
    }

    fn event(&mut self, i: usize) {
        let history = self.history;
        match &history[i].event {
            Event::Hello { .. } | Event::Pong | Event::Buffers { .. } => {}
            // The cable's packets are the kernel's doing, not a line of the program.
            Event::Packet { .. }
            | Event::PacketFate { .. }
            | Event::PacketSummary { .. }
            | Event::WireState { .. }
            | Event::Pcap { .. }
            | Event::Shared { .. }
            | Event::Followers { .. }
            | Event::Following { .. }
            | Event::Relay { .. }
            | Event::LessonAt(_) => {}
            Event::FileReceived { socket, .. } => self.file_received(i, *socket),
            Event::SocketOpened {
                socket,
                kind,
                local,
                peer,
                listener,
                ..
            } => self.opened(i, *socket, *kind, local, peer.as_deref(), *listener),
            Event::Sent { socket, .. } if self.file_chunk(i, *socket) => {}
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
            Event::Received { .. } if self.exact_read(i) => {}
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
            Event::AutoSummary { socket, .. }
                if self.fold_reads(i, *socket, self.auto_bufsize(*socket)) => {}
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
                } else if self.know.kinds.get(socket).is_some_and(|k| k.is_stream()) {
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
                message, socket, ..
            } if self.file_error(i, *socket, message) => {}
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
}
