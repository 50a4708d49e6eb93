//! Fuzzes the lesson loader: `socklab_shared::lesson::Lesson::from_toml` (TOML syntax, the
//! lesson schema, the error text with its line and column) and then `Lesson::check` (command
//! templates, socket names defined before use, panels that fit the socket).
//!
//! Input: arbitrary bytes, as UTF-8 (`String::from_utf8_lossy` for the rest), the text of a
//! lesson file. The same text is also read as JSON (`serde_json`), the form in which the
//! backend serves lessons to the page, and checked the same way.
//!
//! Invariants asserted:
//! - nothing panics, however broken the TOML (including the error-position code, which
//!   slices the text at the parser's span);
//! - an error message is non-empty, and a syntax error's "line L, column C" names a line
//!   that exists in the text;
//! - a lesson that loads passes `check()` again and has at least one step;
//! - a loaded lesson survives the trip to JSON and back (what `/api/lessons` sends and the
//!   page reads) unchanged and still passes `check()`. Lessons holding floating-point numbers
//!   are compared as JSON text only (see `common`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab_shared::lesson::Lesson;

mod common;

use common::round_trip;

/// Checks the "line L, column C: " an error may start with.
fn check_place(text: &str, message: &str) {
    assert!(!message.is_empty(), "an empty error for {text:?}");
    let Some(rest) = message.strip_prefix("line ") else {
        return;
    };
    let Some((line, rest)) = rest.split_once(", column ") else {
        return;
    };
    let (Ok(line), Some((column, _))) = (line.parse::<usize>(), rest.split_once(": ")) else {
        return;
    };
    let lines = text.matches('\n').count() + 1;
    assert!(
        (1..=lines).contains(&line),
        "line {line} of {lines}: {message}"
    );
    assert!(column.parse::<usize>().is_ok_and(|c| c >= 1), "{message}");
}

fn check_loaded(text: &str, lesson: &Lesson) {
    assert!(!lesson.steps.is_empty());
    if let Err(e) = lesson.check() {
        panic!("a loaded lesson fails check(): {e}");
    }
    // What the page reads: the lesson as `/api/lessons` serves it.
    let (back, _) = round_trip(
        lesson,
        text,
        |l| serde_json::to_string(l).expect("a lesson serialises"),
        |json| serde_json::from_str::<Lesson>(json),
    );
    if let Err(e) = back.check() {
        panic!("the page's copy fails check(): {e}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Lesson::from_toml(&text) {
        Ok(lesson) => check_loaded(&text, &lesson),
        Err(e) => check_place(&text, &e.to_string()),
    }
    if let Ok(lesson) = serde_json::from_str::<Lesson>(&text)
        && lesson.check().is_ok()
    {
        check_loaded(&text, &lesson);
    }
});
