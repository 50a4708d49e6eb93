//! Provenance: which `send()` call wrote each byte a `recv()` returns.
//!
//! TCP is a byte stream. It keeps the *order* of bytes but forgets where one `send()` ended and
//! the next began: two sends of `"hello"` and `"world"` can come out of one `recv(12)` as
//! `"helloworld"` (the "sticky packet" students meet first), and one send can come out of
//! several recvs. To *show* that, the lab remembers, for each direction of a connection whose
//! both ends are lab sockets, where every send's bytes landed in the stream.
//!
//! # Stream offsets
//!
//! Each direction of a TCP connection numbers its bytes from 0: the *stream offset*. The sender
//! side knows the offset of each send (the running total of bytes the kernel accepted); the
//! receiver side knows the offset of each recv (the running total of bytes it returned). Because
//! TCP delivers every byte exactly once and in order, the two numberings are the same, so a
//! recv's bytes `[offset, offset + n)` can be looked up in the sender's [`SendLog`] to find
//! which sends they came from — no tagging of the bytes themselves, no guessing.
//!
//! # Messages, sends and records
//!
//! A course *message* may be framed (a 4-byte length header before the body, or a `\n` after a
//! line). One `send()` may push only part of it (a partial send: the kernel accepted fewer bytes
//! than asked); `sendall` then loops, calling `send()` again for the rest. Each `send()` call
//! becomes one [`SendRecord`] holding the bytes the kernel *accepted* and where they sit inside
//! the whole message (`offset_in_message`), so every byte can say "byte 6 of the 9-byte message
//! sent by send #2 of socket #1, and it is body, not header".
//!
//! # Invariants of [`SendLog`]
//!
//! 1. Records are ordered and contiguous: each record's `stream_offset` is the previous
//!    record's end. (This is what lets [`SendLog::spans`] binary-search.)
//! 2. Every record has `len > 0`; a send that moved no bytes leaves no trace in the stream.
//! 3. Within a record, `offset_in_message + len <= total_len`, `header_len + trailer_len <=
//!    total_len`: the header is the first `header_len` bytes of the message, the trailer the last
//!    `trailer_len`, and no byte is both.
//! 4. `end_offset()` never decreases, and survives [`SendLog::forget_before`]: forgetting old
//!    records frees memory but never renumbers the stream.
//! 5. At most [`MAX_RECORDS`] records are kept: a reader that is not a lab socket never calls
//!    `forget_before`, so the oldest records go when new ones come. A lab reader that lags
//!    further behind than that sees its oldest bytes as of unknown origin, never wrong ones.

use std::collections::VecDeque;

use socklab_shared::protocol::{SendSpan, SocketId};

/// One send() call's bytes as they entered one direction of a TCP stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendRecord {
    /// The send number on the sending socket (one `sendall` keeps one number across the
    /// `send()` calls it makes).
    pub send_no: u32,
    /// The lab socket that sent these bytes.
    pub from: SocketId,
    /// Stream offset of this record's first byte.
    pub stream_offset: u64,
    /// Bytes the kernel ACCEPTED in this call (never 0 in a [`SendLog`]).
    pub len: u64,
    /// Bytes of the whole framed message this send carried (for "2 of 5").
    pub total_len: u64,
    /// Where this record's first byte sits inside the whole message.
    pub offset_in_message: u64,
    /// The message's first `header_len` bytes are frame header.
    pub header_len: u64,
    /// The message's last `trailer_len` bytes are a frame trailer (delimiter).
    pub trailer_len: u64,
}

impl SendRecord {
    /// Stream offset one past this record's last byte.
    pub fn end(&self) -> u64 {
        self.stream_offset + self.len
    }

    /// The part of stream range `[start, end)` (clipped to this record) as a span, with
    /// `SendSpan::start` relative to `base`.
    fn span(&self, base: u64, start: u64, end: u64) -> SendSpan {
        // Work in message coordinates: header and trailer are defined on the message, and a
        // record may be the middle piece of a message that `sendall` pushed in several calls.
        let a = self.offset_in_message + (start - self.stream_offset);
        let b = a + (end - start);
        let trailer_start = self.total_len - self.trailer_len;
        SendSpan {
            start: start - base,
            len: end - start,
            from: Some(self.from),
            send_no: Some(self.send_no),
            offset_in_send: a,
            send_len: self.total_len,
            header_bytes: overlap(a, b, 0, self.header_len),
            trailer_bytes: overlap(a, b, trailer_start, self.total_len),
        }
    }
}

/// Length of the intersection of `[a, b)` and `[c, d)`.
fn overlap(a: u64, b: u64, c: u64, d: u64) -> u64 {
    b.min(d).saturating_sub(a.max(c))
}

/// Most send records one direction of a connection remembers (64 bytes each: 128 KiB).
pub const MAX_RECORDS: usize = 2048;

/// The sends written into one direction of one connection, ordered by stream offset.
///
/// See the [module docs](self) for the invariants.
#[derive(Debug, Clone, Default)]
pub struct SendLog {
    /// Ordered, contiguous, non-empty records. A deque so that [`SendLog::forget_before`] pops
    /// from the front cheaply while new sends push at the back.
    records: VecDeque<SendRecord>,
    /// Total bytes written in this direction. Kept apart from the records so it stays right
    /// after they are forgotten.
    end: u64,
}

impl SendLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a send of `accepted` bytes at the current end of the stream; returns its stream
    /// offset.
    ///
    /// A partial send (accepted < total message length) is recorded as what was accepted; if the
    /// same message continues in a later send call (sendall loop) the caller records it again
    /// with `offset_in_message` (and the same `send_no`, so the pieces read as one send).
    ///
    /// Inconsistent lengths are clamped rather than trusted, so the invariants hold whatever
    /// the caller passes: the message is at least as long as the bytes seen of it, and header
    /// and trailer fit inside it without overlapping. A send of 0 bytes is not recorded.
    #[allow(clippy::too_many_arguments)] // mirrors the fields of one send; a builder would hide that
    pub fn record(
        &mut self,
        from: SocketId,
        send_no: u32,
        accepted: u64,
        offset_in_message: u64,
        message_len: u64,
        header_len: u64,
        trailer_len: u64,
    ) -> u64 {
        let offset = self.end;
        if accepted == 0 {
            return offset;
        }
        let total_len = message_len.max(offset_in_message + accepted);
        let header_len = header_len.min(total_len);
        let trailer_len = trailer_len.min(total_len - header_len);
        if self.records.len() >= MAX_RECORDS {
            self.records.pop_front();
        }
        self.records.push_back(SendRecord {
            send_no,
            from,
            stream_offset: offset,
            len: accepted,
            total_len,
            offset_in_message,
            header_len,
            trailer_len,
        });
        self.end += accepted;
        offset
    }

    /// Total bytes written in this direction.
    pub fn end_offset(&self) -> u64 {
        self.end
    }

    /// The records still remembered, in stream order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &SendRecord> {
        self.records.iter()
    }

    /// Spans describing stream bytes `[start, start + len)`, with `SendSpan::start` relative to
    /// `start`. The spans are in order, do not overlap, and their lengths add up to `len`.
    ///
    /// Consecutive pieces of one message (the `send()` calls of one `sendall`) come back as one
    /// span. Bytes outside any record (forgotten, or past the end — which shouldn't happen) come
    /// back as a span with `from`/`send_no` `None`.
    pub fn spans(&self, start: u64, len: u64) -> Vec<SendSpan> {
        let end = start.saturating_add(len);
        if start == end {
            // Otherwise a record around `start` would yield an empty span.
            return Vec::new();
        }
        let mut out: Vec<SendSpan> = Vec::new();
        let mut pos = start;
        // Records are sorted and contiguous (invariant 1), so `end()` is sorted too and the
        // first record that reaches past `start` is found by binary search, not a scan: a long
        // transfer may hold many thousands of records and every recv and peek asks.
        let first = self.records.partition_point(|r| r.end() <= start);
        for r in self.records.range(first..) {
            if r.stream_offset >= end {
                break;
            }
            if r.stream_offset > pos {
                out.push(unknown_span(pos - start, r.stream_offset - pos));
                pos = r.stream_offset;
            }
            let piece_end = end.min(r.end());
            push_merged(&mut out, r.span(start, pos, piece_end));
            pos = piece_end;
        }
        if pos < end {
            out.push(unknown_span(pos - start, end - pos));
        }
        out
    }

    /// Forgets records wholly before `offset` (bytes already received and shown), so memory
    /// stays bounded in long transfers. A record that straddles `offset` is kept whole, so the
    /// unread part of it still knows its send. Queries before the forgotten point return
    /// external-style spans; `end_offset()` is unchanged.
    pub fn forget_before(&mut self, offset: u64) {
        let n = self.records.partition_point(|r| r.end() <= offset);
        self.records.drain(..n);
    }

    /// Number of records remembered.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

/// Appends `span`, joining it to the previous span when both are consecutive bytes of one
/// message, so a `sendall` that took two `send()` calls still reads as one send.
fn push_merged(out: &mut Vec<SendSpan>, span: SendSpan) {
    if let Some(prev) = out.last_mut()
        && !prev.is_external()
        && prev.from == span.from
        && prev.send_no == span.send_no
        && prev.send_len == span.send_len
        && prev.offset_in_send + prev.len == span.offset_in_send
    {
        // Header and trailer counts are overlaps of adjacent message ranges with fixed
        // intervals, and overlap adds up over adjacent ranges, so the sums are exact.
        prev.len += span.len;
        prev.header_bytes += span.header_bytes;
        prev.trailer_bytes += span.trailer_bytes;
        return;
    }
    out.push(span);
}

/// Bytes with no known send, at `start` within the annotated bytes.
fn unknown_span(start: u64, len: u64) -> SendSpan {
    SendSpan {
        start,
        ..external_span(len)
    }
}

/// For bytes from an external peer (a Python script): one span marked external.
///
/// An external peer's send boundaries are unknowable from here, so the span claims nothing:
/// it is its own whole "send" (`offset_in_send` 0, `send_len` = `len`) with no framing.
pub fn external_span(len: u64) -> SendSpan {
    SendSpan {
        start: 0,
        len,
        from: None,
        send_no: None,
        offset_in_send: 0,
        send_len: len,
        header_bytes: 0,
        trailer_bytes: 0,
    }
}

/// A short human label for a recv result, for the page and logs:
/// spans from 2+ different sends -> `"2 sends → 1 recv"`; one send fully -> `"1 send → 1 recv"`;
/// part of one send -> `"partial: 2 of 5 bytes of send #3"`; external -> `"from an external
/// peer"`; no spans at all -> `"no bytes"`.
///
/// Unknown (external-style) bytes mixed with lab sends count as one more send: something
/// sent them, we just don't know which call.
pub fn describe(spans: &[SendSpan]) -> String {
    if spans.is_empty() {
        return "no bytes".to_owned();
    }
    if spans.iter().all(SendSpan::is_external) {
        return "from an external peer".to_owned();
    }
    // Count distinct sends, not spans: a send can appear as two spans if the caller glued
    // results together. The list is short (one recv), so a linear `contains` is fine.
    let mut sends: Vec<(Option<SocketId>, Option<u32>)> = Vec::new();
    for s in spans {
        let key = (s.from, s.send_no);
        if !sends.contains(&key) {
            sends.push(key);
        }
    }
    if sends.len() > 1 {
        return format!("{} sends → 1 recv", sends.len());
    }
    let first = &spans[0];
    let got: u64 = spans.iter().map(|s| s.len).sum();
    let from_start = spans.iter().map(|s| s.offset_in_send).min() == Some(0);
    if from_start && got >= first.send_len {
        "1 send → 1 recv".to_owned()
    } else {
        // `sends.len() == 1` and not all external, so this span is a lab send.
        let send_no = first.send_no.unwrap_or_default();
        format!(
            "partial: {got} of {} bytes of send #{send_no}",
            first.send_len
        )
    }
}

#[cfg(test)]
mod tests;
