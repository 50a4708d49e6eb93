//! Bringing what a lesson step points at into view. On a projector the highlighted card is
//! often below the fold; the lecturer should not have to hunt for it while talking.
//!
//! Once per step, when the step's commands are done (a step often creates the socket it
//! points at, and its events change the cards' sizes), the page scrolls the highlighted
//! element's top to just below the lesson bar (which stays at the top of the window: see
//! `.lessons` in static/lessons.css), unless it is fully visible already. A card taller than
//! the room left brings the panel the step is about into view instead (its recv result).
//! Scrolling happens once, so a student who scrolls away during the step is not pulled back.
//! In the stage layout (components/stage.rs) the page does not scroll: the cards' own column
//! (`.desk`) is scrolled instead, and no bar covers its top.

use leptos::prelude::*;
use socklab_shared::lesson::Panel;
use socklab_shared::protocol::SocketId;
use web_sys::{ScrollBehavior, ScrollToOptions};

use crate::lab::Lab;

/// Pixels between the lesson bar and the element scrolled to.
const MARGIN: f64 = 12.0;

/// What a step highlights: (socket, panel) pairs, as [`super::Highlights`] holds them.
type Looks = Vec<(Option<SocketId>, Panel)>;

/// Scrolls the highlighted elements into view (the topmost just below the bar) once per set
/// of highlights: the highlights, not the step number, because they change only once the
/// step's sockets have names. Elements are found from the highlights themselves, not from the
/// `.look` class, which the page may not have moved yet when this runs.
pub(super) fn follow_highlights(looks: RwSignal<Looks>, lab: Lab) {
    let scrolled_for = StoredValue::new(Looks::new());
    Effect::new(move |_| {
        let key = looks.get();
        // Events may bring the highlighted card: look again whenever some arrive, but only
        // once the step's commands are done, when the cards have stopped changing size.
        lab.history.events.track();
        let running = lab
            .scripts
            .run
            .with(|run| run.as_ref().is_some_and(|r| !r.finished()));
        if running || key.is_empty() || scrolled_for.with_value(|done| *done == key) {
            return;
        }
        // After this change's elements are in the DOM.
        request_animation_frame(move || {
            // In the stage layout (components/stage.rs) the cards scroll in a column of their
            // own beside the lesson, which covers none of it: that column is what scrolls.
            let desk = document().query_selector("html.stage .desk").ok().flatten();
            let (bar_bottom, bar_height) =
                match &desk {
                    Some(_) => (0.0, 0.0),
                    None => document().query_selector(".lessons").ok().flatten().map_or(
                        (0.0, 0.0),
                        |bar| {
                            let r = bar.get_bounding_client_rect();
                            (r.bottom(), r.height())
                        },
                    ),
                };
            let (view_top, view_bottom) = match &desk {
                Some(desk) => {
                    let r = desk.get_bounding_client_rect();
                    (r.top(), r.bottom())
                }
                None => (
                    0.0,
                    window()
                        .inner_height()
                        .ok()
                        .and_then(|h| h.as_f64())
                        .unwrap_or(0.0),
                ),
            };
            let room = view_bottom - view_top - bar_height - MARGIN;
            // Every highlighted element that exists (in the column that scrolls), as (top,
            // bottom) in the window.
            let spans: Vec<(f64, f64)> = key
                .iter()
                .filter_map(|look| span_of(look, room))
                .filter(|(el, _)| desk.as_ref().is_none_or(|d| d.contains(Some(el))))
                .map(|(_, span)| span)
                .collect();
            if spans.is_empty() {
                return;
            }
            scrolled_for.set_value(key);
            let top = spans.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
            let bottom = spans.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
            let ceiling = view_top + bar_height;
            if top >= ceiling.max(bar_bottom) && bottom <= view_bottom {
                return;
            }
            // The topmost just below the bar: a card's title and a panel's start matter most.
            let options = ScrollToOptions::new();
            options.set_top(top - ceiling - MARGIN);
            options.set_behavior(ScrollBehavior::Smooth);
            match desk {
                Some(desk) => desk.scroll_by_with_scroll_to_options(&options),
                None => window().scroll_by_with_scroll_to_options(&options),
            }
        });
    });
}

/// Where a highlighted element is, with its (top, bottom) in the window: the card, or (for a card
/// taller than the `room` below the bar) the panel of the card the step is about, so a tall
/// card's recv result is what comes into view.
fn span_of(
    (socket, panel): &(Option<SocketId>, Panel),
    room: f64,
) -> Option<(web_sys::Element, (f64, f64))> {
    let find = |css: &str| document().query_selector(css).ok().flatten();
    let rect = |el: web_sys::Element| {
        let r = el.get_bounding_client_rect();
        (el, (r.top(), r.bottom()))
    };
    // On the wire, what a step shows happens on the cable: when the cable draws packets of
    // this lesson, "the timeline" means it.
    let timeline = || {
        find("[data-testid='cable-view'] :is([data-testid='packet'], [data-testid='packet-summary'])")
            .and_then(|_| find("[data-testid='cable-view']"))
            .or_else(|| find("[data-testid='timeline']"))
            .map(rect)
    };
    let Some(id) = socket else {
        return timeline();
    };
    let card = format!("[data-testid='socket-card'][data-socket='{}']", id.0);
    let part = match panel {
        Panel::RecvBuffer => "buffer-panel",
        Panel::AcceptQueue => "accept-queue",
        Panel::RecvResult => "recv-result",
        Panel::SendResult => "send-result",
        Panel::Error => "card-error",
        Panel::Decoded => "decoded",
        Panel::Timeline => return timeline(),
    };
    let inner = find(&format!("{card} [data-testid='{part}']")).map(rect);
    let whole = find(&card).map(rect);
    match (whole, inner) {
        // Buffers and accept queues are highlighted themselves: scroll to them.
        (_, Some(inner)) if matches!(panel, Panel::RecvBuffer | Panel::AcceptQueue) => Some(inner),
        (Some((_, (top, bottom))), Some(inner)) if bottom - top > room => Some(inner),
        (Some(whole), _) => Some(whole),
        (None, inner) => inner,
    }
}
