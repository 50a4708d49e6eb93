//! [`FrameDecoder`]: a receive buffer plus a codec, fed exactly what `recv` returned.
//!
//! This is what every correct TCP receiver contains, made visible. Each `recv` result is
//! appended to a buffer ([`push`](FrameDecoder::push)); then the receiver takes whole frames
//! off the front for as long as there are any ([`next_message`](FrameDecoder::next_message)).
//! Whatever is left is the start of a frame whose rest is still in flight:
//! [`pending`](FrameDecoder::pending) shows those bytes and
//! [`partial`](FrameDecoder::partial) how many more are needed, if the header says.
//!
//! Invariant: `pending()` always starts at a frame boundary. That's why an error is final
//! (the decoder is *poisoned*): after a bad frame, nothing says where the next one starts,
//! so a receiver that skipped a byte and tried again would only produce more garbage. Real
//! protocols close the connection here, and the lab shows the same thing.

use serde::{Deserialize, Serialize};

use super::{Decoded, Framing, FramingError, decode, json_header, len_u64, length_prefixed};

/// What is known about the frame waiting in the buffer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct PartialFrame {
    /// Bytes of it that have arrived.
    pub have: usize,
    /// The whole frame's length (header + body + trailer), once its header has arrived and
    /// says so. `None` while the header itself is incomplete, and always for line framing,
    /// whose length is only known when the delimiter arrives.
    pub need: Option<u64>,
}

/// An incremental decoder: push bytes in any pieces, take whole messages out.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameDecoder {
    framing: Framing,
    /// Bytes received but not yet returned as a message; starts at a frame boundary.
    buf: Vec<u8>,
    /// Set by the first error; once set, every `next_message` returns it.
    error: Option<FramingError>,
}

impl FrameDecoder {
    /// A decoder with an empty buffer. An invalid framing (e.g. a 3-byte prefix) doesn't
    /// panic: the decoder starts poisoned and `next_message` reports why.
    pub fn new(framing: Framing) -> Self {
        let error = framing.validate().err();
        FrameDecoder {
            framing,
            buf: Vec::new(),
            error,
        }
    }

    /// The framing this decoder expects.
    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// The error that poisoned the decoder, if any.
    pub fn error(&self) -> Option<&FramingError> {
        self.error.as_ref()
    }

    /// Appends bytes as they came from `recv`. Once the decoder is poisoned, new bytes are
    /// dropped: they can't be decoded, and keeping them would let the buffer grow forever.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Takes the next whole message off the buffer: `Ok(None)` means "wait for more bytes".
    /// Call it in a loop after each `push`, because one `recv` can complete several frames.
    ///
    /// After an `Err`, the decoder is poisoned: every later call returns the same error.
    pub fn next_message(&mut self) -> Result<Option<Decoded>, FramingError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        match decode(&self.framing, &self.buf) {
            Ok(Some(decoded)) => {
                // `decode` guarantees `consumed <= buf.len()`; `min` keeps this panic-free
                // even if that promise were ever broken.
                let end = decoded.consumed.min(self.buf.len());
                self.buf.drain(..end);
                Ok(Some(decoded))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                self.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Bytes of the frame still waiting for the rest of it (or, once poisoned, the bytes
    /// from the bad frame on).
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// What is known of the waiting frame; `None` when nothing is waiting. For raw framing,
    /// anything buffered is a complete "frame", so `need` equals `have`.
    pub fn partial(&self) -> Option<PartialFrame> {
        if self.buf.is_empty() {
            return None;
        }
        let buf = &self.buf[..];
        // Errors mean "no sensible length": report what has arrived and no `need`.
        let need = match &self.framing {
            Framing::Raw => Some(len_u64(buf.len())),
            Framing::LengthPrefixed { prefix, max_len } => {
                length_prefixed::frame_len(prefix, *max_len, buf)
                    .ok()
                    .flatten()
            }
            Framing::JsonHeader {
                prefix,
                max_header_len,
                max_body_len,
            } => json_header::frame_len(prefix, *max_header_len, *max_body_len, buf)
                .ok()
                .flatten(),
            // A line's length is known only when its delimiter is here, i.e. when it's
            // complete (and waiting only because next_message wasn't called yet).
            Framing::Lines { .. } => decode(&self.framing, buf)
                .ok()
                .flatten()
                .map(|d| len_u64(d.consumed)),
        };
        Some(PartialFrame {
            have: buf.len(),
            need,
        })
    }
}
