//! What the page knows, as plain Rust: no signals, no DOM, unit-tested natively.
//!
//! - [`lab_state`]: the sockets and their last kernel snapshot, rebuilt from the event history
//!   (so stepping back through the timeline is "replay up to here").
//! - [`byte_cells`]: bytes plus their provenance spans → the coloured cells a buffer strip shows.
//! - [`input`]: what the user typed (text or hex) → bytes.
//! - [`script`]: command sequences with named sockets (demos, lessons).

pub mod byte_cells;
pub mod input;
pub mod lab_state;
pub mod script;
