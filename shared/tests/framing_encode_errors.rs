//! Encoding errors: the sender side refuses to put on the wire anything the receiver
//! would misread, rather than sending it and leaving the student to debug the receiver.

use serde_json::json;
use socklab_shared::framing::{
    Endian, Framing, FramingError, LengthPrefix, LineDelimiter, Message, encode,
};

mod common;

use common::{jh, lines, lp};

#[test]
fn encoding_refuses_what_the_receiver_would_misread() {
    let lf = lines(LineDelimiter::Lf, 100);
    assert_eq!(
        encode(&lf, &Message::new("a\nb")),
        Err(FramingError::DelimiterInBody)
    );
    let crlf = lines(LineDelimiter::CrLf, 100);
    assert_eq!(
        encode(&crlf, &Message::new("a\r\nb")),
        Err(FramingError::DelimiterInBody)
    );
    assert_eq!(
        encode(&lines(LineDelimiter::Lf, 2), &Message::new("abc")),
        Err(FramingError::TooLong { len: 3, max: 2 })
    );
    assert_eq!(
        encode(&lp(LengthPrefix::NETWORK_U32, 2), &Message::new("abc")),
        Err(FramingError::TooLong { len: 3, max: 2 })
    );
    assert_eq!(
        encode(&jh(100, 2), &Message::new("abc")),
        Err(FramingError::TooLong { len: 3, max: 2 })
    );
    // {"size":3} is 10 bytes.
    assert_eq!(
        encode(&jh(9, 100), &Message::new("abc")),
        Err(FramingError::HeaderTooLong { len: 10, max: 9 })
    );
}

#[test]
fn encoding_a_length_that_does_not_fit_the_prefix() {
    let h = LengthPrefix {
        width: 2,
        endian: Endian::Big,
        signed: true,
    };
    let body = vec![0u8; 40_000];
    let err = encode(&lp(h, 1 << 20), &Message::new(body)).unwrap_err();
    assert_eq!(
        err,
        FramingError::LengthDoesNotFit {
            len: 40_000,
            width: 2,
            signed: true
        }
    );
    assert!(err.to_string().contains("2-byte signed"), "{err}");
}

#[test]
fn encoding_a_header_that_is_not_an_object() {
    let err = encode(&jh(100, 100), &Message::with_header(json!([1]), "x")).unwrap_err();
    assert!(
        matches!(&err, FramingError::BadJsonHeader { reason } if reason.contains("an array")),
        "{err:?}"
    );
}

#[test]
fn a_header_on_a_framing_without_one_is_refused() {
    let msg = Message::with_header(json!({"name": "x"}), "x");
    for framing in [
        Framing::Raw,
        lp(LengthPrefix::NETWORK_U32, 100),
        lines(LineDelimiter::Lf, 100),
    ] {
        assert_eq!(
            encode(&framing, &msg),
            Err(FramingError::HeaderNotSupported)
        );
    }
}
