//! Byte strings that survive JSON.
//!
//! JSON has no byte type, and socket data is bytes, not text: "hello" is fine, but a 4-byte
//! length header `05 00 00 00` or half of a GBK character is not valid UTF-8. We encode every
//! byte payload as standard base64 (RFC 4648, with padding) in a JSON string. Base64 is what
//! Python's `base64.b64encode` and JavaScript's `atob` speak, so a lecturer scripting the lab
//! from another language decodes it with one call; it costs 4/3 of the size, which is
//! acceptable because large transfers are summarised instead of shipped byte by byte.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes that serialise as a base64 JSON string.
///
/// Invariant: none beyond `Vec<u8>`; any byte sequence, including the empty one, round-trips.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Payload(pub Vec<u8>);

impl Payload {
    /// Wraps the bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Payload(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the empty payload (an empty UDP datagram, for example).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The base64 text that goes on the wire.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Parses base64 text; the error says what was wrong with it.
    pub fn from_base64(text: &str) -> Result<Self, crate::Error> {
        STANDARD
            .decode(text)
            .map(Payload)
            .map_err(|e| crate::Error::Base64(format!("payload is not valid base64 ({e}); encode bytes with standard base64, e.g. Python's base64.b64encode")))
    }
}

impl From<&[u8]> for Payload {
    fn from(bytes: &[u8]) -> Self {
        Payload(bytes.to_vec())
    }
}

impl From<&str> for Payload {
    fn from(text: &str) -> Self {
        Payload(text.as_bytes().to_vec())
    }
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Payload::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_that_are_not_utf8_survive_json() {
        let p = Payload(vec![0x05, 0x00, 0x00, 0x00, 0xff, 0xc4]);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "\"BQAAAP/E\"");
        assert_eq!(serde_json::from_str::<Payload>(&json).unwrap(), p);
    }

    #[test]
    fn empty_payload_is_an_empty_string() {
        assert_eq!(serde_json::to_string(&Payload::default()).unwrap(), "\"\"");
        assert!(serde_json::from_str::<Payload>("\"\"").unwrap().is_empty());
    }

    #[test]
    fn bad_base64_is_an_error_not_a_panic() {
        let err = serde_json::from_str::<Payload>("\"not base64!\"").unwrap_err();
        assert!(err.to_string().contains("not valid base64"), "{err}");
    }
}
