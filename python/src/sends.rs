//! The bytes of one send as Python: a literal, `struct.pack(fmt, len(body)) + body` for a
//! length prefix, or the JSON-header pattern, recognised from the bytes or taken from the
//! command.

use serde_json::Value;
use socklab_shared::framing::{self, Endian, Framing, LengthPrefix, Message};

use crate::literal::{Json, fill_repeating, json_dumps_call, md5_hex, py_bytes, py_payload};

/// The bytes one send carries, as Python.
pub(crate) struct Outgoing {
    /// Lines that build the message (`body = ...`, `header = ...`).
    pub pre: Vec<String>,
    /// The argument of `send`.
    pub expr: String,
    pub uses_struct: bool,
    pub uses_json: bool,
    pub uses_hashlib: bool,
}

impl Outgoing {
    fn plain(pre: Vec<String>, expr: String) -> Self {
        Outgoing {
            pre,
            expr,
            uses_struct: false,
            uses_json: false,
            uses_hashlib: false,
        }
    }
}

/// A send command's bytes (`data` in `framing`), exactly.
pub(crate) fn outgoing_from_command(
    data: &[u8],
    framing: &Framing,
    header: Option<&Value>,
) -> Option<Outgoing> {
    let msg = Message {
        header: header.cloned(),
        body: data.to_vec(),
    };
    let encoded = framing::encode(framing, &msg).ok()?;
    let prefix = match framing {
        Framing::LengthPrefixed { prefix, .. } | Framing::JsonHeader { prefix, .. } => {
            Some(*prefix)
        }
        _ => None,
    };
    let bytes: Vec<Option<u8>> = encoded.bytes.iter().copied().map(Some).collect();
    Some(outgoing_from_bytes(
        &bytes,
        u32::try_from(encoded.header_len).ok()?,
        u32::try_from(encoded.trailer_len).ok()?,
        prefix,
    ))
}

/// A bulk send's bytes: the lab's repeating `0123456789abcdef` pattern.
pub(crate) fn bulk(bytes: u64) -> Outgoing {
    let times = bytes.div_ceil(16);
    let expr = if bytes.is_multiple_of(16) {
        format!("b'0123456789abcdef' * {times}")
    } else {
        format!("(b'0123456789abcdef' * {times})[:{bytes}]")
    };
    Outgoing::plain(Vec::new(), expr)
}

/// The stand-in for bytes an error event doesn't tell.
pub(crate) fn unknown_bytes() -> Outgoing {
    Outgoing::plain(
        vec!["# (the lab's error doesn't say which bytes)".to_owned()],
        "b'?'".to_owned(),
    )
}

/// The Python that builds `bytes` (one send, framing included). `header_len` and
/// `trailer_len` are the send's framing bytes (from its `sent` event); `prefix` is the length
/// prefix when known from the command, otherwise it is recognised from the bytes. `None` bytes
/// were never seen: a repeating pattern is assumed to go on, else they are written as `?`.
pub(crate) fn outgoing_from_bytes(
    bytes: &[Option<u8>],
    header_len: u32,
    trailer_len: u32,
    prefix: Option<LengthPrefix>,
) -> Outgoing {
    let header_len = (header_len as usize).min(bytes.len());
    let trailer_len = (trailer_len as usize).min(bytes.len() - header_len);
    let mut pre = Vec::new();
    let unknown = bytes.iter().filter(|b| b.is_none()).count();
    let filled: Vec<Option<u8>>;
    let bytes = match fill_repeating(bytes) {
        Some(all) if unknown > 0 && header_len == 0 => {
            pre.push(format!(
                "# ({unknown} of these {} bytes never reached a lab receiver: the pattern is assumed to go on)",
                bytes.len()
            ));
            filled = all.into_iter().map(Some).collect();
            &filled[..]
        }
        _ => {
            if unknown > 0 {
                pre.push(format!(
                    "# ({unknown} of these {} bytes never reached a lab receiver: written as ?)",
                    bytes.len()
                ));
            }
            bytes
        }
    };
    let plain = |b: &[Option<u8>]| b.iter().map(|b| b.unwrap_or(b'?')).collect::<Vec<u8>>();
    let body_end = bytes.len() - trailer_len;
    let body = plain(&bytes[header_len..body_end]);
    let trailer = (trailer_len > 0).then(|| py_bytes(&plain(&bytes[body_end..])));
    let with_trailer = |expr: String| match &trailer {
        Some(t) => format!("{expr} + {t}"),
        None => expr,
    };
    let known_header: Option<Vec<u8>> = bytes[..header_len].iter().copied().collect();
    if header_len == 0 {
        let (expr, uses_json) = py_payload(&body);
        let mut out = Outgoing::plain(pre, with_trailer(expr));
        out.uses_json = uses_json;
        return out;
    }
    // JSON header: a prefix holding the JSON's length, then a JSON object.
    if let Some(h) = &known_header
        && let Some(p) = json_header(h, prefix)
    {
        let (body_expr, _) = py_payload(&body);
        pre.push(format!("body = {body_expr}"));
        let json_bytes = &h[usize::from(p.width)..];
        let md5 = md5_hex(&body);
        let size = Json::Int(body.len().to_string());
        let special = |k: &str, v: &Json| match (k, v) {
            ("size", v) if *v == size => Some("len(body)".to_owned()),
            (_, Json::Str(s)) if *s == md5 => Some("hashlib.md5(body).hexdigest()".to_owned()),
            _ => None,
        };
        let mut uses_hashlib = false;
        match json_dumps_call(json_bytes, &special) {
            Some(call) => {
                uses_hashlib = call.contains("hashlib.");
                pre.push(format!("header = {call}.encode()"));
            }
            None => pre.push(format!(
                "header = {}  # the JSON header, byte for byte",
                py_bytes(json_bytes)
            )),
        }
        return Outgoing {
            pre,
            expr: with_trailer(format!(
                "struct.pack('{}', len(header)) + header + body",
                py_format(p)
            )),
            uses_struct: true,
            uses_json: true,
            uses_hashlib,
        };
    }
    // A length prefix holding the body's length.
    if matches!(header_len, 2 | 4 | 8) {
        let width = header_len as u8;
        let body_len = body.len() as u64;
        let p = prefix.filter(|p| p.width == width).unwrap_or_else(|| {
            let endian = match &known_header {
                Some(h)
                    if read_len(h, Endian::Little) != body_len
                        && read_len(h, Endian::Big) == body_len =>
                {
                    Endian::Big
                }
                _ => Endian::Little,
            };
            // The course's two habits: struct.pack('i', n) on a laptop, or '!I'.
            LengthPrefix {
                width,
                endian,
                signed: endian == Endian::Little,
            }
        });
        let (body_expr, uses_json) = py_payload(&body);
        pre.push(format!("body = {body_expr}"));
        return Outgoing {
            pre,
            expr: with_trailer(format!("struct.pack('{}', len(body)) + body", py_format(p))),
            uses_struct: true,
            uses_json,
            uses_hashlib: false,
        };
    }
    // A header the generator doesn't recognise: send the bytes as they were.
    Outgoing::plain(pre, py_bytes(&plain(bytes)))
}

/// Recognises `prefix + JSON object` in a header: the prefix used.
fn json_header(h: &[u8], prefix: Option<LengthPrefix>) -> Option<LengthPrefix> {
    let candidates: Vec<LengthPrefix> = match prefix {
        Some(p) => vec![p],
        None => [4u8, 2, 8]
            .iter()
            .flat_map(|&width| {
                [Endian::Little, Endian::Big].map(|endian| LengthPrefix {
                    width,
                    endian,
                    signed: endian == Endian::Little,
                })
            })
            .collect(),
    };
    candidates.into_iter().find_map(|p| {
        let w = usize::from(p.width);
        if h.len() <= w || read_len(&h[..w], p.endian) != (h.len() - w) as u64 {
            return None;
        }
        Json::object(&h[w..]).map(|_| p)
    })
}

/// A length field read in the given byte order (unsigned).
pub(crate) fn read_len(field: &[u8], endian: Endian) -> u64 {
    let mut v = 0u64;
    let mut push = |b: &u8| v = (v << 8) | u64::from(*b);
    match endian {
        Endian::Big => field.iter().for_each(&mut push),
        Endian::Little => field.iter().rev().for_each(&mut push),
    }
    v
}

/// A length prefix's `struct` format as the course writes it: `'i'` for the native int (4
/// bytes, signed, little-endian on the machines the lab runs on: the bytes of `'<i'`), the
/// explicit format otherwise.
pub(crate) fn py_format(p: LengthPrefix) -> &'static str {
    if p == LengthPrefix::PYTHON_NATIVE_I {
        "i"
    } else {
        p.python_format()
    }
}

/// The comment that goes with the first `'i'` of a program.
pub(crate) const NATIVE_I_NOTE: &str =
    "# 'i': a C int, 4 bytes, little-endian on these machines (the same bytes as '<i')";
