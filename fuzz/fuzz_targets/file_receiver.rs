//! Fuzzes the upload parser of experiment 13, `socklab::engine::file_receiver::FileReceiver`:
//! `feed` with the stream cut into pieces at fuzzer-chosen points, then `unfinished()`.
//!
//! Input layout: byte 0 is `k` (`% 9`, 0-8 cut points), then `k` little-endian u16 cut
//! offsets (taken modulo the stream length and sorted), then the stream a client sent:
//! `struct.pack('i', len(header)) + header + body`, any number of times, or garbage.
//!
//! The stream is fed three ways: in one `feed`, in the pieces the cut points make (each piece
//! one microsecond after the previous), and one byte per `feed`.
//!
//! Invariants asserted:
//! - nothing panics (`feed`, `unfinished`, `stopped`, `Outcome::reply`, `Outcome::event`,
//!   `cut_short`);
//! - all three ways give the same outcomes (elapsed times aside) and the same final state:
//!   TCP may cut the stream anywhere;
//! - the outcomes equal those of an independent reference parser written here from the
//!   module's documented wire format: every file's header fields, its MD5 (computed here
//!   with the md-5 crate over the exact body bytes) and the `ok` verdict; a malformed header
//!   at the same place, as the last outcome, after which the receiver reports `stopped()`;
//! - `unfinished()` is `Some` exactly when the stream ends inside a file;
//! - a verdict's `elapsed` is never longer than the time the feeding took;
//! - `reply()` is a JSON object whose `ok` matches the verdict;
//! - every accepted header, written back with `FileHeader::framed()` (what the page and the
//!   generated Python send), has a correct length field and parses back to itself.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};
use serde_json::Value;
use socklab::engine::file_receiver::{
    FileHeader, FileReceiver, LEN_BYTES, MAX_HEADER_LEN, Outcome, cut_short,
};
use socklab_shared::protocol::SocketId;

/// What the reference parser expects of one outcome.
#[derive(Debug, PartialEq)]
enum Want {
    File {
        header: FileHeader,
        md5: String,
        ok: bool,
    },
    Malformed,
}

/// The reference: the documented format, read front to back with the whole stream at hand.
/// Returns the outcomes and whether the stream ends inside a file.
fn reference(stream: &[u8]) -> (Vec<Want>, bool) {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        let rest = &stream[at..];
        if rest.is_empty() {
            return (out, false);
        }
        let Some(len) = rest.first_chunk::<LEN_BYTES>() else {
            return (out, true);
        };
        let need = i32::from_le_bytes(*len);
        if need < 1 || need as usize > MAX_HEADER_LEN {
            out.push(Want::Malformed);
            return (out, false);
        }
        let need = need as usize;
        let Some(json) = rest.get(LEN_BYTES..LEN_BYTES + need) else {
            return (out, true);
        };
        let Some(header) = header_of(json) else {
            out.push(Want::Malformed);
            return (out, false);
        };
        let body_start = LEN_BYTES + need;
        let available = (rest.len() - body_start) as u64;
        if header.size > available {
            return (out, true);
        }
        let body = &rest[body_start..body_start + header.size as usize];
        let md5: String = Md5::digest(body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let ok = md5.eq_ignore_ascii_case(header.md5.trim());
        at += body_start + body.len();
        out.push(Want::File { header, md5, ok });
    }
}

fn header_of(json: &[u8]) -> Option<FileHeader> {
    let Value::Object(map) = serde_json::from_slice::<Value>(json).ok()? else {
        return None;
    };
    Some(FileHeader {
        filename: map.get("filename")?.as_str()?.to_owned(),
        size: map.get("size")?.as_u64()?,
        md5: map.get("md5")?.as_str()?.to_owned(),
    })
}

fn want_of(o: &Outcome) -> Want {
    match o {
        Outcome::File(v) => Want::File {
            header: v.header.clone(),
            md5: v.md5_actual.clone(),
            ok: v.ok,
        },
        Outcome::Malformed(_) => Want::Malformed,
    }
}

/// Feeds `pieces` in order, the n-th at `start + n µs`; all outcomes and the final state.
fn run<'a>(
    pieces: impl Iterator<Item = &'a [u8]>,
    start: Instant,
) -> (Vec<Outcome>, FileReceiver, Duration) {
    let mut r = FileReceiver::default();
    let mut out = Vec::new();
    let mut now = start;
    for piece in pieces {
        now += Duration::from_micros(1);
        out.extend(r.feed(piece, now));
    }
    (out, r, now - start)
}

fn check_outcomes(outcomes: &[Outcome], r: &FileReceiver, took: Duration, want: &[Want]) {
    let got: Vec<Want> = outcomes.iter().map(want_of).collect();
    assert_eq!(got, want, "outcomes differ from the reference");
    for (i, o) in outcomes.iter().enumerate() {
        let reply: Value = serde_json::from_slice(&o.reply()).expect("reply is JSON");
        match o {
            Outcome::File(v) => {
                assert!(v.elapsed <= took, "elapsed {:?} > {took:?}", v.elapsed);
                assert_eq!(reply["ok"], Value::Bool(v.ok));
                assert_eq!(v.md5_actual.len(), 32);
                // What the page and the generated Python send for this header must parse
                // back to it (socklab_shared::upload's invariant).
                let framed = v.header.framed();
                let (len, json) = framed.split_at(LEN_BYTES);
                assert_eq!(len, (json.len() as i32).to_le_bytes(), "length field");
                assert_eq!(FileHeader::parse(json).ok().as_ref(), Some(&v.header));
            }
            Outcome::Malformed(message) => {
                assert_eq!(i, outcomes.len() - 1, "outcomes after a malformed header");
                assert!(r.stopped(), "a malformed header did not stop the receiver");
                assert!(!message.is_empty());
                assert_eq!(reply["ok"], Value::Bool(false));
            }
        }
        let _ = o.event(SocketId(1));
    }
    if r.stopped() {
        assert!(matches!(outcomes.last(), Some(Outcome::Malformed(_))));
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let k = usize::from(k % 9);
    let Some((cut_bytes, stream)) = rest.split_at_checked(2 * k) else {
        return;
    };
    let mut cuts: Vec<usize> = cut_bytes
        .chunks_exact(2)
        .map(|c| usize::from(u16::from_le_bytes([c[0], c[1]])) % (stream.len() + 1))
        .collect();
    cuts.sort_unstable();
    cuts.push(stream.len());

    let (want, ends_inside) = reference(stream);
    let start = Instant::now();

    let (whole, r_whole, took) = run(std::iter::once(stream), start);
    check_outcomes(&whole, &r_whole, took, &want);

    let mut from = 0;
    let pieces = cuts.iter().map(|&to| {
        let piece = &stream[from..to];
        from = to;
        piece
    });
    let (cut, r_cut, took) = run(pieces, start);
    check_outcomes(&cut, &r_cut, took, &want);

    let (bytes, r_bytes, took) = run(stream.chunks(1), start);
    check_outcomes(&bytes, &r_bytes, took, &want);

    for r in [&r_whole, &r_cut, &r_bytes] {
        let unfinished = r.unfinished();
        assert_eq!(
            unfinished.is_some(),
            ends_inside,
            "unfinished() = {unfinished:?}"
        );
        assert_eq!(
            unfinished,
            r_whole.unfinished(),
            "the end state depends on the cuts"
        );
        assert_eq!(r.stopped(), r_whole.stopped());
        if let Some(message) = unfinished {
            let _ = cut_short(SocketId(1), message);
        }
    }
});
