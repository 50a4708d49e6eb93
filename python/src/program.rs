//! The public face of the generator: the Python of a whole history ([`PythonCode`]), one
//! [`Block`] of lines per event, and how the blocks become one program: the imports they use,
//! a blank line between sockets, and the steps (the events of one command) the page shows
//! together.

use std::collections::{HashMap, HashSet};

use socklab_shared::protocol::{Envelope, SentCommands, SocketId};
use socklab_shared::script::Named;

use crate::files::forget_chunk_threads;
use crate::generator::Gen;
use crate::knowledge::Knowledge;
use crate::sends::Outgoing;
use crate::upload_thread::UploadThreads;

/// Python variable names for lab sockets.
pub type SocketNames = HashMap<SocketId, String>;

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
    pub(crate) imports: Imports,
}

/// The modules a block's lines use, besides `socket`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Imports {
    pub struct_: bool,
    pub json: bool,
    pub hashlib: bool,
    pub hmac: bool,
    pub threading: bool,
    /// `os` and `tempfile`, for Unix socket paths.
    pub os_tempfile: bool,
}

impl Imports {
    pub(crate) fn of(out: &Outgoing) -> Self {
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
            (any(|i| i.os_tempfile), "import os"),
            (true, "import socket"),
            (any(|i| i.struct_), "import struct"),
            (any(|i| i.json), "import json"),
            (any(|i| i.hashlib), "import hashlib"),
            (any(|i| i.hmac), "import hmac"),
            (any(|i| i.threading), "import threading"),
            (any(|i| i.os_tempfile), "import tempfile"),
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
        Self::with_commands(history, &SentCommands::new(), names)
    }

    /// The Python for `history`, taking sent bytes and call details from `commands` (by
    /// request number) where they are known.
    pub fn with_commands(
        history: &[Envelope],
        commands: &SentCommands,
        names: &SocketNames,
    ) -> Self {
        let mut know = Knowledge::build(history);
        forget_chunk_threads(&mut know, history, commands);
        let uploads = UploadThreads::find(history, commands, &know);
        // An upload's header goes to the receiving thread too: never a thread of its own.
        know.concurrent
            .retain(|d, _| !uploads.start_before.contains_key(d));
        let order = know.order(history);
        // A port referred to after its socket closed needs a variable saved while it was open;
        // the first pass finds out which.
        let mut saved = HashSet::new();
        loop {
            let mut g = Gen::new(history, commands, names, &know, &uploads, &saved);
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
        if out.iter().any(|l| crate::wire::names_the_wire(&l.text)) {
            for line in &mut out {
                line.text = crate::wire::on_loopback(&line.text);
            }
            let note = crate::wire::NOTE.iter().map(|t| plain(t));
            out.splice(0..0, note);
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
