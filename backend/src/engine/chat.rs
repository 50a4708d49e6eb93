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

/// A framed message for `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing<M> {
    pub to: M,
    pub bytes: Vec<u8>,
}

/// Who is online, and what waits for whom.
#[derive(Debug)]
pub struct Room<M> {
    online: HashMap<String, M>,
    stored: HashMap<String, Vec<Vec<u8>>>,
}

impl<M> Default for Room<M> {
    fn default() -> Self {
        Room {
            online: HashMap::new(),
            stored: HashMap::new(),
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
            self.online.insert(from.clone(), me.clone());
            // Coming online delivers what was kept while this user was away.
            for bytes in self.stored.remove(&from).unwrap_or_default() {
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
            None => {
                let queue = self.stored.entry(to.to_owned()).or_default();
                if queue.len() < MAX_STORED {
                    queue.push(bytes);
                }
                out.push(reply(format!(
                    "{to} is offline: message stored, delivered when {to} comes online"
                )));
            }
        }
        out
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
