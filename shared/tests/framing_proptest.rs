//! Property tests: random messages × random framings × random `recv` split points.
//!
//! The example-based tests pin down bytes; these check the promises that must hold for
//! *every* input: what is encoded decodes back whole however TCP splits it, and no byte
//! sequence, however broken, makes a decoder panic or answer differently depending on how
//! it was split.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use socklab_shared::framing::{
    Decoded, Endian, FrameDecoder, Framing, FramingError, LengthPrefix, LineDelimiter, Message,
    decode, encode,
};

mod common;

use common::expected;

fn valid_prefix() -> BoxedStrategy<LengthPrefix> {
    (
        prop::sample::select(vec![2u8, 4, 8]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(width, big, signed)| LengthPrefix {
            width,
            endian: if big { Endian::Big } else { Endian::Little },
            signed,
        })
        .boxed()
}

/// Mostly valid prefixes, sometimes a width `struct` can't do.
fn any_prefix() -> BoxedStrategy<LengthPrefix> {
    prop_oneof![
        4 => valid_prefix(),
        1 => (0u8..=9, valid_prefix()).prop_map(|(width, p)| LengthPrefix { width, ..p }),
    ]
    .boxed()
}

fn delimiter() -> impl Strategy<Value = LineDelimiter> {
    prop_oneof![Just(LineDelimiter::Lf), Just(LineDelimiter::CrLf)]
}

/// Any framing, with limits drawn from `limit`.
fn framing(
    prefix: BoxedStrategy<LengthPrefix>,
    limit: BoxedStrategy<u64>,
) -> impl Strategy<Value = Framing> {
    prop_oneof![
        Just(Framing::Raw),
        (prefix.clone(), limit.clone())
            .prop_map(|(prefix, max_len)| Framing::LengthPrefixed { prefix, max_len }),
        (prefix, limit.clone(), limit.clone()).prop_map(
            |(prefix, max_header_len, max_body_len)| Framing::JsonHeader {
                prefix,
                max_header_len,
                max_body_len,
            }
        ),
        (delimiter(), limit).prop_map(|(delimiter, max_len)| Framing::Lines { delimiter, max_len }),
    ]
}

/// Framings every generated message fits in.
fn roomy_framing() -> impl Strategy<Value = Framing> {
    framing(valid_prefix(), (1000u64..=u64::MAX).boxed())
}

fn header() -> impl Strategy<Value = Option<Value>> {
    let field = prop_oneof![
        any::<i64>().prop_map(Value::from),
        "[a-z .]{0,8}".prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ];
    proptest::option::of(
        prop::collection::btree_map("[a-z_]{1,6}", field, 0..4)
            .prop_map(|m: BTreeMap<String, Value>| Value::Object(m.into_iter().collect())),
    )
}

fn raw_messages() -> impl Strategy<Value = Vec<(Option<Value>, Vec<u8>)>> {
    // Bodies favour the delimiter bytes so line framing's edge cases come up often.
    let byte = prop_oneof![3 => any::<u8>(), 1 => Just(b'\r'), 1 => Just(b'\n')];
    prop::collection::vec((header(), prop::collection::vec(byte, 0..48)), 0..6)
}

/// Makes generated messages legal for `framing`: headers only for JSON-header framing,
/// no delimiter inside line bodies, no empty raw messages (a raw stream can't carry them).
fn fit(framing: &Framing, raw: Vec<(Option<Value>, Vec<u8>)>) -> Vec<Message> {
    raw.into_iter()
        .filter_map(|(header, mut body)| {
            let header = match framing {
                Framing::JsonHeader { .. } => header,
                _ => None,
            };
            match framing {
                Framing::Lines {
                    delimiter: LineDelimiter::Lf,
                    ..
                } => body.retain(|&b| b != b'\n'),
                Framing::Lines {
                    delimiter: LineDelimiter::CrLf,
                    ..
                } => {
                    for i in 1..body.len() {
                        if body[i - 1] == b'\r' && body[i] == b'\n' {
                            body[i] = b'n';
                        }
                    }
                }
                Framing::Raw if body.is_empty() => return None,
                _ => {}
            }
            Some(Message { header, body })
        })
        .collect()
}

/// Cuts `bytes` at the given points (reduced modulo its length).
fn split<'a>(bytes: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for p in points {
        chunks.push(&bytes[start..p]);
        start = p;
    }
    chunks.push(&bytes[start..]);
    chunks
}

fn check_layout(d: &Decoded) {
    assert!(
        d.consumed > 0,
        "a frame that uses no bytes would loop forever"
    );
    assert_eq!(
        d.consumed,
        d.header_len + d.message.body.len() + d.trailer_len
    );
}

/// A receiver loop over chunks: messages until the first error, and that error.
fn receive_chunked(framing: &Framing, chunks: &[&[u8]]) -> (Vec<Message>, Option<FramingError>) {
    let mut decoder = FrameDecoder::new(framing.clone());
    let mut got = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        let _ = decoder.partial();
        loop {
            match decoder.next_message() {
                Ok(Some(d)) => {
                    check_layout(&d);
                    got.push(d.message);
                }
                Ok(None) => break,
                Err(e) => {
                    assert_eq!(decoder.next_message(), Err(e.clone()), "poisoned");
                    return (got, Some(e));
                }
            }
        }
    }
    (got, None)
}

/// The same with the plain function over the whole buffer.
fn receive_whole(framing: &Framing, bytes: &[u8]) -> (Vec<Message>, Option<FramingError>) {
    let mut got = Vec::new();
    let mut rest = bytes;
    loop {
        match decode(framing, rest) {
            Ok(Some(d)) => {
                check_layout(&d);
                rest = &rest[d.consumed..];
                got.push(d.message);
            }
            Ok(None) => return (got, None),
            Err(e) => return (got, Some(e)),
        }
    }
}

proptest! {
    #[test]
    fn messages_survive_any_split(
        framing in roomy_framing(),
        raw in raw_messages(),
        cuts in prop::collection::vec(any::<Index>(), 0..8),
    ) {
        let msgs = fit(&framing, raw);
        let mut stream = Vec::new();
        for m in &msgs {
            stream.extend(encode(&framing, m).unwrap().bytes);
        }
        let chunks = split(&stream, &cuts);
        let (got, err) = receive_chunked(&framing, &chunks);
        prop_assert_eq!(err, None);
        if framing == Framing::Raw {
            // No boundaries survive, but every byte does, in order.
            let joined: Vec<u8> = got.into_iter().flat_map(|m| m.body).collect();
            prop_assert_eq!(joined, stream);
        } else {
            let want: Vec<Message> = msgs.iter().map(|m| expected(&framing, m)).collect();
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn whatever_encodes_decodes_back(
        framing in framing(any_prefix(), (0u64..64).boxed()),
        raw in raw_messages(),
    ) {
        for (header, body) in raw {
            let msg = Message { header, body };
            let Ok(enc) = encode(&framing, &msg) else { continue };
            if enc.bytes.is_empty() {
                // Raw with an empty body: nothing goes on the wire.
                prop_assert_eq!(&framing, &Framing::Raw);
                continue;
            }
            let d = decode(&framing, &enc.bytes).unwrap().unwrap();
            prop_assert_eq!(d.consumed, enc.bytes.len());
            prop_assert_eq!(d.header_len, enc.header_len);
            prop_assert_eq!(d.trailer_len, enc.trailer_len);
            prop_assert_eq!(d.message, expected(&framing, &msg));
        }
    }

    #[test]
    fn garbage_never_panics_and_splitting_never_changes_the_answer(
        framing in framing(any_prefix(), prop_oneof![0u64..300, Just(u64::MAX)].boxed()),
        noise in prop::collection::vec(any::<u8>(), 0..200),
        raw in raw_messages(),
        damage in prop::collection::vec((any::<Index>(), any::<u8>()), 0..3),
        use_noise in any::<bool>(),
        cuts in prop::collection::vec(any::<Index>(), 0..8),
    ) {
        // Either pure noise, or a valid-looking stream with a few bytes overwritten, which
        // reaches far deeper into the parsers than noise does.
        let bytes = if use_noise {
            noise
        } else {
            let mut stream: Vec<u8> = fit(&framing, raw)
                .iter()
                .filter_map(|m| encode(&framing, m).ok())
                .flat_map(|e| e.bytes)
                .collect();
            if !stream.is_empty() {
                for (at, byte) in damage {
                    let i = at.index(stream.len());
                    stream[i] = byte;
                }
            }
            stream
        };
        let whole = receive_whole(&framing, &bytes);
        let chunked = receive_chunked(&framing, &split(&bytes, &cuts));
        if framing == Framing::Raw {
            let joined: Vec<u8> = chunked.0.into_iter().flat_map(|m| m.body).collect();
            prop_assert_eq!(joined, bytes);
        } else {
            prop_assert_eq!(chunked, whole);
        }
    }

    #[test]
    fn prefixes_round_trip_and_never_panic(
        p in any_prefix(),
        n in any::<u64>(),
        bytes in prop::collection::vec(any::<u8>(), 0..10),
    ) {
        match p.max_value() {
            Err(e) => {
                prop_assert_eq!(e.clone(), FramingError::BadWidth { width: p.width });
                prop_assert_eq!(p.decode_len(&bytes), Err(e));
            }
            Ok(max) => {
                let n = if n > max { n % (max / 2 + 1) } else { n };
                let enc = p.encode_len(n).unwrap();
                prop_assert_eq!(p.decode_len(&enc), Ok(Some(n)));
                let width = usize::from(p.width);
                match p.decode_len(&bytes) {
                    Ok(None) => prop_assert!(bytes.len() < width),
                    Ok(Some(v)) => {
                        prop_assert!(v <= max);
                        prop_assert_eq!(p.encode_len(v).unwrap(), &bytes[..width]);
                    }
                    Err(FramingError::NegativeLength { value }) => {
                        prop_assert!(p.signed && value < 0);
                    }
                    Err(e) => prop_assert!(false, "unexpected {e:?}"),
                }
            }
        }
    }
}
