//! What the framing tests share: short constructors for framings and prefixes, and what a
//! receiver should get back for a message. Each test binary includes it with `mod common;`
//! and uses what it needs.

#![allow(dead_code)]

use serde_json::json;
use socklab_shared::framing::{Endian, Framing, LengthPrefix, LineDelimiter, Message};

/// Length-prefixed framing.
pub fn lp(prefix: LengthPrefix, max_len: u64) -> Framing {
    Framing::LengthPrefixed { prefix, max_len }
}

/// JSON-header framing.
pub fn json_header(prefix: LengthPrefix, max_header_len: u64, max_body_len: u64) -> Framing {
    Framing::JsonHeader {
        prefix,
        max_header_len,
        max_body_len,
    }
}

/// JSON-header framing with the course's `'!I'` prefix.
pub fn jh(max_header_len: u64, max_body_len: u64) -> Framing {
    json_header(LengthPrefix::NETWORK_U32, max_header_len, max_body_len)
}

/// Line-delimited framing.
pub fn lines(delimiter: LineDelimiter, max_len: u64) -> Framing {
    Framing::Lines { delimiter, max_len }
}

pub fn prefix(width: u8, endian: Endian, signed: bool) -> LengthPrefix {
    LengthPrefix {
        width,
        endian,
        signed,
    }
}

/// Every valid prefix: 3 widths × 2 byte orders × signed/unsigned.
pub fn all_prefixes() -> Vec<LengthPrefix> {
    let mut all = Vec::new();
    for width in [2, 4, 8] {
        for endian in [Endian::Big, Endian::Little] {
            for signed in [false, true] {
                all.push(prefix(width, endian, signed));
            }
        }
    }
    all
}

/// What the receiver should get back for `msg`: JSON-header framing adds "size" to the
/// header, every other framing gives the message back as it was sent.
pub fn expected(framing: &Framing, msg: &Message) -> Message {
    match framing {
        Framing::JsonHeader { .. } => {
            let mut header = msg.header.clone().unwrap_or_else(|| json!({}));
            header["size"] = json!(msg.body.len());
            Message::with_header(header, msg.body.clone())
        }
        _ => msg.clone(),
    }
}
