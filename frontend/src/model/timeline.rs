//! The timeline as a sequence diagram, computed from the event history.
//!
//! [`Timeline::build`] turns the history into one lane per socket (in order of appearance),
//! one row per call (every event except `hello`, `pong` and `buffers` snapshots), and arrows
//! between rows: from a `send` to every `recv` that returned some of its bytes (so
//! `send(b"hello"); send(b"world")` read by one `recv` is two arrows into one row), from a
//! `sendto` to the `recvfrom` that got the datagram, from `connect()` to the `accept()` of
//! the same connection, and from a `close()`/`shutdown()` to the peer's `recv` that returned
//! `b''`.
//!
//! Stepping: [`step_positions`] lists the history lengths a stepping cursor stops at, one per
//! step, each right after the step's `buffers` snapshot so the buffer views show the kernel's
//! state after that step. [`prev_step`], [`next_step`] and [`stop_for_row`] move a cursor
//! (`None` = live, `Some(n)` = the state after the first `n` events) between them.
//!
//! Everything here is plain data: the component only draws it.

use std::collections::HashMap;
use std::ops::Range;

use socklab_shared::protocol::{
    Envelope, Event, SendSpan, ShutdownHow, SockOption, SocketId, SocketKind,
};

use super::byte_cells::colour_of;
use super::lab_state::socket_of;

/// One socket's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lane {
    pub socket: SocketId,
    /// "listener", "client", "accepted", "udp" (the `data-role` of the socket's card), or
    /// "socket" when the history never said what it is.
    pub role: &'static str,
    /// "TCP server", "TCP client", "accepted by #1", "UDP socket".
    pub label: String,
    /// The address: "127.0.0.1:9000", "→ 127.0.0.1:9000"...
    pub detail: String,
    /// The row (index into [`Timeline::rows`]) where the socket first appears.
    pub first_row: usize,
    /// The row of its `close()`, if it was closed.
    pub closed_row: Option<usize>,
}

/// What a row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A call the user (or a script) made and its result.
    Call { label: String },
    /// A call that failed, or an error not tied to a call.
    Error { label: String },
    /// Something an auto behaviour did by itself (auto-accept, auto-recv, echo).
    Auto { label: String },
}

impl RowKind {
    pub fn label(&self) -> &str {
        match self {
            RowKind::Call { label } | RowKind::Error { label } | RowKind::Auto { label } => label,
        }
    }

    /// A short name for styling: "call", "error", "auto".
    pub fn class(&self) -> &'static str {
        match self {
            RowKind::Call { .. } => "call",
            RowKind::Error { .. } => "error",
            RowKind::Auto { .. } => "auto",
        }
    }
}

/// One call, in history order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Position of the event in the history.
    pub index: usize,
    pub seq: u64,
    /// The lane (index into [`Timeline::lanes`]); `None` for errors not about a socket.
    pub lane: Option<usize>,
    pub kind: RowKind,
    pub t_us: u64,
    /// Longer text for a tooltip (the recv's summary, an error's hint, addresses).
    pub title: String,
    /// The send colour (`.send-k` of the buffer strips) of a `send`/`sendto` row.
    pub colour: Option<u32>,
    /// Arrows that end at this row.
    pub arrows_in: usize,
    /// Arrows that start at this row.
    pub arrows_out: usize,
}

/// An arrow between two rows (indices into [`Timeline::rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrow {
    pub from_row: usize,
    pub to_row: usize,
    /// "5 B", "2 B" (a part of a send), "connect", "FIN".
    pub label: String,
    /// The send's colour for data arrows; `None` for connection arrows (connect, FIN).
    pub colour: Option<u32>,
}

/// The whole diagram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    pub rows: Vec<Row>,
    pub arrows: Vec<Arrow>,
}

/// True for the events that are drawn as rows (everything but `hello`, `pong`, `buffers`).
pub fn is_row_event(event: &Event) -> bool {
    !matches!(
        event,
        Event::Hello { .. } | Event::Pong | Event::Buffers { .. }
    )
}

/// What the builder remembers while it walks the history.
#[derive(Default)]
struct Builder {
    tl: Timeline,
    lane_of: HashMap<SocketId, usize>,
    /// (socket, send_no) → the row of that send.
    sends: HashMap<(SocketId, u32), usize>,
    /// Connected TCP sockets: local address → (socket, peer address, row of its opening).
    streams: Vec<(SocketId, String, Option<String>, usize)>,
    /// A connected socket → the socket at the other end.
    peer: HashMap<SocketId, SocketId>,
    /// A socket → the row of its latest close() or shutdown(SHUT_WR / SHUT_RDWR).
    fin: HashMap<SocketId, usize>,
}

impl Timeline {
    /// Lays out `history`.
    pub fn build(history: &[Envelope]) -> Self {
        let mut b = Builder::default();
        for (index, env) in history.iter().enumerate() {
            b.add(index, env);
        }
        let Builder { mut tl, .. } = b;
        for a in &tl.arrows {
            tl.rows[a.from_row].arrows_out += 1;
            tl.rows[a.to_row].arrows_in += 1;
        }
        tl
    }

    /// How many rows come from events before history position `pos`.
    pub fn rows_before(&self, pos: usize) -> usize {
        self.rows.partition_point(|r| r.index < pos)
    }
}

impl Builder {
    fn lane(&mut self, socket: SocketId, row: usize) -> usize {
        if let Some(&l) = self.lane_of.get(&socket) {
            return l;
        }
        self.tl.lanes.push(Lane {
            socket,
            role: "socket",
            label: "socket".into(),
            detail: String::new(),
            first_row: row,
            closed_row: None,
        });
        let l = self.tl.lanes.len() - 1;
        self.lane_of.insert(socket, l);
        l
    }

    fn arrow(&mut self, from_row: usize, to_row: usize, label: String, colour: Option<u32>) {
        self.tl.arrows.push(Arrow {
            from_row,
            to_row,
            label,
            colour,
        });
    }

    fn add(&mut self, index: usize, env: &Envelope) {
        let event = &env.event;
        if !is_row_event(event) {
            return;
        }
        let row = self.tl.rows.len();
        // Events with no request number come from auto behaviours (the page numbers every
        // command it sends).
        let auto = env.req.is_none();
        let (lane, kind, title, colour) = match event {
            Event::Error {
                message,
                hint,
                socket,
                errno,
                ..
            } => {
                let lane = socket.and_then(|s| self.lane_of.get(&s).copied());
                let mut title = message.clone();
                if let Some(e) = errno {
                    title.push_str(&format!(" [{} {}]", e.name, e.number));
                }
                if let Some(h) = hint {
                    title.push_str(" · ");
                    title.push_str(h);
                }
                let label = message.clone();
                (lane, RowKind::Error { label }, title, None)
            }
            Event::SocketOpened {
                socket,
                kind,
                local,
                peer,
                listener,
            } => {
                let lane = self.lane(*socket, row);
                let (role, label, detail, call) = match (kind, listener) {
                    (SocketKind::TcpListener, _) => (
                        "listener",
                        "TCP server".to_owned(),
                        local.clone(),
                        "listen()",
                    ),
                    (SocketKind::TcpStream, Some(l)) => (
                        "accepted",
                        format!("accepted by {l}"),
                        peer.as_ref()
                            .map(|p| format!("⇄ {p}"))
                            .unwrap_or_else(|| local.clone()),
                        "accept()",
                    ),
                    (SocketKind::TcpStream, None) => (
                        "client",
                        "TCP client".to_owned(),
                        peer.as_ref()
                            .map(|p| format!("→ {p}"))
                            .unwrap_or_else(|| local.clone()),
                        "connect()",
                    ),
                    (SocketKind::Udp, _) => {
                        ("udp", "UDP socket".to_owned(), local.clone(), "bind()")
                    }
                };
                let l = &mut self.tl.lanes[lane];
                l.role = role;
                l.label = label;
                l.detail = detail;
                if *kind == SocketKind::TcpStream {
                    self.connect_arrow(*socket, local, peer.as_deref(), row, listener.is_some());
                }
                let title = match peer {
                    Some(p) => format!("socket {socket}: {local} ⇄ {p}"),
                    None => format!("socket {socket} bound to {local}"),
                };
                (Some(lane), call_or_auto(auto, call.into()), title, None)
            }
            Event::Sent {
                socket,
                send_no,
                requested,
                accepted,
                all,
                ..
            } => {
                self.sends.insert((*socket, *send_no), row);
                let name = if *all { "sendall" } else { "send" };
                let label = if accepted < requested {
                    format!("{name} #{send_no} · {accepted} of {requested} B (partial)")
                } else {
                    format!("{name} #{send_no} · {accepted} B")
                };
                let title = format!(
                    "{name} #{send_no} on {socket}: the kernel accepted {accepted} of {requested} bytes"
                );
                let lane = self.lane(*socket, row);
                (
                    Some(lane),
                    call_or_auto(auto, label),
                    title,
                    Some(colour_of(*send_no)),
                )
            }
            Event::SentTo {
                socket,
                send_no,
                to,
                bytes,
            } => {
                self.sends.insert((*socket, *send_no), row);
                let lane = self.lane(*socket, row);
                (
                    Some(lane),
                    call_or_auto(auto, format!("sendto #{send_no} · {bytes} B")),
                    format!("datagram #{send_no} from {socket}: {bytes} bytes to {to}"),
                    Some(colour_of(*send_no)),
                )
            }
            Event::Received {
                socket,
                data,
                bufsize,
                eof,
                spans,
                summary,
                auto: by_auto,
                ..
            } => {
                let lane = self.lane(*socket, row);
                let label = if *eof || data.is_empty() {
                    self.fin_arrow(*socket, row);
                    format!("recv({bufsize}) → 0 B · EOF")
                } else {
                    for (from, send_no, len) in by_send(spans) {
                        if let Some(&from_row) = self.sends.get(&(from, send_no)) {
                            self.arrow(from_row, row, format!("{len} B"), Some(colour_of(send_no)));
                        }
                    }
                    let got = data.len();
                    match recv_note(spans) {
                        Some(note) => format!("recv({bufsize}) → {got} B · {note}"),
                        None => format!("recv({bufsize}) → {got} B"),
                    }
                };
                (
                    Some(lane),
                    call_or_auto(auto || *by_auto, label),
                    summary.clone(),
                    None,
                )
            }
            Event::ReceivedFrom {
                socket,
                from,
                data,
                bufsize,
                truncated,
                real_len,
                from_socket,
                send_no,
            } => {
                let lane = self.lane(*socket, row);
                if let (Some(s), Some(n)) = (from_socket, send_no)
                    && let Some(&from_row) = self.sends.get(&(*s, *n))
                {
                    self.arrow(from_row, row, format!("{real_len} B"), Some(colour_of(*n)));
                }
                let label = if *truncated {
                    format!(
                        "recvfrom({bufsize}) → {} B (truncated, was {real_len})",
                        data.len()
                    )
                } else {
                    format!("recvfrom({bufsize}) → {} B", data.len())
                };
                (
                    Some(lane),
                    call_or_auto(auto, label),
                    format!("a datagram of {real_len} bytes from {from}"),
                    None,
                )
            }
            Event::AutoSummary {
                socket,
                recvs,
                bytes,
                echoed,
                eof,
                ..
            } => {
                let lane = self.lane(*socket, row);
                let mut label = format!("{recvs} recvs · {bytes} B");
                if *echoed > 0 {
                    label.push_str(&format!(" · echoed {echoed} B"));
                }
                if *eof {
                    label.push_str(" · EOF");
                    self.fin_arrow(*socket, row);
                }
                let title = format!(
                    "auto-recv made {recvs} recv calls ({bytes} bytes), summed up to keep the page fast"
                );
                (Some(lane), RowKind::Auto { label }, title, None)
            }
            Event::ShutDown { socket, how } => {
                let lane = self.lane(*socket, row);
                let name = match how {
                    ShutdownHow::Read => "SHUT_RD",
                    ShutdownHow::Write => "SHUT_WR",
                    ShutdownHow::Both => "SHUT_RDWR",
                };
                if *how != ShutdownHow::Read {
                    self.fin.insert(*socket, row);
                }
                (
                    Some(lane),
                    call_or_auto(auto, format!("shutdown({name})")),
                    format!("shutdown({name}) on {socket}"),
                    None,
                )
            }
            Event::Closed { socket } => {
                let lane = self.lane(*socket, row);
                self.tl.lanes[lane].closed_row = Some(row);
                self.fin.insert(*socket, row);
                (
                    Some(lane),
                    call_or_auto(auto, "close()".into()),
                    format!("socket {socket} closed"),
                    None,
                )
            }
            Event::OptionSet {
                socket,
                option,
                effective,
            } => {
                let lane = self.lane(*socket, row);
                let label = option_label(option, effective);
                (
                    Some(lane),
                    call_or_auto(auto, label.clone()),
                    format!("{label} on {socket}"),
                    None,
                )
            }
            Event::AutoSet { socket, auto: a } => {
                let lane = self.lane(*socket, row);
                let mut on = Vec::new();
                if a.accept {
                    on.push("accept".to_owned());
                }
                if a.recv {
                    on.push(format!("recv({})", a.bufsize));
                }
                if a.echo != Default::default() {
                    on.push(format!("echo {:?}", a.echo).to_lowercase());
                }
                let label = if on.is_empty() {
                    "auto: off".to_owned()
                } else {
                    format!("auto: {}", on.join(", "))
                };
                (
                    Some(lane),
                    call_or_auto(auto, label.clone()),
                    format!("{label} on {socket}"),
                    None,
                )
            }
            Event::Hello { .. } | Event::Pong | Event::Buffers { .. } => return,
            // `get_names`, and any event this page doesn't know yet: a row in its socket's
            // lane named after the event.
            other => {
                let lane = socket_of(other).map(|s| self.lane(s, row));
                let (label, title) = generic_label(other);
                (lane, call_or_auto(auto, label), title, None)
            }
        };
        self.tl.rows.push(Row {
            index,
            seq: env.seq,
            lane,
            kind,
            t_us: env.t_us,
            title,
            colour,
            arrows_in: 0,
            arrows_out: 0,
        });
    }

    /// Pairs the two ends of a TCP connection and draws connect() → accept().
    fn connect_arrow(
        &mut self,
        socket: SocketId,
        local: &str,
        peer: Option<&str>,
        row: usize,
        accepted: bool,
    ) {
        let Some(peer) = peer else { return };
        let other = self
            .streams
            .iter()
            .find(|(_, l, p, _)| l == peer && p.as_deref() == Some(local))
            .map(|(s, _, _, r)| (*s, *r));
        self.streams
            .push((socket, local.to_owned(), Some(peer.to_owned()), row));
        if let Some((other, other_row)) = other {
            self.peer.insert(socket, other);
            self.peer.insert(other, socket);
            let (from, to) = if accepted {
                (other_row, row)
            } else {
                (row, other_row)
            };
            self.arrow(from, to, "connect".into(), None);
        }
    }

    /// A recv that returned b'': an arrow from the peer's close()/shutdown().
    fn fin_arrow(&mut self, socket: SocketId, row: usize) {
        if let Some(&from_row) = self.peer.get(&socket).and_then(|p| self.fin.get(p)) {
            self.arrow(from_row, row, "FIN".into(), None);
        }
    }
}

/// A label for an event without a dedicated one: "getsockname()" for `names`, else the
/// event's name; the tooltip is the event itself.
fn generic_label(event: &Event) -> (String, String) {
    let json = serde_json::to_value(event).unwrap_or_default();
    let name = json["event"].as_str().unwrap_or("event").to_owned();
    let label = match name.as_str() {
        "names" if json["peer"].is_string() => "getsockname() · getpeername()".to_owned(),
        "names" => "getsockname()".to_owned(),
        _ => name.replace('_', " "),
    };
    (label, json.to_string())
}

fn call_or_auto(auto: bool, label: String) -> RowKind {
    if auto {
        RowKind::Auto { label }
    } else {
        RowKind::Call { label }
    }
}

/// The sends a recv's bytes came from, in order, with how many bytes of each.
fn by_send(spans: &[SendSpan]) -> Vec<(SocketId, u32, u64)> {
    let mut out: Vec<(SocketId, u32, u64)> = Vec::new();
    for span in spans {
        let (Some(from), Some(n)) = (span.from, span.send_no) else {
            continue;
        };
        match out.iter_mut().find(|(f, m, _)| *f == from && *m == n) {
            Some(entry) => entry.2 += span.len,
            None => out.push((from, n, span.len)),
        }
    }
    out
}

/// Where a recv's bytes came from, short enough for a marker: "2 sends → 1 recv",
/// "1 send → 1 recv", "2 of 5 B of send #1", "external peer". (The server's longer summary
/// is the row's tooltip.)
fn recv_note(spans: &[SendSpan]) -> Option<String> {
    let sends = by_send(spans);
    match sends.as_slice() {
        [] if spans.is_empty() => None,
        [] => Some("external peer".to_owned()),
        [(from, n, len)] => {
            let total = spans
                .iter()
                .find(|s| s.from == Some(*from) && s.send_no == Some(*n))
                .map_or(*len, |s| s.send_len);
            Some(if *len == total {
                "1 send → 1 recv".to_owned()
            } else {
                format!("{len} of {total} B of send #{n}")
            })
        }
        more => Some(format!("{} sends → 1 recv", more.len())),
    }
}

fn option_label(option: &SockOption, effective: &SockOption) -> String {
    let value = |o: &SockOption| match o {
        SockOption::Nodelay(b) | SockOption::ReuseAddr(b) | SockOption::Blocking(b) => {
            if *b { "1" } else { "0" }.to_owned()
        }
        SockOption::Rcvbuf(n) | SockOption::Sndbuf(n) => n.to_string(),
        SockOption::TimeoutMs(Some(ms)) => format!("{}", *ms as f64 / 1000.0),
        SockOption::TimeoutMs(None) => "None".to_owned(),
    };
    let (asked, got) = (value(option), value(effective));
    // "4096)" or, when the kernel changed the value, "4096) → 8192".
    let shown = if asked == got {
        format!("{asked})")
    } else {
        format!("{asked}) → {got}")
    };
    match option {
        SockOption::Nodelay(_) => format!("setsockopt(TCP_NODELAY, {shown}"),
        SockOption::Rcvbuf(_) => format!("setsockopt(SO_RCVBUF, {shown}"),
        SockOption::Sndbuf(_) => format!("setsockopt(SO_SNDBUF, {shown}"),
        SockOption::ReuseAddr(_) => format!("setsockopt(SO_REUSEADDR, {shown}"),
        SockOption::Blocking(b) => format!("setblocking({})", if *b { "True" } else { "False" }),
        SockOption::TimeoutMs(_) => format!("settimeout({shown}"),
    }
}

/// The history lengths a stepping cursor stops at, ascending: one per step, right after the
/// step's final `buffers` snapshot (so the buffer views show the state after the step).
///
/// A step is the run of row events that share a request number (auto events share `None`);
/// a step whose snapshot has not arrived (or never comes, like an error about a malformed
/// message) ends where the next step starts, or at the end of the history.
pub fn step_positions(history: &[Envelope]) -> Vec<usize> {
    let mut stops = Vec::new();
    let mut pending: Option<Option<u64>> = None;
    for (i, env) in history.iter().enumerate() {
        if matches!(env.event, Event::Buffers { .. }) {
            if pending.take().is_some() {
                stops.push(i + 1);
            }
        } else if is_row_event(&env.event) {
            if let Some(req) = pending
                && req != env.req
            {
                stops.push(i);
            }
            pending = Some(env.req);
        }
    }
    if pending.is_some() {
        stops.push(history.len());
    }
    stops
}

/// The cursor one step back from `cursor` (`None` = live at history length `len`). At the
/// first step it stays there; with no steps at all it stays where it is.
pub fn prev_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Option<usize> {
    let pos = cursor.unwrap_or(len);
    let before = stops.partition_point(|&s| s < pos);
    match before {
        0 => stops.first().copied().or(cursor),
        k => Some(stops[k - 1]),
    }
}

/// The cursor one step forward; reaching the last step (the live picture) returns `None`.
pub fn next_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Option<usize> {
    let pos = cursor?;
    stops
        .get(stops.partition_point(|&s| s <= pos))
        .copied()
        .filter(|&s| s < len)
}

/// The first step's stop (where "⏮" goes); `None` with no steps.
pub fn first_step(stops: &[usize]) -> Option<usize> {
    stops.first().copied()
}

/// Where clicking the row of history event `index` puts the cursor: after that row's step.
/// The last step is the live picture, so it returns `None`.
pub fn stop_for_row(stops: &[usize], index: usize, len: usize) -> Option<usize> {
    stops
        .get(stops.partition_point(|&s| s <= index))
        .copied()
        .filter(|&s| s < len)
}

/// The history range of the step that ends at the cursor: the rows drawn as "current".
pub fn current_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Range<usize> {
    let pos = cursor.unwrap_or(len);
    let before = stops.partition_point(|&s| s < pos);
    let start = if before == 0 { 0 } else { stops[before - 1] };
    start..pos
}

/// "step 3 of 7", or "live".
pub fn position_label(stops: &[usize], cursor: Option<usize>) -> String {
    match cursor {
        None => "live".to_owned(),
        Some(pos) => format!(
            "step {} of {}",
            stops.partition_point(|&s| s <= pos),
            stops.len()
        ),
    }
}

/// The rows to render: at most `size`, ending `after` rows past the `anchor` (the number of
/// rows up to the cursor), so the cursor's row is always inside.
pub fn window(total: usize, anchor: usize, size: usize, after: usize) -> Range<usize> {
    let end = anchor.saturating_add(after).min(total);
    let start = end.saturating_sub(size);
    start..end
}

/// "1.234 s" since the connection opened.
pub fn format_time(t_us: u64) -> String {
    format!("{}.{:03} s", t_us / 1_000_000, (t_us / 1000) % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::Payload;
    use socklab_shared::protocol::{BufferSnapshot, ErrorCode, Limits, Sequencer};

    /// A history: each item is (req, event).
    fn history(events: Vec<(Option<u64>, Event)>) -> Vec<Envelope> {
        let mut seq = Sequencer::default();
        events
            .into_iter()
            .enumerate()
            .map(|(i, (req, e))| seq.stamp(i as u64 * 1000, req, e))
            .collect()
    }

    fn hello() -> Event {
        Event::Hello {
            protocol_version: 1,
            server_version: "test".into(),
            limits: Limits {
                max_sockets: 16,
                max_send_bytes: 1 << 20,
                max_message_bytes: 1 << 20,
                peek_bytes: 256,
                max_bulk_bytes: 1 << 20,
                max_wait_ms: 5000,
                loopback_only: true,
            },
        }
    }

    fn buffers() -> Event {
        Event::Buffers {
            sockets: vec![BufferSnapshot {
                socket: SocketId(1),
                kind: SocketKind::TcpStream,
                tcp_state: None,
                recv_queued: 0,
                recv_peek: Payload::default(),
                recv_spans: vec![],
                recv_offset: 0,
                send_queued: 0,
                next_datagram: None,
                accept_queue: None,
            }],
        }
    }

    fn opened(
        id: u32,
        kind: SocketKind,
        local: &str,
        peer: Option<&str>,
        listener: Option<u32>,
    ) -> Event {
        Event::SocketOpened {
            socket: SocketId(id),
            kind,
            local: local.into(),
            peer: peer.map(Into::into),
            listener: listener.map(SocketId),
        }
    }

    fn sent(id: u32, send_no: u32, len: u64, offset: u64) -> Event {
        Event::Sent {
            socket: SocketId(id),
            send_no,
            requested: len,
            accepted: len,
            header_len: 0,
            trailer_len: 0,
            stream_offset: offset,
            all: false,
        }
    }

    fn span(
        start: u64,
        len: u64,
        from: u32,
        send_no: u32,
        offset_in_send: u64,
        send_len: u64,
    ) -> SendSpan {
        SendSpan {
            start,
            len,
            from: Some(SocketId(from)),
            send_no: Some(send_no),
            offset_in_send,
            send_len,
            header_bytes: 0,
            trailer_bytes: 0,
        }
    }

    fn received(id: u32, data: &str, bufsize: u32, spans: Vec<SendSpan>, summary: &str) -> Event {
        Event::Received {
            socket: SocketId(id),
            data: Payload(data.as_bytes().to_vec()),
            bufsize,
            eof: data.is_empty(),
            spans,
            stream_offset: 0,
            summary: summary.into(),
            auto: false,
        }
    }

    /// listen (#1), connect (#2), accept (#3): each with its snapshot.
    fn connection() -> Vec<(Option<u64>, Event)> {
        vec![
            (None, hello()),
            (
                Some(1),
                opened(1, SocketKind::TcpListener, "127.0.0.1:9000", None, None),
            ),
            (Some(1), buffers()),
            (
                Some(2),
                opened(
                    2,
                    SocketKind::TcpStream,
                    "127.0.0.1:50000",
                    Some("127.0.0.1:9000"),
                    None,
                ),
            ),
            (Some(2), buffers()),
            (
                Some(3),
                opened(
                    3,
                    SocketKind::TcpStream,
                    "127.0.0.1:9000",
                    Some("127.0.0.1:50000"),
                    Some(1),
                ),
            ),
            (Some(3), buffers()),
        ]
    }

    fn sticky() -> Vec<Envelope> {
        let mut h = connection();
        h.extend([
            (Some(4), sent(2, 1, 5, 0)),
            (Some(4), buffers()),
            (Some(5), sent(2, 2, 5, 5)),
            (Some(5), buffers()),
            (
                Some(6),
                received(
                    3,
                    "helloworld",
                    12,
                    vec![span(0, 5, 2, 1, 0, 5), span(5, 5, 2, 2, 0, 5)],
                    "2 sends → 1 recv",
                ),
            ),
            (Some(6), buffers()),
        ]);
        history(h)
    }

    fn labels(tl: &Timeline) -> Vec<&str> {
        tl.rows.iter().map(|r| r.kind.label()).collect()
    }

    #[test]
    fn one_lane_per_socket_in_order_of_appearance_and_no_rows_for_snapshots() {
        let tl = Timeline::build(&sticky());
        let lanes: Vec<_> = tl.lanes.iter().map(|l| (l.socket.0, l.role)).collect();
        assert_eq!(lanes, [(1, "listener"), (2, "client"), (3, "accepted")]);
        assert_eq!(tl.lanes[0].detail, "127.0.0.1:9000");
        assert_eq!(tl.lanes[2].label, "accepted by #1");
        assert_eq!(
            labels(&tl),
            [
                "listen()",
                "connect()",
                "accept()",
                "send #1 · 5 B",
                "send #2 · 5 B",
                "recv(12) → 10 B · 2 sends → 1 recv",
            ]
        );
        let idx: Vec<_> = tl.rows.iter().map(|r| r.index).collect();
        assert_eq!(idx, [1, 3, 5, 7, 9, 11]);
        assert_eq!(tl.rows[3].lane, Some(1));
        assert_eq!(tl.rows[5].lane, Some(2));
        assert_eq!(tl.rows[3].colour, Some(0));
        assert_eq!(tl.rows[4].colour, Some(1));
        assert!(matches!(tl.rows[0].kind, RowKind::Call { .. }));
    }

    #[test]
    fn sticky_two_sends_one_recv_gives_two_arrows_into_the_recv_row() {
        let tl = Timeline::build(&sticky());
        let data: Vec<_> = tl
            .arrows
            .iter()
            .filter(|a| a.colour.is_some())
            .map(|a| (a.from_row, a.to_row, a.label.as_str()))
            .collect();
        assert_eq!(data, [(3, 5, "5 B"), (4, 5, "5 B")]);
        assert_eq!(tl.rows[5].arrows_in, 2);
        assert_eq!(tl.rows[3].arrows_out, 1);
    }

    #[test]
    fn connect_is_drawn_to_its_accept() {
        let tl = Timeline::build(&sticky());
        let conn: Vec<_> = tl
            .arrows
            .iter()
            .filter(|a| a.colour.is_none())
            .map(|a| (a.from_row, a.to_row, a.label.as_str()))
            .collect();
        assert_eq!(conn, [(1, 2, "connect")]);
    }

    #[test]
    fn one_send_read_by_two_recvs_has_an_arrow_to_each() {
        let mut h = connection();
        h.extend([
            (Some(4), sent(2, 1, 5, 0)),
            (Some(4), buffers()),
            (
                Some(5),
                received(
                    3,
                    "he",
                    2,
                    vec![span(0, 2, 2, 1, 0, 5)],
                    "partial: 2 of 5 bytes of send #1",
                ),
            ),
            (Some(5), buffers()),
            (
                Some(6),
                received(
                    3,
                    "llo",
                    12,
                    vec![span(0, 3, 2, 1, 2, 5)],
                    "partial: 3 of 5 bytes of send #1",
                ),
            ),
            (Some(6), buffers()),
        ]);
        let tl = Timeline::build(&history(h));
        let data: Vec<_> = tl
            .arrows
            .iter()
            .filter(|a| a.colour.is_some())
            .map(|a| (a.from_row, a.to_row, a.label.as_str()))
            .collect();
        assert_eq!(data, [(3, 4, "2 B"), (3, 5, "3 B")]);
        assert_eq!(tl.rows[3].arrows_out, 2);
        assert_eq!(
            tl.rows[4].kind.label(),
            "recv(2) → 2 B · 2 of 5 B of send #1"
        );
        assert_eq!(tl.rows[4].title, "partial: 2 of 5 bytes of send #1");
    }

    #[test]
    fn udp_sendto_points_at_its_recvfrom() {
        let h = history(vec![
            (None, hello()),
            (
                Some(1),
                opened(1, SocketKind::Udp, "127.0.0.1:40001", None, None),
            ),
            (Some(1), buffers()),
            (
                Some(2),
                opened(2, SocketKind::Udp, "127.0.0.1:40002", None, None),
            ),
            (Some(2), buffers()),
            (
                Some(3),
                Event::SentTo {
                    socket: SocketId(1),
                    send_no: 1,
                    to: "127.0.0.1:40002".into(),
                    bytes: 10,
                },
            ),
            (Some(3), buffers()),
            (
                Some(4),
                Event::ReceivedFrom {
                    socket: SocketId(2),
                    from: "127.0.0.1:40001".into(),
                    data: Payload::from("hell"),
                    bufsize: 4,
                    truncated: true,
                    real_len: 10,
                    from_socket: Some(SocketId(1)),
                    send_no: Some(1),
                },
            ),
            (Some(4), buffers()),
        ]);
        let tl = Timeline::build(&h);
        assert_eq!(
            labels(&tl),
            [
                "bind()",
                "bind()",
                "sendto #1 · 10 B",
                "recvfrom(4) → 4 B (truncated, was 10)"
            ]
        );
        assert_eq!(
            tl.arrows,
            [Arrow {
                from_row: 2,
                to_row: 3,
                label: "10 B".into(),
                colour: Some(0)
            }]
        );
        assert_eq!(tl.rows[2].lane, Some(0));
        assert_eq!(tl.rows[3].lane, Some(1));
    }

    #[test]
    fn close_is_drawn_to_the_peers_eof() {
        let mut h = connection();
        h.extend([
            (
                Some(4),
                Event::Closed {
                    socket: SocketId(2),
                },
            ),
            (Some(4), buffers()),
            (Some(5), received(3, "", 1024, vec![], "b''")),
            (Some(5), buffers()),
        ]);
        let tl = Timeline::build(&history(h));
        assert_eq!(tl.rows[3].kind.label(), "close()");
        assert_eq!(tl.rows[4].kind.label(), "recv(1024) → 0 B · EOF");
        assert_eq!(tl.lanes[1].closed_row, Some(3));
        let fin = tl.arrows.iter().find(|a| a.label == "FIN").unwrap();
        assert_eq!((fin.from_row, fin.to_row), (3, 4));
    }

    #[test]
    fn errors_and_auto_events_get_their_own_kinds() {
        let mut h = connection();
        h.extend([
            (
                Some(4),
                Event::Error {
                    code: ErrorCode::WouldBlock,
                    message: "recv(1024) would block".into(),
                    hint: Some("nothing to read yet".into()),
                    socket: Some(SocketId(3)),
                    errno: None,
                },
            ),
            (Some(4), buffers()),
            (
                Some(5),
                Event::Error {
                    code: ErrorCode::BadMessage,
                    message: "could not understand the message".into(),
                    hint: None,
                    socket: None,
                    errno: None,
                },
            ),
            (None, sent(3, 1, 5, 0)),
            (None, buffers()),
            (Some(6), Event::Pong),
        ]);
        let tl = Timeline::build(&history(h));
        assert_eq!(tl.rows.len(), 6);
        assert_eq!(
            tl.rows[3].kind,
            RowKind::Error {
                label: "recv(1024) would block".into()
            }
        );
        assert_eq!(tl.rows[3].lane, Some(2));
        assert!(tl.rows[3].title.contains("nothing to read yet"));
        assert_eq!(tl.rows[4].lane, None);
        assert_eq!(tl.rows[5].kind.class(), "auto");
    }

    #[test]
    fn one_stop_per_step_right_after_its_snapshot() {
        let h = sticky();
        // hello, then (call, buffers) × 6.
        assert_eq!(step_positions(&h), [3, 5, 7, 9, 11, 13]);
        assert_eq!(step_positions(&h[..12]), [3, 5, 7, 9, 11, 12]);
        assert_eq!(step_positions(&h[..1]), Vec::<usize>::new());
    }

    #[test]
    fn a_step_without_a_snapshot_ends_where_the_next_begins() {
        let h = history(vec![
            (None, hello()),
            (
                Some(1),
                Event::Error {
                    code: ErrorCode::BadMessage,
                    message: "bad".into(),
                    hint: None,
                    socket: None,
                    errno: None,
                },
            ),
            (
                Some(2),
                opened(1, SocketKind::Udp, "127.0.0.1:4000", None, None),
            ),
            (Some(2), buffers()),
            // Auto events: several, then one snapshot.
            (None, sent(1, 1, 1, 0)),
            (None, sent(1, 2, 1, 1)),
            (None, buffers()),
            (Some(3), Event::Pong),
        ]);
        assert_eq!(step_positions(&h), [2, 4, 7]);
    }

    #[test]
    fn stepping_back_and_forth() {
        let stops = [3, 5, 7, 9, 11, 13];
        let len = 13;
        // From live, back goes to the step before the last (live shows the last one).
        assert_eq!(prev_step(&stops, None, len), Some(11));
        assert_eq!(prev_step(&stops, Some(11), len), Some(9));
        assert_eq!(prev_step(&stops, Some(3), len), Some(3));
        assert_eq!(prev_step(&stops, Some(8), len), Some(7));
        assert_eq!(next_step(&stops, Some(3), len), Some(5));
        assert_eq!(next_step(&stops, Some(9), len), Some(11));
        assert_eq!(next_step(&stops, Some(11), len), None);
        assert_eq!(next_step(&stops, None, len), None);
        assert_eq!(first_step(&stops), Some(3));
        assert_eq!(prev_step(&[], None, 1), None);
        assert_eq!(first_step(&[]), None);
    }

    #[test]
    fn clicking_a_row_shows_the_state_after_its_step() {
        let stops = [3, 5, 7, 9, 11, 13];
        assert_eq!(stop_for_row(&stops, 1, 13), Some(3));
        assert_eq!(stop_for_row(&stops, 9, 13), Some(11));
        assert_eq!(stop_for_row(&stops, 11, 13), None);
        assert_eq!(current_step(&stops, Some(11), 13), 9..11);
        assert_eq!(current_step(&stops, None, 13), 11..13);
        assert_eq!(current_step(&stops, Some(3), 13), 0..3);
    }

    #[test]
    fn position_labels() {
        let stops = [3, 5, 7];
        assert_eq!(position_label(&stops, None), "live");
        assert_eq!(position_label(&stops, Some(5)), "step 2 of 3");
        assert_eq!(position_label(&stops, Some(1)), "step 0 of 3");
    }

    #[test]
    fn the_window_keeps_the_cursor_row_and_at_most_size_rows() {
        assert_eq!(window(50, 50, 200, 20), 0..50);
        assert_eq!(window(10_000, 10_000, 200, 20), 9_800..10_000);
        assert_eq!(window(10_000, 500, 200, 20), 320..520);
        assert_eq!(window(10_000, 0, 200, 20), 0..20);
        let tl = Timeline::build(&sticky());
        assert_eq!(tl.rows_before(9), 4);
        assert_eq!(tl.rows_before(13), 6);
    }

    #[test]
    fn a_long_history_builds_quickly_enough() {
        let mut h = connection();
        for n in 1..=5_000u32 {
            h.push((Some(u64::from(n) + 3), sent(2, n, 1, u64::from(n))));
            h.push((Some(u64::from(n) + 3), buffers()));
        }
        let h = history(h);
        let tl = Timeline::build(&h);
        assert_eq!(tl.rows.len(), 5_003);
        assert_eq!(step_positions(&h).len(), 5_003);
    }

    #[test]
    fn events_without_a_dedicated_label_still_get_a_row_in_their_lane() {
        let mut h = connection();
        h.extend([
            (
                Some(4),
                Event::Names {
                    socket: SocketId(2),
                    local: "127.0.0.1:50000".into(),
                    peer: Some("127.0.0.1:9000".into()),
                },
            ),
            (Some(4), buffers()),
        ]);
        let tl = Timeline::build(&history(h));
        assert_eq!(tl.rows[3].kind.label(), "getsockname() · getpeername()");
        assert_eq!(tl.rows[3].lane, Some(1));
    }

    #[test]
    fn option_and_time_labels() {
        assert_eq!(
            option_label(&SockOption::Rcvbuf(4096), &SockOption::Rcvbuf(8192)),
            "setsockopt(SO_RCVBUF, 4096) → 8192"
        );
        assert_eq!(
            option_label(&SockOption::Nodelay(true), &SockOption::Nodelay(true)),
            "setsockopt(TCP_NODELAY, 1)"
        );
        assert_eq!(
            option_label(
                &SockOption::TimeoutMs(Some(1500)),
                &SockOption::TimeoutMs(Some(1500))
            ),
            "settimeout(1.5)"
        );
        assert_eq!(format_time(1_234_567), "1.234 s");
    }
}
