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
//! only (see `common`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use socklab_shared::{Envelope, Request};

mod common;

use common::{json_has_float, round_trip};

fn check_request(text: &str) {
    let request = match Request::parse(text) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty error for {text:?}");
            return;
        }
    };
    let (again, json) = round_trip(&request, text, Request::to_json, Request::parse);
    let json2 = again.to_json();
    if !json_has_float(&json) {
        assert_eq!(json2, json, "serialising is not stable");
    }
}

fn check_envelope(text: &str) {
    let Ok(envelope) = Envelope::parse(text) else {
        return;
    };
    round_trip(&envelope, text, Envelope::to_json, Envelope::parse);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_request(&text);
    check_envelope(&text);
});
