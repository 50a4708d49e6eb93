//! [`FrameDecoder`] against TCP's worst: the same stream delivered in every possible split,
//! and byte by byte. However `recv` cut it up, the messages must come out the same.

use socklab_shared::framing::{
    Endian, FrameDecoder, Framing, FramingError, LengthPrefix, LineDelimiter, Message,
    PartialFrame, encode,
};

mod common;

use common::{json_header, lines, lp, prefix};

/// Framings that have message boundaries (everything but raw), with a few prefix variants.
fn framed() -> Vec<Framing> {
    let wide = prefix(8, Endian::Little, false);
    let short = prefix(2, Endian::Big, true);
    let mut all = Vec::new();
    for prefix in [
        LengthPrefix::PYTHON_NATIVE_I,
        LengthPrefix::NETWORK_U32,
        wide,
        short,
    ] {
        all.push(lp(prefix, 1000));
        all.push(json_header(prefix, 1000, 1000));
    }
    for delimiter in [LineDelimiter::Lf, LineDelimiter::CrLf] {
        all.push(lines(delimiter, 1000));
    }
    all
}

fn sample_bodies() -> Vec<Message> {
    ["hello", "", "world!", "\r", "x"]
        .into_iter()
        .map(Message::new)
        .collect()
}

/// The sent messages as the receiver should see them (JSON headers gain "size").
fn expected(framing: &Framing, msgs: &[Message]) -> Vec<Message> {
    msgs.iter().map(|m| common::expected(framing, m)).collect()
}

fn stream_of(framing: &Framing, msgs: &[Message]) -> Vec<u8> {
    msgs.iter()
        .flat_map(|m| encode(framing, m).unwrap().bytes)
        .collect()
}

/// Pushes each chunk, taking out every complete message after each push, as a receiver
/// loop would.
fn receive(framing: &Framing, chunks: &[&[u8]]) -> (Vec<Message>, FrameDecoder) {
    let mut decoder = FrameDecoder::new(framing.clone());
    let mut got = Vec::new();
    for chunk in chunks {
        decoder.push(chunk);
        while let Some(decoded) = decoder.next_message().unwrap() {
            got.push(decoded.message);
        }
    }
    (got, decoder)
}

#[test]
fn every_single_split_point_gives_the_same_messages() {
    let msgs = sample_bodies();
    for framing in framed() {
        let stream = stream_of(&framing, &msgs);
        for cut in 0..=stream.len() {
            let (a, b) = stream.split_at(cut);
            let (got, decoder) = receive(&framing, &[a, b]);
            assert_eq!(got, expected(&framing, &msgs), "{framing:?} cut at {cut}");
            assert_eq!(decoder.pending(), b"");
            assert_eq!(decoder.partial(), None);
        }
    }
}

#[test]
fn every_pair_of_split_points_gives_the_same_messages() {
    let msgs = sample_bodies();
    for framing in framed() {
        let stream = stream_of(&framing, &msgs);
        for i in 0..=stream.len() {
            for j in i..=stream.len() {
                let chunks = [&stream[..i], &stream[i..j], &stream[j..]];
                let (got, _) = receive(&framing, &chunks);
                assert_eq!(got, expected(&framing, &msgs), "{framing:?} {i} {j}");
            }
        }
    }
}

#[test]
fn byte_by_byte_gives_the_same_messages() {
    let msgs = sample_bodies();
    for framing in framed() {
        let stream = stream_of(&framing, &msgs);
        let chunks: Vec<&[u8]> = stream.chunks(1).collect();
        let (got, _) = receive(&framing, &chunks);
        assert_eq!(got, expected(&framing, &msgs), "{framing:?}");
    }
}

#[test]
fn one_push_can_complete_several_frames() {
    let framing = Framing::LengthPrefixed {
        prefix: LengthPrefix::NETWORK_U32,
        max_len: 100,
    };
    let mut decoder = FrameDecoder::new(framing);
    decoder.push(&[0, 0, 0, 1, b'a', 0, 0, 0, 1, b'b', 0, 0]);
    let first = decoder.next_message().unwrap().unwrap();
    assert_eq!(first.message.body, b"a");
    assert_eq!(first.consumed, 5);
    assert_eq!(decoder.next_message().unwrap().unwrap().message.body, b"b");
    assert_eq!(decoder.next_message().unwrap(), None);
    // Half a prefix is left, waiting.
    assert_eq!(decoder.pending(), [0, 0]);
    assert_eq!(
        decoder.partial(),
        Some(PartialFrame {
            have: 2,
            need: None
        })
    );
    decoder.push(&[0, 3, b'x']);
    assert_eq!(decoder.next_message().unwrap(), None);
    assert_eq!(
        decoder.partial(),
        Some(PartialFrame {
            have: 5,
            need: Some(7)
        })
    );
    decoder.push(b"yz");
    assert_eq!(
        decoder.next_message().unwrap().unwrap().message.body,
        b"xyz"
    );
    assert_eq!(decoder.partial(), None);
}

#[test]
fn partial_json_header_frame_knows_its_length_once_the_header_is_in() {
    let framing = Framing::JsonHeader {
        prefix: LengthPrefix::NETWORK_U32,
        max_header_len: 100,
        max_body_len: 100,
    };
    let frame = encode(&framing, &Message::new("hello")).unwrap();
    let mut decoder = FrameDecoder::new(framing);
    // Prefix, and part of the header: length of the whole frame still unknown.
    decoder.push(&frame.bytes[..frame.header_len - 1]);
    assert_eq!(decoder.next_message().unwrap(), None);
    assert_eq!(decoder.partial().unwrap().need, None);
    // The whole header: now the body length is known.
    decoder.push(&frame.bytes[frame.header_len - 1..frame.header_len + 1]);
    assert_eq!(decoder.next_message().unwrap(), None);
    assert_eq!(
        decoder.partial(),
        Some(PartialFrame {
            have: frame.header_len + 1,
            need: Some(u64::try_from(frame.bytes.len()).unwrap())
        })
    );
}

#[test]
fn partial_lines_and_raw() {
    let mut lines = FrameDecoder::new(Framing::Lines {
        delimiter: LineDelimiter::Lf,
        max_len: 100,
    });
    lines.push(b"par");
    assert_eq!(lines.next_message().unwrap(), None);
    assert_eq!(
        lines.partial(),
        Some(PartialFrame {
            have: 3,
            need: None
        })
    );

    let mut raw = FrameDecoder::new(Framing::Raw);
    raw.push(b"abc");
    assert_eq!(
        raw.partial(),
        Some(PartialFrame {
            have: 3,
            need: Some(3)
        })
    );
}

#[test]
fn raw_merges_sends_and_splits_them_as_they_arrived() {
    let sends = [Message::new("hello"), Message::new("world")];
    let stream = stream_of(&Framing::Raw, &sends);
    // Both sends arrived in one recv: one "message". The sticky-packet problem.
    let (got, _) = receive(&Framing::Raw, &[&stream]);
    assert_eq!(got, [Message::new("helloworld")]);
    // Split unluckily: the boundaries are wherever recv cut, not where send did.
    let (got, _) = receive(&Framing::Raw, &[&stream[..3], &stream[3..]]);
    assert_eq!(got, [Message::new("hel"), Message::new("loworld")]);
    // However it's cut, no bytes are lost or reordered.
    for cut in 0..=stream.len() {
        let (got, _) = receive(&Framing::Raw, &[&stream[..cut], &stream[cut..]]);
        let joined: Vec<u8> = got.into_iter().flat_map(|m| m.body).collect();
        assert_eq!(joined, stream);
    }
}

#[test]
fn an_error_poisons_the_decoder() {
    let mut decoder = FrameDecoder::new(Framing::LengthPrefixed {
        prefix: LengthPrefix::PYTHON_NATIVE_I,
        max_len: 100,
    });
    decoder.push(&[1, 0, 0, 0, b'a']);
    assert_eq!(decoder.next_message().unwrap().unwrap().message.body, b"a");
    decoder.push(&[0xff, 0xff, 0xff, 0xff, b'b']);
    let err = FramingError::NegativeLength { value: -1 };
    assert_eq!(decoder.next_message(), Err(err.clone()));
    // Even a perfectly good frame afterwards can't be trusted to start where we think.
    decoder.push(&[1, 0, 0, 0, b'c']);
    assert_eq!(decoder.next_message(), Err(err.clone()));
    assert_eq!(decoder.next_message(), Err(err.clone()));
    assert_eq!(decoder.error(), Some(&err));
    // The bad frame stays visible; bytes pushed after the error are dropped.
    assert_eq!(decoder.pending(), [0xff, 0xff, 0xff, 0xff, b'b']);
    assert_eq!(
        decoder.partial(),
        Some(PartialFrame {
            have: 5,
            need: None
        })
    );
}

#[test]
fn a_frame_in_the_buffer_is_only_taken_by_next_message() {
    let framing = Framing::Lines {
        delimiter: LineDelimiter::CrLf,
        max_len: 100,
    };
    let mut decoder = FrameDecoder::new(framing.clone());
    assert_eq!(decoder.framing(), &framing);
    assert_eq!(decoder.partial(), None);
    decoder.push(b"hi\r\nrest");
    assert_eq!(
        decoder.partial(),
        Some(PartialFrame {
            have: 8,
            need: Some(4)
        })
    );
    let line = decoder.next_message().unwrap().unwrap();
    assert_eq!(
        (line.consumed, line.header_len, line.trailer_len),
        (4, 0, 2)
    );
    assert_eq!(decoder.pending(), b"rest");
}
