//! socklab-shared: the pieces the backend and the page must agree on.
//!
//! # Layout
//! - [`protocol`]: the versioned WebSocket protocol. Client→server [`protocol::Command`]s wrapped
//!   in a [`protocol::Request`], server→client [`protocol::Event`]s wrapped in an
//!   [`protocol::Envelope`] that carries a per-connection sequence number and a timestamp.
//!   All of it travels as JSON text frames. [`protocol::SentCommands`] is a client's record of
//!   the commands it sent, by request number.
//! - [`error`]: the crate's one error type, [`Error`].
//! - [`payload`]: [`payload::Payload`], byte strings that survive JSON (base64).
//! - [`lesson`]: course lessons as data (TOML files), checked without sockets.
//! - [`script`]: command templates with named sockets, for demos and lessons.
//! - [`framing`]: the message framings a course teaches (raw, length-prefixed, JSON header,
//!   lines) as pure, incremental codecs.
//! - [`hex_digits`]: hex bytes as a person types them (a card's hex box, a lesson's `"hex"`).
//! - [`sample_file`]: the generated test files of the file-transfer panel, byte for byte.
//! - [`upload`]: the course's file upload (length, JSON header, chunked body): shape, limits.
//!
//! The Python generator, which turns a session's history into the course's socket code, is
//! its own crate (`socklab-python`): the page uses it, the backend only in tests.
//!
//! This crate does no I/O and knows no runtime: everything here is plain data and pure
//! functions, so it compiles to WASM for the page and is tested natively with byte literals.

pub mod error;
pub mod framing;
pub mod hex_digits;
pub mod lesson;
pub mod payload;
pub mod protocol;
pub mod sample_file;
pub mod script;
pub mod upload;

pub use error::Error;
pub use payload::Payload;
pub use protocol::{Command, Envelope, Event, PROTOCOL_VERSION, Request};
