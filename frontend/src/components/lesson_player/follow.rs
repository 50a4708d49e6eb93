//! Bringing what a lesson step points at into view. On a projector the highlighted card is
//! often below the fold; the lecturer should not have to hunt for it while talking.
//!
//! Once per step, as soon as a highlighted element exists (a step often creates the socket
//! it points at, so the card appears only when the step's events arrive), the page scrolls
//! until its top is just below the lesson bar (which stays at the top of the window: see
//! `.lessons` in static/lessons.css), unless it is fully visible already. Scrolling happens once, so
//! a student who scrolls away during the step is not pulled back.

use leptos::prelude::*;
use web_sys::{ScrollBehavior, ScrollToOptions};

use crate::connection::Lab;

/// Pixels between the lesson bar and the element scrolled to.
const MARGIN: f64 = 12.0;

/// Scrolls the first `.look` element into view once per value of `step`.
pub(super) fn follow_highlights(step: Memo<(Option<usize>, usize)>, lab: Lab) {
    let scrolled_for = StoredValue::new(None::<(Option<usize>, usize)>);
    Effect::new(move |_| {
        let key = step.get();
        // Events may bring the highlighted card: look again whenever some arrive.
        lab.history.track();
        if key.0.is_none() || scrolled_for.get_value() == Some(key) {
            return;
        }
        // After this change's elements are in the DOM.
        request_animation_frame(move || {
            let Some(target) = document().query_selector(".look").ok().flatten() else {
                return;
            };
            scrolled_for.set_value(Some(key));
            let rect = target.get_bounding_client_rect();
            // The bar's height is where it ends once it sticks to the top of the window.
            let (bar_bottom, bar_height) = document()
                .query_selector(".lessons")
                .ok()
                .flatten()
                .map_or((0.0, 0.0), |bar| {
                    let r = bar.get_bounding_client_rect();
                    (r.bottom(), r.height())
                });
            let height = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            if rect.top() >= bar_bottom.max(bar_height) && rect.bottom() <= height {
                return;
            }
            // Its top just below the bar: a card's title and a panel's start are what matter.
            let options = ScrollToOptions::new();
            options.set_top(rect.top() - bar_height - MARGIN);
            options.set_behavior(ScrollBehavior::Smooth);
            window().scroll_by_with_scroll_to_options(&options);
        });
    });
}
