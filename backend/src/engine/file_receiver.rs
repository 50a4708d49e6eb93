//! The file-upload server of experiment 13 as a pure, incremental parser: no sockets, no
//! clock (the time is passed in), so every way TCP can cut a stream is testable with byte
//! literals.
//!
//! The wire format is the course's custom header:
//!
//! ```text
//! struct.pack('i', len(header))   4 bytes, little-endian, signed
//! header                          JSON {"filename": str, "size": int >= 0, "md5": hex str}
//! body                            exactly `size` bytes of file
//! ```
//!
//! then the next file, on the same connection. TCP keeps no message boundaries, so one recv
//! may hold the last bytes of a length and the first of a header, a header glued to the start
//! of the body, or the end of one file and the start of the next: [`FileReceiver::feed`] takes
//! whatever arrived and walks as many stages as those bytes complete.
//!
//! Body bytes are never copied or collected: they go straight into the MD5, so a 100 MB upload
//! costs no memory and one pass of hashing.
//!
//! A malformed header (negative or oversized length, not JSON, missing fields) is reported
//! once, and then the receiver **stops parsing** that connection: it can't know where the
//! bad header's body ends, so any "next header" it found would be a guess in the middle of
//! file bytes. The bytes keep being received (the connection doesn't stall), just not parsed.
//! A wrong md5 is different: the stream is still in step, so it is a verdict (`ok: false`) and
//! the next file is parsed normally.

use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::json;
use socklab_shared::protocol::{ErrorCode, Event, SocketId};
use socklab_shared::upload::header_len;
pub use socklab_shared::upload::{FileHeader, LEN_BYTES, MAX_HEADER_LEN};

use super::step_error::StepError;

/// What the receiver is waiting for.
#[derive(Debug, Clone)]
enum Stage {
    /// The 4-byte length. Invariant: `have < LEN_BYTES`; `buf[..have]` are the bytes so far.
    Length { buf: [u8; LEN_BYTES], have: usize },
    /// The JSON header. Invariant: `buf.len() <= need <= MAX_HEADER_LEN`.
    Header { need: usize, buf: Vec<u8> },
    /// The body: `left` of `header.size` bytes still to come; the MD5 has seen the rest.
    Body {
        header: FileHeader,
        left: u64,
        md5: Md5,
    },
    /// A malformed header put the stream out of step: nothing after it is parsed.
    Stopped,
}

/// A whole file has arrived: what the header claimed and what the bytes hash to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub header: FileHeader,
    /// Lower-case hex MD5 of the body, as Python's `hashlib.md5(body).hexdigest()`.
    pub md5_actual: String,
    /// Whether `md5_actual` equals the header's `md5` (ignoring hex letter case).
    pub ok: bool,
    /// From the first byte of the length field to the last byte of the body.
    pub elapsed: Duration,
}

/// What one [`FileReceiver::feed`] finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    File(Verdict),
    /// The header was malformed (the message says how); the receiver has stopped.
    Malformed(String),
}

impl Outcome {
    /// The server's answer, as course code sends it: `json.dumps({...}).encode()`.
    pub fn reply(&self) -> Vec<u8> {
        let value = match self {
            Outcome::File(v) => json!({
                "ok": v.ok,
                "filename": v.header.filename,
                "size": v.header.size,
                "md5": v.md5_actual,
            }),
            Outcome::Malformed(error) => json!({"ok": false, "error": error}),
        };
        serde_json::to_vec(&value).unwrap_or_default()
    }

    /// The event the page gets: `file_received`, or an error for a malformed header.
    pub fn event(&self, socket: SocketId) -> Event {
        match self {
            Outcome::File(v) => Event::FileReceived {
                socket,
                filename: v.header.filename.clone(),
                size: v.header.size,
                md5_expected: v.header.md5.clone(),
                md5_actual: v.md5_actual.clone(),
                ok: v.ok,
                elapsed_us: u64::try_from(v.elapsed.as_micros()).unwrap_or(u64::MAX),
            },
            Outcome::Malformed(message) => StepError::new(ErrorCode::Framing, message.clone())
                .hint(
                    "this connection's uploads are no longer parsed (where the next file starts \
                     is unknown): connect again and send struct.pack('i', len(header)) + header + body",
                )
                .on(socket)
                .into_event(),
        }
    }
}

/// The error for an upload the connection's end cut short (see [`FileReceiver::unfinished`]).
pub fn cut_short(socket: SocketId, message: String) -> Event {
    StepError::new(ErrorCode::Framing, message)
        .hint("the sender closed before sending all `size` bytes it announced: the file is incomplete")
        .on(socket)
        .into_event()
}

/// One connection's upload parser (see the module doc).
///
/// Invariant: `started` is `Some` exactly while a file is under way (from its first length
/// byte until its verdict), so `elapsed` covers the whole file and nothing between files.
#[derive(Debug, Clone)]
pub struct FileReceiver {
    stage: Stage,
    started: Option<Instant>,
}

impl Default for FileReceiver {
    fn default() -> Self {
        FileReceiver {
            stage: Stage::Length {
                buf: [0; LEN_BYTES],
                have: 0,
            },
            started: None,
        }
    }
}

impl FileReceiver {
    /// Takes the bytes of one recv, which arrived at `now`; returns the files (and the
    /// malformed header) they completed, in order. Allocates nothing unless something
    /// completed or a header is being collected.
    pub fn feed(&mut self, mut data: &[u8], now: Instant) -> Vec<Outcome> {
        let mut done = Vec::new();
        while !data.is_empty() {
            let taken = match &mut self.stage {
                Stage::Stopped => return done,
                Stage::Length { buf, have } => {
                    if *have == 0 {
                        self.started = Some(now);
                    }
                    let n = (LEN_BYTES - *have).min(data.len());
                    buf[*have..*have + n].copy_from_slice(&data[..n]);
                    *have += n;
                    n
                }
                Stage::Header { need, buf } => {
                    let n = (*need - buf.len()).min(data.len());
                    buf.extend_from_slice(&data[..n]);
                    n
                }
                Stage::Body { left, md5, .. } => {
                    let n = usize::try_from(*left).unwrap_or(usize::MAX).min(data.len());
                    md5.update(&data[..n]);
                    *left -= n as u64;
                    n
                }
            };
            data = &data[taken..];
            self.advance(now, &mut done);
        }
        done
    }

    /// Moves on from every stage that is complete. A loop, because a stage can be complete
    /// with no bytes at all: a 0-byte body right after its header.
    fn advance(&mut self, now: Instant, done: &mut Vec<Outcome>) {
        loop {
            match &mut self.stage {
                Stage::Length { buf, have } if *have == LEN_BYTES => {
                    self.stage = match header_len(*buf) {
                        Ok(need) => Stage::Header {
                            need,
                            buf: Vec::with_capacity(need),
                        },
                        Err(e) => return self.stop(e.to_string(), done),
                    };
                }
                Stage::Header { need, buf } if buf.len() == *need => match FileHeader::parse(buf) {
                    Ok(header) => {
                        self.stage = Stage::Body {
                            left: header.size,
                            header,
                            md5: Md5::new(),
                        }
                    }
                    Err(e) => return self.stop(e.to_string(), done),
                },
                Stage::Body { left: 0, .. } => {
                    let Stage::Body { header, md5, .. } =
                        std::mem::replace(&mut self.stage, Stage::default_length())
                    else {
                        unreachable!("matched just above")
                    };
                    let md5_actual = hex::encode(md5.finalize());
                    let elapsed = self
                        .started
                        .take()
                        .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
                    done.push(Outcome::File(Verdict {
                        ok: md5_actual.eq_ignore_ascii_case(header.md5.trim()),
                        header,
                        md5_actual,
                        elapsed,
                    }));
                }
                _ => return,
            }
        }
    }

    fn stop(&mut self, message: String, done: &mut Vec<Outcome>) {
        self.stage = Stage::Stopped;
        self.started = None;
        done.push(Outcome::Malformed(message));
    }

    /// What was cut off if the connection ends now (`None` between files, or once stopped).
    pub fn unfinished(&self) -> Option<String> {
        match &self.stage {
            Stage::Length { have: 0, .. } | Stage::Stopped => None,
            Stage::Length { have, .. } => Some(format!(
                "the connection closed after {have} of the {LEN_BYTES} bytes of a header length"
            )),
            Stage::Header { need, buf } => Some(format!(
                "the connection closed after {} of the {need} bytes of a file's JSON header",
                buf.len()
            )),
            Stage::Body { header, left, .. } => Some(format!(
                "the connection closed with {left} of the {} bytes of {} still to come: the upload is incomplete",
                header.size, header.filename
            )),
        }
    }

    /// Whether a malformed header has stopped the parsing for good.
    pub fn stopped(&self) -> bool {
        matches!(self.stage, Stage::Stopped)
    }
}

impl Stage {
    fn default_length() -> Self {
        Stage::Length {
            buf: [0; LEN_BYTES],
            have: 0,
        }
    }
}

#[cfg(test)]
mod tests;
