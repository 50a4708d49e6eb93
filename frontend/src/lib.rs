//! socklab's lab page (Leptos, client-side rendered).
//!
//! # Layout
//! - [`link`]: pure connection logic (status, reconnect back-off, the `/ws` URL, keep-alive),
//!   unit-tested natively.
//! - [`token`]: the lab's token, taken from the page's address once and kept for the tab.
//! - [`storage`]: the tab's `sessionStorage`, for the place a reload keeps.
//! - [`connection`]: the browser WebSocket to the backend, reconnecting by itself and pinging
//!   while up; owns the socket and the events not yet applied.
//! - [`lab`]: what the components share, split by concern: the connection, the history of
//!   events, the timeline's cursor, the scripts, and the one request counter.
//! - [`model`]: the lab state rebuilt from events, byte colouring, input parsing (pure).
//! - [`components`]: the workbench, socket cards and buffer strips.
//! - [`app`]: the top-level component and the connection badge.
//! - [`on_demand`]: parts of the page fetched as WASM chunks the first time they are needed.
//! - [`i18n`]: the page's words in English and 简体中文, one typed catalogue; the page's language.
//!
//! Domain logic lives in plain Rust modules outside `view!` so `cargo test` checks it without a
//! browser; components only render what those modules compute.

pub mod app;
pub mod components;
pub mod connection;
pub mod follow;
pub mod i18n;
pub mod lab;
pub mod link;
pub mod model;
pub mod on_demand;
pub mod storage;
pub mod token;

#[cfg(test)]
mod test_support;
