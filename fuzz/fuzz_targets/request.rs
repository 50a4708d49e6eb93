//! Fuzzes the WebSocket command parser, `socklab_shared::protocol::Request::parse`, the first
//! thing the backend does with every text frame a browser (or any script) sends.
//!
//! Input: arbitrary bytes. Valid UTF-8 is parsed as it is; anything else is parsed after
//! `String::from_utf8_lossy` (a WebSocket text frame is always UTF-8, so that is what the
//! server could receive). The same text is also given to `Envelope::parse`, the page's parser
//! for the server's answers.
//!
//! Invariants asserted:
//! - `parse` never panics, and an error comes with a non-empty message for the user;
//! - a parsed request serialises (`to_json` has an `expect` that must never fire), and its
//!   JSON parses back to an equal request, and serialises again to the same text;
//! - the same round trip for an `Envelope` that parses.
//!
//! JSON numbers with a fraction (possible inside a JSON-header `header`) are compared as text
//! only: serde_json without its `float_roundtrip` feature may read a float back 1 ulp off,
//! which is serde_json's documented trade-off, not a socklab bug.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use socklab_shared::{Envelope, Request};

/// Whether `v` holds a floating-point number anywhere.
fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

fn check_request(text: &str) {
    let request = match Request::parse(text) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty error for {text:?}");
            return;
        }
    };
    let json = request.to_json();
    let again = Request::parse(&json)
        .unwrap_or_else(|e| panic!("{json} (from {text:?}) does not parse back: {e}"));
    let floats = serde_json::from_str::<Value>(&json).is_ok_and(|v| has_float(&v));
    if !floats {
        assert_eq!(again, request, "round trip through {json}");
    }
    let json2 = again.to_json();
    if !floats {
        assert_eq!(json2, json, "serialising is not stable");
    }
}

fn check_envelope(text: &str) {
    let Ok(envelope) = Envelope::parse(text) else {
        return;
    };
    let json = envelope.to_json();
    let again = Envelope::parse(&json)
        .unwrap_or_else(|e| panic!("{json} (from {text:?}) does not parse back: {e}"));
    let floats = serde_json::from_str::<Value>(&json).is_ok_and(|v| has_float(&v));
    if !floats {
        assert_eq!(again, envelope, "round trip through {json}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_request(&text);
    check_envelope(&text);
});
