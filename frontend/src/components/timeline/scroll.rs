//! Scrolling: after the cursor moves, the panel (never the page) scrolls just enough that the
//! current step's rows are visible. Row positions come from the fixed row height, so nothing
//! is measured but the scroller and the rows' offset in it.

use std::ops::Range;

use leptos::prelude::*;

use super::ROW_H;
use crate::model::timeline as model;

/// Scrolls the panel (never the page) so the current step's rows are visible.
pub(super) fn keep_current_in_view(
    scroller: NodeRef<leptos::html::Div>,
    body: NodeRef<leptos::html::Div>,
    tl: Memo<model::LiveTimeline>,
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
