//! Python literals: bytes exactly as `repr()` writes them, text, JSON as `json.dumps(...)`,
//! and the MD5 a header may carry as `hashlib.md5(body).hexdigest()`.

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

/// The bytes as Python writes them (`repr(b)`): `b'hello'`, `b'\x05\x00\x00\x00'`,
/// `b"it's"`. Exactly what `print()` of those bytes shows.
pub fn py_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut s = String::with_capacity(bytes.len() + 3);
    s.push('b');
    s.push(char::from(quote));
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            b'\r' => s.push_str("\\r"),
            _ if b == quote => {
                s.push('\\');
                s.push(char::from(b));
            }
            0x20..=0x7e => s.push(char::from(b)),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push(char::from(quote));
    s
}

/// Bytes to send, written the way the course writes them: a JSON object as
/// `json.dumps({...}).encode()` (when that gives exactly these bytes), UTF-8 text with
/// non-ASCII characters as `'你好'.encode('utf-8')`, a long repeating pattern as
/// `b'ab' * 100`, else a bytes literal. The flag says whether the code uses `json`.
pub(crate) fn py_payload(bytes: &[u8]) -> (String, bool) {
    match json_dumps_call(bytes, &|_, _| None) {
        Some(call) => (format!("{call}.encode()"), true),
        None => (py_data(bytes), false),
    }
}

/// [`py_payload`] without the JSON form.
pub(crate) fn py_data(bytes: &[u8]) -> String {
    if bytes.len() > 64
        && let Some(period) = (1..=MAX_PERIOD.min(bytes.len() / 2))
            .find(|&p| bytes.iter().enumerate().all(|(i, b)| *b == bytes[i % p]))
    {
        let times = bytes.len().div_ceil(period);
        let unit = py_bytes(&bytes[..period]);
        return if bytes.len().is_multiple_of(period) {
            format!("{unit} * {times}")
        } else {
            format!("({unit} * {times})[:{}]", bytes.len())
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes)
        && !text.is_ascii()
        && text.chars().all(|c| !c.is_control() || c == '\n')
    {
        return format!("{}.encode('utf-8')", py_str(text));
    }
    py_bytes(bytes)
}

/// The longest repeating unit written as `unit * n`.
const MAX_PERIOD: usize = 1024;

/// Bytes partly seen, completed when what was seen repeats one unit whose every position was
/// seen somewhere (a test pattern sent in bulk): `None` when there is no such unit.
pub(crate) fn fill_repeating(bytes: &[Option<u8>]) -> Option<Vec<u8>> {
    let known = bytes.iter().filter(|b| b.is_some()).count();
    (1..=MAX_PERIOD.min(known / 2)).find_map(|p| {
        let mut unit: Vec<Option<u8>> = vec![None; p];
        for (i, b) in bytes.iter().enumerate() {
            if let Some(b) = b {
                match unit[i % p] {
                    None => unit[i % p] = Some(*b),
                    Some(u) if u != *b => return None,
                    Some(_) => {}
                }
            }
        }
        let unit: Vec<u8> = unit.into_iter().collect::<Option<_>>()?;
        Some((0..bytes.len()).map(|i| unit[i % p]).collect())
    })
}

/// A Python string literal.
pub(crate) fn py_str(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('\'');
    for c in text.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\'' => s.push_str("\\'"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if c.is_control() => s.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => s.push(c),
        }
    }
    s.push('\'');
    s
}

pub(crate) fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Milliseconds as Python seconds: `0.5`, `2.0`, `1.25`.
pub(crate) fn seconds(ms: u64) -> String {
    let frac = format!("{:03}", ms % 1000);
    let frac = frac.trim_end_matches('0');
    format!("{}.{}", ms / 1000, if frac.is_empty() { "0" } else { frac })
}

// ---- JSON, keys in the order they were written ----

/// A JSON value that keeps its object keys in document order, as a Python dict does (the
/// crate's `serde_json::Value` sorts them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// An integer, as written.
    Int(String),
    /// A float: Python's `json.dumps` may write it differently, so never re-created.
    Float,
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
                Ok(Json::Int(n.to_string()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
                Ok(Json::Int(n.to_string()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Json, E> {
                Ok(Json::Float)
            }
            fn visit_str<E>(self, s: &str) -> Result<Json, E> {
                Ok(Json::Str(s.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element()? {
                    items.push(v);
                }
                Ok(Json::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut fields = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    fields.push((k, v));
                }
                Ok(Json::Obj(fields))
            }
        }
        d.deserialize_any(V)
    }
}

impl Json {
    /// Parses a JSON object; `None` for anything else.
    pub(crate) fn object(bytes: &[u8]) -> Option<Json> {
        match serde_json::from_slice(bytes).ok()? {
            obj @ Json::Obj(_) => Some(obj),
            _ => None,
        }
    }
}

/// How `json.dumps` separates items and keys: the default `', '` / `': '`, or compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separators {
    Default,
    Compact,
}

/// The `json.dumps(...)` call that writes exactly `bytes` (an object), with its fields as a
/// Python dict; `special(key, value)` may replace a top-level field's value with an
/// expression (`'size': len(body)`). `None` when no call writes exactly these bytes.
pub(crate) fn json_dumps_call(
    bytes: &[u8],
    special: &dyn Fn(&str, &Json) -> Option<String>,
) -> Option<String> {
    let json = Json::object(bytes)?;
    let dict = py_dict(&json, special);
    [Separators::Default, Separators::Compact]
        .into_iter()
        .find(|sep| dumps(&json, *sep).as_deref().map(str::as_bytes) == Some(bytes))
        .map(|sep| match sep {
            Separators::Default => format!("json.dumps({dict})"),
            Separators::Compact => format!("json.dumps({dict}, separators=(',', ':'))"),
        })
}

/// A JSON value as a Python literal (`{'name': 'a.txt', 'size': len(body)}`).
fn py_dict(v: &Json, special: &dyn Fn(&str, &Json) -> Option<String>) -> String {
    let none = &|_: &str, _: &Json| None;
    match v {
        Json::Obj(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| {
                    let value = special(k, v).unwrap_or_else(|| py_dict(v, none));
                    format!("{}: {value}", py_str(k))
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::Arr(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| py_dict(v, none))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Json::Null => "None".to_owned(),
        Json::Bool(b) => py_bool(*b).to_owned(),
        Json::Int(n) => n.clone(),
        Json::Float => "float('nan')".to_owned(),
        Json::Str(s) => py_str(s),
    }
}

/// What Python's `json.dumps(v)` writes with these separators (`ensure_ascii` on, as by
/// default); `None` for floats, whose text may differ.
fn dumps(v: &Json, sep: Separators) -> Option<String> {
    let (item, key) = match sep {
        Separators::Default => (", ", ": "),
        Separators::Compact => (",", ":"),
    };
    Some(match v {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Int(n) => n.clone(),
        Json::Float => return None,
        Json::Str(s) => json_str(s),
        Json::Arr(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| dumps(v, sep))
                .collect::<Option<Vec<_>>>()?
                .join(item)
        ),
        Json::Obj(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| Some(format!("{}{key}{}", json_str(k), dumps(v, sep)?)))
                .collect::<Option<Vec<_>>>()?
                .join(item)
        ),
    })
}

/// A JSON string as Python writes it with `ensure_ascii`: everything outside printable ASCII
/// as `\uXXXX` (UTF-16 units).
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The MD5 digest of `data` in hex, as `hashlib.md5(data).hexdigest()`: how a header's md5
/// field is recognised as the hash of the body that follows it.
pub(crate) fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn json_keeps_key_order_and_matches_python_dumps() {
        assert_eq!(
            json_dumps_call(br#"{"user": "alice", "n": 1}"#, &|_, _| None).as_deref(),
            Some("json.dumps({'user': 'alice', 'n': 1})")
        );
        assert_eq!(
            json_dumps_call(br#"{"ok":true,"to":null}"#, &|_, _| None).as_deref(),
            Some("json.dumps({'ok': True, 'to': None}, separators=(',', ':'))")
        );
        // serde_json's "你" where Python writes "\u4f60": not the same bytes.
        assert_eq!(
            json_dumps_call("{\"a\": \"你\"}".as_bytes(), &|_, _| None),
            None
        );
        assert_eq!(
            json_dumps_call(br#"{"a": "\u4f60"}"#, &|_, _| None).as_deref(),
            Some("json.dumps({'a': '你'})")
        );
        assert_eq!(json_dumps_call(br#"{"x": 1.5}"#, &|_, _| None), None);
        assert_eq!(json_dumps_call(b"[1, 2]", &|_, _| None), None);
        assert_eq!(json_dumps_call(br#"{"a":1, "b":2}"#, &|_, _| None), None);
    }
}
