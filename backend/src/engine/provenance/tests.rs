//! Provenance tests: the course examples as literals, then the binary search checked against
//! a byte-by-byte naive model over many logs and every query range.

use super::*;

const A: SocketId = SocketId(1);
const B: SocketId = SocketId(2);

/// A span from a lab send, with no framing.
fn lab(start: u64, len: u64, from: SocketId, send_no: u32, off: u64, send_len: u64) -> SendSpan {
    SendSpan {
        start,
        len,
        from: Some(from),
        send_no: Some(send_no),
        offset_in_send: off,
        send_len,
        header_bytes: 0,
        trailer_bytes: 0,
    }
}

/// `"hello"` then `"world"`, two raw sends from socket #1.
fn hello_world() -> SendLog {
    let mut log = SendLog::new();
    assert_eq!(log.record(A, 1, 5, 0, 5, 0, 0), 0);
    assert_eq!(log.record(A, 2, 5, 0, 5, 0, 0), 5);
    log
}

#[test]
fn two_sends_merge_into_one_recv() {
    let log = hello_world();
    assert_eq!(log.end_offset(), 10);
    assert_eq!(log.len(), 2);
    // recv(12) returns all 10 bytes: "helloworld".
    let spans = log.spans(0, 10);
    assert_eq!(spans, vec![lab(0, 5, A, 1, 0, 5), lab(5, 5, A, 2, 0, 5)]);
    assert_eq!(describe(&spans), "2 sends → 1 recv");
}

#[test]
fn small_recv_then_big_recv() {
    let log = hello_world();
    // recv(2) -> "he"
    let first = log.spans(0, 2);
    assert_eq!(first, vec![lab(0, 2, A, 1, 0, 5)]);
    assert_eq!(describe(&first), "partial: 2 of 5 bytes of send #1");
    // recv(12) -> "lloworld": the rest of send #1 glued to all of send #2.
    let second = log.spans(2, 8);
    assert_eq!(second, vec![lab(0, 3, A, 1, 2, 5), lab(3, 5, A, 2, 0, 5)]);
    assert_eq!(describe(&second), "2 sends → 1 recv");
}

#[test]
fn one_send_one_recv() {
    let log = hello_world();
    let spans = log.spans(5, 5);
    assert_eq!(spans, vec![lab(0, 5, A, 2, 0, 5)]);
    assert_eq!(describe(&spans), "1 send → 1 recv");
    // The tail of a send alone is still partial.
    assert_eq!(
        describe(&log.spans(7, 3)),
        "partial: 3 of 5 bytes of send #2"
    );
}

#[test]
fn length_prefixed_header_splits_across_recvs() {
    // send #1: 4-byte length header + "hello" = 9 bytes.
    let mut log = SendLog::new();
    log.record(A, 1, 9, 0, 9, 4, 0);
    // recv(3): three header bytes.
    let first = log.spans(0, 3);
    assert_eq!(
        first,
        vec![SendSpan {
            header_bytes: 3,
            ..lab(0, 3, A, 1, 0, 9)
        }]
    );
    // recv(10): the last header byte and the body.
    let second = log.spans(3, 6);
    assert_eq!(
        second,
        vec![SendSpan {
            header_bytes: 1,
            ..lab(0, 6, A, 1, 3, 9)
        }]
    );
    // A recv inside the body has no header bytes.
    assert_eq!(log.spans(5, 2)[0].header_bytes, 0);
}

#[test]
fn header_and_body_of_two_framed_messages() {
    // Two length-prefixed messages: [0,0,0,2]"hi" and [0,0,0,3]"you"; one recv takes all.
    let mut log = SendLog::new();
    log.record(A, 1, 6, 0, 6, 4, 0);
    log.record(A, 2, 7, 0, 7, 4, 0);
    let spans = log.spans(0, 13);
    assert_eq!(
        spans,
        vec![
            SendSpan {
                header_bytes: 4,
                ..lab(0, 6, A, 1, 0, 6)
            },
            SendSpan {
                header_bytes: 4,
                ..lab(6, 7, A, 2, 0, 7)
            },
        ]
    );
    // A recv starting in the first body and ending inside the second header.
    let spans = log.spans(5, 3);
    assert_eq!(
        spans,
        vec![
            lab(0, 1, A, 1, 5, 6),
            SendSpan {
                header_bytes: 2,
                ..lab(1, 2, A, 2, 0, 7)
            },
        ]
    );
}

#[test]
fn line_trailer_splits_across_recvs() {
    // "hi\n" then "yo\n", line framing: the last byte of each is the delimiter.
    let mut log = SendLog::new();
    log.record(A, 1, 3, 0, 3, 0, 1);
    log.record(A, 2, 3, 0, 3, 0, 1);
    // recv(2) -> "hi": no delimiter yet, which is why a line reader must keep reading.
    assert_eq!(log.spans(0, 2)[0].trailer_bytes, 0);
    // recv(10) -> "\nyo\n"
    let spans = log.spans(2, 4);
    assert_eq!(
        spans,
        vec![
            SendSpan {
                trailer_bytes: 1,
                ..lab(0, 1, A, 1, 2, 3)
            },
            SendSpan {
                trailer_bytes: 1,
                ..lab(1, 3, A, 2, 0, 3)
            },
        ]
    );
}

#[test]
fn sendall_in_two_calls_reads_as_one_send() {
    // sendall of a 9-byte framed message (4-byte header): the kernel took 6, then 3.
    let mut log = SendLog::new();
    assert_eq!(log.record(A, 1, 6, 0, 9, 4, 0), 0);
    assert_eq!(log.record(A, 1, 3, 6, 9, 4, 0), 6);
    assert_eq!(log.len(), 2);
    let whole = log.spans(0, 9);
    assert_eq!(
        whole,
        vec![SendSpan {
            header_bytes: 4,
            ..lab(0, 9, A, 1, 0, 9)
        }]
    );
    assert_eq!(describe(&whole), "1 send → 1 recv");
    // Offsets count from the start of the message, across the call boundary.
    assert_eq!(log.spans(5, 4), vec![lab(0, 4, A, 1, 5, 9)]);
    assert_eq!(log.spans(7, 2), vec![lab(0, 2, A, 1, 7, 9)]);
}

#[test]
fn partial_send_without_retry() {
    // send() of 5 bytes, the kernel accepted 3; the program didn't loop. Then send #2.
    let mut log = SendLog::new();
    log.record(A, 1, 3, 0, 5, 0, 0);
    log.record(A, 2, 2, 0, 2, 0, 0);
    let spans = log.spans(0, 3);
    assert_eq!(spans, vec![lab(0, 3, A, 1, 0, 5)]);
    assert_eq!(describe(&spans), "partial: 3 of 5 bytes of send #1");
    // Different send numbers never merge, even when the offsets would line up.
    assert_eq!(log.spans(0, 5).len(), 2);
}

#[test]
fn forget_before_keeps_later_queries_right() {
    let mut log = SendLog::new();
    log.record(A, 1, 5, 0, 5, 0, 0); // 0..5
    log.record(A, 2, 5, 0, 5, 0, 0); // 5..10
    log.record(A, 3, 5, 0, 5, 0, 0); // 10..15
    let before = log.spans(7, 8);

    // Offset 7 is inside send #2: send #1 goes, send #2 stays whole.
    log.forget_before(7);
    assert_eq!(log.len(), 2);
    assert_eq!(log.end_offset(), 15);
    assert_eq!(log.spans(7, 8), before);
    assert_eq!(log.spans(5, 2), vec![lab(0, 2, A, 2, 0, 5)]);
    // Forgotten bytes come back unattributed.
    let gone = log.spans(3, 4);
    assert_eq!(
        gone,
        vec![
            SendSpan {
                start: 0,
                ..external_span(2)
            },
            lab(2, 2, A, 2, 0, 5),
        ]
    );

    // Forgetting everything keeps the stream numbering: the next send lands at 15.
    log.forget_before(15);
    assert!(log.is_empty());
    assert_eq!(log.record(A, 4, 2, 0, 2, 0, 0), 15);
    assert_eq!(log.spans(15, 2), vec![lab(0, 2, A, 4, 0, 2)]);
    assert_eq!(describe(&log.spans(0, 15)), "from an external peer");
}

#[test]
fn bytes_past_the_end_are_unattributed() {
    let log = hello_world();
    let spans = log.spans(8, 5);
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0], lab(0, 2, A, 2, 3, 5));
    assert_eq!(
        spans[1],
        SendSpan {
            start: 2,
            ..external_span(3)
        }
    );
    assert!(SendLog::new().spans(0, 0).is_empty());
    assert!(log.spans(3, 0).is_empty());
}

#[test]
fn zero_byte_send_leaves_no_record() {
    let mut log = hello_world();
    assert_eq!(log.record(A, 3, 0, 0, 0, 0, 0), 10);
    assert_eq!(log.len(), 2);
    assert_eq!(log.end_offset(), 10);
}

#[test]
fn inconsistent_lengths_are_clamped() {
    let mut log = SendLog::new();
    // Message "longer" header than message, and a message_len shorter than what was accepted.
    log.record(A, 1, 4, 0, 2, 9, 9);
    let r = *log.records().next().unwrap();
    assert_eq!((r.total_len, r.header_len, r.trailer_len), (4, 4, 0));
    assert_eq!(log.spans(0, 4)[0].header_bytes, 4);
}

#[test]
fn describe_labels() {
    assert_eq!(describe(&[external_span(7)]), "from an external peer");
    assert_eq!(describe(&[]), "no bytes");
    // Sends from different sockets with the same number are different sends.
    let spans = [lab(0, 1, A, 1, 0, 1), lab(1, 1, B, 1, 0, 1)];
    assert_eq!(describe(&spans), "2 sends → 1 recv");
    // Forgotten bytes next to a lab send count as one more send.
    let spans = [external_span(2), lab(2, 3, A, 2, 0, 3)];
    assert_eq!(describe(&spans), "2 sends → 1 recv");
    assert!(external_span(3).is_external());
}

/// What one byte of the stream is, as the naive model sees it.
#[derive(Clone, Copy)]
struct Byte {
    /// `(from, send_no, send_len)`, or `None` for unknown bytes.
    send: Option<(SocketId, u32, u64)>,
    offset_in_send: u64,
    header: bool,
    trailer: bool,
}

/// The spans, computed one byte at a time: group consecutive bytes of one send with
/// consecutive offsets (or consecutive unknown bytes), count header and trailer bytes.
fn naive_spans(bytes: &[Byte], start: u64, len: u64) -> Vec<SendSpan> {
    let mut out: Vec<SendSpan> = Vec::new();
    for i in start..start + len {
        let b = bytes.get(i as usize).copied().unwrap_or(Byte {
            send: None,
            offset_in_send: 0,
            header: false,
            trailer: false,
        });
        let rel = i - start;
        if let Some(prev) = out.last_mut() {
            let same = match b.send {
                None => prev.send_no.is_none(),
                Some((from, no, send_len)) => {
                    prev.from == Some(from)
                        && prev.send_no == Some(no)
                        && prev.send_len == send_len
                        && prev.offset_in_send + prev.len == b.offset_in_send
                }
            };
            if same {
                prev.len += 1;
                if prev.send_no.is_none() {
                    prev.send_len += 1;
                }
                prev.header_bytes += u64::from(b.header);
                prev.trailer_bytes += u64::from(b.trailer);
                continue;
            }
        }
        out.push(match b.send {
            None => SendSpan {
                start: rel,
                ..external_span(1)
            },
            Some((from, no, send_len)) => SendSpan {
                start: rel,
                len: 1,
                from: Some(from),
                send_no: Some(no),
                offset_in_send: b.offset_in_send,
                send_len,
                header_bytes: u64::from(b.header),
                trailer_bytes: u64::from(b.trailer),
            },
        });
    }
    out
}

/// A tiny deterministic generator (an LCG), so the test needs no dev-dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// Builds a log of messages (some framed, some pushed by several `send()` calls, some partial
/// sends never finished) and the byte-by-byte model of the same stream.
fn random_log(rng: &mut Lcg) -> (SendLog, Vec<Byte>) {
    let mut log = SendLog::new();
    let mut bytes = Vec::new();
    let messages = 1 + rng.next(12);
    for send_no in 1..=messages as u32 {
        let from = if rng.next(4) == 0 { B } else { A };
        let msg_len = 1 + rng.next(9);
        let header = if rng.next(2) == 0 {
            rng.next(msg_len + 1).min(4)
        } else {
            0
        };
        let trailer = if rng.next(3) == 0 {
            (msg_len - header).min(1)
        } else {
            0
        };
        // Sometimes the program gives up after a partial send.
        let sent = if rng.next(5) == 0 {
            1 + rng.next(msg_len)
        } else {
            msg_len
        };
        let mut off = 0;
        while off < sent {
            let accepted = 1 + rng.next(sent - off);
            log.record(from, send_no, accepted, off, msg_len, header, trailer);
            for k in off..off + accepted {
                bytes.push(Byte {
                    send: Some((from, send_no, msg_len)),
                    offset_in_send: k,
                    header: k < header,
                    trailer: k >= msg_len - trailer,
                });
            }
            off += accepted;
        }
    }
    (log, bytes)
}

/// Checks `spans` against the naive model for every `(start, len)` up to a little past the end.
fn check_all_ranges(log: &SendLog, bytes: &[Byte]) {
    let n = log.end_offset();
    assert_eq!(n, bytes.len() as u64);
    for start in 0..=n + 2 {
        for len in 0..=n + 3 - start {
            let got = log.spans(start, len);
            assert_eq!(
                got,
                naive_spans(bytes, start, len),
                "start {start} len {len}"
            );
            // The spans tile the range exactly.
            let mut at = 0;
            for s in &got {
                assert_eq!(s.start, at);
                assert!(s.len > 0);
                assert!(s.header_bytes + s.trailer_bytes <= s.len);
                at += s.len;
            }
            assert_eq!(at, len);
        }
    }
}

#[test]
fn binary_search_matches_naive_model() {
    let mut rng = Lcg(0x50c1ab);
    for _ in 0..200 {
        let (mut log, mut bytes) = random_log(&mut rng);
        // Invariant 1: records are contiguous.
        let mut at = 0;
        for r in log.records() {
            assert_eq!(r.stream_offset, at);
            at = r.end();
        }
        assert_eq!(at, log.end_offset());
        check_all_ranges(&log, &bytes);

        // Forget a prefix: records wholly before the cut go, a straddling one stays.
        let cut = rng.next(log.end_offset() + 1);
        log.forget_before(cut);
        let kept_from = log
            .records()
            .next()
            .map_or(log.end_offset(), |r| r.stream_offset);
        assert!(kept_from <= cut);
        for b in &mut bytes[..kept_from as usize] {
            *b = Byte {
                send: None,
                offset_in_send: 0,
                header: false,
                trailer: false,
            };
        }
        check_all_ranges(&log, &bytes);
    }
}

#[test]
fn a_log_nobody_reads_keeps_at_most_max_records() {
    let mut log = SendLog::new();
    let n = MAX_RECORDS as u64 + 500;
    for i in 0..n {
        log.record(SocketId(1), i as u32 + 1, 10, 0, 10, 0, 0);
    }
    assert_eq!(log.len(), MAX_RECORDS);
    assert_eq!(
        log.end_offset(),
        n * 10,
        "forgetting never renumbers the stream"
    );
    // The newest bytes still know their send; the oldest are of unknown origin.
    let last = log.spans((n - 1) * 10, 10);
    assert_eq!(last[0].send_no, Some(n as u32));
    assert_eq!(log.spans(0, 10)[0].send_no, None);
}
