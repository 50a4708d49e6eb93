//! Where the cable's arrows go: time runs downward, each packet a slanted arrow from the
//! sender's lane to the receiver's.
//!
//! Every moment that matters (a packet leaving, arriving, a held packet released, a summary)
//! is a point on one vertical axis, in time order. Between two points the axis advances in
//! proportion to the time between them ([`PX_PER_MS`]), so a packet's slant shows its delay and
//! an ACK answering a segment starts where that segment arrived; a long quiet time is folded
//! to [`MAX_GAP`] and marked with its length. Two departures are at least [`MIN_GAP`] apart so
//! their labels stay readable, and an arrival is at least [`MIN_SLANT`] below its departure
//! (on a link without delay the arrow is still an arrow). All y values are whole pixels.

use socklab_shared::protocol::wire::{Direction, Fate};

use super::{Crossing, Item, Stripe, fate_name, fate_words};
use crate::i18n::wire::WireText;
use crate::i18n::{Lang, fill};

/// Pixels per millisecond of time between two points.
pub const PX_PER_MS: f64 = 2.0;
/// The most pixels between two points (a longer quiet time is folded).
pub const MAX_GAP: f64 = 150.0;
/// The fewest pixels between two departures (one label's height and some air).
pub const MIN_GAP: u32 = 44;
/// More after a packet with payload: its boxes of sends ride under its label.
pub const PAYLOAD_GAP: u32 = 18;
/// The least drop of an arrow from its departure to its arrival.
pub const MIN_SLANT: u32 = 28;
/// The top margin above the first point.
pub const TOP: u32 = 30;
/// A quiet time at least this long (µs) is marked with its length.
pub const BREAK_US: u64 = 1_000_000;

/// How an arrow ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    /// At the receiver's lane.
    Arrives,
    /// At ✕ in the middle of the cable.
    Dropped,
    /// Still waiting in the middle of the cable (held).
    Waiting,
}

/// One packet's arrow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arrow {
    pub no: u64,
    pub a_to_b: bool,
    /// Where it leaves the sender's lane.
    pub y_start: u32,
    /// A held packet: where it reaches the middle of the cable, and where it leaves it again
    /// (released) or the diagram's bottom (still waiting).
    pub wait: Option<(u32, u32)>,
    /// Where it ends: at the receiver's lane, the ✕, or (waiting) the middle of the cable.
    pub y_end: u32,
    pub end: End,
    pub label: String,
    pub flags: String,
    pub look_class: &'static str,
    pub stripes: Vec<Stripe>,
    /// The send numbers it carries, space-separated ("2 3"), for a `data-sends` attribute.
    pub sends: String,
    pub retransmission: bool,
    pub duplicated: bool,
    /// The fate at this moment: its short name and in words.
    pub fate: &'static str,
    pub fate_words: String,
    pub detail: String,
}

/// Packets folded into one report, as a band across the cable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BandRow {
    pub index: usize,
    pub y: u32,
    pub a_to_b: bool,
    pub label: String,
}

/// A folded quiet time: where, and how long it really was.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pause {
    pub y: u32,
    pub label: String,
}

/// The whole picture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub arrows: Vec<Arrow>,
    pub bands: Vec<BandRow>,
    pub pauses: Vec<Pause>,
    pub height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    // At equal times an arrival comes first: the reply to a packet leaves after it arrived.
    Arrive,
    Depart,
    Release,
}

/// Lays out `items` (in history order) as they were at history position `pos`.
pub fn layout(items: &[Item], pos: usize, lang: Lang) -> Layout {
    // The points on the time axis: (time, what, item).
    let mut points: Vec<(u64, What, usize)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Summary(b) => points.push((b.t_us, What::Depart, i)),
            Item::Packet(c) => {
                points.push((c.t_us, What::Depart, i));
                if let Some((t, what)) = second_point(c, pos) {
                    points.push((t, what, i));
                }
                if let Some(t) = arrival(c, pos) {
                    points.push((t, What::Arrive, i));
                }
            }
        }
    }
    points.sort();
    let n = items.len();
    let (mut dep, mut rel, mut arr) = (vec![0u32; n], vec![None; n], vec![None; n]);
    let mut pauses = Vec::new();
    let mut y = TOP as f64;
    let mut prev_t = points.first().map_or(0, |p| p.0);
    // The last departure and the room it needs below it.
    let mut last_dep: Option<(u32, u32)> = None;
    let mut bottom = TOP;
    for &(t, what, i) in &points {
        let gap = t.saturating_sub(prev_t);
        let dy = (gap as f64 / 1000.0 * PX_PER_MS).min(MAX_GAP);
        if gap >= BREAK_US {
            pauses.push(Pause {
                y: (y + dy / 2.0).round() as u32,
                label: format!("{:.1} s later", gap as f64 / 1e6),
            });
        }
        y += dy;
        let mut at = y.round() as u32;
        match what {
            What::Depart => {
                if let Some((d, room)) = last_dep {
                    at = at.max(d + room);
                }
                let payload = matches!(&items[i], Item::Packet(c) if !c.stripes.is_empty());
                last_dep = Some((at, MIN_GAP + if payload { PAYLOAD_GAP } else { 0 }));
                dep[i] = at;
            }
            What::Release => {
                at = at.max(dep[i] + MIN_SLANT / 2 + 10);
                rel[i] = Some(at);
            }
            What::Arrive => {
                at = at.max(dep[i] + MIN_SLANT);
                if let Some(r) = rel[i] {
                    at = at.max(r + MIN_SLANT / 2);
                }
                arr[i] = Some(at);
            }
        }
        y = at as f64;
        prev_t = t;
        bottom = bottom.max(at);
    }
    // A packet that ends mid-cable at once (dropped) reaches below its departure too.
    let bottom = bottom + MIN_GAP;
    let mut out = Layout {
        pauses,
        height: bottom + MIN_SLANT,
        ..Layout::default()
    };
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Summary(b) => out.bands.push(BandRow {
                index: b.index,
                y: dep[i],
                a_to_b: b.direction == Direction::AToB,
                label: b.label(lang),
            }),
            Item::Packet(c) => {
                out.arrows
                    .push(arrow(c, pos, (dep[i], rel[i], arr[i]), bottom, lang))
            }
        }
    }
    out
}

/// A held packet's release, if it came by `pos`.
fn second_point(c: &Crossing, pos: usize) -> Option<(u64, What)> {
    let (_, later) = c.fate_at(pos);
    later.map(|l| (l.t_us.max(c.t_us + 1), What::Release))
}

/// When the packet arrives at the receiver, if it does (by what is known at `pos`).
fn arrival(c: &Crossing, pos: usize) -> Option<u64> {
    let (fate, later) = c.fate_at(pos);
    let from = later.map_or(c.t_us, |l| l.t_us.max(c.t_us + 1));
    match fate {
        Fate::Held | Fate::Dropped { .. } => None,
        Fate::Delayed { ms } => Some((from + ms * 1000).max(from + 1)),
        Fate::Delivered | Fate::Duplicated => Some(from + 1),
    }
}

/// One packet's arrow: `ys` are where it left, was released and arrived.
fn arrow(
    c: &Crossing,
    pos: usize,
    (y_start, released, arrived): (u32, Option<u32>, Option<u32>),
    bottom: u32,
    lang: Lang,
) -> Arrow {
    let (fate, later) = c.fate_at(pos);
    let mid = y_start + MIN_SLANT / 2;
    let held = c.fate == Fate::Held;
    let (wait, y_end, end) = match (held, released, arrived) {
        // Waited, then delivered.
        (true, Some(r), Some(a)) => (Some((mid, r)), a, End::Arrives),
        // Waited, then dropped: the ✕ where it was released.
        (true, Some(r), None) => (Some((mid, r)), r, End::Dropped),
        // Still waiting.
        (true, None, _) => (Some((mid, bottom)), mid, End::Waiting),
        (false, _, Some(a)) => (None, a, End::Arrives),
        (false, _, None) => (None, mid, End::Dropped),
    };
    let sends = c
        .sends()
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let mut words = fate_words(fate, lang);
    if later.is_some() {
        words = fill(WireText::of(lang).held_then, &[&words]);
    }
    Arrow {
        no: c.no,
        a_to_b: c.direction == Direction::AToB,
        y_start,
        wait,
        y_end,
        end,
        label: c.label.clone(),
        flags: c.flags.clone(),
        look_class: c.look.class(),
        stripes: c.stripes.clone(),
        sends,
        retransmission: c.retransmission,
        duplicated: *fate == Fate::Duplicated,
        fate: fate_name(fate),
        fate_words: words,
        detail: c.detail.clone(),
    }
}
