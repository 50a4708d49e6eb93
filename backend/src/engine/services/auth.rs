//! The two authentication services of experiment 22, as a server would write them: a login
//! checked against salted password hashes (the server never stores a password), and HMAC-SHA256
//! with a compare that takes the same time whatever bytes differ. The HMAC key is the lab's
//! demo secret from [`socklab_shared::protocol::hmac_demo`].

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The demo users of the login service: (user, salt, hex SHA-256 of salt + password).
/// Passwords: alice / wonderland, bob / builder. Only hashes are stored, as a server should.
const USERS: [(&str, &str, &str); 2] = [
    (
        "alice",
        "4f1c",
        "e4ee360d3b61d8f79c4537ecf8e1b4075cece333fd937a11dd39e88931d432af",
    ),
    (
        "bob",
        "9e07",
        "ac157e624e607b4969b79bc2bef4fc241919dc336ccd38e13f9be657a72562b4",
    ),
];

/// HMAC-SHA256, as Python's `hmac.new(key, msg, hashlib.sha256).digest()`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Whether `tag` is HMAC-SHA256(key, msg). The `hmac` crate's own `verify_slice` compares in
/// constant time, as Python's `hmac.compare_digest` does, so the time taken does not tell an
/// attacker how many leading bytes were right.
pub fn verify_hmac_sha256(key: &[u8], msg: &[u8], tag: &[u8]) -> bool {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    mac.verify_slice(tag).is_ok()
}

/// Hex SHA-256 of salt + password.
pub fn salted_hash(salt: &str, password: &str) -> String {
    Sha256::digest(format!("{salt}{password}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(super) fn login(received: &[u8]) -> Vec<u8> {
    let answer = |ok: bool, message: &str| {
        serde_json::to_vec(&json!({"ok": ok, "message": message})).unwrap_or_default()
    };
    let Ok(Value::Object(msg)) = serde_json::from_slice::<Value>(received) else {
        return answer(
            false,
            "send JSON like {\"user\": \"alice\", \"password\": \"...\"}",
        );
    };
    let user = msg.get("user").and_then(Value::as_str).unwrap_or_default();
    let password = msg
        .get("password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match USERS.iter().find(|(u, _, _)| *u == user) {
        Some((_, salt, hash)) if salted_hash(salt, password) == *hash => {
            answer(true, &format!("welcome, {user}"))
        }
        // The same answer for an unknown user and a wrong password: don't tell which.
        _ => answer(false, "wrong user or password"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_users_hashes_match_their_passwords() {
        for (user, salt, hash) in USERS {
            let password = if user == "alice" {
                "wonderland"
            } else {
                "builder"
            };
            assert_eq!(salted_hash(salt, password), hash, "fix USERS: {user}");
        }
        let ok: Value =
            serde_json::from_slice(&login(br#"{"user":"alice","password":"wonderland"}"#)).unwrap();
        assert_eq!(ok["ok"], true);
        let bad: Value =
            serde_json::from_slice(&login(br#"{"user":"alice","password":"x"}"#)).unwrap();
        assert_eq!(bad["ok"], false);
        let unknown: Value =
            serde_json::from_slice(&login(br#"{"user":"eve","password":"x"}"#)).unwrap();
        assert_eq!(unknown["message"], bad["message"]);
    }
}
