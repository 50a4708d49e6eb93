//! The cable between hosts A and B, as the page draws it: every packet the server reported,
//! what it carries and what the link did with it, kept up to date event by event.
//!
//! [`LiveCable::sync`] walks only the events after the ones it has seen (the history only
//! grows; a new session starts it over), appending one [`Item`] per `packet` or
//! `packet_summary` event and updating a held packet when its `packet_fate` comes. Each item
//! remembers the history index of its event, so a cursor stepped back to position `n` shows
//! exactly the packets that had crossed by then ([`Cable::visible`]), each with the fate it
//! had then ([`Crossing::fate_at`]).
//!
//! The cable also keeps the latest `wire_state` (for the link panel) and the latest
//! `wire_unavailable` error (its message and hint, until the wire comes up).
//!
//! Where the arrows go on screen is [`layout`]'s job.

pub mod layout;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use socklab_shared::protocol::wire::{
    Direction, DropReason, Fate, PacketInfo, Transport, WireStatus,
};
use socklab_shared::protocol::{Envelope, ErrorCode, Event, SendSpan};

use super::byte_cells::colour_of;
use crate::i18n::wire::WireText;
use crate::i18n::{Lang, fill};

/// How a packet is drawn: its kind for the stylesheet (SYN, FIN and RST stand out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Look {
    Syn,
    Fin,
    Rst,
    /// A TCP segment with payload.
    Data,
    /// A TCP segment without payload, flags or not (a pure ACK).
    Ack,
    Udp,
    Icmp,
    Other,
}

impl Look {
    /// The CSS class (`cv-syn`, `cv-data`…).
    pub fn class(self) -> &'static str {
        match self {
            Look::Syn => "cv-syn",
            Look::Fin => "cv-fin",
            Look::Rst => "cv-rst",
            Look::Data => "cv-data",
            Look::Ack => "cv-ack",
            Look::Udp => "cv-udp",
            Look::Icmp => "cv-icmp",
            Look::Other => "cv-other",
        }
    }
}

/// A run of a packet's payload that came from one send (or from outside the lab).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Stripe {
    /// The palette colour of the send (as the byte cells: [`colour_of`]); `None` for bytes
    /// from outside the lab.
    pub colour: Option<u32>,
    pub send_no: Option<u32>,
    pub bytes: u64,
}

/// What happened to a held packet later (`packet_fate`).
#[derive(Debug, Clone, PartialEq)]
pub struct Later {
    /// History index of the `packet_fate` event.
    pub index: usize,
    pub t_us: u64,
    pub fate: Fate,
}

/// One packet on the cable.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    pub no: u64,
    /// History index of its `packet` event.
    pub index: usize,
    /// When the cable saw it (the envelope's time, µs since the session opened).
    pub t_us: u64,
    pub direction: Direction,
    /// "SYN", "SYN, ACK", "PSH, ACK 9 B", "UDP 5 B", "ICMP port unreachable".
    pub label: String,
    /// The TCP flags as Wireshark lists them ("SYN, ACK"); "" for other protocols.
    pub flags: String,
    pub look: Look,
    pub payload: u32,
    /// The payload by send, in order; empty without payload.
    pub stripes: Vec<Stripe>,
    pub retransmission: bool,
    /// The fate reported with the packet (`Held` while it waits).
    pub fate: Fate,
    /// The fate of a held packet, once released.
    pub later: Option<Later>,
    /// Sequence numbers, window and options, for a tooltip.
    pub detail: String,
}

impl Crossing {
    /// The fate at history position `pos` (the first `pos` events applied): a held packet
    /// released later is still held before its `packet_fate`.
    pub fn fate_at(&self, pos: usize) -> (&Fate, Option<&Later>) {
        match &self.later {
            Some(l) if l.index < pos => (&l.fate, Some(l)),
            _ => (&self.fate, None),
        }
    }

    /// The send numbers its payload carries, in order, without repeats ("2 3").
    pub fn sends(&self) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for s in self.stripes.iter().filter_map(|s| s.send_no) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// Packets the server folded into one report (too many to show one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub index: usize,
    pub t_us: u64,
    pub direction: Direction,
    pub packets: u64,
    pub bytes: u64,
    pub dropped: u64,
}

impl Band {
    /// "1 200 packets, 1.7 MB (3 dropped)" (in `lang`).
    pub fn label(&self, lang: Lang) -> String {
        let t = WireText::of(lang);
        let mut s = match self.packets {
            1 => fill(t.band_one, &[&bytes_words(self.bytes)]),
            n => fill(t.band_many, &[&n, &bytes_words(self.bytes)]),
        };
        if self.dropped > 0 {
            s.push_str(&fill(t.band_dropped, &[&self.dropped]));
        }
        s
    }
}

/// One thing on the cable, in the order the events came.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Packet(Crossing),
    Summary(Band),
}

impl Item {
    /// History index of its event.
    pub fn index(&self) -> usize {
        match self {
            Item::Packet(c) => c.index,
            Item::Summary(b) => b.index,
        }
    }
}

/// The cable's packets and the wire's state, from the events of one session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cable {
    /// Every packet and summary, in history order.
    pub items: Vec<Item>,
    /// Item position of each packet number.
    by_no: HashMap<u64, usize>,
    /// The latest `wire_state` and the history index of its event.
    pub wire: Option<(usize, WireStatus)>,
    /// The latest `wire_unavailable` error (message, hint), until the wire comes up.
    pub unavailable: Option<(String, Option<String>)>,
    /// The number of the latest pcap the server sent and its size: (packets, bytes).
    pub pcap: Option<(u64, usize)>,
    /// The numbers of the packets waiting on the held wire now (held, no `packet_fate` yet),
    /// oldest first: the next step releases the first. The `wire_state`'s count is only as
    /// fresh as the last wire command; this one follows every packet.
    pub waiting: Vec<u64>,
}

impl Cable {
    /// Applies the event at history index `index`; true when the cable changed.
    pub fn feed(&mut self, index: usize, env: &Envelope) -> bool {
        match &env.event {
            Event::Packet { packet } => {
                if packet.fate == Fate::Held {
                    self.waiting.push(packet.no);
                }
                self.by_no.insert(packet.no, self.items.len());
                self.items
                    .push(Item::Packet(crossing(index, env.t_us, packet)));
                true
            }
            Event::PacketFate { no, fate } => {
                let Some(Item::Packet(c)) = self.by_no.get(no).and_then(|&i| self.items.get_mut(i))
                else {
                    return false;
                };
                self.waiting.retain(|n| n != no);
                c.later = Some(Later {
                    index,
                    t_us: env.t_us,
                    fate: fate.clone(),
                });
                true
            }
            Event::PacketSummary {
                direction,
                packets,
                bytes,
                dropped,
                ..
            } => {
                self.items.push(Item::Summary(Band {
                    index,
                    t_us: env.t_us,
                    direction: *direction,
                    packets: *packets,
                    bytes: *bytes,
                    dropped: *dropped,
                }));
                true
            }
            Event::WireState { wire } => {
                if wire.up {
                    self.unavailable = None;
                }
                self.wire = Some((index, wire.clone()));
                true
            }
            Event::Error {
                code: ErrorCode::WireUnavailable,
                message,
                hint,
                ..
            } => {
                self.unavailable = Some((message.clone(), hint.clone()));
                true
            }
            Event::Pcap { data, packets, .. } => {
                self.pcap = Some((*packets, data.0.len()));
                true
            }
            _ => false,
        }
    }

    /// The items of history positions `start..pos` (what had crossed by `pos`, from where the
    /// shown part of the history starts): the last `most` of them, or up to [`CHUNK`] - 1
    /// more, since the first one shown moves on in steps of [`CHUNK`] items (every arrow moves
    /// when it does, so not with every new packet).
    pub fn visible(&self, start: usize, pos: usize, most: usize) -> &[Item] {
        let lo = self.items.partition_point(|i| i.index() < start);
        let hi = self.items.partition_point(|i| i.index() < pos);
        let hi = hi.max(lo);
        let from = hi.saturating_sub(most).max(lo);
        let from = lo + (from - lo) / CHUNK * CHUNK;
        &self.items[from..hi]
    }

    /// The packets waiting on the held wire, oldest first.
    pub fn waiting_packets(&self) -> impl Iterator<Item = &Crossing> {
        self.waiting.iter().filter_map(|no| {
            match self.by_no.get(no).and_then(|&i| self.items.get(i)) {
                Some(Item::Packet(c)) => Some(c),
                _ => None,
            }
        })
    }

    /// Whether the wire has been used: a packet crossed or the hosts were made.
    pub fn in_use(&self) -> bool {
        !self.items.is_empty() || self.wire.as_ref().is_some_and(|(_, w)| w.up)
    }
}

/// How far the first packet shown moves at a time ([`Cable::visible`]).
pub const CHUNK: usize = 32;

/// The cable kept up to date with the history of one session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveCable {
    session: u64,
    seen: usize,
    cable: Cable,
}

impl LiveCable {
    /// Adds the events after the ones seen, or starts over when `session` changed or the
    /// history is shorter than what was seen. True when the cable changed.
    pub fn sync(&mut self, history: &[Envelope], session: u64) -> bool {
        let mut changed = false;
        if session != self.session || history.len() < self.seen {
            *self = LiveCable {
                session,
                ..LiveCable::default()
            };
            changed = true;
        }
        for (index, env) in history.iter().enumerate().skip(self.seen) {
            changed |= self.cable.feed(index, env);
        }
        self.seen = history.len();
        changed
    }

    pub fn cable(&self) -> &Cable {
        &self.cable
    }
}

impl std::ops::Deref for LiveCable {
    type Target = Cable;

    fn deref(&self) -> &Cable {
        &self.cable
    }
}

/// A packet as the diagram shows it.
fn crossing(index: usize, t_us: u64, p: &PacketInfo) -> Crossing {
    let (label, flags, look, payload, retransmission, detail) = match &p.transport {
        Transport::Tcp(t) => {
            let flags = t.flags.label();
            let look = if t.flags.rst {
                Look::Rst
            } else if t.flags.syn {
                Look::Syn
            } else if t.flags.fin {
                Look::Fin
            } else if t.payload_len > 0 {
                Look::Data
            } else {
                Look::Ack
            };
            let name = if flags.is_empty() { "TCP" } else { &flags };
            let label = if t.payload_len > 0 {
                format!("{name} {} B", t.payload_len)
            } else {
                name.to_owned()
            };
            let mut detail = format!(
                "TCP {} → {} · seq {} · ack {} · window {} · {} bytes",
                t.src_port, t.dst_port, t.seq, t.ack, t.window, t.payload_len
            );
            if let Some(mss) = t.options.mss {
                detail.push_str(&format!(" · MSS {mss}"));
            }
            if let Some(ws) = t.options.window_scale {
                detail.push_str(&format!(" · window scale {ws}"));
            }
            if !t.options.sack.is_empty() {
                detail.push_str(&format!(" · SACK {:?}", t.options.sack));
            }
            (label, flags, look, t.payload_len, t.retransmission, detail)
        }
        Transport::Udp(u) => (
            format!("UDP {} B", u.payload_len),
            String::new(),
            Look::Udp,
            u.payload_len,
            false,
            format!(
                "UDP {} → {} · {} bytes",
                u.src_port, u.dst_port, u.payload_len
            ),
        ),
        Transport::Icmp { label, .. } => (
            format!("ICMP {label}"),
            String::new(),
            Look::Icmp,
            0,
            false,
            format!("ICMP {label}"),
        ),
        Transport::Other { protocol } => (
            format!("IP protocol {protocol}"),
            String::new(),
            Look::Other,
            0,
            false,
            format!("IP protocol {protocol}"),
        ),
    };
    let detail = format!(
        "packet #{} · {} → {} · {}",
        p.no, p.ip.src, p.ip.dst, detail
    );
    Crossing {
        no: p.no,
        index,
        t_us,
        direction: p.direction,
        label,
        flags,
        look,
        payload,
        stripes: stripes(&p.spans, payload.into()),
        retransmission,
        fate: p.fate.clone(),
        later: None,
        detail,
    }
}

/// The payload's runs by send: consecutive spans of one send are one stripe; bytes no span
/// covers came from outside the lab.
pub fn stripes(spans: &[SendSpan], payload: u64) -> Vec<Stripe> {
    let mut out: Vec<Stripe> = Vec::new();
    let mut push = |send_no: Option<u32>, bytes: u64| {
        if bytes == 0 {
            return;
        }
        match out.last_mut() {
            Some(last) if last.send_no == send_no => last.bytes += bytes,
            _ => out.push(Stripe {
                colour: send_no.map(colour_of),
                send_no,
                bytes,
            }),
        }
    };
    let mut sorted: Vec<&SendSpan> = spans.iter().collect();
    sorted.sort_by_key(|s| s.start);
    let mut at = 0u64;
    for s in sorted {
        if s.start > at {
            push(None, s.start - at);
        }
        let start = s.start.max(at);
        let end = (s.start + s.len).min(payload);
        if end > start {
            push(s.send_no, end - start);
            at = end;
        }
    }
    if payload > at {
        push(None, payload - at);
    }
    out
}

/// A fate in words: "delivered", "delayed 50 ms", "dropped (loss)", "waiting on the cable".
pub fn fate_words(fate: &Fate, lang: Lang) -> String {
    let t = WireText::of(lang);
    match fate {
        Fate::Delivered => t.delivered.to_owned(),
        Fate::Duplicated => t.duplicated.to_owned(),
        Fate::Delayed { ms } => fill(t.delayed, &[ms]),
        Fate::Held => t.waiting_on_cable.to_owned(),
        Fate::Dropped { reason } => match reason {
            DropReason::Loss => t.dropped_loss,
            DropReason::DropNext => t.dropped_next,
            DropReason::QueueFull => t.dropped_full,
        }
        .to_owned(),
    }
}

/// The fate's short name for a `data-fate` attribute.
pub fn fate_name(fate: &Fate) -> &'static str {
    match fate {
        Fate::Delivered => "delivered",
        Fate::Duplicated => "duplicated",
        Fate::Delayed { .. } => "delayed",
        Fate::Held => "held",
        Fate::Dropped { .. } => "dropped",
    }
}

/// "512 B", "1.5 KB", "1.7 MB" (decimal, as a capture tool says).
pub fn bytes_words(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} KB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}
