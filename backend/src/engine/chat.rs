//! A chat server (experiment 21): JSON messages with a sender and a recipient, forwarded
//! between clients, and kept for a recipient who is offline until they come online.
//!
//! Every message on the wire is a 4-byte big-endian length (`struct.pack('!I', n)`) followed
//! by a JSON object `{"from": "alice", "to": "bob", "text": "hi"}` — framing, because TCP keeps
//! no boundaries, and JSON, because a message has fields. A connection becomes user `alice` with
//! its first message from `alice`. The [`Room`] is pure routing logic, generic over what a
//! member is, so it is tested without sockets; the auto-recv task does the sending.

use std::collections::HashMap;

use serde_json::{Value, json};
use socklab_shared::framing::{Framing, LengthPrefix, Message, encode};

/// The chat's framing: `struct.pack('!I', len)` then the JSON.
pub fn chat_framing() -> Framing {
    Framing::LengthPrefixed {
        prefix: LengthPrefix::NETWORK_U32,
        max_len: 64 * 1024,
    }
}

/// Messages kept for one offline user, at most.
pub const MAX_STORED: usize = 100;
/// Offline users messages are kept for, at most.
pub const MAX_STORED_RECIPIENTS: usize = 64;
/// Bytes of kept messages in one room, at most.
pub const MAX_STORED_BYTES: usize = 1 << 20;

/// A framed message for `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing<M> {
    pub to: M,
    pub bytes: Vec<u8>,
}

/// Who is online, and what waits for whom.
///
/// Invariants: a connection is online as one user at most (a new name replaces its old one),
/// so `online` is no larger than the session's sockets; `stored` holds at most
/// [`MAX_STORED_RECIPIENTS`] users, [`MAX_STORED`] messages each, [`MAX_STORED_BYTES`] in all
/// (`stored_bytes`).
#[derive(Debug)]
pub struct Room<M> {
    online: HashMap<String, M>,
    stored: HashMap<String, Vec<Vec<u8>>>,
    stored_bytes: usize,
}

impl<M> Default for Room<M> {
    fn default() -> Self {
        Room {
            online: HashMap::new(),
            stored: HashMap::new(),
            stored_bytes: 0,
        }
    }
}

impl<M: Clone + PartialEq> Room<M> {
    /// Handles one message body from connection `me`; returns what to send to whom.
    pub fn on_message(&mut self, me: &M, body: &[u8]) -> Vec<Outgoing<M>> {
        let reply = |text: String| Outgoing {
            to: me.clone(),
            bytes: frame(&json!({"from": "server", "text": text})),
        };
        let msg: Value = match serde_json::from_slice(body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return vec![reply("not a chat message: send a JSON object like {\"from\": \"alice\", \"to\": \"bob\", \"text\": \"hi\"}".into())],
        };
        let Some(from) = msg.get("from").and_then(Value::as_str).map(str::to_owned) else {
            return vec![reply("a message needs a \"from\"".into())];
        };
        let mut out = Vec::new();
        if self.online.get(&from) != Some(me) {
            self.online.retain(|_, m| m != me);
            self.online.insert(from.clone(), me.clone());
            // Coming online delivers what was kept while this user was away.
            for bytes in self.stored.remove(&from).unwrap_or_default() {
                self.stored_bytes -= bytes.len();
                out.push(Outgoing {
                    to: me.clone(),
                    bytes,
                });
            }
        }
        let Some(to) = msg.get("to").and_then(Value::as_str) else {
            return out; // a message without "to" only says who this connection is
        };
        let bytes = frame(&msg);
        match self.online.get(to) {
            Some(member) => out.push(Outgoing {
                to: member.clone(),
                bytes,
            }),
            None => out.push(reply(self.store(to, bytes))),
        }
        out
    }

    /// Keeps a message for offline user `to`, within the room's caps; says what happened.
    fn store(&mut self, to: &str, bytes: Vec<u8>) -> String {
        let known = self.stored.contains_key(to);
        let full = if !known && self.stored.len() >= MAX_STORED_RECIPIENTS {
            Some(format!(
                "messages are kept for at most {MAX_STORED_RECIPIENTS} offline users"
            ))
        } else if self.stored.get(to).is_some_and(|q| q.len() >= MAX_STORED) {
            Some(format!(
                "at most {MAX_STORED} messages are kept for one user"
            ))
        } else if self.stored_bytes + bytes.len() > MAX_STORED_BYTES {
            Some(format!(
                "at most {} KiB of messages are kept",
                MAX_STORED_BYTES >> 10
            ))
        } else {
            None
        };
        if let Some(why) = full {
            return format!("{to} is offline and the message was NOT stored: {why}");
        }
        self.stored_bytes += bytes.len();
        self.stored.entry(to.to_owned()).or_default().push(bytes);
        format!("{to} is offline: message stored, delivered when {to} comes online")
    }

    /// Connection `me` left: its user goes offline.
    pub fn leave(&mut self, me: &M) {
        self.online.retain(|_, m| m != me);
    }
}

fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap_or_default();
    encode(&chat_framing(), &Message::new(body))
        .map(|e| e.bytes)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::framing::decode;

    fn body(o: &Outgoing<u32>) -> Value {
        let d = decode(&chat_framing(), &o.bytes).unwrap().unwrap();
        serde_json::from_slice(&d.message.body).unwrap()
    }

    #[test]
    fn messages_are_forwarded_to_the_recipient() {
        let mut room = Room::default();
        assert!(room.on_message(&2, br#"{"from":"bob"}"#).is_empty());
        let out = room.on_message(&1, br#"{"from":"alice","to":"bob","text":"hi"}"#);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].to, 2);
        assert_eq!(body(&out[0])["text"], "hi");
        assert_eq!(
            &out[0].bytes[..4],
            &(out[0].bytes.len() as u32 - 4).to_be_bytes()
        );
    }

    #[test]
    fn stored_messages_are_capped_by_recipients_and_bytes() {
        let mut room = Room::default();
        for i in 0..MAX_STORED_RECIPIENTS + 10 {
            let msg = format!(r#"{{"from":"alice","to":"u{i}","text":"hi"}}"#);
            room.on_message(&1, msg.as_bytes());
        }
        assert_eq!(room.stored.len(), MAX_STORED_RECIPIENTS);
        let out = room.on_message(&1, br#"{"from":"alice","to":"late","text":"hi"}"#);
        assert!(
            body(&out[0])["text"]
                .as_str()
                .unwrap()
                .contains("NOT stored")
        );
        let big = "x".repeat(60_000);
        for _ in 0..40 {
            let msg = format!(r#"{{"from":"alice","to":"u0","text":"{big}"}}"#);
            room.on_message(&1, msg.as_bytes());
        }
        assert!(room.stored_bytes <= MAX_STORED_BYTES);
        // u0 comes online: everything kept for it is delivered and the count goes down.
        let before = room.stored_bytes;
        let out = room.on_message(&2, br#"{"from":"u0"}"#);
        assert!(!out.is_empty());
        assert!(room.stored_bytes < before);
    }

    #[test]
    fn a_connection_is_one_user() {
        let mut room = Room::default();
        for i in 0..1000 {
            room.on_message(&1, format!(r#"{{"from":"name{i}"}}"#).as_bytes());
        }
        assert_eq!(room.online.len(), 1);
    }

    #[test]
    fn offline_recipients_get_their_messages_when_they_come_online() {
        let mut room = Room::default();
        let out = room.on_message(
            &1,
            br#"{"from":"alice","to":"carol","text":"are you there?"}"#,
        );
        assert_eq!(out[0].to, 1, "alice is told carol is offline");
        assert!(body(&out[0])["text"].as_str().unwrap().contains("offline"));
        let out = room.on_message(&3, br#"{"from":"carol"}"#);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].to, body(&out[0])["text"].clone()),
            (3, json!("are you there?"))
        );
        assert!(
            room.on_message(&3, br#"{"from":"carol"}"#).is_empty(),
            "delivered once"
        );
    }

    #[test]
    fn leaving_makes_a_user_offline_and_bad_input_gets_an_answer() {
        let mut room = Room::default();
        room.on_message(&2, br#"{"from":"bob"}"#);
        room.leave(&2);
        let out = room.on_message(&1, br#"{"from":"alice","to":"bob","text":"hi"}"#);
        assert_eq!(out[0].to, 1);
        let out = room.on_message(&1, b"not json");
        assert!(
            body(&out[0])["text"]
                .as_str()
                .unwrap()
                .contains("JSON object")
        );
    }
}

/// The socket side of the chat: a room member is a lab socket the server can send to.
pub mod relay {
    use std::sync::{Arc, Mutex};

    use socket2::Socket;
    use socklab_shared::framing::FrameDecoder;
    use socklab_shared::protocol::{Event, SocketId};
    use tokio::io::unix::AsyncFd;

    use super::{Room, chat_framing};
    use crate::engine::lab_socket::SharedBook;
    use crate::engine::step_error::StepError;
    use crate::engine::stream_io::sendall_recorded;

    /// A chat connection: where to send a member's messages.
    #[derive(Clone)]
    pub struct Member {
        pub id: SocketId,
        pub fd: Arc<AsyncFd<Socket>>,
        pub book: SharedBook,
    }

    impl PartialEq for Member {
        fn eq(&self, other: &Self) -> bool {
            self.id == other.id
        }
    }

    /// The session's chat room, shared by every connection in chat mode.
    pub type SharedRoom = Arc<Mutex<Room<Member>>>;

    /// One connection's link to the room: its own decoder for the bytes it receives.
    pub struct Link {
        pub room: SharedRoom,
        pub me: Member,
        decoder: FrameDecoder,
    }

    impl Link {
        pub fn new(room: SharedRoom, me: Member) -> Self {
            Link {
                room,
                me,
                decoder: FrameDecoder::new(chat_framing()),
            }
        }

        /// Feeds received bytes; forwards every complete message. Returns the events of the
        /// sends it made (on the recipients' sockets) and of any failure.
        pub async fn relay(&mut self, bytes: &[u8], max_wait: u64) -> Vec<Event> {
            self.decoder.push(bytes);
            let mut events = Vec::new();
            loop {
                let body = match self.decoder.next_message() {
                    Ok(Some(decoded)) => decoded.message.body,
                    Ok(None) => break,
                    Err(e) => {
                        events.push(
                            StepError::new(
                                socklab_shared::protocol::ErrorCode::Framing,
                                format!("chat server: {e}"),
                            )
                            .on(self.me.id)
                            .into_event(),
                        );
                        break;
                    }
                };
                let outgoing = self
                    .room
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .on_message(&self.me, &body);
                for out in outgoing {
                    events.push(send_all(&out.to, &out.bytes, max_wait).await);
                }
            }
            events
        }

        /// This connection is gone: its user goes offline.
        pub fn leave(&self) {
            self.room
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .leave(&self.me);
        }
    }

    /// `sendall` of one framed message on a member's socket, recorded in its send log.
    async fn send_all(to: &Member, bytes: &[u8], max_wait: u64) -> Event {
        match sendall_recorded(&to.fd, &to.book, to.id, bytes, 4, max_wait).await {
            (_, Some(failure)) => failure.into_event(),
            (sent, None) => sent,
        }
    }
}
