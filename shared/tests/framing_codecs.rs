//! Each codec, byte for byte, and a round trip through every codec and prefix variant.

use serde_json::json;
use socklab_shared::framing::{
    Decoded, Encoded, Framing, LengthPrefix, LineDelimiter, Message, decode, encode,
};

mod common;

use common::expected;

const MIB: u64 = 1 << 20;

fn lp(prefix: LengthPrefix) -> Framing {
    common::lp(prefix, MIB)
}

fn jh(prefix: LengthPrefix) -> Framing {
    common::json_header(prefix, 4096, MIB)
}

fn lines(delimiter: LineDelimiter) -> Framing {
    common::lines(delimiter, MIB)
}

/// Every framing the lab offers, with every prefix variant.
fn all_framings() -> Vec<Framing> {
    let mut all = vec![
        Framing::Raw,
        lines(LineDelimiter::Lf),
        lines(LineDelimiter::CrLf),
    ];
    for p in common::all_prefixes() {
        all.push(lp(p));
        all.push(jh(p));
    }
    all
}

fn decode_all(framing: &Framing, bytes: &[u8]) -> Decoded {
    decode(framing, bytes).unwrap().expect("a whole frame")
}

#[test]
fn raw_sends_the_body_as_is_and_takes_everything_buffered() {
    let enc = encode(&Framing::Raw, &Message::new("hello")).unwrap();
    assert_eq!(
        enc,
        Encoded {
            bytes: b"hello".to_vec(),
            header_len: 0,
            trailer_len: 0
        }
    );
    // Two sends that arrived together come out as ONE message: the sticky-packet problem.
    let got = decode_all(&Framing::Raw, b"helloworld");
    assert_eq!(got.message, Message::new("helloworld"));
    assert_eq!(got.consumed, 10);
    assert_eq!(decode(&Framing::Raw, b"").unwrap(), None);
}

#[test]
fn length_prefixed_network_u32_bytes() {
    let framing = lp(LengthPrefix::NETWORK_U32);
    let enc = encode(&framing, &Message::new("hi")).unwrap();
    assert_eq!(enc.bytes, [0, 0, 0, 2, b'h', b'i']);
    assert_eq!(enc.header_len, 4);
    assert_eq!(enc.trailer_len, 0);
    assert_eq!(enc.header_bytes(), [0, 0, 0, 2]);
    assert_eq!(enc.body_bytes(), b"hi");
    assert_eq!(enc.trailer_bytes(), b"");
}

#[test]
fn length_prefixed_native_i_bytes() {
    let framing = lp(LengthPrefix::PYTHON_NATIVE_I);
    let enc = encode(&framing, &Message::new("hello")).unwrap();
    assert_eq!(enc.bytes, b"\x05\x00\x00\x00hello");
}

#[test]
fn length_prefixed_decode_leaves_the_next_frame_alone() {
    let framing = lp(LengthPrefix::NETWORK_U32);
    let stream = [0, 0, 0, 2, b'h', b'i', 0, 0, 0, 1, b'!'];
    let first = decode_all(&framing, &stream);
    assert_eq!(first.message, Message::new("hi"));
    assert_eq!(
        (first.consumed, first.header_len, first.trailer_len),
        (6, 4, 0)
    );
    let second = decode_all(&framing, &stream[first.consumed..]);
    assert_eq!(second.message, Message::new("!"));
}

#[test]
fn length_prefixed_waits_for_the_whole_body() {
    let framing = lp(LengthPrefix::NETWORK_U32);
    assert_eq!(decode(&framing, &[0, 0, 0, 2, b'h']).unwrap(), None);
    assert_eq!(decode(&framing, &[0, 0]).unwrap(), None);
}

#[test]
fn an_empty_message_is_just_a_zero_length() {
    let framing = lp(LengthPrefix::NETWORK_U32);
    let enc = encode(&framing, &Message::new("")).unwrap();
    assert_eq!(enc.bytes, [0, 0, 0, 0]);
    let got = decode_all(&framing, &enc.bytes);
    assert_eq!(got.message, Message::new(""));
    assert_eq!(got.consumed, 4);
}

#[test]
fn json_header_bytes() {
    let framing = jh(LengthPrefix::NETWORK_U32);
    let enc = encode(&framing, &Message::new("hi")).unwrap();
    let mut want = vec![0, 0, 0, 10];
    want.extend_from_slice(br#"{"size":2}"#);
    want.extend_from_slice(b"hi");
    assert_eq!(enc.bytes, want);
    assert_eq!(enc.header_len, 14);
    assert_eq!(enc.body_bytes(), b"hi");

    let got = decode_all(&framing, &enc.bytes);
    assert_eq!(got.message, Message::with_header(json!({"size": 2}), "hi"));
    assert_eq!((got.consumed, got.header_len, got.trailer_len), (16, 14, 0));
}

#[test]
fn json_header_keeps_extra_fields_and_overwrites_size() {
    let framing = jh(LengthPrefix::PYTHON_NATIVE_I);
    let msg = Message::with_header(json!({"name": "a.txt", "size": 999}), "abc");
    let enc = encode(&framing, &msg).unwrap();
    let got = decode_all(&framing, &enc.bytes);
    assert_eq!(
        got.message.header,
        Some(json!({"name": "a.txt", "size": 3}))
    );
    assert_eq!(got.message.body, b"abc");
}

#[test]
fn json_header_waits_for_header_then_body() {
    let framing = jh(LengthPrefix::NETWORK_U32);
    let enc = encode(&framing, &Message::new("hi")).unwrap();
    for cut in 0..enc.bytes.len() {
        assert_eq!(decode(&framing, &enc.bytes[..cut]).unwrap(), None, "{cut}");
    }
}

#[test]
fn json_header_accepts_a_pretty_printed_header_from_python() {
    // json.dumps default separators put spaces in; the receiver must not care.
    let header = br#"{"size": 2, "name": "x"}"#;
    let mut bytes = vec![0, 0, 0, u8::try_from(header.len()).unwrap()];
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(b"hi");
    let got = decode_all(&jh(LengthPrefix::NETWORK_U32), &bytes);
    assert_eq!(got.message.body, b"hi");
    assert_eq!(got.header_len, 4 + header.len());
}

#[test]
fn lines_put_the_delimiter_after_the_body() {
    let lf = encode(&lines(LineDelimiter::Lf), &Message::new("hi")).unwrap();
    assert_eq!(lf.bytes, b"hi\n");
    assert_eq!((lf.header_len, lf.trailer_len), (0, 1));
    assert_eq!(lf.trailer_bytes(), b"\n");

    let crlf = encode(&lines(LineDelimiter::CrLf), &Message::new("hi")).unwrap();
    assert_eq!(crlf.bytes, b"hi\r\n");
    assert_eq!((crlf.header_len, crlf.trailer_len), (0, 2));
    assert_eq!(crlf.body_bytes(), b"hi");
}

#[test]
fn lines_decode_one_line_at_a_time() {
    let framing = lines(LineDelimiter::Lf);
    let got = decode_all(&framing, b"one\ntwo\n");
    assert_eq!(got.message, Message::new("one"));
    assert_eq!((got.consumed, got.header_len, got.trailer_len), (4, 0, 1));
    assert_eq!(decode(&framing, b"no newline yet").unwrap(), None);
    // An empty line is a message too.
    assert_eq!(decode_all(&framing, b"\n").message, Message::new(""));
}

#[test]
fn crlf_bodies_may_hold_lone_cr_and_lf() {
    let framing = lines(LineDelimiter::CrLf);
    for body in [&b"a\rb"[..], b"a\nb", b"\n", b"\r", b"a\r", b"\nx\r"] {
        let enc = encode(&framing, &Message::new(body)).unwrap();
        let got = decode_all(&framing, &enc.bytes);
        assert_eq!(got.message.body, body);
        assert_eq!(got.consumed, enc.bytes.len());
    }
    // A CR at the end of the buffer might be half a delimiter: wait.
    assert_eq!(decode(&framing, b"abc\r").unwrap(), None);
}

#[test]
fn an_lf_receiver_sees_the_cr_of_a_crlf_sender() {
    let sent = encode(&lines(LineDelimiter::CrLf), &Message::new("hi")).unwrap();
    let got = decode_all(&lines(LineDelimiter::Lf), &sent.bytes);
    assert_eq!(got.message.body, b"hi\r");
}

#[test]
fn every_codec_and_prefix_round_trips() {
    let bodies: [&[u8]; 5] = [
        b"",
        b"x",
        b"hello world",
        &[0, 0xff, 0x80, 0x7f],
        &[b'z'; 300],
    ];
    for framing in all_framings() {
        for body in bodies {
            let msg = Message::new(body);
            if framing == Framing::Raw && body.is_empty() {
                // A raw stream can't carry an empty message: nothing is sent.
                assert_eq!(encode(&framing, &msg).unwrap().bytes, b"");
                continue;
            }
            let enc = encode(&framing, &msg).unwrap();
            assert_eq!(enc.body_bytes(), body, "{framing:?}");
            let got = decode_all(&framing, &enc.bytes);
            assert_eq!(got.message, expected(&framing, &msg), "{framing:?}");
            assert_eq!(got.consumed, enc.bytes.len());
            assert_eq!(got.header_len, enc.header_len);
            assert_eq!(got.trailer_len, enc.trailer_len);
            assert_eq!(
                got.consumed,
                got.header_len + got.message.body.len() + got.trailer_len
            );
        }
    }
}

#[test]
fn framings_travel_as_tagged_snake_case_json() {
    let framing: Framing = serde_json::from_str(
        r#"{"kind":"length_prefixed","prefix":{"width":4,"endian":"little","signed":true},"max_len":1048576}"#,
    )
    .unwrap();
    assert_eq!(framing, lp(LengthPrefix::PYTHON_NATIVE_I));
    assert_eq!(
        serde_json::to_value(Framing::Raw).unwrap(),
        json!({"kind": "raw"})
    );
    assert_eq!(
        serde_json::to_value(lines(LineDelimiter::CrLf)).unwrap(),
        json!({"kind": "lines", "delimiter": "cr_lf", "max_len": MIB})
    );
    let alias: Framing =
        serde_json::from_value(json!({"kind": "lines", "delimiter": "crlf", "max_len": 9}))
            .unwrap();
    assert_eq!(
        alias,
        Framing::Lines {
            delimiter: LineDelimiter::CrLf,
            max_len: 9
        }
    );
    for framing in all_framings() {
        let text = serde_json::to_string(&framing).unwrap();
        assert_eq!(serde_json::from_str::<Framing>(&text).unwrap(), framing);
    }
}

#[test]
fn messages_and_frames_serialize() {
    let framing = jh(LengthPrefix::NETWORK_U32);
    let enc = encode(&framing, &Message::new("hi")).unwrap();
    let got = decode_all(&framing, &enc.bytes);
    let text = serde_json::to_string(&got).unwrap();
    assert_eq!(serde_json::from_str::<Decoded>(&text).unwrap(), got);
    let text = serde_json::to_string(&enc).unwrap();
    assert_eq!(serde_json::from_str::<Encoded>(&text).unwrap(), enc);
}
