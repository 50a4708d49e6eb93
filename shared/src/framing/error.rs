//! What can go wrong while framing, told in words a student can act on.
//!
//! A framing error is almost never "the network broke". TCP delivered every byte, in
//! order. What went wrong is that the *receiver's idea of where messages start and end*
//! stopped matching the sender's: they disagree about the header format, or one side
//! forgot the newline, or the receiver lost its place in the stream and is now reading
//! body bytes as if they were a header. So every message below says what was seen, what
//! it usually means, and what to change.
//!
//! Errors are plain data (`Clone`, `PartialEq`, serde) so the backend can send them to the
//! page inside an event and tests can compare them exactly.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Everything the framing codecs can refuse. Encoding errors come from the sender's side
/// (the message can't be put on the wire as asked); decoding errors from the receiver's
/// side (the bytes can't be a frame of the configured kind).
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FramingError {
    /// A signed length header held a negative number. No message has a negative length, so
    /// the receiver is reading these bytes differently from how the sender wrote them.
    #[error(
        "length header says {value}: a negative length means sender and receiver disagree on \
         the header format (signed 'i' vs unsigned '!I'? little-endian '<' vs network '!'?), \
         or the receiver lost its place and is reading body bytes as a header; make both \
         sides use the same struct format"
    )]
    NegativeLength { value: i64 },

    /// A message body is longer than the configured limit.
    #[error(
        "a message of {len} bytes is over the limit of {max} bytes. If it really is that big, \
         raise max_len; if a receiver saw this, the length was probably read wrongly (byte \
         order '<' vs '!', a 4-byte vs 8-byte header, or text read as a length): garbage \
         read as a length is usually huge"
    )]
    TooLong { len: u64, max: u64 },

    /// A JSON header is longer than the configured limit.
    #[error(
        "the JSON header is {len} bytes but the limit is {max} bytes. A header only needs a \
         few fields, so a huge one usually means the header length was read with the wrong \
         format (byte order or width) or from the wrong place in the stream"
    )]
    HeaderTooLong { len: u64, max: u64 },

    /// More than `max` bytes arrived and none of them ended the line.
    #[error(
        "more than {max} bytes arrived without a line delimiter, which is the longest a line \
         may be: is the sender forgetting the newline, or using '\\n' where the receiver \
         expects '\\r\\n'? Fix the sender, or raise max_len if lines really are that long"
    )]
    LineTooLong { max: u64 },

    /// The JSON header could not be used: it is not JSON, or not a JSON object.
    #[error(
        "the JSON header can't be used: {reason}. Check that the sender json.dumps() a dict, \
         encodes it as UTF-8, and that the length in front of it counts exactly its bytes"
    )]
    BadJsonHeader { reason: String },

    /// The JSON header is an object but has no `"size"` field.
    #[error(
        "the JSON header has no \"size\" field, so the receiver can't know where the body \
         ends; the sender must put the body's length in bytes there, e.g. {{\"size\": 5}}"
    )]
    MissingSize,

    /// The JSON header's `"size"` field is not a non-negative whole number.
    #[error(
        "the JSON header's \"size\" is {found}, but it must be a whole number >= 0: the body's \
         length in bytes (use len(body) of the encoded bytes, not of the str)"
    )]
    BadSize { found: String },

    /// A length header width other than 2, 4 or 8 bytes.
    #[error(
        "a {width}-byte length header isn't supported: Python's struct packs lengths in 2 \
         ('H'/'h'), 4 ('I'/'i') or 8 ('Q'/'q') bytes; pick one of those"
    )]
    BadWidth { width: u8 },

    /// The length to send does not fit the header's number type.
    #[error(
        "a length of {len} doesn't fit in a {width}-byte {sign} header (Python would raise \
         struct.error); use a wider header or send less",
        sign = signedness(*signed)
    )]
    LengthDoesNotFit { len: u64, width: u8, signed: bool },

    /// A line-framed message body contains the delimiter itself.
    #[error(
        "the message contains the line delimiter, so the receiver would cut it into two \
         messages; remove the newline from the body, escape it, or use a length-prefixed \
         framing, which allows any bytes in the body"
    )]
    DelimiterInBody,

    /// A message came with a JSON header but the framing has nowhere to put one.
    #[error(
        "the message has a JSON header, but this framing has no place for one and it would be \
         silently lost; drop the header or use json_header framing"
    )]
    HeaderNotSupported,
}

/// The word a student would use for the header's number type.
fn signedness(signed: bool) -> &'static str {
    if signed { "signed" } else { "unsigned" }
}
