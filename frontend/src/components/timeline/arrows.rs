//! The diagram's SVG part: each socket's lifeline under the call markers, and the arrows
//! between rows over them (one colour per send, fanned out when several end at one row).
//!
//! Only the rendered window of rows is drawn; arrows and lifelines that leave the window run to
//! its edge. Positions are computed, not measured: x in % of the lanes' width (the lane centres
//! the markers use), y in px from the fixed row height.

use std::ops::Range;

use leptos::prelude::*;

use super::{ROW_H, lane_centre};
use crate::model::timeline as model;

/// Half the height of a call's marker: arrows start and end at its edge.
const MARKER_HALF: f64 = 14.0;
/// How many send colours static/style.css defines (`.send-0` … `.send-7`).
const COLOURS: u32 = 8;

/// Lifelines and arrows over the rendered rows, as SVG (x in % of the lanes' width, y in px).
#[component]
pub(super) fn Arrows(
    tl: Memo<model::LiveTimeline>,
    shown: Memo<Range<usize>>,
    pos: Memo<usize>,
) -> impl IntoView {
    let heads = (0..COLOURS)
        .map(|k| view! { <ArrowHead id=format!("tl-head-{k}") class=format!("tl-c{k}")/> })
        .collect_view();
    let lifelines = move || {
        let range = shown.get();
        tl.with(|t| draw_lifelines(t, range))
    };
    let arrows = move || {
        let range = shown.get();
        let pos = pos.get();
        tl.with(|t| draw_arrows(t, range, pos))
    };
    // Two layers: lifelines under the call markers, arrows over them.
    view! {
        <svg class="tl-svg tl-under" aria-hidden="true">{lifelines}</svg>
        <svg class="tl-svg tl-over" aria-hidden="true">
            <defs>
                {heads}
                <ArrowHead id="tl-head-conn".to_owned() class="tl-conn".to_owned()/>
            </defs>
            {arrows}
        </svg>
    }
}

#[component]
fn ArrowHead(id: String, class: String) -> impl IntoView {
    view! {
        <marker id=id class=class viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
            markerUnits="userSpaceOnUse" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z"/>
        </marker>
    }
}

/// Where lanes and rows are in the SVG: x in % of the lanes' width, y in px.
struct Geometry {
    lanes: f64,
    range: Range<usize>,
}

impl Geometry {
    fn new(t: &model::Timeline, range: Range<usize>) -> Self {
        Geometry {
            lanes: t.lanes.len().max(1) as f64,
            range,
        }
    }

    fn x(&self, lane: usize) -> f64 {
        lane_centre(lane, self.lanes as usize)
    }

    fn y(&self, row: usize) -> f64 {
        (row - self.range.start) as f64 * ROW_H + ROW_H / 2.0
    }

    fn height(&self) -> f64 {
        self.range.len() as f64 * ROW_H
    }

    fn inside(&self, row: usize) -> bool {
        self.range.contains(&row)
    }
}

/// Each socket's lifeline, from the row that opened it to the row that closed it.
fn draw_lifelines(t: &model::Timeline, range: Range<usize>) -> impl IntoView + use<> {
    let g = Geometry::new(t, range);
    t.lanes
        .iter()
        .enumerate()
        .filter_map(|(l, lane)| {
            let end = lane.closed_row.unwrap_or(usize::MAX);
            if lane.first_row >= g.range.end || end < g.range.start {
                return None;
            }
            let y1 = if g.inside(lane.first_row) {
                g.y(lane.first_row)
            } else {
                0.0
            };
            let y2 = if g.inside(end) { g.y(end) } else { g.height() };
            let xs = format!("{}%", g.x(l));
            Some(view! { <line class="tl-life" x1=xs.clone() x2=xs y1=y1 y2=y2/> })
        })
        .collect::<Vec<_>>()
}

/// The arrows with at least one end (or their middle) among the rendered rows.
/// Arrows into rows at or after history position `pos` (the future, when stepping back) are
/// faded.
fn draw_arrows(t: &model::Timeline, range: Range<usize>, pos: usize) -> impl IntoView + use<> {
    let g = Geometry::new(t, range.clone());
    let (x, y, inside, height) = (
        |l: usize| g.x(l),
        |r: usize| g.y(r),
        |r: usize| g.inside(r),
        g.height(),
    );
    let visible: Vec<_> = t
        .arrows
        .iter()
        .filter(|a| {
            let (lo, hi) = (a.from_row.min(a.to_row), a.from_row.max(a.to_row));
            hi >= range.start && lo < range.end
        })
        .collect();
    visible
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let (from_lane, to_lane) = (t.rows[a.from_row].lane?, t.rows[a.to_row].lane?);
            let down = a.to_row >= a.from_row;
            let dir = if down { 1.0 } else { -1.0 };
            let y1 = if inside(a.from_row) {
                y(a.from_row) + dir * MARKER_HALF
            } else if down {
                0.0
            } else {
                height
            };
            let y2 = if inside(a.to_row) {
                y(a.to_row) - dir * MARKER_HALF
            } else if down {
                height
            } else {
                0.0
            };
            // Several arrows into one row fan out so each stays visible.
            let k = visible[..i].iter().filter(|b| b.to_row == a.to_row).count() as f64;
            let m = visible.iter().filter(|b| b.to_row == a.to_row).count() as f64;
            let dx = (k - (m - 1.0) / 2.0) * 18.0;
            let (x1, x2) = (x(from_lane), x(to_lane));
            let (colour, head) = match a.colour {
                Some(c) => (format!("tl-c{}", c % COLOURS), format!("tl-head-{}", c % COLOURS)),
                None => ("tl-conn".to_owned(), "tl-head-conn".to_owned()),
            };
            let future = t.rows[a.to_row].index >= pos;
            let class = format!("tl-arrow {colour}{}", if future { " future" } else { "" });
            let head = format!("url(#{head})");
            let label = a.label.clone();
            Some(view! {
                <g class=class transform=format!("translate({dx} 0)")>
                    <line x1=format!("{x1}%") y1=y1 x2=format!("{x2}%") y2=y2 marker-end=head/>
                    <text x=format!("{}%", (x1 + x2) / 2.0) y=(y1 + y2) / 2.0 - 4.0 text-anchor="middle">{label}</text>
                </g>
            })
        })
        .collect::<Vec<_>>()
}
