//! Windowing: which rows to render, so a long history (thousands of calls) doesn't freeze
//! the page. The window always holds the cursor's row; [`Timeline::rows_before`] turns a
//! history position (the cursor) into a row count to anchor it.

use std::ops::Range;

use super::Timeline;

impl Timeline {
    /// How many rows come from events before history position `pos`.
    pub fn rows_before(&self, pos: usize) -> usize {
        self.rows.partition_point(|r| r.index < pos)
    }
}

/// The rows to render: at most `size`, ending `after` rows past the `anchor` (the number of
/// rows up to the cursor), so the cursor's row is always inside.
pub fn window(total: usize, anchor: usize, size: usize, after: usize) -> Range<usize> {
    let end = anchor.saturating_add(after).min(total);
    let start = end.saturating_sub(size);
    start..end
}
