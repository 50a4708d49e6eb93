//! What an auto-recv socket answers, for each echo mode: the same bytes, upper-cased, the time,
//! canned "command output", a login check, one side of an HMAC challenge, or a file upload's
//! verdict ([`super::file_receiver`]). Pure functions of what arrived (the time and the random
//! challenge are passed in).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use socklab_shared::protocol::EchoMode;

use super::file_receiver::{FileReceiver, Outcome};

/// The key both ends of the HMAC challenge share (a lesson shows it; it protects nothing).
pub const HMAC_KEY: &[u8] = b"socklab secret key";
/// The key a client that does not know the secret guesses.
pub const WRONG_KEY: &[u8] = b"guess";
/// Length of the challenge and of an HMAC-SHA256 digest.
pub const CHALLENGE_LEN: usize = 32;

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

/// Per-connection state of a service that remembers something (the challenge it sent, bytes of
/// a digest that arrived split across recvs, the file upload under way).
#[derive(Debug, Clone, Default)]
pub struct ServiceState {
    pub challenge: Option<Vec<u8>>,
    pending: Vec<u8>,
    /// The file receiver's parser, and the files it finished that the task hasn't reported
    /// yet (see [`ServiceState::take_files`]).
    pub files: FileReceiver,
    finished: Vec<Outcome>,
}

impl ServiceState {
    /// The files (and the malformed header) finished since the last call. The file receiver
    /// answers through these, not through [`reply_with_state`]: each verdict is an event as
    /// well as a reply, and one recv may finish several files.
    pub fn take_files(&mut self) -> Vec<Outcome> {
        std::mem::take(&mut self.finished)
    }
}

/// What a service sends first, before receiving anything (the HMAC server's challenge).
pub fn greeting(
    mode: EchoMode,
    state: &mut ServiceState,
    random: [u8; CHALLENGE_LEN],
) -> Option<Vec<u8>> {
    match mode {
        EchoMode::HmacServer => {
            state.challenge = Some(random.to_vec());
            Some(random.to_vec())
        }
        _ => None,
    }
}

/// The reply to `received` for the stateful services; falls back to [`reply`].
pub fn reply_with_state(
    mode: EchoMode,
    state: &mut ServiceState,
    received: &[u8],
    now: SystemTime,
) -> Option<Vec<u8>> {
    match mode {
        EchoMode::Login => Some(login(received)),
        EchoMode::FileReceiver => {
            // Monotonic time for the upload's duration (the wall clock may jump).
            let done = state.files.feed(received, Instant::now());
            state.finished.extend(done);
            None
        }
        EchoMode::HmacServer | EchoMode::HmacClient { .. } => {
            // A digest or challenge is 32 bytes, but TCP may deliver it in pieces (or glued to
            // more): collect exactly 32 first.
            state.pending.extend_from_slice(received);
            if state.pending.len() < CHALLENGE_LEN {
                return None;
            }
            let block: Vec<u8> = state.pending.drain(..CHALLENGE_LEN).collect();
            Some(match mode {
                EchoMode::HmacClient { right_key } => {
                    hmac_sha256(if right_key { HMAC_KEY } else { WRONG_KEY }, &block)
                }
                _ => {
                    let expected = state.challenge.as_deref().map(|c| hmac_sha256(HMAC_KEY, c));
                    let ok = expected.is_some_and(|e| constant_time_eq(&e, &block));
                    if ok {
                        b"welcome".to_vec()
                    } else {
                        b"rejected".to_vec()
                    }
                }
            })
        }
        other => reply(other, received, now),
    }
}

/// HMAC-SHA256, as Python's `hmac.new(key, msg, hashlib.sha256).digest()`.
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Compares without stopping at the first difference, as `hmac.compare_digest` does, so the
/// time taken does not tell an attacker how many leading bytes were right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hex SHA-256 of salt + password.
pub fn salted_hash(salt: &str, password: &str) -> String {
    Sha256::digest(format!("{salt}{password}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn login(received: &[u8]) -> Vec<u8> {
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

/// The default time format of the course's time server.
pub const DEFAULT_TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Most bytes of canned output one reply may have.
pub const MAX_CANNED_BYTES: u32 = 1 << 20;

/// The reply to `received`, or `None` when the mode sends nothing back.
pub fn reply(mode: EchoMode, received: &[u8], now: SystemTime) -> Option<Vec<u8>> {
    match mode {
        EchoMode::Off
        | EchoMode::Chat
        | EchoMode::Login
        | EchoMode::HmacServer
        | EchoMode::HmacClient { .. }
        | EchoMode::FileReceiver => None,
        EchoMode::Same => Some(received.to_vec()),
        EchoMode::Upper => Some(received.to_ascii_uppercase()),
        EchoMode::Time => {
            let format = String::from_utf8_lossy(received);
            let format = match format.trim() {
                "" => DEFAULT_TIME_FORMAT,
                f => f,
            };
            let secs = now
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            Some(strftime(format, secs).into_bytes())
        }
        EchoMode::Canned { bytes } => Some(canned_output(
            &String::from_utf8_lossy(received),
            bytes.min(MAX_CANNED_BYTES),
        )),
    }
}

/// `bytes` bytes of made-up output for `command`, in numbered lines, so a student can see
/// where one recv stopped and the next began.
pub fn canned_output(command: &str, bytes: u32) -> Vec<u8> {
    let command = command.trim();
    let mut out = format!("$ {command}   (canned output: socklab never runs commands)\n");
    let mut line = 1;
    while out.len() < bytes as usize {
        out.push_str(&format!("{line:04} output line of `{command}`\n"));
        line += 1;
    }
    let mut out = out.into_bytes();
    out.truncate(bytes as usize);
    out
}

/// A small `strftime` for UTC: `%Y %m %d %H %M %S %y %j %a %b %A %B %p %X %x %Z %%`.
/// Unknown directives are kept as written, as Python does on Linux.
pub fn strftime(format: &str, unix_secs: u64) -> String {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    let weekday = ((days + 3).rem_euclid(7)) as usize; // 1970-01-01 was a Thursday
    let yday = days - days_from_civil(y, 1, 1) + 1;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&y.to_string()),
            Some('y') => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            Some('m') => out.push_str(&format!("{m:02}")),
            Some('d') => out.push_str(&format!("{d:02}")),
            Some('H') => out.push_str(&format!("{hh:02}")),
            Some('M') => out.push_str(&format!("{mm:02}")),
            Some('S') => out.push_str(&format!("{ss:02}")),
            Some('j') => out.push_str(&format!("{yday:03}")),
            Some('a') => out.push_str(&DAYS[weekday][..3]),
            Some('A') => out.push_str(DAYS[weekday]),
            Some('b') => out.push_str(&MONTHS[m as usize - 1][..3]),
            Some('B') => out.push_str(MONTHS[m as usize - 1]),
            Some('p') => out.push_str(if hh < 12 { "AM" } else { "PM" }),
            Some('X') => out.push_str(&format!("{hh:02}:{mm:02}:{ss:02}")),
            Some('x') => out.push_str(&format!("{m:02}/{d:02}/{:02}", y.rem_euclid(100))),
            Some('Z') => out.push_str("UTC"),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn strftime_matches_known_dates() {
        // 2026-11-22 01:20:05 UTC was a Sunday, day 326 of the year.
        let t = 1_795_310_405;
        assert_eq!(strftime(DEFAULT_TIME_FORMAT, t), "2026-11-22 01:20:05");
        assert_eq!(
            strftime("%a %A %b %B %j %p %X %x %Z %% %q", t),
            "Sun Sunday Nov November 326 AM 01:20:05 11/22/26 UTC % %q"
        );
        assert_eq!(strftime("%Y-%m-%d", 0), "1970-01-01");
        assert_eq!(strftime("%Y-%m-%d %a", 951_782_400), "2000-02-29 Tue");
    }

    #[test]
    fn the_time_server_uses_the_default_for_an_empty_format() {
        let now = UNIX_EPOCH + Duration::from_secs(86_400 + 61);
        assert_eq!(
            reply(EchoMode::Time, b"", now).unwrap(),
            b"1970-01-02 00:01:01"
        );
        assert_eq!(reply(EchoMode::Time, b"%H:%M", now).unwrap(), b"00:01");
    }

    #[test]
    fn canned_output_has_exactly_the_asked_size_and_never_runs_anything() {
        let out = reply(EchoMode::Canned { bytes: 1500 }, b"dir\n", UNIX_EPOCH).unwrap();
        assert_eq!(out.len(), 1500);
        assert!(out.starts_with(
            b"$ dir   (canned output: socklab never runs commands)\n0001 output line of `dir`\n"
        ));
        assert_eq!(canned_output("x", 3), b"$ x");
    }

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

    #[test]
    fn hmac_challenge_accepts_the_right_key_only_even_when_split() {
        // RFC 4231 test case 2.
        let d = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(d[..4], [0x5b, 0xdc, 0xc1, 0x46]);
        let now = UNIX_EPOCH;
        for (right_key, verdict) in [(true, &b"welcome"[..]), (false, &b"rejected"[..])] {
            let mut server = ServiceState::default();
            let challenge =
                greeting(EchoMode::HmacServer, &mut server, [7; CHALLENGE_LEN]).unwrap();
            let mut client = ServiceState::default();
            let answer = reply_with_state(
                EchoMode::HmacClient { right_key },
                &mut client,
                &challenge,
                now,
            )
            .unwrap();
            assert_eq!(
                reply_with_state(EchoMode::HmacServer, &mut server, &answer[..10], now),
                None,
                "waits for 32 bytes"
            );
            assert_eq!(
                reply_with_state(EchoMode::HmacServer, &mut server, &answer[10..], now).unwrap(),
                verdict
            );
        }
    }

    #[test]
    fn echo_modes() {
        assert_eq!(reply(EchoMode::Off, b"a", UNIX_EPOCH), None);
        assert_eq!(reply(EchoMode::Same, b"aB", UNIX_EPOCH).unwrap(), b"aB");
        assert_eq!(reply(EchoMode::Upper, b"aB", UNIX_EPOCH).unwrap(), b"AB");
    }
}
