//! Sends that run in a `threading.Thread`: a `sendall` bigger than the buffers finishes only
//! while the other end reads, which one sequential program can't do, so the send is started
//! before the first read of its bytes and joined after the read of its last byte. The recvs
//! that raced it (each recv, or the lab's summaries of many automatic ones) become one loop
//! reading as many bytes, however they come, and never more: a recv that asked for more could
//! take bytes a later read expects, and the program would wait for them forever.

use std::collections::HashMap;

use socklab_shared::protocol::{Event, SocketId};

use crate::generator::Gen;
use crate::program::{Block, Imports};

/// Where a concurrent send's thread starts and is joined, as history indices.
#[derive(Debug, Clone)]
pub(crate) struct Concurrent {
    /// Before this event: the send itself, or the first recv of its bytes when that was
    /// reported earlier than the send.
    pub start: usize,
    /// After this event: the send itself, or the recv that read its last byte; `None` when
    /// no recv in the history did (the thread is then never waited for; every such thread is
    /// a daemon, so the program ends without it).
    pub join: Option<usize>,
    /// The receiver's recvs (and auto-recv summaries) from `start` to `join`: they raced the
    /// send, so in Python they become one loop that reads as many bytes, however they come.
    pub readers: Vec<usize>,
}

impl Gen<'_> {
    /// Waits for the thread of the send of event `d`, after event `at`.
    pub(crate) fn thread_join(&mut self, d: usize, at: usize) {
        let Event::Sent { socket, .. } = &self.history[d].event else {
            return;
        };
        let var = self.var(*socket);
        self.push(at, Some(*socket), vec![format!("{var}_thread.join()")]);
    }

    /// The recvs that raced a send running in a thread (see `Concurrent::readers`), written
    /// at the first of them as one loop reading as many bytes; false when `i` isn't such a
    /// first recv.
    pub(crate) fn fold_reads(&mut self, i: usize, socket: SocketId, bufsize: u32) -> bool {
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
        let (mut bytes, mut calls, mut summed) = (0u64, 0u64, false);
        for r in readers {
            match &history[*r].event {
                Event::Received { data, .. } => {
                    bytes += data.len() as u64;
                    calls += 1;
                }
                Event::AutoSummary {
                    bytes: b, recvs, ..
                } => {
                    bytes += b;
                    calls += recvs;
                    summed = true;
                }
                _ => {}
            }
        }
        let var = self.var(socket);
        // Never more than the bytes left: a bigger recv could take bytes the reads after
        // the loop expect.
        let mut lines = vec![
            format!(
                "# {var}: {calls} recv() calls in the lab read these {bytes} bytes as they came"
            ),
            "got = 0".to_owned(),
            format!("while got < {bytes}:"),
            format!("    data = {var}.recv(min({bufsize}, {bytes} - got))"),
            "    print(data)".to_owned(),
            "    got += len(data)".to_owned(),
        ];
        if summed {
            // The lab printed none of the bytes its summaries stand for: nor does the loop,
            // and it reproduces no recv result.
            lines.remove(4);
        }
        for r in &readers[1..] {
            self.consumed.insert(*r);
            if !summed {
                self.merged.push(*r);
            }
        }
        self.data_holds = None;
        self.push(i, Some(socket), lines);
        true
    }

    /// The send of event `d`, started in a thread before event `at` (the send itself, or the
    /// first recv that read its bytes, if the lab reported that one earlier).
    pub(crate) fn thread_start(&mut self, d: usize, at: usize) {
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
        self.note_native_i(&mut lines, &out.expr);
        lines.push(format!(
            "# {var}.{call}() waits for room while the other end reads: it runs in a thread"
        ));
        // A daemon: the program ends even where it is cut before the join (the panel's program
        // up to a past moment), instead of waiting for bytes no one reads.
        lines.push(format!(
            "{var}_thread = threading.Thread(target={var}.{call}, args=({},), daemon=True)",
            out.expr,
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
}

/// Concurrent sends grouped by one of their events (`None`: not grouped), each group in
/// history order.
pub(crate) fn by_event(
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
