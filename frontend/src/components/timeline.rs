//! The timeline: every call of the session as a sequence diagram (one column per socket, one
//! row per call, arrows from each send to the recvs that returned its bytes), with step
//! controls that move the lab's cursor so the cards show the kernel buffers as they were.
//!
//! The layout comes from [`crate::model::timeline`]; this file only draws it. Rows have a fixed
//! height ([`ROW_H`], matched by `.tl-row` in static/timeline.css) so the SVG overlay can place
//! arrows without measuring the DOM. Only a window of rows around the cursor is rendered, so a
//! long history doesn't freeze the page.

use std::ops::Range;
use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::connection::Lab;
use crate::model::timeline::{
    self as model, Row, current_step, first_step, format_time, next_step, position_label,
    prev_step, step_positions, stop_for_row, window,
};

/// Height of one row in pixels; `.tl-row` in static/timeline.css has the same height.
const ROW_H: f64 = 40.0;
/// Half the height of a call's marker: arrows start and end at its edge.
const MARKER_HALF: f64 = 14.0;
/// Most rows rendered at once.
const WINDOW_ROWS: usize = 200;
/// Rows rendered after the cursor's row (the "future" when stepping back).
const ROWS_AFTER: usize = 40;
/// How many send colours static/style.css defines (`.send-0` … `.send-7`).
const COLOURS: u32 = 8;
/// Play speeds offered, as multiples of one step per second.
const SPEEDS: [(&str, f64); 4] = [("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("4", 4.0)];

/// The timeline panel.
#[component]
pub fn Timeline() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let tl = Memo::new(move |_| lab.history.with(|h| model::Timeline::build(h)));
    let stops = Memo::new(move |_| lab.history.with(|h| step_positions(h)));
    let len = Memo::new(move |_| lab.history.with(Vec::len));
    // The rows drawn as "this step" and the rendered window of rows.
    let current = Memo::new(move |_| stops.with(|s| current_step(s, lab.cursor.get(), len.get())));
    // The history position shown: the cursor, or the end when live.
    let pos = Memo::new(move |_| lab.cursor.get().unwrap_or_else(|| len.get()));
    let shown = Memo::new(move |_| {
        let pos = pos.get();
        tl.with(|t| window(t.rows.len(), t.rows_before(pos), WINDOW_ROWS, ROWS_AFTER))
    });
    let lanes = Memo::new(move |_| tl.with(|t| t.lanes.len()).max(1));

    let controls = Controls::new(lab, stops, len);
    controls.install_timer();
    controls.install_keys();

    let rows = move || tl.with(|t| t.rows[shown.get()].to_vec());
    let scroller = NodeRef::<leptos::html::Div>::new();
    let body = NodeRef::<leptos::html::Div>::new();
    keep_current_in_view(scroller, body, tl, current, shown);

    view! {
        <section class="timeline" data-testid="timeline" style=move || format!("--lanes: {}", lanes.get())>
            <ControlBar controls=controls/>
            <LaneHeads tl=tl len=len/>
            <div class="tl-scroll" node_ref=scroller>
                {move || {
                    let earlier = shown.get().start;
                    (earlier > 0).then(|| view! {
                        <div class="tl-more" data-testid="tl-earlier">
                            {format!("{earlier} earlier events (step back to see them)")}
                        </div>
                    })
                }}
                <div class="tl-body" node_ref=body style=move || format!("height: {}px", shown.get().len() as f64 * ROW_H)>
                    <For each=rows key=|r| (r.index, r.arrows_in, r.arrows_out) let:row>
                        <TimelineRow row=row current=current lanes=lanes controls=controls/>
                    </For>
                    <Arrows tl=tl shown=shown pos=pos/>
                </div>
                {move || {
                    let later = tl.with(|t| t.rows.len()) - shown.get().end;
                    (later > 0).then(|| view! {
                        <div class="tl-more">{format!("{later} later events")}</div>
                    })
                }}
                <Show when=move || tl.with(|t| t.rows.is_empty())>
                    <p class="tl-empty">"No calls yet: open a socket above and every call shows up here, in order."</p>
                </Show>
            </div>
        </section>
    }
}

/// The cursor moves the step buttons, the keyboard and the play timer share.
#[derive(Clone, Copy)]
struct Controls {
    lab: Lab,
    stops: Memo<Vec<usize>>,
    len: Memo<usize>,
    playing: RwSignal<bool>,
    /// Steps per second.
    speed: RwSignal<f64>,
}

impl Controls {
    fn new(lab: Lab, stops: Memo<Vec<usize>>, len: Memo<usize>) -> Self {
        Controls {
            lab,
            stops,
            len,
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
        }
    }

    fn set(&self, cursor: Option<usize>) {
        self.lab.cursor.set(cursor);
    }

    fn cursor(&self) -> Option<usize> {
        self.lab.cursor.get_untracked()
    }

    fn prev(&self) {
        self.playing.set(false);
        let len = self.len.get_untracked();
        let to = self
            .stops
            .with_untracked(|s| prev_step(s, self.cursor(), len));
        self.set(to);
    }

    /// One step forward; false once the cursor is back at the live picture.
    fn advance(&self) -> bool {
        let len = self.len.get_untracked();
        let to = self
            .stops
            .with_untracked(|s| next_step(s, self.cursor(), len));
        self.set(to);
        to.is_some()
    }

    fn next(&self) {
        self.playing.set(false);
        self.advance();
    }

    fn first(&self) {
        self.playing.set(false);
        let to = self.stops.with_untracked(|s| first_step(s));
        if to.is_some() {
            self.set(to);
        }
    }

    fn live(&self) {
        self.playing.set(false);
        self.set(None);
    }

    fn toggle_play(&self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        if self.cursor().is_none() {
            // Playing from the live picture replays the session from its first step.
            let len = self.len.get_untracked();
            match self.stops.with_untracked(|s| first_step(s)) {
                Some(first) if first < len => self.set(Some(first)),
                _ => return,
            }
        }
        self.playing.set(true);
    }

    fn click_row(&self, index: usize) {
        self.playing.set(false);
        let len = self.len.get_untracked();
        let to = self.stops.with_untracked(|s| stop_for_row(s, index, len));
        self.set(to);
    }

    /// While playing, one step per interval (restarted when the speed changes).
    fn install_timer(self) {
        let timer = StoredValue::new(None::<IntervalHandle>);
        Effect::new(move |_| {
            let playing = self.playing.get();
            let speed = self.speed.get();
            if let Some(handle) = timer.try_get_value().flatten() {
                handle.clear();
                timer.set_value(None);
            }
            if playing {
                let every = Duration::from_millis((1000.0 / speed) as u64);
                let handle = set_interval_with_handle(
                    move || {
                        if !self.advance() {
                            self.playing.set(false);
                        }
                    },
                    every,
                );
                timer.set_value(handle.ok());
            }
        });
        on_cleanup(move || {
            if let Some(handle) = timer.try_get_value().flatten() {
                handle.clear();
            }
        });
    }

    /// ←/→ step, space plays, Home/End go to the first step / live; not while typing.
    fn install_keys(self) {
        let handle = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
            if e.ctrl_key() || e.alt_key() || e.meta_key() || e.default_prevented() {
                return;
            }
            let tag = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .map(|el| el.tag_name().to_ascii_lowercase())
                .unwrap_or_default();
            if matches!(tag.as_str(), "input" | "select" | "textarea") {
                return;
            }
            match e.key().as_str() {
                "ArrowLeft" => self.prev(),
                "ArrowRight" => self.next(),
                // Space on a focused button presses that button; leave it alone.
                " " if tag != "button" => self.toggle_play(),
                "Home" => self.first(),
                "End" => self.live(),
                _ => return,
            }
            e.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
}

/// ⏮ ◀ ▶ play/pause, speed, live, and where the cursor is.
#[component]
fn ControlBar(controls: Controls) -> impl IntoView {
    let lab = controls.lab;
    let position = move || controls.stops.with(|s| position_label(s, lab.cursor.get()));
    let is_live = move || lab.cursor.get().is_none();
    let playing = controls.playing;
    view! {
        <header class="tl-controls">
            <h2>"Timeline"</h2>
            <div class="tl-buttons" role="group" aria-label="step through the session">
                <button data-testid="tl-first" title="first step (Home)" aria-label="first step" on:click=move |_| controls.first()>
                    <Icon path="M2 3h2.5v10H2z M14 3 6 8l8 5z"/>
                </button>
                <button data-testid="tl-prev" title="previous step (←)" aria-label="previous step" on:click=move |_| controls.prev()>
                    <Icon path="M12 3 4 8l8 5z"/>
                </button>
                <button data-testid="tl-next" title="next step (→)" aria-label="next step" on:click=move |_| controls.next()>
                    <Icon path="M4 3l8 5-8 5z"/>
                </button>
                <button data-testid="tl-play" class="tl-play" class:on=move || playing.get()
                    title="play the session step by step (space)"
                    on:click=move |_| controls.toggle_play()>
                    {move || if playing.get() {
                        view! { <Icon path="M3 2h3.5v12H3z M9.5 2H13v12H9.5z"/>" pause" }
                    } else {
                        view! { <Icon path="M4 2l10 6-10 6z"/>" play" }
                    }}
                </button>
                <select data-testid="tl-speed" title="play speed" on:change=move |ev| {
                    let v = event_target_value(&ev).parse().unwrap_or(1.0);
                    controls.speed.set(v);
                }>
                    {SPEEDS.iter().map(|(label, v)| view! {
                        <option value=label.to_string() selected=*v == 1.0>{format!("{label}×")}</option>
                    }).collect_view()}
                </select>
                <button data-testid="tl-live" class="tl-live" class:on=is_live title="back to the present (End)"
                    on:click=move |_| controls.live()>"● live"</button>
            </div>
            <span class="tl-position" class:live=is_live data-testid="tl-position" aria-live="polite">{position}</span>
            <span class="tl-keys">"← → step · space play · Home / End"</span>
        </header>
    }
}

/// A 16×16 icon drawn in the text colour (the ⏮ ⏵ ⏸ glyphs are missing from common fonts).
#[component]
fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="tl-icon" viewBox="0 0 16 16" aria-hidden="true"><path d=path/></svg>
    }
}

/// One header per lane: the socket's id, what it is, its address.
#[component]
fn LaneHeads(tl: Memo<model::Timeline>, len: Memo<usize>) -> impl IntoView {
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
                            <code>{lane.detail.clone()}</code>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="tl-head">
            <span class="tl-when">"time"</span>
            <div class="tl-lanes">{heads}</div>
        </div>
    }
}

/// One call: its time, and its marker in its lane.
#[component]
fn TimelineRow(
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
            title=format!("#{} · {}", row.seq, row.title)
            on:click=move |_| controls.click_row(index)>
            <span class="tl-when">{format_time(row.t_us)}</span>
            <div class="tl-lanes">
                <span class=marker_class style=place>
                    {auto.then(|| view! { <span class="tl-auto">"auto"</span> })}
                    {label}
                </span>
            </div>
        </div>
    }
}

/// Lifelines and arrows over the rendered rows, as SVG (x in % of the lanes' width, y in px).
#[component]
fn Arrows(tl: Memo<model::Timeline>, shown: Memo<Range<usize>>, pos: Memo<usize>) -> impl IntoView {
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

/// The centre of lane `lane` of `lanes`, in % of the lanes' width.
fn lane_centre(lane: usize, lanes: usize) -> f64 {
    (lane as f64 + 0.5) / lanes.max(1) as f64 * 100.0
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

/// Scrolls the panel (never the page) so the current step's rows are visible.
fn keep_current_in_view(
    scroller: NodeRef<leptos::html::Div>,
    body: NodeRef<leptos::html::Div>,
    tl: Memo<model::Timeline>,
    current: Memo<Range<usize>>,
    shown: Memo<Range<usize>>,
) {
    Effect::new(move |_| {
        let cur = current.get();
        let range = shown.get();
        // Rows (in the rendered window) of the current step.
        let (first, last) = tl.with(|t| {
            let first = t.rows_before(cur.start);
            let last = t.rows_before(cur.end);
            (first, last)
        });
        if last <= first || first < range.start {
            return;
        }
        let top = (first - range.start) as f64 * ROW_H;
        let bottom = (last - range.start) as f64 * ROW_H;
        // After the rows for this change are in the DOM.
        request_animation_frame(move || {
            let (Some(scroller), Some(body)) = (scroller.get_untracked(), body.get_untracked())
            else {
                return;
            };
            let offset = f64::from(body.offset_top());
            let (top, bottom) = (offset + top, offset + bottom);
            let view_top = f64::from(scroller.scroll_top());
            let view_h = f64::from(scroller.client_height());
            let margin = ROW_H;
            if top - margin < view_top {
                scroller.set_scroll_top((top - margin).max(0.0) as i32);
            } else if bottom + margin > view_top + view_h {
                scroller.set_scroll_top((bottom + margin - view_h) as i32);
            }
        });
    });
}
