//! What a lesson step must show: an [`Expect`] is matched against the events the step caused
//! (a recv's bytes and summary, an error's errno, a listener's accept queue in the kernel
//! snapshot, a packet on the wire's cable). The lesson tests and the page's lesson player use
//! the same matching.
//!
//! An expectation asks for at least one matching event, unless it gives `count` (exactly that
//! many: `0` says "none") or `at_least`. Packets arrive on their own time, after the command
//! that caused them has answered, so whoever checks a count waits for the events to come, and
//! for an exact count until the wire has been quiet for a moment.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Payload;
use crate::protocol::{BufferSnapshot, Event};
use crate::script::Named;

/// An observation a step must produce: events of this step matching every given field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The event's name, e.g. `"received"`, `"received_from"`, `"sent"`, `"error"`, `"packet"`.
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

    /// Exactly this many matching events in the step (`0`: none at all).
    #[serde(default)]
    pub count: Option<u32>,
    /// At least this many matching events in the step (without `count` or `at_least`: 1).
    #[serde(default)]
    pub at_least: Option<u32>,

    /// A packet's transport: `"tcp"`, `"udp"`, `"icmp"`.
    #[serde(default)]
    pub proto: Option<String>,
    /// A packet's direction on the cable: `"a_to_b"` or `"b_to_a"`.
    #[serde(default)]
    pub direction: Option<String>,
    /// A TCP segment's flags exactly, as Wireshark lists them: `"SYN"`, `"SYN, ACK"`,
    /// `"FIN, ACK"`, `"RST, ACK"`, `"PSH, ACK"`, `"ACK"`.
    #[serde(default)]
    pub flags: Option<String>,
    /// A TCP segment's sequence number, relative: the SYN is 0, the first data byte 1.
    #[serde(default)]
    pub seq: Option<u64>,
    /// A TCP segment's acknowledgement number, relative like `seq`.
    #[serde(default)]
    pub ack: Option<u64>,
    /// A segment's or datagram's payload bytes.
    #[serde(default)]
    pub payload_len: Option<u32>,
    /// A TCP segment's advertised window in bytes (`0`: the receiver's buffer is full).
    #[serde(default)]
    pub window: Option<u64>,
    /// A TCP segment that carries bytes (or a SYN/FIN) its direction already sent once.
    #[serde(default)]
    pub retransmission: Option<bool>,
    /// How many different lab sends the packet's payload holds bytes of (2: one segment
    /// carries two sends, the sender merged them).
    #[serde(default)]
    pub spans_from_sends: Option<u32>,
    /// What the link did: `"delivered"`, `"dropped"`, `"delayed"`, `"duplicated"`, `"held"`;
    /// for a `packet` event its fate on arrival, for a `packet_fate` event (a held packet
    /// released by a step) its fate then.
    #[serde(default)]
    pub fate: Option<String>,
}

/// Fields that only a packet (or, for `fate`, a released packet) has.
const PACKET_FIELDS: [&str; 9] = [
    "proto",
    "direction",
    "flags",
    "seq",
    "ack",
    "payload_len",
    "window",
    "retransmission",
    "spans_from_sends",
];

impl Expect {
    /// Whether `event` is what this expectation describes: every field given must match.
    /// `names` maps the lesson's socket names to the sockets they got.
    pub fn matches(&self, event: &Event, names: &HashMap<String, Named>) -> bool {
        if let Event::Buffers { sockets } = event {
            return self.matches_snapshot(sockets, names);
        }
        let v = serde_json::to_value(event).unwrap_or_default();
        if v["event"] != self.event.as_str() {
            return false;
        }
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
        socket_ok
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
            && self.matches_packet(&v)
    }

    /// The packet fields, against a `packet` event's `packet` (or a `packet_fate` event).
    fn matches_packet(&self, v: &Value) -> bool {
        let p = if v["event"] == "packet" {
            &v["packet"]
        } else {
            v
        };
        let str_ok = |want: &Option<String>, got: &Value| {
            want.as_ref().is_none_or(|w| got.as_str() == Some(w))
        };
        let flags_ok = self.flags.as_ref().is_none_or(|want| {
            serde_json::from_value::<crate::protocol::wire::TcpFlags>(p["flags"].clone())
                .is_ok_and(|f| p["proto"] == "tcp" && f.label() == *want)
        });
        let sends_ok = self.spans_from_sends.is_none_or(|want| {
            let mut sends: Vec<(&Value, &Value)> = p["spans"]
                .as_array()
                .map(|spans| spans.iter().map(|s| (&s["from"], &s["send_no"])).collect())
                .unwrap_or_default();
            sends.dedup();
            sends.len() == want as usize
        });
        str_ok(&self.proto, &p["proto"])
            && str_ok(&self.direction, &p["direction"])
            && str_ok(&self.fate, &p["fate"])
            && flags_ok
            && sends_ok
            && self
                .payload_len
                .is_none_or(|w| p["payload_len"].as_u64() == Some(u64::from(w)))
            && self.window.is_none_or(|w| p["window"].as_u64() == Some(w))
            && self
                .seq
                .is_none_or(|w| p["proto"] == "tcp" && p["seq"].as_u64() == Some(w))
            && self
                .ack
                .is_none_or(|w| p["proto"] == "tcp" && p["ack"].as_u64() == Some(w))
            && self.retransmission.is_none_or(|w| {
                p["proto"] == "tcp" && p["retransmission"].as_bool().unwrap_or(false) == w
            })
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

    /// How many of `events` match.
    pub fn tally<'a>(
        &self,
        events: impl IntoIterator<Item = &'a Event>,
        names: &HashMap<String, Named>,
    ) -> usize {
        events
            .into_iter()
            .filter(|e| self.matches(e, names))
            .count()
    }

    /// The fewest matching events the step must show: `count`, `at_least`, or 1.
    pub fn fewest(&self) -> usize {
        self.count.or(self.at_least).unwrap_or(1) as usize
    }

    /// The most it may show: `count`'s exact number; `None` when more are fine.
    pub fn most(&self) -> Option<usize> {
        self.count.map(|c| c as usize)
    }

    /// Whether `seen` matching events meet this expectation.
    pub fn met_by(&self, seen: usize) -> bool {
        seen >= self.fewest() && self.most().is_none_or(|most| seen <= most)
    }

    /// The checks a lesson's file gets: fields that belong together. The message names the
    /// field.
    pub fn check(&self) -> Result<(), crate::Error> {
        let wrong = |why: String| Err(crate::Error::Lesson(why));
        if self.count.is_some() && self.at_least.is_some() {
            return wrong("give `count` (exactly) or `at_least`, not both".into());
        }
        let packet_fields = self.packet_fields();
        if let Some(field) = packet_fields.first() {
            let fits = self.event == "packet"
                || (self.event == "packet_fate" && packet_fields == ["fate"]);
            if !fits {
                return wrong(format!(
                    "`{field}` describes a packet on the wire: use it with event = \"packet\""
                ));
            }
        }
        if self.event == "packet" && self.socket.is_some() {
            return wrong(
                "a packet belongs to no socket: describe it by `direction`, `flags`, `payload_len`…"
                    .into(),
            );
        }
        Ok(())
    }

    /// The packet fields this expectation gives, by name.
    fn packet_fields(&self) -> Vec<&'static str> {
        let given = [
            self.proto.is_some(),
            self.direction.is_some(),
            self.flags.is_some(),
            self.seq.is_some(),
            self.ack.is_some(),
            self.payload_len.is_some(),
            self.window.is_some(),
            self.retransmission.is_some(),
            self.spans_from_sends.is_some(),
        ];
        let mut out: Vec<&'static str> = PACKET_FIELDS
            .iter()
            .zip(given)
            .filter(|(_, g)| *g)
            .map(|(n, _)| *n)
            .collect();
        if self.fate.is_some() {
            out.push("fate");
        }
        out
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

    fn packet(flags: &str, payload_len: u32, sends: &[u32], fate: Fate) -> Event {
        use crate::protocol::SendSpan;
        use crate::protocol::wire::{Direction, IpHeader, TcpFlags, TcpSegment, Transport};
        let flags = TcpFlags {
            syn: flags.contains("SYN"),
            ack: flags.contains("ACK"),
            fin: flags.contains("FIN"),
            psh: flags.contains("PSH"),
            ..TcpFlags::default()
        };
        Event::Packet {
            packet: PacketInfo {
                no: 4,
                direction: Direction::AToB,
                ip: IpHeader {
                    version: 4,
                    len: 52 + payload_len,
                    ttl: 64,
                    df: true,
                    src: "198.18.0.1".into(),
                    dst: "198.18.0.2".into(),
                },
                transport: Transport::Tcp(TcpSegment {
                    src_port: 40000,
                    dst_port: 9000,
                    flags,
                    seq: 1,
                    ack: 1,
                    window: 0,
                    options: Default::default(),
                    payload_len,
                    retransmission: false,
                }),
                spans: sends
                    .iter()
                    .map(|&n| SendSpan {
                        start: 0,
                        len: 1,
                        from: Some(SocketId(2)),
                        send_no: Some(n),
                        offset_in_send: 0,
                        send_len: 1,
                        header_bytes: 0,
                        trailer_bytes: 0,
                    })
                    .collect(),
                fate,
            }
            .into(),
        }
    }

    use crate::protocol::wire::{DropReason, Fate, PacketInfo};

    #[test]
    fn a_packet_is_matched_by_its_flags_numbers_sends_and_fate() {
        let names = HashMap::new();
        let merged = packet("PSH, ACK", 9, &[2, 3], Fate::Delayed { ms: 50 });
        let mut e = Expect {
            event: "packet".into(),
            direction: Some("a_to_b".into()),
            flags: Some("PSH, ACK".into()),
            seq: Some(1),
            ack: Some(1),
            payload_len: Some(9),
            window: Some(0),
            retransmission: Some(false),
            spans_from_sends: Some(2),
            fate: Some("delayed".into()),
            ..Default::default()
        };
        assert!(e.matches(&merged, &names));
        for wrong in [
            Expect {
                flags: Some("ACK".into()),
                ..e.clone()
            },
            Expect {
                payload_len: Some(4000),
                ..e.clone()
            },
            Expect {
                spans_from_sends: Some(1),
                ..e.clone()
            },
            Expect {
                retransmission: Some(true),
                ..e.clone()
            },
            Expect {
                direction: Some("b_to_a".into()),
                ..e.clone()
            },
            Expect {
                proto: Some("udp".into()),
                ..e.clone()
            },
        ] {
            assert!(!wrong.matches(&merged, &names), "{wrong:?}");
        }
        let dropped = packet(
            "SYN",
            0,
            &[],
            Fate::Dropped {
                reason: DropReason::Loss,
            },
        );
        e = Expect {
            event: "packet".into(),
            fate: Some("dropped".into()),
            spans_from_sends: Some(0),
            ..Default::default()
        };
        assert!(e.matches(&dropped, &names));
        assert!(!e.matches(&merged, &names));
        let released = Event::PacketFate {
            no: 4,
            fate: Fate::Delivered,
        };
        let e = Expect {
            event: "packet_fate".into(),
            fate: Some("delivered".into()),
            ..Default::default()
        };
        assert!(e.matches(&released, &names));
        assert!(!e.matches(&merged, &names));
    }

    #[test]
    fn counts_are_exact_or_at_least() {
        let names = HashMap::new();
        let events = [
            packet("ACK", 0, &[], Fate::Delivered),
            packet("ACK", 0, &[], Fate::Delivered),
            packet("FIN, ACK", 0, &[], Fate::Delivered),
        ];
        let acks = |count, at_least| Expect {
            event: "packet".into(),
            flags: Some("ACK".into()),
            count,
            at_least,
            ..Default::default()
        };
        let seen = acks(None, None).tally(&events, &names);
        assert_eq!(seen, 2);
        assert!(acks(None, None).met_by(seen), "one or more");
        assert!(acks(Some(2), None).met_by(seen));
        assert!(!acks(Some(1), None).met_by(seen), "exactly: too many");
        assert!(!acks(Some(3), None).met_by(seen), "exactly: too few");
        assert!(acks(None, Some(2)).met_by(seen));
        assert!(!acks(None, Some(3)).met_by(seen));
        assert!(acks(Some(0), None).met_by(0), "count 0: none at all");
        assert_eq!(acks(Some(0), None).fewest(), 0);
    }

    #[test]
    fn packet_fields_belong_to_packets() {
        let e = Expect {
            event: "received".into(),
            flags: Some("SYN".into()),
            ..Default::default()
        };
        assert!(e.check().unwrap_err().to_string().contains("`flags`"));
        let e = Expect {
            event: "packet".into(),
            count: Some(1),
            at_least: Some(1),
            ..Default::default()
        };
        assert!(e.check().unwrap_err().to_string().contains("at_least"));
        let e = Expect {
            event: "packet".into(),
            socket: Some("cli".into()),
            ..Default::default()
        };
        assert!(e.check().is_err());
        let e = Expect {
            event: "packet_fate".into(),
            fate: Some("delivered".into()),
            ..Default::default()
        };
        assert!(e.check().is_ok());
    }
}
