//! The timeline: every call of the session as a sequence diagram (one column per socket, one
//! row per call, arrows from each send to the recvs that returned its bytes), with step
//! controls that move the lab's cursor so the cards show the kernel buffers as they were.
//!
//! The layout comes from [`crate::model::timeline`]; this module only draws it. Rows have a fixed
//! height ([`ROW_H`], matched by `.tl-row` in static/timeline.css) so the SVG overlay can place
//! arrows without measuring the DOM. Only a window of rows around the cursor is rendered, so a
//! long history doesn't freeze the page. The diagram and its stops are kept up to date as
//! events arrive ([`model::LiveTimeline`], [`model::LiveSteps`]). It shows the current lesson's or demo's part of the
//! history ([`crate::lab::Scope`]); one button shows the earlier lessons and demos too.
//!
//! # Layout
//! - this file: the [`Timeline`] panel, which puts the parts together, and the geometry they
//!   share (`ROW_H`, `lane_centre`).
//! - `controls`: the cursor moves of the step buttons, the keyboard shortcuts and the play
//!   timer, and the bar of buttons itself.
//! - `rows`: the lane headers and one row per call, with its marker in its lane.
//! - `arrows`: the SVG layers: lifelines under the markers, arrows over them.
//! - `scroll`: scrolling the panel so the current step stays in view.

mod arrows;
mod controls;
mod rows;
mod scroll;

use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::timeline::TimelineText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::timeline::{self as model, Throttle, current_step, window};
use crate::on_demand::{ChunkMissing, latched, loaded_view, wasm_split};
use arrows::Arrows;
pub(crate) use controls::shortcut;
use controls::{ControlBar, Controls};
use rows::{LaneHeads, TimelineRow};
use scroll::keep_current_in_view;

/// Height of one row in pixels; `.tl-row` in static/timeline.css has the same height.
const ROW_H: f64 = 40.0;
/// Most rows rendered at once.
const WINDOW_ROWS: usize = 200;
/// While events stream in, the timeline is brought up to date at most this often (ms).
const REDRAW_MS: f64 = 100.0;
/// Rows rendered after the cursor's row (the "future" when stepping back).
const ROWS_AFTER: usize = 40;

/// The timeline panel. Until the session's first call there is nothing to draw or step
/// through: the panel says so, and its code (the diagram, the stops, the controls) comes with
/// the first socket, in the chunk of the cards ([`crate::on_demand`]).
#[component]
pub fn Timeline() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let w = Words::<TimelineText>::new();
    // A later empty scope (a new lesson) keeps the panel and its controls.
    let wanted = latched(move || {
        lab.history
            .events
            .with(|h| h.iter().any(|e| model::is_row_event(&e.event)))
    });
    move || {
        if wanted.get() {
            loaded_view(timeline_panel).into_any()
        } else {
            view! {
                <section class="timeline" data-testid="timeline">
                    <p class="tl-empty">{w.get(|t| t.empty)}</p>
                </section>
            }
            .into_any()
        }
    }
}

/// The panel, from the chunk of the first socket.
#[wasm_split(sockets, wasm_split_path = leptos::wasm_split, fallible)]
fn timeline_panel() -> Result<AnyView, ChunkMissing> {
    Ok(view! { <TimelinePanel/> }.into_any())
}

/// The diagram of the shown part of the history, its controls and the rows around the cursor.
#[component]
fn TimelinePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The current lesson's or demo's part of the history (all of it when earlier work is shown),
    // kept up to date event by event: each batch of events costs what it adds, not the whole
    // history again (a new session or scope builds again).
    let from = Memo::new(move |_| lab.scope.timeline_start());
    // How much of the history the timeline shows while live: all of it; while events stream
    // in (a transfer's chunks and auto-recv reports, many batches a second) brought up to date
    // at most every REDRAW_MS, so drawing the timeline doesn't slow the transfer down. Any
    // other command's events, and a new session, show at once.
    let upto = RwSignal::new(0usize);
    let timer = StoredValue::new(Throttle::new(REDRAW_MS));
    Effect::new(move |_| {
        let n = lab.history.events.with(Vec::len);
        let session = lab.history.session.get();
        let now = js_sys::Date::now();
        let shown = upto.get_untracked();
        let stream = n > shown
            && lab.history.events.with_untracked(|h| {
                lab.history
                    .sent
                    .with_untracked(|sent| model::streaming(&h[shown..n], sent))
            });
        let wait = if stream {
            timer.try_update_value(|t| t.asked(now)).flatten()
        } else {
            timer.update_value(|t| t.made(now));
            Some(0)
        };
        match wait {
            Some(0) => upto.set(n),
            Some(wait) => set_timeout(
                move || {
                    timer.update_value(|t| t.made(js_sys::Date::now()));
                    if lab.history.session.get_untracked() == session {
                        upto.set(lab.history.events.with_untracked(Vec::len));
                    }
                },
                Duration::from_millis(wait),
            ),
            None => {}
        }
    });
    // The shown part of the history (the current lesson's or demo's, or all of it when
    // earlier work is shown), kept up to date event by event: each update costs what it adds,
    // not the whole history again (a new session or scope builds again).
    let lang = ui_lang();
    let t = move || TimelineText::of(lang.get());
    let w = Words::<TimelineText>::new();
    let basis = move || model::Basis {
        session: lab.history.session.get(),
        start: from.get(),
        lang: lang.get(),
    };
    let tl = Memo::new_owning(move |live: Option<model::LiveTimeline>| {
        let mut live = live.unwrap_or_default();
        let (basis, upto) = (basis(), upto.get());
        let changed = lab
            .history
            .events
            .with_untracked(|h| live.sync(&h[..upto.min(h.len())], basis));
        (live, changed)
    });
    let stops = Memo::new_owning(move |live: Option<model::LiveSteps>| {
        let mut live = live.unwrap_or_default();
        let (basis, upto) = (basis(), upto.get());
        let changed = lab
            .history
            .events
            .with_untracked(|h| live.sync(&h[..upto.min(h.len())], basis));
        (live, changed)
    });
    // Events before the scope: they don't change while it lasts (the history only grows), so
    // they are counted once per scope.
    let hidden = Memo::new(move |_| {
        let start = lab.scope.start.get();
        lab.history.session.track();
        lab.history.events.with_untracked(|h| {
            h[..start.min(h.len())]
                .iter()
                .filter(|e| model::is_row_event(&e.event))
                .count()
        })
    });
    let len = Memo::new(move |_| upto.get().min(lab.history.events.with(Vec::len)));
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
            {move || (hidden.get() > 0).then(|| {
                let shown_all = lab.scope.show_earlier.get();
                let label = if shown_all {
                    t().hide_earlier.to_owned()
                } else {
                    fill(t().show_earlier, &[&hidden.get()])
                };
                view! {
                    <button class="quiet tl-earlier-toggle" data-testid="tl-show-earlier"
                        aria-pressed=shown_all.to_string()
                        on:click=move |_| lab.scope.show_earlier.update(|s| *s = !*s)>{label}</button>
                }
            })}
            <div class="tl-scroll" node_ref=scroller>
                {move || {
                    let earlier = shown.get().start;
                    (earlier > 0).then(|| view! {
                        <div class="tl-more" data-testid="tl-earlier">
                            {fill(t().earlier, &[&earlier])}
                        </div>
                    })
                }}
                <div class="tl-body" node_ref=body style=move || format!("height: {}px", shown.get().len() as f64 * ROW_H)>
                    // The language is part of the key: a switch draws the rows again in it.
                    <For each=rows key=move |r| (r.index, r.arrows_in, r.arrows_out, lang.get_untracked()) let:row>
                        <TimelineRow row=row current=current lanes=lanes controls=controls/>
                    </For>
                    <Arrows tl=tl shown=shown pos=pos/>
                </div>
                {move || {
                    let later = tl.with(|t| t.rows.len()) - shown.get().end;
                    (later > 0).then(|| view! {
                        <div class="tl-more">{fill(t().later, &[&later])}</div>
                    })
                }}
                <Show when=move || tl.with(|t| t.rows.is_empty())>
                    <p class="tl-empty">{w.get(|t| t.empty)}</p>
                </Show>
            </div>
        </section>
    }
}

/// The centre of lane `lane` of `lanes`, in % of the lanes' width.
fn lane_centre(lane: usize, lanes: usize) -> f64 {
    (lane as f64 + 0.5) / lanes.max(1) as f64 * 100.0
}
