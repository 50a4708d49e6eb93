//! What the page knows, as plain Rust: no signals, no DOM, unit-tested natively.
//!
//! - [`lab_state`]: the sockets and their last kernel snapshot, rebuilt from the event history
//!   (so stepping back through the timeline is "replay up to here").
//! - [`card_error`]: a card's error in words for the students' programs, and when it is stale.
//! - [`lab_full`]: why no session opens (the lab is full), from `/api/stats`.
//! - [`last_error`]: the last error, until a later command works (status bar and workbench).
//! - [`sent`]: the record of commands sent, as the Python panel needs it.
//! - [`byte_cells`]: bytes plus their provenance spans → the coloured cells a buffer strip shows.
//! - [`recv_label`]: where a recv's bytes came from, in words that fit a lesson on frames.
//! - [`result_text`]: a card's latest result in words (setsockopt, shutdown…).
//! - [`input`]: what the user typed (text or hex) → bytes.
//! - [`keys`]: what a key does: step the lesson while one runs, else the timeline.
//! - [`lesson_player`]: which lesson, which step, the narration and what to highlight.
//! - [`place`]: the lecturer's place (lesson, step, language, text size) across a reload.
//! - [`recording`]: a session saved as a versioned JSON-lines file, and read back.
//! - [`script`]: command sequences with named sockets (demos, lessons).
//! - [`demos`]: the one-click demo scripts (TCP vs UDP) and what their results show.
//! - [`decoder_view`]: a receiver's frame decoder replayed over its recv results.
//! - [`chat_view`]: decoded chat messages as "from → to: text", one colour per user.
//! - [`file_transfer`]: a file upload (length, JSON header, chunks) and its md5 verdict.
//! - [`timeline`]: the history as a sequence diagram (lanes, rows, send → recv arrows) and
//!   the stops of the step controls.
//! - [`cable`]: the packets between hosts A and B (labels, the sends they carry, fates) and
//!   where their arrows go.
//! - [`wire`]: which host a socket is on, where a new one goes, `TCP_INFO` in words, the link
//!   panel's form.

pub mod byte_cells;
pub mod cable;
pub mod card_error;
pub mod chat_view;
pub mod decoder_view;
pub mod demos;
pub mod file_transfer;
pub mod input;
pub mod keys;
pub mod lab_full;
pub mod lab_state;
pub mod last_error;
pub mod lesson_player;
pub mod lesson_position;
pub mod place;
pub mod recording;
pub mod recv_label;
pub mod result_text;
pub mod script;
pub mod sent;
pub mod timeline;
pub mod wire;
