//! The receiver's decoder, replayed: what a correct receiver would have assembled from the
//! bytes this socket's `recv` calls returned so far.
//!
//! Every byte a `recv` returned (in order, as the history recorded it) is pushed into a
//! [`FrameDecoder`]; whole messages come off the front, and what is left is a frame still
//! waiting for the rest of its bytes. The view is a pure function of the history, so it
//! follows the timeline's cursor like everything else on the page.

use socklab_shared::framing::{FrameDecoder, Framing, LengthPrefix, PartialFrame};
use socklab_shared::protocol::{Command, Envelope, Event, SentCommands, SocketId};

use crate::i18n::panels::PanelText;
use crate::i18n::{Lang, fill};

/// One whole message the decoder assembled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedMessage {
    /// The message body, without its framing.
    pub body: Vec<u8>,
    /// Framing bytes in front of the body (the length prefix).
    pub header_len: usize,
    /// Framing bytes after the body (a line delimiter).
    pub trailer_len: usize,
}

/// What the decoder holds after the socket's `recv` results so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecoderView {
    /// Whole messages, in order.
    pub messages: Vec<DecodedMessage>,
    /// The frame still waiting for bytes, if any.
    pub partial: Option<PartialFrame>,
    /// The bytes of that frame that have arrived.
    pub pending: Vec<u8>,
    /// Why decoding stopped (a bad length, say): the stream can't be decoded past it.
    pub error: Option<String>,
    /// How many `recv` calls fed the decoder.
    pub recvs: usize,
    /// Some received bytes are not in the history (auto-recv summarised them), so the
    /// decoder saw a stream with a hole in it.
    pub gap: bool,
}

impl DecoderView {
    /// "waiting for 3 more bytes", or what is known while the header itself is incomplete
    /// (in `lang`).
    pub fn partial_text(&self, lang: Lang) -> Option<String> {
        let t = PanelText::of(lang);
        let p = self.partial.as_ref()?;
        Some(match p.need {
            Some(need) => {
                let missing = need.saturating_sub(p.have as u64);
                let template = if missing == 1 {
                    t.waiting_one_more
                } else {
                    t.waiting_more
                };
                fill(template, &[&missing, &p.have, &need])
            }
            None if p.have == 1 => fill(t.waiting_unknown_one, &[&p.have]),
            None => fill(t.waiting_unknown, &[&p.have]),
        })
    }
}

/// Feeds every `recv` result of `socket` in `history` (in order) into a decoder for
/// `framing`, and reports what it assembled.
pub fn decode_received(history: &[Envelope], socket: SocketId, framing: &Framing) -> DecoderView {
    let mut decoder = FrameDecoder::new(framing.clone());
    let mut view = DecoderView::default();
    let mut expected_offset = 0u64;
    for env in history {
        match &env.event {
            Event::Received {
                socket: s,
                data,
                stream_offset,
                ..
            } if *s == socket && !data.is_empty() => {
                view.gap |= *stream_offset != expected_offset;
                expected_offset = stream_offset + data.len() as u64;
                view.recvs += 1;
                decoder.push(data.as_bytes());
                drain(&mut decoder, &mut view);
            }
            Event::AutoSummary {
                socket: s, bytes, ..
            } if *s == socket && *bytes > 0 => view.gap = true,
            _ => {}
        }
    }
    if view.error.is_none() {
        view.partial = decoder.partial();
        view.pending = decoder.pending().to_vec();
    }
    view
}

/// Takes every whole message off the decoder.
fn drain(decoder: &mut FrameDecoder, view: &mut DecoderView) {
    if view.error.is_some() {
        return;
    }
    loop {
        match decoder.next_message() {
            Ok(Some(d)) => view.messages.push(DecodedMessage {
                body: d.message.body,
                header_len: d.header_len,
                trailer_len: d.trailer_len,
            }),
            Ok(None) => return,
            Err(e) => {
                view.error = Some(e.to_string());
                return;
            }
        }
    }
}

/// The length prefix of this socket's latest send, if that send was length-prefixed. A
/// program reads with the protocol it writes (the chat's clients send and receive
/// `struct.pack('!I', n)` frames), so a socket's decoder starts there until the user picks.
pub fn prefix_sent_by(sent: &SentCommands, socket: SocketId) -> Option<LengthPrefix> {
    let latest = sent
        .iter()
        .filter_map(|(req, command)| match command {
            Command::Send {
                socket: s, framing, ..
            }
            | Command::SendAll {
                socket: s, framing, ..
            } if *s == socket => Some((*req, framing)),
            _ => None,
        })
        .max_by_key(|(req, _)| *req)?;
    match latest.1 {
        Framing::LengthPrefixed { prefix, .. } => Some(*prefix),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::Payload;
    use socklab_shared::framing::{LengthPrefix, Message, encode};
    use socklab_shared::protocol::Sequencer;

    const ME: SocketId = SocketId(3);

    fn len_i() -> Framing {
        Framing::LengthPrefixed {
            prefix: LengthPrefix::PYTHON_NATIVE_I,
            max_len: 1 << 20,
        }
    }

    fn wire(framing: &Framing, bodies: &[&str]) -> Vec<u8> {
        bodies
            .iter()
            .flat_map(|b| encode(framing, &Message::new(b.as_bytes())).unwrap().bytes)
            .collect()
    }

    /// The history of `socket` receiving `stream` in pieces of `bufsize` bytes.
    fn recvs(socket: SocketId, stream: &[u8], bufsize: usize) -> Vec<Envelope> {
        let mut seq = Sequencer::default();
        stream
            .chunks(bufsize)
            .enumerate()
            .map(|(i, chunk)| {
                seq.stamp(
                    0,
                    None,
                    Event::Received {
                        socket,
                        data: Payload::new(chunk),
                        bufsize: bufsize as u32,
                        eof: false,
                        spans: vec![],
                        stream_offset: (i * bufsize) as u64,
                        summary: String::new(),
                        auto: false,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn two_messages_split_across_recv3_calls() {
        let framing = len_i();
        let stream = wire(&framing, &["hello", "world"]);
        assert_eq!(&stream[..4], &[5, 0, 0, 0], "struct.pack('i', 5)");
        let h = recvs(ME, &stream, 3);
        assert_eq!(h.len(), 6, "18 bytes in recv(3) calls");
        let v = decode_received(&h, ME, &framing);
        let bodies: Vec<_> = v.messages.iter().map(|m| m.body.as_slice()).collect();
        assert_eq!(bodies, [b"hello", b"world"]);
        assert!(v.messages.iter().all(|m| m.header_len == 4));
        assert_eq!(v.partial, None);
        assert_eq!(v.recvs, 6);
        assert!(!v.gap && v.error.is_none());

        // After the first two recv(3) calls: 6 bytes, the header and "he".
        let early = decode_received(&h[..2], ME, &framing);
        assert!(early.messages.is_empty());
        assert_eq!(
            early.partial,
            Some(PartialFrame {
                have: 6,
                need: Some(9)
            })
        );
        assert_eq!(early.pending, b"\x05\0\0\0he");
        assert_eq!(
            early.partial_text(Lang::En).unwrap(),
            "waiting for 3 more bytes: 6 of a 9-byte frame are here"
        );

        // After four: hello is whole; 3 of world's 4 header bytes wait, so its length is
        // not known yet.
        let mid = decode_received(&h[..4], ME, &framing);
        assert_eq!(mid.messages.len(), 1);
        assert_eq!(
            mid.partial,
            Some(PartialFrame {
                have: 3,
                need: None
            })
        );
        // After five: the header is whole and says 5, so 9 bytes in all; 6 are here.
        let later = decode_received(&h[..5], ME, &framing);
        assert_eq!(
            later.partial,
            Some(PartialFrame {
                have: 6,
                need: Some(9)
            })
        );
    }

    #[test]
    fn a_header_still_arriving_has_no_known_length() {
        let framing = len_i();
        let stream = wire(&framing, &["hello"]);
        let v = decode_received(&recvs(ME, &stream[..2], 2), ME, &framing);
        assert_eq!(
            v.partial,
            Some(PartialFrame {
                have: 2,
                need: None
            })
        );
        assert!(v.partial_text(Lang::En).unwrap().contains("not known yet"));
        assert!(v.partial_text(Lang::Zh).unwrap().contains("长度还不知道"));
    }

    #[test]
    fn other_sockets_and_empty_reads_are_ignored() {
        let framing = len_i();
        let stream = wire(&framing, &["hi"]);
        let mut h = recvs(SocketId(9), &stream, 100);
        h.extend(recvs(ME, &stream, 100));
        h.extend(recvs(ME, b"", 100));
        let v = decode_received(&h, ME, &framing);
        assert_eq!(v.messages.len(), 1);
        assert_eq!(v.recvs, 1);
    }

    #[test]
    fn a_bad_length_stops_the_decoder() {
        let framing = len_i();
        // A negative 'i' length: ff ff ff ff.
        let v = decode_received(&recvs(ME, b"\xff\xff\xff\xffabc", 100), ME, &framing);
        assert!(v.messages.is_empty());
        assert!(v.error.is_some());
        assert_eq!(v.partial, None);
    }

    #[test]
    fn a_hole_in_the_stream_is_flagged() {
        let framing = len_i();
        let stream = wire(&framing, &["hello", "world"]);
        let mut h = recvs(ME, &stream, 3);
        h.remove(1);
        assert!(decode_received(&h, ME, &framing).gap);
    }

    #[test]
    fn a_socket_decodes_with_the_prefix_of_its_latest_send() {
        let send = |socket: u32, framing: Framing| Command::Send {
            socket: SocketId(socket),
            data: Payload::from("x"),
            framing,
            header: None,
        };
        let net = Framing::LengthPrefixed {
            prefix: LengthPrefix::NETWORK_U32,
            max_len: 65536,
        };
        let mut sent = SentCommands::from([(1, send(3, len_i())), (2, send(4, net.clone()))]);
        assert_eq!(
            prefix_sent_by(&sent, ME),
            Some(LengthPrefix::PYTHON_NATIVE_I)
        );
        assert_eq!(
            prefix_sent_by(&sent, SocketId(4)),
            Some(LengthPrefix::NETWORK_U32)
        );
        assert_eq!(prefix_sent_by(&sent, SocketId(5)), None, "never sent");
        sent.insert(3, send(3, Framing::Raw));
        assert_eq!(prefix_sent_by(&sent, ME), None, "its latest send is raw");
        sent.insert(9, send(3, net));
        assert_eq!(prefix_sent_by(&sent, ME), Some(LengthPrefix::NETWORK_U32));
    }
}
