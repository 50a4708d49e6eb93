//! The course's file upload (experiment 13), in one place: its wire shape, its limits and its
//! chunk size, used by the lab's receiver, the page's sender, the Python generator and the docs.
//!
//! ```text
//! struct.pack('i', len(header))   4 bytes, little-endian, signed
//! header                          JSON {"filename": str, "size": int >= 0, "md5": hex str}
//! body                            exactly `size` bytes of file, sent in chunks
//! ```
//!
//! Invariants: a header this module writes is compact JSON with the keys in the course's order
//! (`filename`, `size`, `md5`) and always passes [`FileHeader::parse`]; a parsed header's
//! length was between 1 and [`MAX_HEADER_LEN`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::framing::{Framing, LengthPrefix};

/// Size of the length field: `struct.pack('i', n)`.
pub const LEN_BYTES: usize = 4;
/// The longest JSON header accepted. Real headers are under 200 bytes; a larger length is
/// almost surely a client that sent the body (or a big-endian length) first.
pub const MAX_HEADER_LEN: usize = 64 * 1024;
/// Bytes per chunk of the body: `f.read(1024 * 1024)` then `sendall`, as the course's upload.
pub const CHUNK_SIZE: u64 = 1 << 20;

/// The JSON header of one upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileHeader {
    pub filename: String,
    pub size: u64,
    /// `hashlib.md5(body).hexdigest()`.
    pub md5: String,
}

/// The shape a header must have, for error messages.
const SHAPE: &str = r#"{"filename": "report.pdf", "size": 1234, "md5": "<hexdigest>"}"#;

impl FileHeader {
    /// The header as the page and the generated Python send it: compact JSON, course key order.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The length field and the header: what goes on the wire before the body.
    pub fn framed(&self) -> Vec<u8> {
        let json = self.to_json();
        let mut out = length_field(json.len()).to_vec();
        out.extend(json);
        out
    }

    /// The header's three fields, or what is wrong with it (said for a student: which field,
    /// and the shape expected).
    pub fn parse(bytes: &[u8]) -> Result<Self, crate::Error> {
        let bad = |what: String| {
            crate::Error::Upload(format!("bad file header: {what}; expected {SHAPE}"))
        };
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("not JSON ({e})")))?;
        let Value::Object(map) = value else {
            return Err(bad("JSON but not an object".into()));
        };
        let text = |key: &str| match map.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(bad(format!("\"{key}\" must be a string"))),
        };
        let size = map
            .get("size")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("\"size\" must be a whole number >= 0".into()))?;
        Ok(FileHeader {
            filename: text("filename")?,
            size,
            md5: text("md5")?,
        })
    }
}

/// `struct.pack('i', len)`: the header length, little-endian, signed 32-bit.
pub fn length_field(len: usize) -> [u8; LEN_BYTES] {
    i32::try_from(len).unwrap_or(i32::MAX).to_le_bytes()
}

/// Why a length field is not a header length (negative, empty or too long); `Ok` with the
/// length otherwise.
pub fn header_len(field: [u8; LEN_BYTES]) -> Result<usize, crate::Error> {
    let n = i32::from_le_bytes(field);
    let hint = "the first 4 bytes must be struct.pack('i', len(header)), the JSON header's length";
    let why = match usize::try_from(n) {
        Ok(need) if (1..=MAX_HEADER_LEN).contains(&need) => return Ok(need),
        _ if n < 0 => format!("bad file header: length {n} is negative ({hint})"),
        _ if n == 0 => format!("bad file header: length 0, an empty header ({hint})"),
        _ => format!(
            "bad file header: length {n} is more than the {MAX_HEADER_LEN} bytes allowed ({hint})"
        ),
    };
    Err(crate::Error::Upload(why))
}

/// The header's framing, for the page's decoder view: `struct.pack('i', len)` before it.
pub fn header_framing() -> Framing {
    Framing::LengthPrefixed {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_len: MAX_HEADER_LEN as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> FileHeader {
        FileHeader {
            filename: "a.bin".into(),
            size: 1024,
            md5: "0cc175b9c0f1b6a831c399e269772661".into(),
        }
    }

    #[test]
    fn written_as_the_course_writes_it_and_read_back() {
        let json = header().to_json();
        assert_eq!(
            json,
            br#"{"filename":"a.bin","size":1024,"md5":"0cc175b9c0f1b6a831c399e269772661"}"#
        );
        assert_eq!(FileHeader::parse(&json).unwrap(), header());
        let framed = header().framed();
        assert_eq!(&framed[..4], &[json.len() as u8, 0, 0, 0]);
        assert_eq!(header_len(framed[..4].try_into().unwrap()), Ok(json.len()));
    }

    #[test]
    fn bad_headers_say_what_is_wrong() {
        for (bytes, says) in [
            (&b"nope"[..], "not JSON"),
            (b"[1]", "not an object"),
            (
                br#"{"filename":1,"size":1,"md5":""}"#,
                "\"filename\" must be a string",
            ),
            (
                br#"{"filename":"a","size":-1,"md5":""}"#,
                "\"size\" must be a whole number",
            ),
            (br#"{"filename":"a","size":1}"#, "\"md5\" must be a string"),
        ] {
            let e = FileHeader::parse(bytes).unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
        let why = |n: i32| header_len(n.to_le_bytes()).unwrap_err().to_string();
        assert!(why(-1).contains("negative"));
        assert!(why(0).contains("empty"));
        assert!(why(70_000).contains("65536"));
        assert_eq!(header_len(65_536i32.to_le_bytes()), Ok(65_536));
    }
}
