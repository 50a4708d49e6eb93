//! JSON-header framing: a length, a JSON object describing the body, then the body.
//!
//! The pattern from many networking courses' file-transfer labs:
//!
//! ```python
//! header = json.dumps({"name": "a.txt", "size": len(data)}).encode()
//! sock.sendall(struct.pack('!I', len(header)) + header + data)
//! ```
//!
//! ```text
//! 00 00 00 0c | {"size":2} ... | 68 69
//! prefix      | JSON header    | body
//! ```
//!
//! It takes three reads, any of which may have to wait: the prefix gives the header's
//! length, the header (once it has all arrived) gives the body's length in `"size"`, then
//! the body. The header can carry any metadata, which is why it's popular; the price is more
//! ways to get it wrong (not JSON, not an object, no `"size"`, a size counted in characters
//! instead of bytes), each reported as its own error.

use serde_json::{Map, Value};

use super::{Decoded, Encoded, FramingError, LengthPrefix, Message, len_u64, take};

/// What the prefix and the JSON header say, once both have arrived.
struct Layout {
    /// Prefix plus JSON: where the body starts.
    header_len: usize,
    /// The parsed header (an object with a valid `"size"`).
    header: Value,
    /// The body length from `"size"`.
    body_len: u64,
}

/// Prefix, compact JSON (with `"size"` set to the body length), body.
pub(super) fn encode(
    prefix: &LengthPrefix,
    max_header_len: u64,
    max_body_len: u64,
    msg: &Message,
) -> Result<Encoded, FramingError> {
    let mut fields = match &msg.header {
        None => Map::new(),
        Some(Value::Object(fields)) => fields.clone(),
        Some(other) => {
            return Err(FramingError::BadJsonHeader {
                reason: format!("it must be a JSON object {{...}}, not {}", kind_of(other)),
            });
        }
    };
    let body_len = len_u64(msg.body.len());
    if body_len > max_body_len {
        return Err(FramingError::TooLong {
            len: body_len,
            max: max_body_len,
        });
    }
    // Always overwrite "size": a header whose size disagrees with the body would desync
    // the receiver, and the codec is the one place that knows the true length.
    fields.insert("size".to_owned(), Value::from(body_len));
    let json =
        serde_json::to_vec(&Value::Object(fields)).map_err(|e| FramingError::BadJsonHeader {
            reason: e.to_string(),
        })?;
    let json_len = len_u64(json.len());
    if json_len > max_header_len {
        return Err(FramingError::HeaderTooLong {
            len: json_len,
            max: max_header_len,
        });
    }
    let mut bytes = prefix.encode_len(json_len)?;
    bytes.extend_from_slice(&json);
    let header_len = bytes.len();
    bytes.extend_from_slice(&msg.body);
    Ok(Encoded {
        bytes,
        header_len,
        trailer_len: 0,
    })
}

/// Reads the prefix and the JSON header; `None` until both have arrived.
fn layout(
    prefix: &LengthPrefix,
    max_header_len: u64,
    max_body_len: u64,
    buf: &[u8],
) -> Result<Option<Layout>, FramingError> {
    let Some(json_len) = prefix.decode_len(buf)? else {
        return Ok(None);
    };
    // Check the limit before waiting for the header: a bad length should fail now, not
    // leave the receiver buffering forever.
    if json_len > max_header_len {
        return Err(FramingError::HeaderTooLong {
            len: json_len,
            max: max_header_len,
        });
    }
    let header_end = u64::from(prefix.width).saturating_add(json_len);
    let Some(header_bytes) = take(buf, header_end) else {
        return Ok(None);
    };
    let json = header_bytes
        .get(usize::from(prefix.width)..)
        .unwrap_or_default();
    let header: Value = serde_json::from_slice(json).map_err(|e| FramingError::BadJsonHeader {
        reason: format!("it is not valid JSON ({e})"),
    })?;
    let Value::Object(fields) = &header else {
        return Err(FramingError::BadJsonHeader {
            reason: format!(
                "it is valid JSON but {}, and it must be an object {{...}}",
                kind_of(&header)
            ),
        });
    };
    let size = fields.get("size").ok_or(FramingError::MissingSize)?;
    // `as_u64` is None for negative numbers, fractions, strings, ...: all of them wrong.
    let body_len = size.as_u64().ok_or_else(|| FramingError::BadSize {
        found: size.to_string(),
    })?;
    if body_len > max_body_len {
        return Err(FramingError::TooLong {
            len: body_len,
            max: max_body_len,
        });
    }
    Ok(Some(Layout {
        header_len: header_bytes.len(),
        header,
        body_len,
    }))
}

/// The whole frame's length once the header is known.
pub(super) fn frame_len(
    prefix: &LengthPrefix,
    max_header_len: u64,
    max_body_len: u64,
    buf: &[u8],
) -> Result<Option<u64>, FramingError> {
    Ok(layout(prefix, max_header_len, max_body_len, buf)?
        .map(|l| len_u64(l.header_len).saturating_add(l.body_len)))
}

/// One frame from the start of `buf`, or `None` if it hasn't all arrived.
pub(super) fn decode(
    prefix: &LengthPrefix,
    max_header_len: u64,
    max_body_len: u64,
    buf: &[u8],
) -> Result<Option<Decoded>, FramingError> {
    let Some(layout) = layout(prefix, max_header_len, max_body_len, buf)? else {
        return Ok(None);
    };
    let total = len_u64(layout.header_len).saturating_add(layout.body_len);
    let Some(frame) = take(buf, total) else {
        return Ok(None);
    };
    let body = frame.get(layout.header_len..).unwrap_or_default();
    Ok(Some(Decoded {
        message: Message::with_header(layout.header, body),
        consumed: frame.len(),
        header_len: layout.header_len,
        trailer_len: 0,
    }))
}

/// "an array", "a string", ...: for telling a student what they sent instead of an object.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
