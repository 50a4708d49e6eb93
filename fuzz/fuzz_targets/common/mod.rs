//! What several fuzz targets share (each includes it with `mod common;`): JSON round trips
//! that allow for serde_json's float reading.
//!
//! JSON numbers with a fraction are compared as text only: serde_json without its
//! `float_roundtrip` feature may read a float back 1 ulp off, which is serde_json's documented
//! trade-off, not a socklab bug.

#![allow(dead_code)]

use std::fmt::{Debug, Display};

use serde_json::Value;

/// Whether `v` holds a floating-point number anywhere.
pub fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// Whether the JSON text `json` holds a floating-point number anywhere.
pub fn json_has_float(json: &str) -> bool {
    serde_json::from_str::<Value>(json).is_ok_and(|v| has_float(&v))
}

/// Writes `value` as JSON with `to_json`, reads that back with `parse` (which must succeed)
/// and, unless the JSON holds a float, checks the copy is equal. Returns the copy and the
/// JSON. `input` is the fuzz input `value` came from, for the failure message.
pub fn round_trip<T: PartialEq + Debug, E: Display>(
    value: &T,
    input: &str,
    to_json: impl Fn(&T) -> String,
    parse: impl Fn(&str) -> Result<T, E>,
) -> (T, String) {
    let json = to_json(value);
    let again =
        parse(&json).unwrap_or_else(|e| panic!("{json} (from {input:?}) does not parse back: {e}"));
    if !json_has_float(&json) {
        assert_eq!(&again, value, "round trip through {json}");
    }
    (again, json)
}
