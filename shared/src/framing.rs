//! Message framing: how a receiver finds the message boundaries that TCP doesn't keep.
//!
//! # The problem: "sticky packets"
//!
//! TCP is a *byte stream*. If a client calls `send(b"hello")` and then `send(b"world")`,
//! the server's `recv(1024)` may return `b"helloworld"` in one go, or `b"hel"` then
//! `b"loworld"`. The kernel merges and splits sends as it likes (Nagle's algorithm, segment
//! sizes, how full the buffers are); it only promises the bytes arrive, once, in order.
//! Any program that assumes "one `send` = one `recv`" works on localhost in a quick test and
//! breaks under load.
//!
//! # The fix: framing
//!
//! Sender and receiver agree on a way to mark where each message ends, and the receiver
//! buffers bytes until it has a whole frame. The lab offers the framings a course teaches:
//!
//! - [`Framing::Raw`]: no framing, to show the problem: whatever has arrived is one "message".
//! - [`Framing::LengthPrefixed`]: a fixed-size binary length, then the body
//!   (`struct.pack('!I', len(body)) + body`).
//! - [`Framing::JsonHeader`]: a length, then a JSON header object whose `"size"` is the body
//!   length, then the body: extensible metadata (file names, types) for file-transfer labs.
//! - [`Framing::Lines`]: the body, then a delimiter (`\n` or `\r\n`), like HTTP headers,
//!   SMTP or Redis's inline commands. Bodies can't contain the delimiter.
//!
//! # How the code is shaped
//!
//! Every codec is a pure function from bytes to a result, in the style of mini-redis's frame
//! parser: [`decode`] looks at the *start* of a buffer and answers
//!
//! - `Ok(Some(frame))`: a whole frame is there, and it used `consumed` bytes;
//! - `Ok(None)`: the frame isn't complete yet; keep the bytes, `recv` more, try again;
//! - `Err(e)`: these bytes can never be a valid frame, however many more arrive.
//!
//! It never panics on any input and never needs the whole stream: [`FrameDecoder`] wraps it
//! with a buffer so bytes can be pushed in exactly as `recv` returned them. Decoding one
//! stream pushed in any pieces gives the same messages as decoding it in one go, which is
//! the property the tests check most.

mod decoder;
mod error;
mod json_header;
mod length_prefixed;
mod lines;
mod message;
mod prefix;
mod raw;

use serde::{Deserialize, Serialize};

pub use decoder::{FrameDecoder, PartialFrame};
pub use error::FramingError;
pub use lines::LineDelimiter;
pub use message::{Decoded, Encoded, Message};
pub use prefix::{Endian, LengthPrefix};

/// Which framing a lab socket uses. Travels in JSON commands as
/// `{"kind": "length_prefixed", "prefix": {"width": 4, "endian": "big", "signed": false},
/// "max_len": 1048576}`.
///
/// The `max_*` limits are the receiver's protection against a wrong or hostile length: a
/// real server must not allocate whatever a 4-byte number says. The encoder enforces them
/// too, so anything [`encode`] accepts, [`decode`] with the same framing gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Framing {
    /// No framing: the bytes are sent as they are, and a receiver treats whatever it has
    /// as one message. Shows the sticky-packet problem.
    Raw,
    /// `prefix` (the body length), then the body. `max_len` is the longest body accepted.
    LengthPrefixed { prefix: LengthPrefix, max_len: u64 },
    /// `prefix` (the JSON header's length), the JSON header (an object whose `"size"` is the
    /// body length in bytes), then the body.
    JsonHeader {
        prefix: LengthPrefix,
        max_header_len: u64,
        max_body_len: u64,
    },
    /// The body, then `delimiter`. `max_len` is the longest body (not counting the
    /// delimiter) accepted.
    Lines {
        delimiter: LineDelimiter,
        max_len: u64,
    },
}

impl Framing {
    /// Checks the configuration can be used at all: length prefixes must be 2, 4 or 8
    /// bytes wide. [`encode`], [`decode`] and [`FrameDecoder`] call it themselves; call it
    /// early to reject a bad command before any bytes move.
    pub fn validate(&self) -> Result<(), FramingError> {
        match self {
            Framing::Raw | Framing::Lines { .. } => Ok(()),
            Framing::LengthPrefixed { prefix, .. } | Framing::JsonHeader { prefix, .. } => {
                prefix.validate()
            }
        }
    }
}

/// Wraps one message in its framing, ready for `send`.
///
/// Refuses (rather than silently sending something the receiver would misread):
/// a body over the limit, a length that doesn't fit the prefix, a JSON header that isn't an
/// object, a line body that contains the delimiter, and a header on a framing without one.
/// For JSON-header framing, `"size"` is always set to the body length, overwriting any
/// value the caller put there, and `None` means the header `{"size": len}`.
pub fn encode(framing: &Framing, msg: &Message) -> Result<Encoded, FramingError> {
    framing.validate()?;
    match framing {
        Framing::Raw => raw::encode(msg),
        Framing::LengthPrefixed { prefix, max_len } => {
            length_prefixed::encode(prefix, *max_len, msg)
        }
        Framing::JsonHeader {
            prefix,
            max_header_len,
            max_body_len,
        } => json_header::encode(prefix, *max_header_len, *max_body_len, msg),
        Framing::Lines { delimiter, max_len } => lines::encode(*delimiter, *max_len, msg),
    }
}

/// Parses ONE frame from the start of `buf`; see the module docs for what `Ok(None)` and
/// `Err` mean. Bytes after the frame are left alone: they are the next frame.
pub fn decode(framing: &Framing, buf: &[u8]) -> Result<Option<Decoded>, FramingError> {
    framing.validate()?;
    match framing {
        Framing::Raw => Ok(raw::decode(buf)),
        Framing::LengthPrefixed { prefix, max_len } => {
            length_prefixed::decode(prefix, *max_len, buf)
        }
        Framing::JsonHeader {
            prefix,
            max_header_len,
            max_body_len,
        } => json_header::decode(prefix, *max_header_len, *max_body_len, buf),
        Framing::Lines { delimiter, max_len } => lines::decode(*delimiter, *max_len, buf),
    }
}

/// The first `len` bytes of `buf`, or `None` if fewer have arrived.
///
/// Lengths come off the wire as `u64`, and on a 32-bit target (the WASM page) a `u64` may
/// not fit in `usize`. Such a frame could never be buffered, so "not yet" is the honest
/// answer; the `max_*` limits are what turn absurd lengths into errors.
fn take(buf: &[u8], len: u64) -> Option<&[u8]> {
    usize::try_from(len).ok().and_then(|len| buf.get(..len))
}

/// A buffer length as a `u64`, for comparing with lengths read off the wire. `usize` is at
/// most 64 bits on every target Rust supports, so this never loses anything.
fn len_u64(len: usize) -> u64 {
    len as u64
}

/// Framings other than JSON-header have nowhere to put a header: refuse one rather than
/// drop it, so what a student asked to send is what is sent.
fn reject_header(msg: &Message) -> Result<(), FramingError> {
    match msg.header {
        Some(_) => Err(FramingError::HeaderNotSupported),
        None => Ok(()),
    }
}
