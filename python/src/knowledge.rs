//! The first pass: facts gathered from the whole history before any Python is written.
//! Events report results, not requests, so the bytes a send carried are found where its
//! receiver saw them (recvs and buffer peeks); which recv or accept waits for which event, and
//! which sends only finished because the receiver read at the same time, are worked out here
//! too, before the generator needs them.

use std::collections::{HashMap, HashSet};

use socklab_shared::protocol::{Envelope, Event, ShutdownHow, SockOption, SocketId, SocketKind};

use crate::threads::Concurrent;

/// Facts gathered from the whole history before generating: which bytes each send carried
/// (seen by its receiver) and which event each recv or accept depends on.
#[derive(Debug, Default)]
pub(crate) struct Knowledge {
    /// TCP sends by (socket, send number): their bytes, `None` where no one saw them, up to
    /// the last byte someone saw (the bytes after it are unknown too).
    pub tcp: HashMap<(SocketId, u32), Vec<Option<u8>>>,
    /// UDP datagrams by (socket, send number), when seen whole.
    pub udp: HashMap<(SocketId, u32), Vec<u8>>,
    pub tcp_sent_at: HashMap<(SocketId, u32), usize>,
    pub udp_sent_at: HashMap<(SocketId, u32), usize>,
    /// Connected (not accepted) TCP sockets' `socket_opened` events by local address.
    pub connect_at: HashMap<String, usize>,
    /// Connected TCP sockets by local address (unique: an ephemeral port each).
    pub clients_by_local: HashMap<String, SocketId>,
    /// Accepted TCP sockets by their peer's address (they all share the listener's).
    pub accepted_by_peer: HashMap<String, SocketId>,
    pub peer_of: HashMap<SocketId, String>,
    /// The first event that ends a socket's sending side (close or shutdown).
    pub fin_at: HashMap<SocketId, usize>,
    /// Local addresses of every socket.
    pub local_of: HashMap<SocketId, String>,
    /// Every socket's kind.
    pub kinds: HashMap<SocketId, SocketKind>,
    /// The two ends of each connection between lab sockets, both ways, as the engine reported
    /// them (`peer_socket` of the accepted end). The only way to pair Unix sockets: every Unix
    /// client is `(unnamed)`, and an outside client may be queued between two lab clients.
    pub lab_peer: HashMap<SocketId, SocketId>,
    /// Listeners whose port another listener of the session bound too. On Linux a listener
    /// can take a port whose old connections linger in TIME_WAIT only when both sockets set
    /// SO_REUSEADDR, so without the commands these are given it.
    pub reused: HashSet<SocketId>,
    /// How far each socket's incoming stream had been read after each recv (or auto-recv
    /// summary): (history index, stream offset after it).
    pub reads: HashMap<SocketId, Vec<(usize, u64)>>,
    /// Sends that only finished, or in one program only would finish, because the receiver
    /// read at the same time (a `sendall` bigger than the buffers surely hold, to a socket that
    /// receives by itself or whose recvs read it later): in Python these run in a thread,
    /// because one sequential program can't be on both sides at once.
    pub concurrent: HashMap<usize, Concurrent>,
}

/// What a blocking send can leave in the kernel without the receiver reading, at least (a
/// share of the default socket buffers on loopback). Also the size from which an upload's
/// receiver runs in a thread (see `upload_thread`).
pub(crate) const QUIET_CAPACITY: u64 = 16 * 1024;

impl Knowledge {
    pub(crate) fn build(history: &[Envelope]) -> Self {
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
        // read of its bytes if reported before the send, stream offset after the send, whether
        // the receiver read by itself then).
        let mut big: Vec<(usize, SocketId, Option<usize>, u64, bool)> = Vec::new();
        for (i, env) in history.iter().enumerate() {
            match &env.event {
                Event::SocketOpened {
                    socket,
                    kind,
                    local,
                    peer,
                    listener,
                    peer_socket,
                } => {
                    k.local_of.insert(*socket, local.clone());
                    if let Some(client) = peer_socket {
                        k.lab_peer.insert(*socket, *client);
                        k.lab_peer.insert(*client, *socket);
                    }
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
                    // Bigger than the buffers surely hold: it needs the reader at the same
                    // time if anyone reads it (an auto-recv now, or a recv later on).
                    let too_big = accepted == requested && *accepted > room;
                    match (peer, env.req) {
                        (Some(peer), Some(_)) if first_read.is_some() || too_big => {
                            let auto = auto_recv.contains(&peer);
                            big.push((i, peer, first_read, stream_offset + accepted, auto));
                        }
                        _ => {}
                    }
                    // Known bytes only: a send's bytes are filled in where its receiver saw
                    // them (a 1 MiB chunk of an upload is mostly never seen: no 1 MiB of
                    // `None` for it).
                    k.tcp.entry((*socket, *send_no)).or_default();
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
        for (d, peer, first_read, end, auto) in big {
            let reads = k.reads.get(&peer).map(Vec::as_slice).unwrap_or_default();
            // The read of the send's last byte.
            let last = reads.iter().find(|(_, e)| *e >= end).map(|(at, _)| *at);
            if first_read.is_none() && last.is_none() && !auto {
                // No one read its last byte: the lab's kernel kept it all, and so will
                // Python's, without a thread.
                continue;
            }
            let (start, join) = match first_read {
                Some(first) => (first, Some(last.map_or(d, |l| l.max(d)))),
                None => (d, last),
            };
            let until = join.unwrap_or(history.len());
            let readers = reads
                .iter()
                .map(|(at, _)| *at)
                .filter(|at| (start..=until).contains(at) && *at != d)
                .take_while(|at| {
                    matches!(
                        &history[*at].event,
                        Event::Received { eof: false, .. }
                            | Event::AutoSummary {
                                eof: false,
                                echoed: 0,
                                ..
                            }
                    )
                })
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

    /// The other end of a connected TCP or Unix socket, when it is a lab socket.
    pub(crate) fn peer_socket(&self, socket: SocketId) -> Option<SocketId> {
        if let Some(peer) = self.lab_peer.get(&socket) {
            return Some(*peer);
        }
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
    fn learn_tcp(&mut self, data: &[u8], spans: &[socklab_shared::protocol::SendSpan]) {
        for span in spans {
            let (Some(from), Some(no)) = (span.from, span.send_no) else {
                continue;
            };
            let send_len = usize::try_from(span.send_len).unwrap_or(0);
            let end = usize::try_from(span.offset_in_send.saturating_add(span.len))
                .unwrap_or(usize::MAX)
                .min(send_len);
            let buf = self.tcp.entry((from, no)).or_default();
            if buf.len() < end {
                buf.resize(end, None);
            }
            let (Ok(start), Ok(offset), Ok(len)) = (
                usize::try_from(span.start),
                usize::try_from(span.offset_in_send),
                usize::try_from(span.len),
            ) else {
                continue;
            };
            // The span's bytes that are in `data` and in the send, copied at once.
            let n = len
                .min(data.len().saturating_sub(start))
                .min(buf.len().saturating_sub(offset));
            if n == 0 {
                continue;
            }
            for (slot, b) in buf[offset..offset + n]
                .iter_mut()
                .zip(&data[start..start + n])
            {
                *slot = Some(*b);
            }
        }
    }
}
