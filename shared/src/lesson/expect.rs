//! What a lesson step must show: an [`Expect`] is matched against the events the step caused
//! (a recv's bytes and summary, an error's errno, a listener's accept queue in the kernel
//! snapshot). The lesson tests and the page's lesson player use the same matching.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::Payload;
use crate::protocol::{BufferSnapshot, Event};
use crate::script::Named;

/// An observation a step must produce: an event of this step matching every given field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The event's name, e.g. `"received"`, `"received_from"`, `"sent"`, `"error"`.
    pub event: String,
    /// The socket it is about (a name from an `as`).
    #[serde(default)]
    pub socket: Option<String>,
    /// The bytes received, as UTF-8 text.
    #[serde(default)]
    pub data: Option<String>,
    /// A `received` event's summary, e.g. "2 sends → 1 recv".
    #[serde(default)]
    pub summary: Option<String>,
    /// An error's errno name, e.g. "ECONNREFUSED".
    #[serde(default)]
    pub errno: Option<String>,
    /// An error's code, e.g. "would_block".
    #[serde(default)]
    pub code: Option<String>,
    /// `received_from.truncated`.
    #[serde(default)]
    pub truncated: Option<bool>,
    /// `received_from.real_len`.
    #[serde(default)]
    pub real_len: Option<u64>,
    /// `sent.accepted` compared with `sent.requested`: true = a partial send.
    #[serde(default)]
    pub partial: Option<bool>,
    /// With `event = "buffers"`: the socket's accept queue in the step's kernel snapshot
    /// (connections waiting for `accept()`).
    #[serde(default)]
    pub accept_queue: Option<u32>,
}

impl Expect {
    /// Whether `event` is what this expectation describes: every field given must match.
    /// `names` maps the lesson's socket names to the sockets they got.
    pub fn matches(&self, event: &Event, names: &HashMap<String, Named>) -> bool {
        if let Event::Buffers { sockets } = event {
            return self.matches_snapshot(sockets, names);
        }
        let v = serde_json::to_value(event).unwrap_or_default();
        let eq_str = |field: &str, want: &Option<String>| {
            want.as_ref().is_none_or(|w| v[field].as_str() == Some(w))
        };
        let socket_ok = self.socket.as_ref().is_none_or(|n| {
            names
                .get(n)
                .is_some_and(|named| v["socket"] == named.socket.0)
        });
        let data_ok = self.data.as_ref().is_none_or(|want| {
            v["data"]
                .as_str()
                .and_then(|b| Payload::from_base64(b).ok())
                .is_some_and(|p| p.as_bytes() == want.as_bytes())
        });
        let partial_ok = self.partial.is_none_or(|want| match event {
            Event::Sent {
                requested,
                accepted,
                ..
            } => (accepted < requested) == want,
            _ => false,
        });
        v["event"] == self.event.as_str()
            && socket_ok
            && data_ok
            && partial_ok
            && eq_str("summary", &self.summary)
            && eq_str("code", &self.code)
            && self
                .errno
                .as_ref()
                .is_none_or(|w| v["errno"]["name"].as_str() == Some(w))
            && self
                .truncated
                .is_none_or(|w| v["truncated"].as_bool() == Some(w))
            && self
                .real_len
                .is_none_or(|w| v["real_len"].as_u64() == Some(w))
    }

    /// A `buffers` snapshot: the named socket's entry must hold every given number.
    fn matches_snapshot(&self, sockets: &[BufferSnapshot], names: &HashMap<String, Named>) -> bool {
        let socket = self.socket.as_ref().and_then(|n| names.get(n));
        let snap = socket.and_then(|named| sockets.iter().find(|s| s.socket == named.socket));
        self.event == "buffers"
            && snap.is_some_and(|s| {
                self.accept_queue
                    .is_none_or(|want| s.accept_queue == Some(want))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{SocketId, SocketKind};

    #[test]
    fn matching_checks_every_given_field() {
        let names = HashMap::from([(
            "conn".to_string(),
            Named {
                socket: SocketId(3),
                port: 1,
            },
        )]);
        let event = Event::Received {
            socket: SocketId(3),
            data: Payload::from("helloworld"),
            bufsize: 12,
            eof: false,
            spans: vec![],
            stream_offset: 0,
            summary: "2 sends → 1 recv".into(),
            auto: false,
        };
        let mut e = Expect {
            event: "received".into(),
            socket: Some("conn".into()),
            data: Some("helloworld".into()),
            summary: Some("2 sends → 1 recv".into()),
            ..Default::default()
        };
        assert!(e.matches(&event, &names));
        e.data = Some("hello".into());
        assert!(!e.matches(&event, &names));
        e.data = None;
        e.socket = Some("other".into());
        assert!(
            !e.matches(&event, &names),
            "an unknown name matches nothing"
        );
        e.socket = None;
        e.event = "sent".into();
        assert!(!e.matches(&event, &names));
    }

    #[test]
    fn a_snapshot_is_matched_by_the_named_sockets_accept_queue() {
        let names = HashMap::from([(
            "srv".to_string(),
            Named {
                socket: SocketId(1),
                port: 1,
            },
        )]);
        let mut listener = BufferSnapshot::empty(SocketId(1), SocketKind::UnixListener);
        listener.accept_queue = Some(2);
        let other = BufferSnapshot::empty(SocketId(2), SocketKind::UnixStream);
        let event = Event::Buffers {
            sockets: vec![listener, other],
        };
        let mut e = Expect {
            event: "buffers".into(),
            socket: Some("srv".into()),
            accept_queue: Some(2),
            ..Default::default()
        };
        assert!(e.matches(&event, &names));
        e.accept_queue = Some(1);
        assert!(!e.matches(&event, &names));
        e.socket = None;
        e.accept_queue = Some(2);
        assert!(!e.matches(&event, &names), "a snapshot needs a socket");
    }
}
