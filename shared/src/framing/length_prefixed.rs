//! Length-prefixed framing: `struct.pack(fmt, len(body)) + body`.
//!
//! The receiver works in two steps, and either may have to wait for more bytes:
//!
//! 1. read `width` bytes and turn them into the body length `n` (see [`LengthPrefix`]);
//! 2. read `n` more bytes: that is the body. What follows is the next frame's prefix.
//!
//! ```text
//! '!I' framing of b"hi":  00 00 00 02 | 68 69
//!                         prefix (2)  | body
//! ```
//!
//! Before waiting for `n` bytes the receiver checks `n` against `max_len`. A real server
//! that trusted any length could be made to allocate gigabytes by four bytes of garbage,
//! and in the lab a huge `n` is the typical symptom of a byte-order mix-up, which is better
//! reported at once than shown as a receiver waiting forever.

use super::{Decoded, Encoded, FramingError, LengthPrefix, Message, len_u64, reject_header, take};

/// Prefix plus body. Fails if the body is over `max_len` or too long for the prefix.
pub(super) fn encode(
    prefix: &LengthPrefix,
    max_len: u64,
    msg: &Message,
) -> Result<Encoded, FramingError> {
    reject_header(msg)?;
    let len = len_u64(msg.body.len());
    if len > max_len {
        return Err(FramingError::TooLong { len, max: max_len });
    }
    let mut bytes = prefix.encode_len(len)?;
    let header_len = bytes.len();
    bytes.extend_from_slice(&msg.body);
    Ok(Encoded {
        bytes,
        header_len,
        trailer_len: 0,
    })
}

/// Step 1 alone: the whole frame's length (prefix + body) once the prefix has arrived.
/// Used both by [`decode`] and to tell the page how much of a waiting frame is missing.
pub(super) fn frame_len(
    prefix: &LengthPrefix,
    max_len: u64,
    buf: &[u8],
) -> Result<Option<u64>, FramingError> {
    let Some(body_len) = prefix.decode_len(buf)? else {
        return Ok(None);
    };
    if body_len > max_len {
        return Err(FramingError::TooLong {
            len: body_len,
            max: max_len,
        });
    }
    // Saturating: with an absurd `max_len` the sum could overflow; a frame that long can
    // never be complete, which is what u64::MAX says too.
    Ok(Some(u64::from(prefix.width).saturating_add(body_len)))
}

/// Both steps: one frame from the start of `buf`, or `None` if it hasn't all arrived.
pub(super) fn decode(
    prefix: &LengthPrefix,
    max_len: u64,
    buf: &[u8],
) -> Result<Option<Decoded>, FramingError> {
    let Some(total) = frame_len(prefix, max_len, buf)? else {
        return Ok(None);
    };
    let Some(frame) = take(buf, total) else {
        return Ok(None);
    };
    let header_len = usize::from(prefix.width);
    // `frame_len` is width + body, so the frame is at least `width` bytes long.
    let body = frame.get(header_len..).unwrap_or_default();
    Ok(Some(Decoded {
        message: Message::new(body),
        consumed: frame.len(),
        header_len,
        trailer_len: 0,
    }))
}
