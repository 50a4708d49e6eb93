//! Line framing: the body, then a delimiter. How HTTP headers, SMTP, IRC and chat labs
//! mark message ends, and what Python's `sock.makefile().readline()` reads.
//!
//! ```text
//! b"hi\n" with Lf:      68 69 | 0a
//!                       body  | trailer
//! ```
//!
//! Unlike a length prefix, the end marker comes *after* the body, so the receiver can't know
//! how long a message is until its end arrives: it scans for the delimiter. Two
//! consequences the lab shows:
//!
//! - a body must not contain the delimiter (the encoder refuses one that does), so line
//!   framing suits text, not arbitrary binary data;
//! - a sender that forgets the newline leaves the receiver buffering forever, so the
//!   receiver gives up once more than `max_len` bytes have arrived without one.

use serde::{Deserialize, Serialize};

use super::{Decoded, Encoded, FramingError, Message, len_u64, reject_header};

/// What ends a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineDelimiter {
    /// `\n` (0x0a), Unix style and Python's `print`.
    Lf,
    /// `\r\n` (0x0d 0x0a), what HTTP, SMTP and Telnet require. Also accepted as `"crlf"`.
    #[serde(alias = "crlf")]
    CrLf,
}

impl LineDelimiter {
    /// The delimiter's bytes.
    pub fn as_bytes(&self) -> &'static [u8] {
        match self {
            LineDelimiter::Lf => b"\n",
            LineDelimiter::CrLf => b"\r\n",
        }
    }

    /// Where the first delimiter starts in `haystack`, if anywhere.
    fn find(&self, haystack: &[u8]) -> Option<usize> {
        let needle = self.as_bytes();
        haystack.windows(needle.len()).position(|w| w == needle)
    }
}

/// Body plus delimiter. Fails if the body holds the delimiter or is over `max_len`.
///
/// With CRLF, a body may still contain a lone `\r` or `\n`, even a `\r` at its very end:
/// `b"a\r" + b"\r\n"` decodes back to `b"a\r"` because the receiver takes the *first*
/// `\r\n`, which starts at the body's end, not inside it.
pub(super) fn encode(
    delimiter: LineDelimiter,
    max_len: u64,
    msg: &Message,
) -> Result<Encoded, FramingError> {
    reject_header(msg)?;
    if delimiter.find(&msg.body).is_some() {
        return Err(FramingError::DelimiterInBody);
    }
    let len = len_u64(msg.body.len());
    if len > max_len {
        return Err(FramingError::TooLong { len, max: max_len });
    }
    let trailer = delimiter.as_bytes();
    let mut bytes = Vec::with_capacity(msg.body.len() + trailer.len());
    bytes.extend_from_slice(&msg.body);
    bytes.extend_from_slice(trailer);
    Ok(Encoded {
        bytes,
        header_len: 0,
        trailer_len: trailer.len(),
    })
}

/// The first line in `buf`, or `None` if its delimiter hasn't arrived yet.
///
/// The search only looks at the first `max_len + delimiter` bytes: a delimiter starting
/// later would end a body longer than `max_len`. Once that many bytes are buffered without
/// one, no future bytes can make a valid line, so it's an error. Deciding only from the
/// first bytes also means the answer is the same however the stream was split into pushes.
pub(super) fn decode(
    delimiter: LineDelimiter,
    max_len: u64,
    buf: &[u8],
) -> Result<Option<Decoded>, FramingError> {
    let trailer_len = delimiter.as_bytes().len();
    // On a 32-bit target a huge max_len is "no limit": the buffer can't get that big anyway.
    let max_body = usize::try_from(max_len).unwrap_or(usize::MAX);
    let window_len = max_body.saturating_add(trailer_len);
    let window = buf.get(..window_len).unwrap_or(buf);
    match delimiter.find(window) {
        Some(body_len) => Ok(Some(Decoded {
            message: Message::new(window.get(..body_len).unwrap_or_default()),
            consumed: body_len + trailer_len,
            header_len: 0,
            trailer_len,
        })),
        None if buf.len() >= window_len => Err(FramingError::LineTooLong { max: max_len }),
        None => Ok(None),
    }
}
