//! The real page (built by trunk) in headless Chromium against a real socklab, one binary.
//!
//! Ignored by a plain `cargo test` (they need the built page and Chromium); scripts/test
//! builds the page, installs Chromium and runs them with `--ignored --test-threads=1`.
//!
//! - [`page`]: the browser, the server and helpers to find, click and wait on the page.
//! - [`basics`]: connecting, the token, reconnecting, the sticky demo.
//! - [`lab`], [`timeline`], [`bulk`], [`file`], [`chat`], [`python`], [`lessons`]: each area
//!   of the page.
//! - [`bytes`]: bytes the back row can read.
//! - [`chinese`]: the whole page in 中文: the switch, a Chinese browser, a follower's own language.
//! - [`full`]: the 65th session is told the lab is full.
//! - [`follow`]: a follower's page shows the lecturer's shared session, read-only.
//! - [`keys`]: the keyboard follows the lesson; the past view's banner.
//! - [`on_demand`]: the page starts without its chunks, fetches each when needed; a chunk that
//!   does not load is said and the page goes on; how long the first card takes (printed).
//! - [`layout`]: the file panel's default size, controls that don't wrap apart.
//! - [`projector`], [`phone`]: the page at 1280×720 (a lesson, its highlights and the timeline
//!   on one screen) and at 390×844 (a follower's phone: one column, no sideways pan).
//! - [`python_scope`]: the Python panel shows the current lesson's program only.
//! - [`recording`]: a downloaded recording plays on a fresh page, read-only.
//! - [`reload`]: a reload keeps the lecturer's place.
//! - [`slate`]: a lecture's flow: a clean slate per lesson and per demo.
//! - [`speed`]: upload times through the page (only with `SOCKLAB_MEASURE=1`).
//! - [`upload_figures`]: where one 1 MiB chunk's time goes, and upload figures, fresh and used.
//! - [`waiting`]: a recv before any send, and its error going stale.
//! - [`wording`]: the cards in words for students (lesson 11's decoder, no debug text).
//! - [`wire`]: hosts A and B: the cable view (handshake, a merged segment's colours, a held
//!   packet stepped), the link panel, the pcap download.

#[path = "../support/mod.rs"]
mod support;

mod page;
mod viewport;

mod basics;
mod bulk;
mod bytes;
mod chat;
mod chinese;
mod file;
mod follow;
mod full;
mod keys;
mod lab;
mod layout;
mod lessons;
mod on_demand;
mod phone;
mod projector;
mod python;
mod python_scope;
mod recording;
mod reload;
mod slate;
mod speed;
mod timeline;
mod upload_figures;
mod waiting;
mod wire;
mod wording;
