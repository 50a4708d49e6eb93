//! Stepping and windowing: the stops of the step controls, how the cursor moves between
//! them, which rows get rendered, and that a long history stays fast.

use super::*;
use crate::i18n::Lang;

#[test]
fn one_stop_per_step_right_after_its_snapshot() {
    let h = sticky();
    // hello, then (call, buffers) × 6.
    assert_eq!(step_positions(&h), [3, 5, 7, 9, 11, 13]);
    assert_eq!(step_positions(&h[..12]), [3, 5, 7, 9, 11, 12]);
    assert_eq!(step_positions(&h[..1]), Vec::<usize>::new());
}

#[test]
fn a_step_without_a_snapshot_ends_where_the_next_begins() {
    let h = history(vec![
        (None, hello()),
        (
            Some(1),
            Event::Error {
                code: ErrorCode::BadMessage,
                message: "bad".into(),
                hint: None,
                socket: None,
                errno: None,
            },
        ),
        (
            Some(2),
            opened(1, SocketKind::Udp, "127.0.0.1:4000", None, None),
        ),
        (Some(2), buffers()),
        // Auto events: several, then one snapshot.
        (None, sent(1, 1, 1, 0)),
        (None, sent(1, 2, 1, 1)),
        (None, buffers()),
        (Some(3), Event::Pong),
    ]);
    assert_eq!(step_positions(&h), [2, 4, 7]);
}

#[test]
fn stepping_back_and_forth() {
    let stops = [3, 5, 7, 9, 11, 13];
    let len = 13;
    // From live, back goes to the step before the last (live shows the last one).
    assert_eq!(prev_step(&stops, None, len), Some(11));
    assert_eq!(prev_step(&stops, Some(11), len), Some(9));
    assert_eq!(prev_step(&stops, Some(3), len), Some(3));
    assert_eq!(prev_step(&stops, Some(8), len), Some(7));
    assert_eq!(next_step(&stops, Some(3), len), Some(5));
    assert_eq!(next_step(&stops, Some(9), len), Some(11));
    assert_eq!(next_step(&stops, Some(11), len), None);
    assert_eq!(next_step(&stops, None, len), None);
    assert_eq!(first_step(&stops), Some(3));
    assert_eq!(prev_step(&[], None, 1), None);
    assert_eq!(first_step(&[]), None);
}

#[test]
fn clicking_a_row_shows_the_state_after_its_step() {
    let stops = [3, 5, 7, 9, 11, 13];
    assert_eq!(stop_for_row(&stops, 1, 13), Some(3));
    assert_eq!(stop_for_row(&stops, 9, 13), Some(11));
    assert_eq!(stop_for_row(&stops, 11, 13), None);
    assert_eq!(current_step(&stops, Some(11), 13), 9..11);
    assert_eq!(current_step(&stops, None, 13), 11..13);
    assert_eq!(current_step(&stops, Some(3), 13), 0..3);
    // A lesson position marked after the last step is no step of its own.
    assert_eq!(current_step(&stops, None, 15), 11..13);
    assert_eq!(prev_step(&stops, None, 15), Some(11));
}

#[test]
fn position_labels() {
    let stops = [3, 5, 7];
    assert_eq!(position_label(&stops, None, Lang::En), "live");
    assert_eq!(position_label(&stops, Some(5), Lang::En), "step 2 of 3");
    assert_eq!(
        position_label(&stops, Some(5), Lang::Zh),
        "第 2 步，共 3 步"
    );
    assert_eq!(position_label(&stops, Some(1), Lang::En), "step 0 of 3");
}

#[test]
fn the_window_keeps_the_cursor_row_and_at_most_size_rows() {
    assert_eq!(window(50, 50, 200, 20), 0..50);
    assert_eq!(window(10_000, 10_000, 200, 20), 9_800..10_000);
    assert_eq!(window(10_000, 500, 200, 20), 320..520);
    assert_eq!(window(10_000, 0, 200, 20), 0..20);
    let tl = Timeline::build(&sticky());
    assert_eq!(tl.rows_before(9), 4);
    assert_eq!(tl.rows_before(13), 6);
}

#[test]
fn a_long_history_builds_quickly_enough() {
    let mut h = connection();
    for n in 1..=5_000u32 {
        h.push((Some(u64::from(n) + 3), sent(2, n, 1, u64::from(n))));
        h.push((Some(u64::from(n) + 3), buffers()));
    }
    let h = history(h);
    let tl = Timeline::build(&h);
    assert_eq!(tl.rows.len(), 5_003);
    assert_eq!(step_positions(&h).len(), 5_003);
}
