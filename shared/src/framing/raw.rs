//! Raw "framing": none at all. The lesson that motivates everything else.
//!
//! The sender's bytes go out untouched, and the receiver calls whatever it has buffered
//! one message. Send `b"hello"` and `b"world"` quickly and the receiver gets one message,
//! `b"helloworld"`; send one big message and the receiver may get it as three. Nothing in
//! the bytes says where a message ends, so no receiver code can fix that afterwards.

use super::{Decoded, Encoded, FramingError, Message, reject_header};

/// Raw encoding is the identity: no header, no trailer.
pub(super) fn encode(msg: &Message) -> Result<Encoded, FramingError> {
    reject_header(msg)?;
    Ok(Encoded {
        bytes: msg.body.clone(),
        header_len: 0,
        trailer_len: 0,
    })
}

/// Everything buffered is one message; an empty buffer is "nothing yet", not an empty
/// message, because a raw stream has no way to send an empty message at all.
pub(super) fn decode(buf: &[u8]) -> Option<Decoded> {
    if buf.is_empty() {
        return None;
    }
    Some(Decoded {
        message: Message::new(buf),
        consumed: buf.len(),
        header_len: 0,
        trailer_len: 0,
    })
}
