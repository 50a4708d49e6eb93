//! Malformed input on the receiving side: every way a frame can be wrong gives its own
//! error, early, and in words a student can act on. Never a panic, never a receiver
//! waiting forever.

use serde_json::json;
use socklab_shared::framing::{
    Endian, FrameDecoder, Framing, FramingError, LengthPrefix, LineDelimiter, Message, decode,
    encode,
};

mod common;

use common::{jh, lines, lp};

/// A JSON-header frame with `header` as the header text, without any body.
fn json_frame(header: &str) -> Vec<u8> {
    let mut bytes = u32::try_from(header.len()).unwrap().to_be_bytes().to_vec();
    bytes.extend_from_slice(header.as_bytes());
    bytes
}

#[test]
fn negative_length_prefix() {
    let framing = lp(LengthPrefix::PYTHON_NATIVE_I, 1000);
    let err = decode(&framing, &[0xfb, 0xff, 0xff, 0xff, b'x']).unwrap_err();
    assert_eq!(err, FramingError::NegativeLength { value: -5 });
    let text = err.to_string();
    assert!(text.contains("-5"), "{text}");
    assert!(text.contains("'i'") && text.contains("'!I'"), "{text}");
}

#[test]
fn length_over_the_limit_is_refused_before_the_body_arrives() {
    let framing = lp(LengthPrefix::NETWORK_U32, 1000);
    // Only the prefix has arrived; waiting for 1001 bytes would be pointless.
    assert_eq!(
        decode(&framing, &[0, 0, 0x03, 0xe9]),
        Err(FramingError::TooLong {
            len: 1001,
            max: 1000
        })
    );
    // Exactly at the limit is fine.
    assert_eq!(decode(&framing, &[0, 0, 0x03, 0xe8]), Ok(None));
}

#[test]
fn native_i_read_as_network_u32_is_over_the_limit() {
    let sent = encode(
        &lp(LengthPrefix::PYTHON_NATIVE_I, 1 << 20),
        &Message::new("hello"),
    )
    .unwrap();
    assert_eq!(
        decode(&lp(LengthPrefix::NETWORK_U32, 1 << 20), &sent.bytes),
        Err(FramingError::TooLong {
            len: 83_886_080,
            max: 1 << 20
        })
    );
}

#[test]
fn json_header_that_is_not_json() {
    let err = decode(&jh(100, 100), &json_frame("{size: 2}")).unwrap_err();
    assert!(
        matches!(&err, FramingError::BadJsonHeader { reason } if reason.contains("not valid JSON")),
        "{err:?}"
    );
    // Invalid UTF-8 is not JSON either.
    let mut bytes = vec![0, 0, 0, 2];
    bytes.extend_from_slice(&[0xff, 0xfe]);
    assert!(matches!(
        decode(&jh(100, 100), &bytes),
        Err(FramingError::BadJsonHeader { .. })
    ));
}

#[test]
fn json_header_that_is_not_an_object() {
    for (header, kind) in [
        ("[1,2]", "an array"),
        ("\"hi\"", "a string"),
        ("5", "a number"),
        ("null", "null"),
    ] {
        let err = decode(&jh(100, 100), &json_frame(header)).unwrap_err();
        assert!(
            matches!(&err, FramingError::BadJsonHeader { reason } if reason.contains(kind)),
            "{header}: {err:?}"
        );
    }
}

#[test]
fn json_header_without_size() {
    assert_eq!(
        decode(&jh(100, 100), &json_frame(r#"{"name":"a.txt"}"#)),
        Err(FramingError::MissingSize)
    );
}

#[test]
fn json_header_with_a_bad_size() {
    for (header, found) in [
        (r#"{"size":-5}"#, "-5"),
        (r#"{"size":2.5}"#, "2.5"),
        (r#"{"size":"2"}"#, "\"2\""),
        (r#"{"size":null}"#, "null"),
    ] {
        assert_eq!(
            decode(&jh(100, 100), &json_frame(header)),
            Err(FramingError::BadSize {
                found: found.to_owned()
            }),
            "{header}"
        );
    }
}

#[test]
fn json_header_limits() {
    // Header length over the limit: refused from the prefix alone.
    assert_eq!(
        decode(&jh(10, 100), &[0, 0, 0, 11]),
        Err(FramingError::HeaderTooLong { len: 11, max: 10 })
    );
    // Body size over the limit: refused as soon as the header is parsed.
    assert_eq!(
        decode(&jh(100, 100), &json_frame(r#"{"size":101}"#)),
        Err(FramingError::TooLong { len: 101, max: 100 })
    );
    // A signed header-length prefix can be negative too.
    let signed = Framing::JsonHeader {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_header_len: 100,
        max_body_len: 100,
    };
    assert_eq!(
        decode(&signed, &[0xff, 0xff, 0xff, 0xff]),
        Err(FramingError::NegativeLength { value: -1 })
    );
}

#[test]
fn width_3_is_refused_by_every_entry_point() {
    let p = LengthPrefix {
        width: 3,
        endian: Endian::Big,
        signed: false,
    };
    let bad = FramingError::BadWidth { width: 3 };
    for framing in [
        lp(p, 100),
        Framing::JsonHeader {
            prefix: p,
            max_header_len: 100,
            max_body_len: 100,
        },
    ] {
        assert_eq!(framing.validate(), Err(bad.clone()));
        assert_eq!(encode(&framing, &Message::new("x")), Err(bad.clone()));
        assert_eq!(decode(&framing, &[0, 0, 1, b'x']), Err(bad.clone()));
        let mut decoder = FrameDecoder::new(framing);
        assert_eq!(decoder.error(), Some(&bad));
        decoder.push(&[0, 0, 1, b'x']);
        assert_eq!(decoder.next_message(), Err(bad.clone()));
    }
    assert_eq!(Framing::Raw.validate(), Ok(()));
    assert_eq!(lines(LineDelimiter::Lf, 0).validate(), Ok(()));
}

#[test]
fn line_too_long_without_a_delimiter() {
    let framing = lines(LineDelimiter::Lf, 5);
    assert_eq!(decode(&framing, b"12345"), Ok(None));
    assert_eq!(
        decode(&framing, b"123456"),
        Err(FramingError::LineTooLong { max: 5 })
    );
    // A delimiter that comes too late doesn't rescue the line.
    assert_eq!(
        decode(&framing, b"123456\n"),
        Err(FramingError::LineTooLong { max: 5 })
    );
    assert_eq!(
        decode(&framing, b"12345\n").unwrap().unwrap().message.body,
        b"12345"
    );
}

#[test]
fn crlf_line_limit_allows_for_half_a_delimiter() {
    let framing = lines(LineDelimiter::CrLf, 3);
    // "abc\r" could still become "abc\r\n": wait.
    assert_eq!(decode(&framing, b"abc\r"), Ok(None));
    assert_eq!(
        decode(&framing, b"abc\rx"),
        Err(FramingError::LineTooLong { max: 3 })
    );
    assert_eq!(
        decode(&framing, b"abc\r\n").unwrap().unwrap().message.body,
        b"abc"
    );
}

#[test]
fn every_error_explains_itself_and_serializes() {
    let all = [
        FramingError::NegativeLength { value: -5 },
        FramingError::TooLong { len: 9, max: 8 },
        FramingError::HeaderTooLong { len: 9, max: 8 },
        FramingError::LineTooLong { max: 8 },
        FramingError::BadJsonHeader {
            reason: "it is not valid JSON".into(),
        },
        FramingError::MissingSize,
        FramingError::BadSize { found: "-1".into() },
        FramingError::BadWidth { width: 3 },
        FramingError::LengthDoesNotFit {
            len: 70_000,
            width: 2,
            signed: false,
        },
        FramingError::DelimiterInBody,
        FramingError::HeaderNotSupported,
    ];
    for err in all {
        let text = err.to_string();
        // Says what happened and what to do: long enough to hold both, and no Debug noise.
        assert!(text.len() > 60, "{text}");
        assert!(!text.contains("{") || text.contains("{\"size\""), "{text}");
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<FramingError>(&json).unwrap(), err);
    }
    assert_eq!(
        serde_json::to_value(FramingError::NegativeLength { value: -5 }).unwrap(),
        json!({"kind": "negative_length", "value": -5})
    );
}
