//! The real page (built by trunk) in headless Chromium against a real socklab, one binary.
//!
//! Ignored by a plain `cargo test` (they need the built page and Chromium); scripts/test
//! builds the page, installs Chromium and runs them with `--ignored --test-threads=1`.
//!
//! - [`page`]: the browser, the server and helpers to find, click and wait on the page.
//! - [`basics`]: connecting, the token, reconnecting, the sticky demo.
//! - [`lab`], [`timeline`], [`bulk`], [`file`], [`chat`], [`python`], [`lessons`]: each area
//!   of the page.

#[path = "../support/mod.rs"]
mod support;

mod page;

mod basics;
mod bulk;
mod chat;
mod file;
mod lab;
mod lessons;
mod python;
mod timeline;
