//! The upload parser against byte literals, cut at every possible place: whatever TCP does to
//! the stream, the verdicts must be the same.

use super::*;
use serde_json::Value;

/// `struct.pack('i', len(header)) + header + body`, as the course's client sends it.
fn upload(filename: &str, body: &[u8], md5: &str) -> Vec<u8> {
    let header = format!(
        r#"{{"filename": "{filename}", "size": {}, "md5": "{md5}"}}"#,
        body.len()
    );
    let mut out = (header.len() as i32).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

/// A length field followed by `header` as given.
fn raw_header(header: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as i32).to_le_bytes().to_vec();
    out.extend_from_slice(header);
    out
}

/// Feeds `parts` in order, all at the same instant; every outcome.
fn feed_parts(parts: &[&[u8]]) -> Vec<Outcome> {
    let mut r = FileReceiver::default();
    let now = Instant::now();
    parts.iter().flat_map(|p| r.feed(p, now)).collect()
}

fn verdict(o: &Outcome) -> &Verdict {
    match o {
        Outcome::File(v) => v,
        other => panic!("expected a file, got {other:?}"),
    }
}

const ABC_MD5: &str = "900150983cd24fb0d6963f7d28e17f72";

#[test]
fn a_whole_upload_in_one_recv_gives_a_matching_verdict() {
    let out = feed_parts(&[&upload("a.txt", b"abc", ABC_MD5)]);
    assert_eq!(out.len(), 1);
    let v = verdict(&out[0]);
    assert_eq!(
        v.header,
        FileHeader {
            filename: "a.txt".into(),
            size: 3,
            md5: ABC_MD5.into()
        }
    );
    assert_eq!(v.md5_actual, ABC_MD5, "RFC 1321's test vector");
    assert!(v.ok);
}

#[test]
fn every_split_into_two_recvs_and_byte_by_byte_gives_the_same_verdict() {
    let stream = upload("notes.txt", b"socket lab notes\n", "f00");
    let whole = feed_parts(&[&stream]);
    assert!(!verdict(&whole[0]).ok, "f00 is not the md5");
    for cut in 0..=stream.len() {
        let (a, b) = stream.split_at(cut);
        assert_eq!(feed_parts(&[a, b]), whole, "cut at {cut}");
    }
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(feed_parts(&bytes), whole);
}

#[test]
fn two_files_glued_together_are_both_found_wherever_the_stream_is_cut() {
    let body2: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let mut stream = upload("a.txt", b"abc", ABC_MD5);
    stream.extend(upload("b.bin", &body2, "x"));
    let whole = feed_parts(&[&stream]);
    assert_eq!(whole.len(), 2);
    assert!(verdict(&whole[0]).ok);
    assert_eq!(verdict(&whole[1]).header.filename, "b.bin");
    assert_eq!(verdict(&whole[1]).header.size, 1000);
    for cut in 0..=stream.len() {
        let (a, b) = stream.split_at(cut);
        assert_eq!(feed_parts(&[a, b]), whole, "cut at {cut}");
    }
    // Three pieces: every place the first file could end inside a recv.
    for cut in (1..stream.len()).step_by(7) {
        let (a, rest) = stream.split_at(cut);
        let (b, c) = rest.split_at(rest.len() / 2);
        assert_eq!(feed_parts(&[a, b, c]), whole, "cuts at {cut}");
    }
}

#[test]
fn a_wrong_md5_is_a_verdict_and_the_next_file_is_still_parsed() {
    let mut stream = upload("a.txt", b"abc", "00000000000000000000000000000000");
    stream.extend(upload("a.txt", b"abc", &ABC_MD5.to_uppercase()));
    let out = feed_parts(&[&stream]);
    assert!(!verdict(&out[0]).ok);
    assert_eq!(verdict(&out[0]).md5_actual, ABC_MD5);
    assert!(verdict(&out[1]).ok, "hex case doesn't matter");
}

#[test]
fn an_empty_file_is_complete_right_after_its_header() {
    let out = feed_parts(&[&upload("empty", b"", "d41d8cd98f00b204e9800998ecf8427e")]);
    assert!(verdict(&out[0]).ok);
    assert_eq!(verdict(&out[0]).header.size, 0);
}

#[test]
fn malformed_headers_are_reported_once_and_stop_the_parser() {
    let cases: [(Vec<u8>, &str); 8] = [
        ((-5i32).to_le_bytes().to_vec(), "negative"),
        (0i32.to_le_bytes().to_vec(), "empty header"),
        (
            ((MAX_HEADER_LEN + 1) as i32).to_le_bytes().to_vec(),
            "more than the 65536",
        ),
        (raw_header(b"{not json"), "not JSON"),
        (raw_header(b"[1, 2]"), "not an object"),
        (
            raw_header(br#"{"filename": "a", "size": -1, "md5": "x"}"#),
            "\"size\"",
        ),
        (
            raw_header(br#"{"filename": "a", "size": 1.5, "md5": "x"}"#),
            "\"size\"",
        ),
        (raw_header(br#"{"size": 1, "md5": "x"}"#), "\"filename\""),
    ];
    for (mut bytes, says) in cases {
        // A valid upload after the bad header must NOT be parsed: the stream is out of step.
        bytes.extend(upload("a.txt", b"abc", ABC_MD5));
        let mut r = FileReceiver::default();
        let out = r.feed(&bytes, Instant::now());
        match out.as_slice() {
            [Outcome::Malformed(m)] => assert!(m.contains(says), "{m:?} should say {says}"),
            other => panic!("{says}: {other:?}"),
        }
        assert!(r.stopped());
        assert!(r.feed(&upload("b", b"", "x"), Instant::now()).is_empty());
        assert_eq!(r.unfinished(), None);
    }
    // A missing md5 is reported by name.
    let out = feed_parts(&[&raw_header(br#"{"filename": "a", "size": 0}"#)]);
    assert!(matches!(&out[..], [Outcome::Malformed(m)] if m.contains("\"md5\"")));
}

#[test]
fn the_reply_is_the_json_the_course_server_sends() {
    let out = feed_parts(&[&upload("a.txt", b"abc", "bad")]);
    let reply: Value = serde_json::from_slice(&out[0].reply()).unwrap();
    assert_eq!(
        reply,
        json!({"ok": false, "filename": "a.txt", "size": 3, "md5": ABC_MD5})
    );
    let bad: Value =
        serde_json::from_slice(&Outcome::Malformed("bad file header".into()).reply()).unwrap();
    assert_eq!(bad, json!({"ok": false, "error": "bad file header"}));
}

#[test]
fn elapsed_runs_from_the_first_length_byte_to_the_last_body_byte() {
    let stream = upload("a.txt", b"abc", ABC_MD5);
    let t0 = Instant::now();
    let mut r = FileReceiver::default();
    assert!(r.feed(&stream[..2], t0).is_empty());
    let end = stream.len() - 1;
    assert!(
        r.feed(&stream[2..end], t0 + Duration::from_millis(3))
            .is_empty()
    );
    let out = r.feed(&stream[end..], t0 + Duration::from_millis(5));
    assert_eq!(verdict(&out[0]).elapsed, Duration::from_millis(5));
    // The next file's clock starts at its own first byte, not at the end of the previous one.
    let t1 = t0 + Duration::from_secs(60);
    let out = r.feed(&stream, t1);
    assert_eq!(verdict(&out[0]).elapsed, Duration::ZERO);
}

#[test]
fn unfinished_says_where_the_connection_cut_the_upload() {
    let stream = upload("a.txt", b"abc", ABC_MD5);
    let mut r = FileReceiver::default();
    assert_eq!(r.unfinished(), None, "between files a close is fine");
    r.feed(&stream[..2], Instant::now());
    assert!(r.unfinished().unwrap().contains("2 of the 4 bytes"));
    r.feed(&stream[2..6], Instant::now());
    assert!(r.unfinished().unwrap().contains("JSON header"));
    r.feed(&stream[6..stream.len() - 1], Instant::now());
    let cut = r.unfinished().unwrap();
    assert!(cut.contains("1 of the 3 bytes of a.txt"), "{cut}");
}

/// `cargo test -p socklab --release --lib md5_throughput -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check: run it in release"]
fn md5_throughput() {
    const TOTAL: usize = 100 * 1000 * 1000;
    let chunk: Vec<u8> = (0..65536u32).map(|i| (i * 7 + 3) as u8).collect();
    let header = format!(r#"{{"filename": "big.bin", "size": {TOTAL}, "md5": "x"}}"#);
    let mut r = FileReceiver::default();
    r.feed(&raw_header(header.as_bytes()), Instant::now());
    let start = Instant::now();
    let mut left = TOTAL;
    let mut out = Vec::new();
    while left > 0 {
        let n = left.min(chunk.len());
        out.extend(r.feed(&chunk[..n], Instant::now()));
        left -= n;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(out.len(), 1);
    let rate = TOTAL as f64 / secs / 1e6;
    println!("MD5 through FileReceiver::feed: {TOTAL} bytes in {secs:.3} s = {rate:.0} MB/s");
    assert!(rate > 300.0, "{rate:.0} MB/s");
}
