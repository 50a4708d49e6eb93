//! The diagram's HTML part: one header per lane (socket) and one row per call, with the call's
//! time and its marker in its lane.
//!
//! Markers are placed with CSS variables (`--x`, `--w`) from the lane's centre, so they line up
//! with the lifelines and arrows that `arrows.rs` draws over the same rows.

use std::ops::Range;

use leptos::prelude::*;

use super::controls::Controls;
use super::lane_centre;
use crate::i18n::timeline::TimelineText;
use crate::i18n::{Words, ui_lang};
use crate::lab::Lab;
use crate::model::timeline::{self as model, Row, format_time};

/// One header per lane: the socket's id, what it is, its address.
#[component]
pub(super) fn LaneHeads(tl: Memo<model::LiveTimeline>, len: Memo<usize>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let heads = move || {
        let pos = lab.cursor.get().unwrap_or_else(|| len.get());
        tl.with(|t| {
            t.lanes
                .iter()
                .map(|lane| {
                    // A lane is "closed" once its close() is at or before the cursor.
                    let closed = lane
                        .closed_row
                        .is_some_and(|r| t.rows[r].index < pos);
                    let not_yet = t.rows[lane.first_row].index >= pos;
                    let class = format!(
                        "tl-lane-head role-{}{}{}",
                        lane.role,
                        if closed { " closed" } else { "" },
                        if not_yet { " future" } else { "" }
                    );
                    view! {
                        <div class=class data-testid="tl-lane" data-socket=lane.socket.0>
                            <div><span class="tl-sid">{lane.socket.to_string()}</span>" "{lane.label.clone()}</div>
                            <code translate="no">{lane.detail.clone()}</code>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="tl-head">
            <span class="tl-when">{Words::<TimelineText>::new().get(|t| t.time)}</span>
            <div class="tl-lanes">{heads}</div>
        </div>
    }
}

/// One call: its time, and its marker in its lane.
#[component]
pub(super) fn TimelineRow(
    row: Row,
    current: Memo<Range<usize>>,
    lanes: Memo<usize>,
    controls: Controls,
) -> impl IntoView {
    let lab = controls.lab;
    let index = row.index;
    let kind_class = row.kind.class();
    let class = move || {
        let cur = current.get();
        let pos = lab.cursor.get();
        let state = if cur.contains(&index) {
            " current"
        } else if pos.is_some_and(|p| index >= p) {
            " future"
        } else {
            ""
        };
        format!("tl-row {kind_class}{state}")
    };
    // Centred on the lane's lifeline. A row has one marker, so a long label may spread over
    // the neighbouring lanes; near the edge it shifts inwards rather than being cut. The width
    // is estimated in `ch` (the marker's font is monospace); static/timeline.css clamps.
    let lane = row.lane;
    let auto = matches!(row.kind, model::RowKind::Auto { .. });
    let chars = row.kind.label().chars().count() + if auto { 5 } else { 0 };
    let place = move || {
        let centre = lane.map_or(50.0, |l| lane_centre(l, lanes.get()));
        format!("--x: {centre}%; --w: min(calc({chars}ch + 1.6rem), 100%)")
    };
    let marker_class = format!(
        "tl-marker{}",
        row.colour.map(|c| format!(" send-{c}")).unwrap_or_default()
    );
    let label = row.kind.label().to_owned();
    view! {
        <div class=class data-testid="tl-row" data-index=index data-seq=row.seq
            data-lane=row.lane.map(|l| l.to_string()).unwrap_or_default()
            data-arrows-in=row.arrows_in data-arrows-out=row.arrows_out
            title=format!("#{} · {}", row.seq, row.title) translate=row.raw.then_some("no")
            on:click=move |_| controls.click_row(index)>
            <span class="tl-when">{format_time(row.t_us)}</span>
            <div class="tl-lanes">
                <span class=marker_class style=place>
                    {auto.then(|| view! { <span class="tl-auto">{TimelineText::of(ui_lang().get_untracked()).auto}</span> })}
                    {label}
                </span>
            </div>
        </div>
    }
}
