//! The data that goes in and out of the codecs: a message, its encoded bytes, and a decoded
//! frame together with how it was laid out on the wire.
//!
//! Why carry `header_len` and `trailer_len` around instead of just the bytes? Because the
//! lab draws them. A frame on the wire is
//!
//! ```text
//! [ header: header_len bytes ][ body ][ trailer: trailer_len bytes ]
//! ```
//!
//! where the header is a length prefix (plus a JSON object, for JSON-header framing) and the
//! trailer is a line delimiter. The page colours the three parts differently so students can
//! see which bytes are bookkeeping and which are the message they sent.

use serde::{Deserialize, Serialize};

/// One application-level message: what the sender meant to send as a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Message {
    /// The JSON header object; only [`Framing::JsonHeader`](super::Framing::JsonHeader) has
    /// one. When decoding, it is exactly what arrived, including its `"size"` field.
    pub header: Option<serde_json::Value>,
    /// The message itself, without any framing bytes.
    pub body: Vec<u8>,
}

impl Message {
    /// A message without a JSON header.
    pub fn new(body: impl Into<Vec<u8>>) -> Self {
        Message {
            header: None,
            body: body.into(),
        }
    }

    /// A message with a JSON header (for JSON-header framing).
    pub fn with_header(header: serde_json::Value, body: impl Into<Vec<u8>>) -> Self {
        Message {
            header: Some(header),
            body: body.into(),
        }
    }
}

/// A message ready to hand to `send()`.
///
/// Invariant (upheld by [`encode`](super::encode)): `header_len + trailer_len <=
/// bytes.len()`, and the body is `bytes[header_len..bytes.len() - trailer_len]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Encoded {
    /// The whole frame: header, body, trailer.
    pub bytes: Vec<u8>,
    /// Bytes before the body: the length prefix, plus the JSON header for JSON-header
    /// framing. 0 for raw and line framing.
    pub header_len: usize,
    /// Bytes after the body: the delimiter for line framing, 0 otherwise.
    pub trailer_len: usize,
}

impl Encoded {
    /// The header bytes (empty if none). Never panics, even if the public fields were set
    /// inconsistently by hand: out-of-range parts come back empty.
    pub fn header_bytes(&self) -> &[u8] {
        self.bytes.get(..self.header_len).unwrap_or(&[])
    }

    /// The body bytes.
    pub fn body_bytes(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(self.trailer_len);
        self.bytes.get(self.header_len..end).unwrap_or(&[])
    }

    /// The trailer bytes (empty if none).
    pub fn trailer_bytes(&self) -> &[u8] {
        let start = self.bytes.len().saturating_sub(self.trailer_len);
        self.bytes.get(start..).unwrap_or(&[])
    }
}

/// One frame parsed from the front of a byte buffer.
///
/// Invariant (upheld by [`decode`](super::decode)): `consumed == header_len +
/// message.body.len() + trailer_len`, and those `consumed` bytes were the frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Decoded {
    /// The message the frame carried.
    pub message: Message,
    /// How many bytes from the start of the buffer the frame used. The next frame starts
    /// right after them.
    pub consumed: usize,
    /// Bytes of header before the body.
    pub header_len: usize,
    /// Bytes of trailer (delimiter) after the body.
    pub trailer_len: usize,
}
