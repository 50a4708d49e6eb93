//! Stepping through the history: the stops of the step controls and how ⏮ ◀ ▶ and a click on
//! a row move the cursor between them.
//!
//! A cursor is `None` (live: the whole history) or `Some(n)` (the state after the first `n`
//! events). Stops sit right after a step's `buffers` snapshot, so whatever the cursor shows,
//! the buffer views show the kernel's state after that step.

use std::ops::Range;

use socklab_shared::protocol::{Envelope, Event};

use super::is_row_event;
use crate::i18n::timeline::TimelineText;
use crate::i18n::{Lang, fill};

/// The history lengths a stepping cursor stops at, ascending: one per step, right after the
/// step's final `buffers` snapshot (so the buffer views show the state after the step).
///
/// A step is the run of row events that share a request number (auto events share `None`);
/// a step whose snapshot has not arrived (or never comes, like an error about a malformed
/// message) ends where the next step starts, or at the end of the history.
pub fn step_positions(history: &[Envelope]) -> Vec<usize> {
    let mut stops = Vec::new();
    let mut pending: Option<Option<u64>> = None;
    for (i, env) in history.iter().enumerate() {
        if matches!(env.event, Event::Buffers { .. }) {
            if pending.take().is_some() {
                stops.push(i + 1);
            }
        } else if is_row_event(&env.event) {
            if let Some(req) = pending
                && req != env.req
            {
                stops.push(i);
            }
            pending = Some(env.req);
        }
    }
    if pending.is_some() {
        stops.push(history.len());
    }
    stops
}

/// The history length whose step the page shows: the cursor's, or the whole history's when
/// live, except that after the last stop come only events that are not calls (a lesson
/// position the page marked, a pong), so there the step shown is still the last one.
fn shown(stops: &[usize], cursor: Option<usize>, len: usize) -> usize {
    let pos = cursor.unwrap_or(len);
    match stops.last() {
        Some(&last) if pos > last => last,
        _ => pos,
    }
}

/// The cursor one step back from `cursor` (`None` = live at history length `len`). At the
/// first step it stays there; with no steps at all it stays where it is.
pub fn prev_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Option<usize> {
    let pos = shown(stops, cursor, len);
    let before = stops.partition_point(|&s| s < pos);
    match before {
        0 => stops.first().copied().or(cursor),
        k => Some(stops[k - 1]),
    }
}

/// The cursor one step forward; reaching the last step (the live picture) returns `None`.
pub fn next_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Option<usize> {
    let pos = cursor?;
    stops
        .get(stops.partition_point(|&s| s <= pos))
        .copied()
        .filter(|&s| s < len)
}

/// The first step's stop (where "⏮" goes); `None` with no steps.
pub fn first_step(stops: &[usize]) -> Option<usize> {
    stops.first().copied()
}

/// Where clicking the row of history event `index` puts the cursor: after that row's step.
/// The last step is the live picture, so it returns `None`.
pub fn stop_for_row(stops: &[usize], index: usize, len: usize) -> Option<usize> {
    stops
        .get(stops.partition_point(|&s| s <= index))
        .copied()
        .filter(|&s| s < len)
}

/// The history range of the step that ends at the cursor: the rows drawn as "current".
pub fn current_step(stops: &[usize], cursor: Option<usize>, len: usize) -> Range<usize> {
    let pos = shown(stops, cursor, len);
    let before = stops.partition_point(|&s| s < pos);
    let start = if before == 0 { 0 } else { stops[before - 1] };
    start..pos
}

/// "step 3 of 7", or "live".
pub fn position_label(stops: &[usize], cursor: Option<usize>, lang: Lang) -> String {
    let t = TimelineText::of(lang);
    match cursor {
        None => t.live.to_owned(),
        Some(pos) => fill(
            t.position,
            &[&stops.partition_point(|&s| s <= pos), &stops.len()],
        ),
    }
}
