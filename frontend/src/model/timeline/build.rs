//! Building the diagram: one walk over the history that opens a lane per socket and adds a
//! row per call.
//!
//! [`Builder`] carries what the walk must remember (which lane each socket has, where each
//! send's row is, which sockets are connected to which) so the arrows (see `arrows.rs`) can
//! be drawn as soon as their second end shows up. The text of each row comes from
//! `labels.rs`; this file only decides which lane and kind a row gets.

use std::collections::HashMap;

use socklab_shared::protocol::{Envelope, Event, ShutdownHow, SocketId};

use super::arrows::StreamEnd;
use super::labels::{
    auto_set_label, auto_summary_label, call_or_auto, error_row, generic_label, opened_lane,
    option_label, recv_label, recvfrom_label, sent_label, shutdown_name,
};
use super::{Lane, Row, RowKind, Timeline, is_row_event};
use crate::i18n::timeline::TimelineText;
use crate::i18n::{Lang, fill};
use crate::model::byte_cells::colour_of;

/// What the builder remembers while it walks the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Builder {
    pub(super) tl: Timeline,
    pub(super) lane_of: HashMap<SocketId, usize>,
    /// (socket, send_no) → the row of that send.
    pub(super) sends: HashMap<(SocketId, u32), usize>,
    /// Connected stream sockets as they opened: (socket, local name, peer name, row).
    pub(super) streams: Vec<(SocketId, String, Option<String>, usize)>,
    /// A connected socket → the socket at the other end.
    pub(super) peer: HashMap<SocketId, SocketId>,
    /// A socket → the row of its latest close() or shutdown(SHUT_WR / SHUT_RDWR).
    pub(super) fin: HashMap<SocketId, usize>,
    /// The language of the rows' words.
    pub(super) lang: Lang,
}

impl Timeline {
    /// Lays out `history`.
    pub fn build(history: &[Envelope]) -> Self {
        Self::build_from(history, 0)
    }

    /// Lays out `history` from event `start` on (a lesson's or demo's own part): rows keep
    /// their index in the whole history, and the sockets of earlier work get no lane (their
    /// `close()` by the clean slate is not drawn).
    pub fn build_from(history: &[Envelope], start: usize) -> Self {
        Self::build_in(history, start, Lang::En)
    }

    /// [`Timeline::build_from`] with the words in `lang`.
    pub fn build_in(history: &[Envelope], start: usize, lang: Lang) -> Self {
        let mut b = Builder {
            lang,
            ..Builder::default()
        };
        for (index, env) in history.iter().enumerate().skip(start) {
            b.feed(index, env, start);
        }
        b.tl
    }
}

impl Builder {
    /// Adds history event `index` to a diagram that starts at event `start`: events about
    /// sockets of earlier work (no lane, not opened since `start`) are left out. Each arrow
    /// counts on its two rows as soon as it is drawn, so the diagram is complete after every
    /// event: feeding the history event by event, in any batches, gives what
    /// [`Timeline::build_from`] gives.
    pub(super) fn feed(&mut self, index: usize, env: &Envelope, start: usize) {
        let earlier = env
            .event
            .socket()
            .is_some_and(|s| !self.lane_of.contains_key(&s))
            && !matches!(env.event, Event::SocketOpened { .. });
        if start > 0 && earlier {
            return;
        }
        let arrows = self.tl.arrows.len();
        self.add(index, env);
        for a in arrows..self.tl.arrows.len() {
            let (from, to) = (self.tl.arrows[a].from_row, self.tl.arrows[a].to_row);
            self.tl.rows[from].arrows_out += 1;
            self.tl.rows[to].arrows_in += 1;
        }
    }

    fn lane(&mut self, socket: SocketId, row: usize) -> usize {
        if let Some(&l) = self.lane_of.get(&socket) {
            return l;
        }
        self.tl.lanes.push(Lane {
            socket,
            role: "socket",
            label: TimelineText::of(self.lang).lane_socket.into(),
            detail: String::new(),
            first_row: row,
            closed_row: None,
        });
        let l = self.tl.lanes.len() - 1;
        self.lane_of.insert(socket, l);
        l
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
        let lang = self.lang;
        let t = TimelineText::of(lang);
        let mut raw = false;
        let (lane, kind, title, colour) = match event {
            Event::Error {
                code,
                message,
                hint,
                socket,
                errno,
            } => {
                let lane = socket.and_then(|s| self.lane_of.get(&s).copied());
                let (label, title) =
                    error_row(*code, message, hint.as_deref(), errno.as_ref(), lang);
                (lane, RowKind::Error { label }, title, None)
            }
            Event::SocketOpened {
                socket,
                kind,
                local,
                peer,
                listener,
                peer_socket,
            } => {
                let lane = self.lane(*socket, row);
                let (role, label, detail, call) =
                    opened_lane(*kind, *listener, local, peer.as_deref(), lang);
                let l = &mut self.tl.lanes[lane];
                l.role = role;
                l.label = label;
                l.detail = detail;
                if kind.is_stream() {
                    let end = StreamEnd {
                        socket: *socket,
                        kind: *kind,
                        local,
                        peer: peer.as_deref(),
                        listener: *listener,
                        peer_socket: *peer_socket,
                    };
                    self.connect_arrow(&end, row);
                }
                let title = match peer {
                    Some(p) => fill(t.opened_peer, &[socket, local, p]),
                    None => fill(t.opened_bound, &[socket, local]),
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
                let (label, title) =
                    sent_label(*socket, *send_no, *requested, *accepted, *all, lang);
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
                    fill(t.sendto_title, &[send_no, socket, bytes, to]),
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
                    self.data_arrows(spans, row);
                    recv_label(*bufsize, data.len(), spans, lang)
                };
                let title = super::labels::summary_in(summary, spans, lang);
                (
                    Some(lane),
                    call_or_auto(auto || *by_auto, label),
                    title,
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
                self.datagram_arrow(*from_socket, *send_no, *real_len, row);
                let label = recvfrom_label(*bufsize, data.len(), *truncated, *real_len, lang);
                (
                    Some(lane),
                    call_or_auto(auto, label),
                    fill(t.datagram_from, &[real_len, from]),
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
                let (label, title) = auto_summary_label(*recvs, *bytes, *echoed, *eof, lang);
                if *eof {
                    self.fin_arrow(*socket, row);
                }
                (Some(lane), RowKind::Auto { label }, title, None)
            }
            Event::ShutDown { socket, how } => {
                let lane = self.lane(*socket, row);
                let name = shutdown_name(*how);
                if *how != ShutdownHow::Read {
                    self.fin.insert(*socket, row);
                }
                (
                    Some(lane),
                    call_or_auto(auto, format!("shutdown({name})")),
                    fill(t.shutdown_on, &[&name, socket]),
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
                    fill(t.closed, &[socket]),
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
                    fill(t.on_socket, &[&label, socket]),
                    None,
                )
            }
            Event::AutoSet { socket, auto: a } => {
                let lane = self.lane(*socket, row);
                let label = auto_set_label(a, lang);
                (
                    Some(lane),
                    call_or_auto(auto, label.clone()),
                    fill(t.on_socket, &[&label, socket]),
                    None,
                )
            }
            Event::Hello { .. } | Event::Pong | Event::Buffers { .. } => return,
            // `get_names`, and any event this page doesn't know yet: a row in its socket's
            // lane named after the event.
            // The page's own words for following (the English labels are the events' names).
            Event::Shared { .. } => (
                None,
                call_or_auto(auto, t.shared.into()),
                t.shared_title.into(),
                None,
            ),
            Event::Followers { count } => (
                None,
                call_or_auto(auto, t.followers.into()),
                fill(t.followers_title, &[count]),
                None,
            ),
            other => {
                let lane = other.socket().map(|s| self.lane(s, row));
                let (label, title) = generic_label(other);
                raw = !matches!(other, Event::Names { .. });
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
            raw,
        });
    }
}
