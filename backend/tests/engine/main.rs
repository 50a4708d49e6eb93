//! The engine through the real `/ws` endpoint of a real server, one binary for every area
//! (linking axum, tokio and tungstenite once, not once per file).
//!
//! - [`tcp`], [`udp`], [`unix`]: each socket family's calls and what the kernel answers.
//! - [`auto`], [`file`]: auto behaviours and the file receiver.
//! - [`follow`]: a session shared read-only with followers.
//! - [`safety`], [`defences`]: the limits, and the attacks they stop.
//! - [`wire`]: hosts A and B on the cable the server carries (namespaces, TUN, packets).
//! - [`ws_endpoint`]: the upgrade, the page, `/healthz`.
//! - [`lessons`], [`python_generated`], [`interop_python`]: every lesson end to end, its
//!   generated Python run by `python3`, and Python programs as external clients.
//!
//! The slow-reader test is a binary of its own (`tests/slow_reader.rs`): it measures the
//! process's memory, which other tests running beside it would disturb.

#[path = "../support/mod.rs"]
mod support;

mod auto;
mod defences;
mod file;
mod follow;
mod interop_python;
mod lessons;
mod proxy;
mod python_generated;
mod safety;
mod tcp;
mod udp;
mod unix;
mod wire;
mod ws_endpoint;
