//! Uploads bigger than the buffers, to a socket that receives files by itself: both ends live
//! in one program, and the sender's chunk loop waits for room that only the receiver's reads
//! make. So the receiving side runs the course's receive loop (length, JSON header, md5 loop,
//! reply) as `receive_file` in a `threading.Thread`, started before the upload's header and
//! chunk loop and joined after them. The lab's automatic recvs of that upload (each recv, or
//! the summaries of many) and its reply are what the thread does: they are written nowhere
//! else.

use std::collections::{HashMap, HashSet};

use socklab_shared::protocol::{Command, EchoMode, Envelope, Event, SentCommands, SocketId};

use crate::generator::Gen;
use crate::knowledge::{Knowledge, QUIET_CAPACITY};
use crate::program::{Block, Imports};

/// The course's upload server, for one file: what the lab's file receiver does.
pub(crate) const RECEIVE_FILE: &str = "\
def receive_file(sock, bufsize):
    \"\"\"Receives one upload as a course server does, and answers whether its md5 matched.\"\"\"
    # 'i': a C int, 4 bytes, little-endian on these machines
    header_len = struct.unpack('i', recv_exactly(sock, 4))[0]
    header = json.loads(recv_exactly(sock, header_len).decode('utf-8'))
    md5 = hashlib.md5()
    got = 0
    while got < header['size']:
        data = sock.recv(min(bufsize, header['size'] - got))
        if not data:
            raise ConnectionError('closed in the middle of the file')
        md5.update(data)
        got += len(data)
    ok = md5.hexdigest() == header['md5']
    print(header['filename'], got, 'bytes, ok =', ok)
    reply = {'filename': header['filename'], 'md5': md5.hexdigest(), 'ok': ok, 'size': got}
    sock.sendall(json.dumps(reply, separators=(',', ':')).encode())";

/// One upload whose receiving side runs in a thread.
#[derive(Debug, Clone)]
pub(crate) struct UploadThread {
    pub receiver: SocketId,
    pub sender: SocketId,
    /// The file's size.
    pub size: u64,
    /// The receiver's bufsize (its `recv(min(bufsize, ...))`).
    pub bufsize: u32,
}

/// Where the uploads' threads start and are joined, and the events they perform.
#[derive(Debug, Default)]
pub(crate) struct UploadThreads {
    /// Threads started before these events (the upload's header send, or its first chunk).
    pub start_before: HashMap<usize, UploadThread>,
    /// Threads joined before these events (the verdict), by receiver.
    pub join_before: HashMap<usize, SocketId>,
    /// Threads joined after these events (a last chunk reported after the verdict).
    pub join_after: HashMap<usize, SocketId>,
    /// The verdicts of threaded uploads.
    pub verdicts: HashSet<usize>,
    /// The receivers' automatic recvs, summaries and replies the threads perform.
    pub performed: HashSet<usize>,
}

/// A `send_file_chunk` command's (offset, length, total).
fn chunk_at(history: &[Envelope], commands: &SentCommands, i: usize) -> Option<(u64, u64, u64)> {
    match history[i].req.and_then(|r| commands.get(&r))? {
        Command::SendFileChunk {
            data,
            offset,
            total,
            ..
        } => Some((*offset, data.len() as u64, *total)),
        _ => None,
    }
}

/// Where a send's bytes start in its stream.
fn stream_at(history: &[Envelope], i: usize) -> u64 {
    match &history[i].event {
        Event::Sent { stream_offset, .. } => *stream_offset,
        _ => 0,
    }
}

/// Where a send's bytes end in its stream.
fn stream_end(history: &[Envelope], i: usize) -> u64 {
    match &history[i].event {
        Event::Sent {
            stream_offset,
            accepted,
            ..
        } => stream_offset + accepted,
        _ => 0,
    }
}

impl UploadThreads {
    pub(crate) fn find(history: &[Envelope], commands: &SentCommands, know: &Knowledge) -> Self {
        let mut out = UploadThreads::default();
        // File receivers, their bufsize, and their verdicts in order.
        let mut bufsize: HashMap<SocketId, u32> = HashMap::new();
        let mut verdicts: HashMap<SocketId, Vec<usize>> = HashMap::new();
        for (i, env) in history.iter().enumerate() {
            match &env.event {
                Event::AutoSet { socket, auto }
                    if auto.recv && auto.echo == EchoMode::FileReceiver =>
                {
                    let b = if auto.bufsize == 0 {
                        1024
                    } else {
                        auto.bufsize
                    };
                    bufsize.insert(*socket, b);
                }
                Event::FileReceived { socket, .. } => verdicts.entry(*socket).or_default().push(i),
                _ => {}
            }
        }
        // Uploads (a chunk at offset 0 to the chunk that ends the file), by receiver, in order.
        let mut uploads: HashMap<SocketId, Vec<(usize, usize, SocketId, u64)>> = HashMap::new();
        // Uploads under way by sender: (where the thread starts, file size); and each
        // sender's latest send that is not a chunk (the header, before a first chunk).
        let mut open: HashMap<SocketId, (usize, u64)> = HashMap::new();
        let mut last_send: HashMap<SocketId, usize> = HashMap::new();
        for (i, env) in history.iter().enumerate() {
            let Event::Sent { socket, .. } = &env.event else {
                continue;
            };
            let Some((offset, len, total)) = chunk_at(history, commands, i) else {
                if env.req.is_some() {
                    last_send.insert(*socket, i);
                }
                continue;
            };
            let Some(receiver) = know.peer_socket(*socket) else {
                continue;
            };
            if offset == 0 {
                // Started before the header: the send whose bytes the file's come right after.
                let start = last_send
                    .remove(socket)
                    .filter(|&h| stream_end(history, h) == stream_at(history, i))
                    .unwrap_or(i);
                open.insert(*socket, (start, total));
            }
            if offset + len >= total
                && let Some((start, total)) = open.remove(socket)
            {
                uploads
                    .entry(receiver)
                    .or_default()
                    .push((start, i, *socket, total));
            }
        }
        for (receiver, ups) in uploads {
            let (Some(&buf), Some(vs)) = (bufsize.get(&receiver), verdicts.get(&receiver)) else {
                continue;
            };
            for (n, &(start, last_chunk, sender, size)) in ups.iter().enumerate() {
                let Some(&verdict) = vs.get(n) else {
                    break;
                };
                if size <= QUIET_CAPACITY || verdict < start {
                    continue;
                }
                out.start_before.insert(
                    start,
                    UploadThread {
                        receiver,
                        sender,
                        size,
                        bufsize: buf,
                    },
                );
                if verdict > last_chunk {
                    out.join_before.insert(verdict, receiver);
                } else {
                    out.join_after.insert(last_chunk, receiver);
                }
                out.verdicts.insert(verdict);
                // The receiver's automatic reads of this upload's bytes (by stream offset: a
                // summary may be reported after the verdict), and its reply after it.
                let (from, to) = (stream_at(history, start), stream_end(history, last_chunk));
                for &(i, end) in know.reads.get(&receiver).into_iter().flatten() {
                    if i >= start && history[i].req.is_none() && from < end && end <= to {
                        out.performed.insert(i);
                    }
                }
                let next_start = ups.get(n + 1).map_or(history.len(), |u| u.0);
                if let Some(reply) = (verdict + 1..next_start).find(|&i| {
                    history[i].req.is_none()
                        && matches!(&history[i].event, Event::Sent { socket, .. } if *socket == receiver)
                }) {
                    out.performed.insert(reply);
                }
            }
        }
        out
    }
}

impl Gen<'_> {
    /// The receiving side of upload `u`, started in a thread before event `at`.
    pub(crate) fn upload_thread_start(&mut self, u: &UploadThread, at: usize) {
        let var = self.var(u.receiver);
        let sender = self.var(u.sender);
        let mut lines = Vec::new();
        self.define_recv_exactly(&mut lines);
        if !self.receive_file_defined {
            self.receive_file_defined = true;
            lines.extend(RECEIVE_FILE.lines().map(str::to_owned));
            lines.push(String::new());
        }
        lines.extend([
            format!(
                "# {sender}'s sendall() of the {} bytes waits for room that only {var}'s recv() \
                 makes:",
                u.size
            ),
            format!("# {var} receives the upload at the same time, in a thread"),
            format!(
                "{var}_thread = threading.Thread(target=receive_file, args=({var}, {}), daemon=True)",
                u.bufsize
            ),
            format!("{var}_thread.start()"),
        ]);
        self.blocks.push(Block {
            event: at,
            socket: Some(u.receiver),
            lines,
            merged: Vec::new(),
            imports: Imports {
                struct_: true,
                json: true,
                hashlib: true,
                threading: true,
                ..Imports::default()
            },
        });
    }

    /// Waits for the receiving thread of `receiver`, at event `at`.
    pub(crate) fn upload_thread_join(&mut self, receiver: SocketId, at: usize) {
        let var = self.var(receiver);
        self.data_holds = None;
        self.blocks.push(Block {
            event: at,
            socket: Some(receiver),
            lines: vec![format!("{var}_thread.join()")],
            merged: Vec::new(),
            imports: Imports::default(),
        });
    }
}
