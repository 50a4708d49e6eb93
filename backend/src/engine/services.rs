//! What an auto-recv socket answers, for each echo mode: the same bytes, upper-cased, the time,
//! canned "command output", a login check, one side of an HMAC challenge, or a file upload's
//! verdict ([`super::file_receiver`]). Pure functions of what arrived (the time and the random
//! challenge are passed in).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use socklab_shared::protocol::EchoMode;
use socklab_shared::protocol::hmac_demo::{HMAC_KEY, HMAC_LEN, HMAC_WRONG_KEY};

use super::file_receiver::{FileReceiver, Outcome};

mod auth;
mod clock;

use auth::{hmac_sha256, login, verify_hmac_sha256};
use clock::strftime;

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
    random: [u8; HMAC_LEN],
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
            if state.pending.len() < HMAC_LEN {
                return None;
            }
            let block: Vec<u8> = state.pending.drain(..HMAC_LEN).collect();
            Some(match mode {
                EchoMode::HmacClient { right_key } => {
                    hmac_sha256(if right_key { HMAC_KEY } else { HMAC_WRONG_KEY }, &block)
                }
                _ => {
                    let ok = state
                        .challenge
                        .as_deref()
                        .is_some_and(|c| verify_hmac_sha256(HMAC_KEY, c, &block));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
    fn hmac_challenge_accepts_the_right_key_only_even_when_split() {
        // RFC 4231 test case 2.
        let d = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(d[..4], [0x5b, 0xdc, 0xc1, 0x46]);
        let now = UNIX_EPOCH;
        for (right_key, verdict) in [(true, &b"welcome"[..]), (false, &b"rejected"[..])] {
            let mut server = ServiceState::default();
            let challenge = greeting(EchoMode::HmacServer, &mut server, [7; HMAC_LEN]).unwrap();
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
