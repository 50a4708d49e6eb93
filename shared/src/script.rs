//! Command templates: lab commands written once, run later with real socket ids.
//!
//! Demos and lessons are sequences of commands written before any socket exists, so they can't
//! name socket ids or ports. A template is the JSON of a [`Command`] with three conveniences:
//!
//! - `"as": "srv"` names the socket the command opens;
//! - a string `"$srv"` stands for that socket's id and `"$srv.port"` for its port;
//! - `"text": "hello"` (UTF-8) or `"hex": "05 00 00 00"` may stand in for base64 `"data"`.
//!
//! Plus `"may_fail": true` for a step whose error is the point of the lesson (ECONNREFUSED…).
//!
//! ```
//! use std::collections::HashMap;
//! use socklab_shared::script::{Named, resolve_command};
//! use socklab_shared::protocol::{Command, SocketId};
//! let names = HashMap::from([("srv".to_string(), Named { socket: SocketId(1), port: 9000 })]);
//! let t = serde_json::json!({"cmd": "connect", "port": "$srv.port", "as": "cli"});
//! assert!(matches!(resolve_command(&t, &names), Ok(Command::Connect { port: 9000, .. })));
//! ```

use std::collections::HashMap;

use serde_json::Value;

use crate::Payload;
use crate::error::ScriptError;
use crate::hex_digits::{self, BadHex};
use crate::protocol::{Command, SocketId};

/// A named socket: its id and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Named {
    pub socket: SocketId,
    pub port: u16,
}

/// Keys a template may carry that are not part of the command.
const SCRIPT_KEYS: [&str; 2] = ["as", "may_fail"];

/// The name a template gives the socket it opens (`"as"`).
pub fn name_of(template: &Value) -> Option<&str> {
    template.get("as").and_then(Value::as_str)
}

/// Whether an error from this template is an expected outcome (`"may_fail": true`).
pub fn may_fail(template: &Value) -> bool {
    template
        .get("may_fail")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The names a template refers to (`"$x"` and `"$x.port"` → `x`).
pub fn names_used(template: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_names(template, &mut out);
    out
}

fn collect_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.starts_with('$') => {
            let name = s[1..].split('.').next().unwrap_or_default().to_owned();
            if !out.contains(&name) {
                out.push(name);
            }
        }
        Value::Object(map) => map.values().for_each(|v| collect_names(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, out)),
        _ => {}
    }
}

/// Resolves a template into the command to send.
pub fn resolve_command(
    template: &Value,
    names: &HashMap<String, Named>,
) -> Result<Command, ScriptError> {
    let value = resolve(template, names)?;
    serde_json::from_value(value).map_err(|e| ScriptError::NotACommand(e.to_string()))
}

/// Resolves names and the `text`/`hex` shorthands; drops the script-only keys.
pub fn resolve(template: &Value, names: &HashMap<String, Named>) -> Result<Value, ScriptError> {
    Ok(match template {
        Value::String(s) if s.starts_with('$') => {
            let (name, field) = s[1..].split_once('.').unwrap_or((&s[1..], "id"));
            let named = names
                .get(name)
                .ok_or_else(|| ScriptError::UnknownName(name.to_owned()))?;
            match field {
                "id" => Value::from(named.socket.0),
                "port" => Value::from(named.port),
                other => {
                    return Err(ScriptError::UnknownField {
                        field: other.to_owned(),
                        reference: s.clone(),
                    });
                }
            }
        }
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                match k.as_str() {
                    k if SCRIPT_KEYS.contains(&k) => {}
                    "text" => {
                        let text = v.as_str().ok_or(ScriptError::NotAString("text"))?;
                        out.insert("data".into(), Value::from(Payload::from(text).to_base64()));
                    }
                    "hex" => {
                        let hex = v.as_str().ok_or(ScriptError::NotAString("hex"))?;
                        out.insert(
                            "data".into(),
                            Value::from(Payload(parse_hex(hex)?).to_base64()),
                        );
                    }
                    _ => {
                        out.insert(k.clone(), resolve(v, names)?);
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve(v, names))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// Hex digits (spaces allowed) → bytes.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, ScriptError> {
    hex_digits::parse(text).map_err(|bad| match bad {
        BadHex::OddDigits => ScriptError::OddHexDigits(text.to_owned()),
        BadHex::NotAByte(pair) => ScriptError::NotAHexByte(pair),
    })
}

/// Checks a sequence of templates without running it: every command parses, and every name
/// is defined by an earlier `"as"` (or in `known`). Adds the names defined to `known`, in
/// order. The error ([`ScriptError::InCommand`]) says which command failed.
pub fn check_sequence(templates: &[Value], known: &mut Vec<String>) -> Result<(), ScriptError> {
    for (i, t) in templates.iter().enumerate() {
        let in_command = |error| ScriptError::InCommand {
            number: i + 1,
            error: Box::new(error),
        };
        for name in names_used(t) {
            if !known.contains(&name) {
                return Err(in_command(ScriptError::UsedBeforeNamed(name)));
            }
        }
        let fake: HashMap<String, Named> = known
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    Named {
                        socket: SocketId(1),
                        port: 1,
                    },
                )
            })
            .collect();
        resolve_command(t, &fake).map_err(in_command)?;
        if let Some(name) = name_of(t) {
            known.push(name.to_owned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_and_hex_become_base64_data() {
        let names = HashMap::new();
        let v = resolve(&json!({"cmd": "send", "socket": 1, "text": "hi"}), &names).unwrap();
        assert_eq!(v, json!({"cmd": "send", "socket": 1, "data": "aGk="}));
        let v = resolve(
            &json!({"cmd": "send", "socket": 1, "hex": "05 00 00 00"}),
            &names,
        )
        .unwrap();
        assert_eq!(v["data"], "BQAAAA==");
        assert!(resolve(&json!({"hex": "0"}), &names).is_err());
    }

    #[test]
    fn names_must_be_defined_before_use() {
        let mut known = vec![];
        let ok = [
            json!({"cmd": "tcp_listen", "port": 0, "as": "srv"}),
            json!({"cmd": "connect", "port": "$srv.port"}),
        ];
        assert!(check_sequence(&ok, &mut known).is_ok());
        assert_eq!(known, ["srv"]);
        let mut known = vec![];
        let bad = [json!({"cmd": "connect", "port": "$srv.port"})];
        let e = check_sequence(&bad, &mut known).unwrap_err();
        assert_eq!(
            e,
            ScriptError::InCommand {
                number: 1,
                error: Box::new(ScriptError::UsedBeforeNamed("srv".into())),
            }
        );
        assert!(e.to_string().contains("$srv"), "{e}");
    }

    #[test]
    fn bad_commands_are_reported() {
        let e = check_sequence(&[json!({"cmd": "fly"})], &mut vec![]).unwrap_err();
        assert!(e.to_string().contains("not a valid command"), "{e}");
        let e = check_sequence(
            &[json!({"cmd": "tcp_listen", "port": "$x.ip", "as": "x"})],
            &mut vec!["x".into()],
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
