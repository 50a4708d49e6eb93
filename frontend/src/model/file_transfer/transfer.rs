//! One transfer's phases, from the click to the receiver's verdict, and how far the receiver
//! got, read from the events of the transfer.

use socklab_shared::protocol::{Envelope, Event, SocketId};

use crate::i18n::Lang;
use crate::i18n::panels::PanelText;

/// Where a transfer is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Switching the receiving end to a file receiver.
    Preparing,
    Hashing,
    Sending,
    WaitingVerdict,
    Verified,
    Mismatch,
    Failed(String),
}

impl Phase {
    /// Short, stable name (the panel's `data-phase`).
    pub fn key(&self) -> &'static str {
        match self {
            Phase::Preparing => "preparing",
            Phase::Hashing => "hashing",
            Phase::Sending => "sending",
            Phase::WaitingVerdict => "waiting",
            Phase::Verified => "verified",
            Phase::Mismatch => "mismatch",
            Phase::Failed(_) => "failed",
        }
    }

    /// What the lecturer reads (in `lang`; a failure's reason is the browser's or the lab's
    /// own words).
    pub fn label(&self, lang: Lang) -> String {
        let t = PanelText::of(lang);
        match self {
            Phase::Preparing => t.phase_preparing.into(),
            Phase::Hashing => t.phase_hashing.into(),
            Phase::Sending => t.phase_sending.into(),
            Phase::WaitingVerdict => t.phase_waiting.into(),
            Phase::Verified => t.phase_verified.into(),
            Phase::Mismatch => t.phase_mismatch.into(),
            Phase::Failed(why) => format!("{}{why}", t.phase_failed),
        }
    }

    /// No more steps will happen.
    pub fn is_over(&self) -> bool {
        matches!(self, Phase::Verified | Phase::Mismatch | Phase::Failed(_))
    }
}

/// The receiver's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub filename: String,
    pub size: u64,
    pub md5_expected: String,
    pub md5_actual: String,
    pub ok: bool,
    pub elapsed_us: u64,
}

/// One transfer, from the click to the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub name: String,
    pub total: u64,
    pub sender: SocketId,
    pub receiver: SocketId,
    /// How many events the history held at the start: later events belong to this transfer.
    pub history_start: usize,
    pub phase: Phase,
    pub hashed: u64,
    pub md5: Option<String>,
    /// Body bytes the sender's kernel accepted.
    pub accepted: u64,
    /// Stream offset of the first body byte (after the length and the JSON header).
    pub body_offset: Option<u64>,
    /// Page clock (ms) when the header went, and when the verdict came.
    pub send_started_ms: Option<f64>,
    pub finished_ms: Option<f64>,
    pub verdict: Option<Verdict>,
    /// Where a chunk's time goes in the page (see [`ChunkTimes`]).
    pub times: ChunkTimes,
}

/// Where the page's time goes per chunk, in ms (the file panel shows it as `data-chunk-ms`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChunkTimes {
    /// Chunks read (or generated), and the time it took in all.
    pub read: (u64, f64),
    /// Encoding the first chunk's command as the text frame that goes (JSON, data in base64).
    pub encode: Option<f64>,
    /// Chunks answered, and the time from handing each to the link to its answer, in all
    /// (with `in_flight` chunks in flight: includes waiting behind the one before).
    pub answer: (u64, f64),
    /// How many chunks were kept in flight.
    pub in_flight: usize,
}

impl ChunkTimes {
    /// "read 1.2 · encode 9.8 · answer 31.0 · 2 in flight" (averages, ms per chunk).
    pub fn summary(&self) -> String {
        let avg = |(n, total): (u64, f64)| if n == 0 { 0.0 } else { total / n as f64 };
        format!(
            "read {:.1} · encode {:.1} · answer {:.1} · {} in flight",
            avg(self.read),
            self.encode.unwrap_or(0.0),
            avg(self.answer),
            self.in_flight
        )
    }
}

impl Transfer {
    pub fn new(name: String, total: u64, pair: (SocketId, SocketId), history_start: usize) -> Self {
        Transfer {
            name,
            total,
            sender: pair.0,
            receiver: pair.1,
            history_start,
            phase: Phase::Preparing,
            hashed: 0,
            md5: None,
            accepted: 0,
            body_offset: None,
            send_started_ms: None,
            finished_ms: None,
            verdict: None,
            times: ChunkTimes::default(),
        }
    }

    /// The header went out: it began at `stream_offset` and was `wire_len` bytes long.
    pub fn header_sent(&mut self, stream_offset: u64, wire_len: u64, now_ms: f64) {
        self.body_offset = Some(stream_offset + wire_len);
        self.send_started_ms = Some(now_ms);
        self.advance(Phase::Hashing, Phase::Sending);
    }

    /// `n` more body bytes accepted; after the last one, wait for the receiver.
    pub fn chunk_accepted(&mut self, n: u64) {
        self.accepted = (self.accepted + n).min(self.total);
        if self.accepted == self.total {
            self.advance(Phase::Sending, Phase::WaitingVerdict);
        }
    }

    /// Moves from `from` to `to`, and only from there: a verdict or a failure that came
    /// first is final.
    pub fn advance(&mut self, from: Phase, to: Phase) {
        if self.phase == from {
            self.phase = to;
        }
    }

    pub fn fail(&mut self, why: impl Into<String>) {
        if !self.phase.is_over() {
            self.phase = Phase::Failed(why.into());
        }
    }

    /// The receiver's report arrived.
    pub fn judge(&mut self, v: Verdict, now_ms: f64) {
        if self.verdict.is_none() {
            self.phase = if v.ok && Some(&v.md5_actual) == self.md5.as_ref() {
                Phase::Verified
            } else {
                Phase::Mismatch
            };
            self.finished_ms = Some(now_ms);
            self.verdict = Some(v);
        }
    }

    /// MB/s (10^6 bytes) of body bytes accepted since the header went, at `now_ms`.
    pub fn throughput(&self, now_ms: f64) -> Option<f64> {
        let start = self.send_started_ms?;
        let secs = (self.finished_ms.unwrap_or(now_ms) - start) / 1000.0;
        (secs > 0.0).then(|| self.accepted as f64 / 1e6 / secs)
    }
}

/// The receiver's verdict on `receiver` among `events`.
pub fn find_verdict(events: &[Envelope], receiver: SocketId) -> Option<Verdict> {
    events.iter().find_map(|e| match &e.event {
        Event::FileReceived {
            socket,
            filename,
            size,
            md5_expected,
            md5_actual,
            ok,
            elapsed_us,
        } if *socket == receiver => Some(Verdict {
            filename: filename.clone(),
            size: *size,
            md5_expected: md5_expected.clone(),
            md5_actual: md5_actual.clone(),
            ok: *ok,
            elapsed_us: *elapsed_us,
        }),
        _ => None,
    })
}

/// How far the receiver's stream got: the end of its latest auto recv or summary in
/// `events` (stream offsets count every byte of the connection, header included).
pub fn received_upto(events: &[Envelope], receiver: SocketId) -> u64 {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::Received {
                socket,
                data,
                stream_offset,
                ..
            } if *socket == receiver => Some(stream_offset + data.len() as u64),
            Event::AutoSummary {
                socket,
                stream_offset,
                ..
            } if *socket == receiver => Some(*stream_offset),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// Body bytes the receiver has, given where the body starts in its stream.
pub fn body_received(upto: u64, body_offset: Option<u64>, total: u64) -> u64 {
    body_offset.map_or(0, |start| upto.saturating_sub(start).min(total))
}
