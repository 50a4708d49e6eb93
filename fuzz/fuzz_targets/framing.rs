//! Fuzzes every framing codec of `socklab_shared::framing`: `decode`, `encode` and the
//! incremental `FrameDecoder`, for every `Framing` variant with every parameter.
//!
//! Input layout (6 bytes of configuration, then the stream):
//!
//! | byte | meaning |
//! |------|---------|
//! | 0    | variant: `% 4` → 0 raw, 1 length_prefixed, 2 json_header, 3 lines |
//! | 1    | bits 0-1: prefix width 2 / 4 / 8 / `byte >> 4` (usually an invalid width); bit 2: little-endian; bit 3: signed. For lines, bit 0: CRLF instead of LF |
//! | 2, 3 | the limits (`max_len` or `max_header_len`, then `max_body_len`), see [`limit`] |
//! | 4    | how the stream is cut into pushes for `FrameDecoder` (see [`Cuts`]) |
//! | 5    | the JSON header of the message to encode (see [`header_for`]) |
//!
//! Invariants asserted:
//! - nothing panics; an invalid width is an error from `decode` and poisons a decoder; the
//!   `Framing` survives its trip through JSON (it travels in commands);
//! - a decoded frame never reports consuming more bytes than it was given, nor zero, and
//!   `consumed == header_len + body + trailer_len`, with the body being exactly those bytes
//!   of the input (and the delimiter after it, for lines); a JSON header is an object whose
//!   `"size"` is the body length; bodies respect the configured limits;
//! - the answer depends only on the frame's own bytes: decoding just the `consumed` bytes
//!   gives the same frame; the frame minus its last byte, or the input cut at a
//!   fuzzer-chosen point inside the frame, gives "not yet" (except raw framing, which has no
//!   boundaries); a prefix's complete frame or error stays the same when more bytes arrive;
//! - `FrameDecoder` fed the stream in arbitrary pieces gives the same messages, the same
//!   final error and the same pending bytes as decoding the whole stream in one go (raw: the
//!   messages put together are the stream); once poisoned, what stays pending is the bad
//!   frame's start, which still gives the same error; `partial()` agrees with `pending()`;
//! - encode→decode round-trips: whatever `encode` accepts, `decode` gives back as one frame
//!   of exactly the encoded length, with the same body (and the header plus `"size"`), also
//!   with extra bytes after it; and `encode` accepts every message it has no documented
//!   reason to refuse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use socklab_shared::framing::{
    Decoded, Endian, FrameDecoder, Framing, FramingError, LengthPrefix, LineDelimiter, Message,
    decode, encode,
};

mod common;

use common::has_float;

const CONFIG_LEN: usize = 6;

/// A limit from one byte: small (0-63), kilobytes, 2^n, or unlimited (`u64::MAX`), so that
/// "over the limit" and "saturating arithmetic" are both easy for the fuzzer to reach.
fn limit(b: u8) -> u64 {
    let v = u64::from(b >> 2);
    match b & 3 {
        0 => v,
        1 => v * 1024,
        2 => 1u64 << v,
        _ => u64::MAX,
    }
}

fn framing_from(config: &[u8; CONFIG_LEN]) -> Framing {
    let p = config[1];
    let prefix = LengthPrefix {
        width: match p & 3 {
            0 => 2,
            1 => 4,
            2 => 8,
            _ => p >> 4,
        },
        endian: if p & 4 == 0 {
            Endian::Big
        } else {
            Endian::Little
        },
        signed: p & 8 != 0,
    };
    match config[0] % 4 {
        0 => Framing::Raw,
        1 => Framing::LengthPrefixed {
            prefix,
            max_len: limit(config[2]),
        },
        2 => Framing::JsonHeader {
            prefix,
            max_header_len: limit(config[2]),
            max_body_len: limit(config[3]),
        },
        _ => Framing::Lines {
            delimiter: if p & 1 == 0 {
                LineDelimiter::Lf
            } else {
                LineDelimiter::CrLf
            },
            max_len: limit(config[2]),
        },
    }
}

/// Piece lengths for pushing the stream: a small LCG seeded by one byte, giving lengths 1-16
/// (seed 0: one byte at a time; seed 255: everything in one push).
struct Cuts(u32);

impl Cuts {
    fn next(&mut self) -> usize {
        match self.0 {
            0 => 1,
            255 => usize::MAX,
            _ => {
                self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                1 + (self.0 >> 16) as usize % 16
            }
        }
    }
}

/// The JSON header to put on the message: none, a file-name object, something that is not an
/// object (`encode` must refuse it), or the body itself when it is JSON without floats.
fn header_for(b: u8, body: &[u8]) -> Option<Value> {
    match b % 4 {
        0 => None,
        1 => Some(json!({"name": String::from_utf8_lossy(&body[..body.len().min(16)])})),
        2 => Some(Value::from(body.len())),
        _ => serde_json::from_slice::<Value>(body)
            .ok()
            .filter(|v| !has_float(v)),
    }
}

/// The shape every decoded frame must have, whatever the framing.
fn check_frame(framing: &Framing, buf: &[u8], d: &Decoded) {
    let body = &d.message.body;
    assert!(
        d.consumed <= buf.len(),
        "consumed {} of {}",
        d.consumed,
        buf.len()
    );
    assert!(
        d.consumed > 0,
        "a frame of 0 bytes would stall every receiver"
    );
    assert_eq!(d.consumed, d.header_len + body.len() + d.trailer_len);
    assert_eq!(&buf[d.header_len..d.header_len + body.len()], &body[..]);
    let body_len = body.len() as u64;
    match framing {
        Framing::Raw => {
            assert_eq!((d.consumed, d.header_len, d.trailer_len), (buf.len(), 0, 0));
            assert!(d.message.header.is_none());
        }
        Framing::LengthPrefixed { prefix, max_len } => {
            assert_eq!(d.header_len, usize::from(prefix.width));
            assert_eq!(d.trailer_len, 0);
            assert!(body_len <= *max_len);
            assert_eq!(prefix.decode_len(buf), Ok(Some(body_len)));
            assert!(d.message.header.is_none());
        }
        Framing::JsonHeader {
            prefix,
            max_header_len,
            max_body_len,
        } => {
            let width = usize::from(prefix.width);
            assert!(d.header_len >= width);
            assert_eq!(d.trailer_len, 0);
            assert!(body_len <= *max_body_len);
            assert!((d.header_len - width) as u64 <= *max_header_len);
            let header = d
                .message
                .header
                .as_ref()
                .expect("json_header frames have a header");
            assert!(header.is_object(), "{header}");
            assert_eq!(header["size"].as_u64(), Some(body_len));
        }
        Framing::Lines { delimiter, max_len } => {
            let delim = delimiter.as_bytes();
            assert_eq!((d.header_len, d.trailer_len), (0, delim.len()));
            assert_eq!(&buf[body.len()..d.consumed], delim);
            assert!(body_len <= *max_len);
            assert!(
                !body.windows(delim.len()).any(|w| w == delim),
                "first delimiter"
            );
            assert!(d.message.header.is_none());
        }
    }
}

/// `decode` on `buf`, plus its dependence on prefixes of `buf`.
fn check_decode(framing: &Framing, buf: &[u8], cut: usize) {
    let whole = decode(framing, buf);
    if framing.validate().is_err() {
        assert!(whole.is_err(), "an invalid framing decoded: {framing:?}");
        return;
    }
    let cut = cut.min(buf.len());
    let prefix = decode(framing, &buf[..cut]);
    match &whole {
        Ok(Some(d)) => {
            check_frame(framing, buf, d);
            assert_eq!(
                decode(framing, &buf[..d.consumed]).as_ref(),
                Ok(&Some(d.clone())),
                "the frame alone decodes differently"
            );
            if !matches!(framing, Framing::Raw) {
                let shorter = &buf[..d.consumed - 1];
                assert_eq!(
                    decode(framing, shorter),
                    Ok(None),
                    "an incomplete frame decoded"
                );
                if cut < d.consumed {
                    assert_eq!(prefix, Ok(None));
                }
            }
        }
        Ok(None) => assert_eq!(prefix, Ok(None)),
        Err(e) => {
            if let Err(pe) = &prefix {
                assert_eq!(pe, e, "more bytes changed the error");
            }
        }
    }
    // Whatever the prefix decided must survive the bytes after it.
    match prefix {
        Ok(Some(d)) if !matches!(framing, Framing::Raw) => {
            assert_eq!(whole, Ok(Some(d)), "more bytes changed a complete frame")
        }
        Err(e) => assert_eq!(whole, Err(e), "more bytes undid an error"),
        _ => {}
    }
}

/// Decodes the stream in one go: every frame, then the final error (if any) and the rest.
fn decode_all(framing: &Framing, stream: &[u8]) -> (Vec<Decoded>, Option<FramingError>, usize) {
    let mut at = 0;
    let mut frames = Vec::new();
    loop {
        match decode(framing, &stream[at..]) {
            Ok(Some(d)) => {
                check_frame(framing, &stream[at..], &d);
                at += d.consumed;
                frames.push(d);
            }
            Ok(None) => return (frames, None, at),
            Err(e) => return (frames, Some(e), at),
        }
    }
}

/// `FrameDecoder` fed in pieces against `decode_all`.
fn check_decoder(framing: &Framing, stream: &[u8], mut cuts: Cuts) {
    let mut dec = FrameDecoder::new(framing.clone());
    assert_eq!(dec.error().is_some(), framing.validate().is_err());
    let mut frames = Vec::new();
    let mut error = None;
    let mut rest = stream;
    loop {
        // Take every whole message, as a receiver does after each recv.
        loop {
            match dec.next_message() {
                Ok(Some(d)) => frames.push(d),
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(
                        dec.next_message(),
                        Err(e.clone()),
                        "a poisoned decoder recovered"
                    );
                    error = Some(e);
                    break;
                }
            }
        }
        check_partial(framing, &dec);
        if rest.is_empty() {
            break;
        }
        let n = cuts.next().min(rest.len());
        dec.push(&rest[..n]);
        rest = &rest[n..];
    }
    if matches!(framing, Framing::Raw) {
        let joined: Vec<u8> = frames.iter().flat_map(|d| d.message.body.clone()).collect();
        assert_eq!(joined, stream, "raw framing lost or reordered bytes");
        assert!(error.is_none() && dec.pending().is_empty());
        return;
    }
    let (want, want_error, at) = decode_all(framing, stream);
    assert_eq!(frames, want, "pushing in pieces changed the messages");
    assert_eq!(error, want_error, "pushing in pieces changed the error");
    if framing.validate().is_err() {
        assert!(
            dec.pending().is_empty(),
            "a decoder with a bad framing kept bytes"
        );
    } else if let Some(e) = &error {
        // Poisoned: bytes pushed after the error were dropped, so what is pending is the bad
        // frame's start, just as far as needed to see the error.
        assert!(
            stream[at..].starts_with(dec.pending()),
            "pending is not the bad frame"
        );
        assert_eq!(
            decode(framing, dec.pending()).as_ref(),
            Err(e),
            "pending hides the error"
        );
    } else {
        assert_eq!(dec.pending(), &stream[at..], "pending bytes differ");
    }
}

fn check_partial(framing: &Framing, dec: &FrameDecoder) {
    let Some(p) = dec.partial() else {
        assert!(dec.pending().is_empty());
        return;
    };
    assert_eq!(p.have, dec.pending().len());
    assert!(p.have > 0);
    if dec.error().is_some() {
        assert_eq!(p.need, None, "a poisoned decoder claims a frame length");
        return;
    }
    match (framing, p.need) {
        (Framing::Raw, need) => assert_eq!(need, Some(p.have as u64)),
        // Every whole frame was taken off, so a known length is more than what is here.
        (Framing::Lines { .. }, need) => assert_eq!(need, None),
        (_, Some(need)) => assert!(need > p.have as u64, "need {need} <= have {}", p.have),
        (_, None) => {}
    }
}

/// Whether `encode` has no documented reason to refuse `msg`; `None` when that is too
/// involved to predict here (JSON headers, whose length depends on serde_json's output).
fn should_encode(framing: &Framing, msg: &Message) -> Option<bool> {
    let len = msg.body.len() as u64;
    Some(match framing {
        _ if framing.validate().is_err() => false,
        Framing::JsonHeader { .. } => return None,
        _ if msg.header.is_some() => false,
        Framing::Raw => true,
        Framing::LengthPrefixed { prefix, max_len } => {
            len <= *max_len && len <= prefix.max_value().expect("validated")
        }
        Framing::Lines { delimiter, max_len } => {
            let d = delimiter.as_bytes();
            len <= *max_len && !msg.body.windows(d.len()).any(|w| w == d)
        }
    })
}

fn check_round_trip(framing: &Framing, msg: &Message, tail: &[u8]) {
    let encoded = encode(framing, msg);
    if let Some(expected) = should_encode(framing, msg) {
        assert_eq!(encoded.is_ok(), expected, "encode answered {encoded:?}");
    }
    let Ok(enc) = encoded else { return };
    assert!(enc.header_len + enc.trailer_len <= enc.bytes.len());
    assert_eq!(enc.body_bytes(), &msg.body[..]);
    if matches!(framing, Framing::Raw) && msg.body.is_empty() {
        // A raw stream cannot carry an empty message: nothing arrives, nothing decodes.
        assert_eq!(decode(framing, &enc.bytes), Ok(None));
        return;
    }
    let mut wire = enc.bytes.clone();
    if !matches!(framing, Framing::Raw) {
        wire.extend_from_slice(tail);
    }
    let d = match decode(framing, &wire) {
        Ok(Some(d)) => d,
        other => panic!("{msg:?} encoded as {:?} decodes as {other:?}", enc.bytes),
    };
    assert_eq!(d.consumed, enc.bytes.len());
    assert_eq!(
        (d.header_len, d.trailer_len),
        (enc.header_len, enc.trailer_len)
    );
    assert_eq!(d.message.body, msg.body);
    let mut want_header = match (&msg.header, framing) {
        (None, Framing::JsonHeader { .. }) => Some(json!({})),
        (h, _) => h.clone(),
    };
    if let Some(Value::Object(fields)) = &mut want_header {
        fields.insert("size".into(), Value::from(msg.body.len()));
    }
    assert_eq!(d.message.header, want_header);
}

fuzz_target!(|data: &[u8]| {
    let Some((config, stream)) = data.split_first_chunk::<CONFIG_LEN>() else {
        return;
    };
    let framing = framing_from(config);
    // A framing travels inside JSON commands: it must come back the same.
    let json = serde_json::to_string(&framing).expect("a Framing serialises");
    assert_eq!(
        serde_json::from_str::<Framing>(&json).ok(),
        Some(framing.clone())
    );

    let cut = usize::from(config[4]) * 3;
    check_decode(&framing, stream, cut);
    check_decoder(&framing, stream, Cuts(u32::from(config[4])));

    // The message to encode: the first part of the stream; the rest goes after the frame.
    let split = (usize::from(config[5]) * 7).min(stream.len());
    let (body, tail) = stream.split_at(if config[5] < 8 { stream.len() } else { split });
    let msg = Message {
        header: header_for(config[5], body),
        body: body.to_vec(),
    };
    check_round_trip(&framing, &msg, tail);
});
