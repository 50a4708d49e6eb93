//! socklab's lab page (Leptos, client-side rendered).
//!
//! # Layout
//! - [`link`]: pure connection logic (status, reconnect back-off, the `/ws` URL, keep-alive),
//!   unit-tested natively.
//! - [`token`]: the lab's token, taken from the page's address once and kept for the tab.
//! - [`connection`]: the browser WebSocket to the backend, reconnecting by itself; feeds
//!   signals the components read.
//! - [`model`]: the lab state rebuilt from events, byte colouring, input parsing (pure).
//! - [`components`]: the workbench, socket cards and buffer strips.
//! - [`app`]: the top-level component and the connection badge.
//!
//! Domain logic lives in plain Rust modules outside `view!` so `cargo test` checks it without a
//! browser; components only render what those modules compute.

pub mod app;
pub mod components;
pub mod connection;
pub mod link;
pub mod model;
pub mod token;
