//! Demos: scripts the page runs with one click, and what their results mean.
//!
//! The "TCP vs UDP" demo (experiments 5 and 9 side by side) sends the same two messages,
//! `hello` then `world`, over a TCP connection and between two UDP sockets, then reads once
//! on the TCP side and twice on the UDP side. The TCP receiver gets `helloworld` in one recv:
//! a byte stream keeps no boundaries. The UDP receiver gets two datagrams: each `sendto` is
//! one message. [`compare_view`] picks those results out of the event history, so the panel
//! can show both at once (and follows the timeline's cursor like the rest of the page).

use std::collections::HashMap;

use serde_json::{Value, json};
use socklab_shared::Payload;
use socklab_shared::protocol::{Envelope, Event, SendSpan, SocketId};

use super::script::Named;
use crate::i18n::panels::PanelText;
use crate::i18n::{Lang, fill};

/// The two messages both sides send.
pub const MESSAGES: [&str; 2] = ["hello", "world"];

/// The names the TCP vs UDP script gives its sockets: TCP server, client and accepted
/// connection; UDP sender and receiver.
pub const TCP_VS_UDP_NAMES: [&str; 5] = ["tsrv", "tcli", "tconn", "ua", "ub"];

/// How long the demo's accept/recv calls may wait for their bytes, in milliseconds. On
/// loopback everything is there at once; the wait only guards against a slow machine.
const WAIT_MS: u64 = 2000;

/// The TCP vs UDP script, as command templates (see [`super::script`]).
pub fn tcp_vs_udp() -> Vec<Value> {
    let mut steps = vec![
        json!({"cmd": "tcp_listen", "port": 0, "as": "tsrv"}),
        json!({"cmd": "connect", "port": "$tsrv.port", "as": "tcli"}),
        json!({"cmd": "accept", "socket": "$tsrv", "timeout_ms": WAIT_MS, "as": "tconn"}),
        // Nagle off: the two sends leave as two segments, so the merge seen below is the
        // receiver's byte stream, not the sender's coalescing.
        json!({"cmd": "set_option", "socket": "$tcli", "option": {"name": "nodelay", "value": true}}),
        json!({"cmd": "udp_bind", "port": 0, "as": "ua"}),
        json!({"cmd": "udp_bind", "port": 0, "as": "ub"}),
    ];
    for m in MESSAGES {
        steps.push(json!({"cmd": "send", "socket": "$tcli", "data": Payload::from(m)}));
    }
    for m in MESSAGES {
        steps.push(json!({
            "cmd": "send_to", "socket": "$ua", "data": Payload::from(m), "port": "$ub.port"
        }));
    }
    steps.push(json!({"cmd": "recv", "socket": "$tconn", "bufsize": 1024, "timeout_ms": WAIT_MS}));
    for _ in MESSAGES {
        steps.push(
            json!({"cmd": "recv_from", "socket": "$ub", "bufsize": 1024, "timeout_ms": WAIT_MS}),
        );
    }
    steps
}

/// True when `names` holds every socket of the TCP vs UDP demo.
pub fn has_tcp_vs_udp_names(names: &HashMap<String, Named>) -> bool {
    TCP_VS_UDP_NAMES.iter().all(|n| names.contains_key(*n))
}

/// One recv result, ready to draw as a strip.
#[derive(Debug, Clone, PartialEq)]
pub struct Got {
    pub bytes: Vec<u8>,
    /// Which send each byte came from (for UDP, the whole datagram is one span).
    pub spans: Vec<SendSpan>,
    /// The datagram was longer than the buffer (UDP only).
    pub truncated: bool,
}

/// Both sides of the comparison, as far as the history goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompareView {
    /// `send` calls on the TCP client.
    pub tcp_sends: usize,
    /// What each `recv` on the accepted connection returned (end of stream excluded).
    pub tcp_recvs: Vec<Got>,
    /// `sendto` calls from the UDP sender.
    pub udp_sends: usize,
    /// The datagrams the UDP receiver's `recvfrom` calls returned.
    pub udp_recvs: Vec<Got>,
}

impl CompareView {
    /// "2 sends → 1 recv" (in `lang`).
    pub fn tcp_summary(&self, lang: Lang) -> String {
        let t = PanelText::of(lang);
        let (sends, recvs) = (self.tcp_sends, self.tcp_recvs.len());
        let template = match (sends == 1, recvs == 1) {
            (true, true) => t.tcp_summary_one_one,
            (true, false) => t.tcp_summary_one_many,
            (false, true) => t.tcp_summary_many_one,
            (false, false) => t.tcp_summary,
        };
        fill(template, &[&sends, &recvs])
    }

    /// "2 sendto → 2 recvfrom" (Python names, so no plural).
    pub fn udp_summary(&self) -> String {
        format!(
            "{} sendto → {} recvfrom",
            self.udp_sends,
            self.udp_recvs.len()
        )
    }
}

/// The demo's results in `history`, for the sockets `names` bound; `None` when a name is
/// missing (the demo has not finished, or failed) or `history` stops before the demo began
/// (the timeline's cursor is earlier).
pub fn compare_view(history: &[Envelope], names: &HashMap<String, Named>) -> Option<CompareView> {
    let id = |n: &str| names.get(n).map(|named| named.socket);
    let (tcli, tconn, ua, ub) = (id("tcli")?, id("tconn")?, id("ua")?, id("ub")?);
    let mut view = CompareView::default();
    let mut began = false;
    for env in history {
        match &env.event {
            Event::SocketOpened { socket, .. } if *socket == tcli => began = true,
            Event::Sent { socket, .. } if *socket == tcli => view.tcp_sends += 1,
            Event::Received {
                socket,
                data,
                spans,
                ..
            } if *socket == tconn && !data.is_empty() => view.tcp_recvs.push(Got {
                bytes: data.0.clone(),
                spans: spans.clone(),
                truncated: false,
            }),
            Event::SentTo { socket, .. } if *socket == ua => view.udp_sends += 1,
            Event::ReceivedFrom {
                socket,
                data,
                truncated,
                real_len,
                from_socket,
                send_no,
                ..
            } if *socket == ub => view.udp_recvs.push(Got {
                spans: datagram_span(data.len(), *real_len, *from_socket, *send_no),
                bytes: data.0.clone(),
                truncated: *truncated,
            }),
            _ => {}
        }
    }
    began.then_some(view)
}

/// A datagram comes from one `sendto`: one span over all of it, so it gets that send's
/// colour like TCP bytes do.
fn datagram_span(
    len: usize,
    real_len: u64,
    from: Option<SocketId>,
    send_no: Option<u32>,
) -> Vec<SendSpan> {
    if len == 0 || send_no.is_none() {
        return vec![];
    }
    vec![SendSpan {
        start: 0,
        len: len as u64,
        from,
        send_no,
        offset_in_send: 0,
        send_len: real_len,
        header_bytes: 0,
        trailer_bytes: 0,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::script::resolve;
    use socklab_shared::protocol::{Command, Sequencer};

    fn fake_names() -> HashMap<String, Named> {
        TCP_VS_UDP_NAMES
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    n.to_string(),
                    Named {
                        socket: SocketId(i as u32 + 1),
                        port: 40000 + i as u16,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn every_step_resolves_to_a_command() {
        let names = fake_names();
        let commands: Vec<Command> = tcp_vs_udp()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let v = resolve(t, &names).unwrap_or_else(|e| panic!("step {i}: {e}"));
                serde_json::from_value(v).unwrap_or_else(|e| panic!("step {i}: {e}: {t}"))
            })
            .collect();
        assert_eq!(commands.len(), 13);
        let sends: Vec<_> = commands
            .iter()
            .filter_map(|c| match c {
                Command::Send { socket, data, .. } => Some((*socket, data.0.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            sends,
            [
                (SocketId(2), b"hello".to_vec()),
                (SocketId(2), b"world".to_vec())
            ]
        );
        assert!(commands.iter().any(|c| matches!(
            c,
            Command::SendTo { socket: SocketId(4), port: 40004, data, .. } if data.0 == b"world"
        )));
        assert!(matches!(
            commands[3],
            Command::SetOption {
                socket: SocketId(2),
                ..
            }
        ));
        assert!(matches!(
            commands.last(),
            Some(Command::RecvFrom {
                socket: SocketId(5),
                bufsize: 1024,
                ..
            })
        ));
    }

    #[test]
    fn every_name_a_step_uses_is_bound_by_an_earlier_step() {
        let mut bound = HashMap::new();
        for (i, step) in tcp_vs_udp().iter().enumerate() {
            resolve(step, &bound).unwrap_or_else(|e| panic!("step {i}: {e}"));
            if let Some(name) = step.get("as").and_then(Value::as_str) {
                bound.insert(name.to_owned(), fake_names()[name]);
            }
        }
        assert!(has_tcp_vs_udp_names(&bound));
    }

    fn span(start: u64, len: u64, send_no: u32) -> SendSpan {
        SendSpan {
            start,
            len,
            from: Some(SocketId(2)),
            send_no: Some(send_no),
            offset_in_send: 0,
            send_len: len,
            header_bytes: 0,
            trailer_bytes: 0,
        }
    }

    #[test]
    fn the_view_picks_the_demo_sockets_results() {
        let mut seq = Sequencer::default();
        let mut h = vec![];
        let mut push = |e| h.push(seq.stamp(0, None, e));
        push(Event::SocketOpened {
            socket: SocketId(2),
            kind: socklab_shared::protocol::SocketKind::TcpStream,
            local: "127.0.0.1:40001".into(),
            peer: None,
            listener: None,
            peer_socket: None,
        });
        for n in 1..=2 {
            push(Event::Sent {
                socket: SocketId(2),
                send_no: n,
                requested: 5,
                accepted: 5,
                header_len: 0,
                trailer_len: 0,
                stream_offset: 5 * u64::from(n - 1),
                all: false,
            });
            push(Event::SentTo {
                socket: SocketId(4),
                send_no: n,
                to: "127.0.0.1:40004".into(),
                bytes: 5,
            });
        }
        push(Event::Received {
            socket: SocketId(3),
            data: Payload::from("helloworld"),
            bufsize: 1024,
            eof: false,
            spans: vec![span(0, 5, 1), span(5, 5, 2)],
            stream_offset: 0,
            summary: "2 sends → 1 recv".into(),
            auto: false,
        });
        for (n, m) in MESSAGES.into_iter().enumerate() {
            push(Event::ReceivedFrom {
                socket: SocketId(5),
                from: "127.0.0.1:40003".into(),
                data: Payload::from(m),
                bufsize: 1024,
                truncated: false,
                real_len: 5,
                from_socket: Some(SocketId(4)),
                send_no: Some(n as u32 + 1),
            });
        }
        // Another socket's recv is not part of the comparison.
        push(Event::Received {
            socket: SocketId(9),
            data: Payload::from("x"),
            bufsize: 1024,
            eof: false,
            spans: vec![],
            stream_offset: 0,
            summary: String::new(),
            auto: false,
        });

        let v = compare_view(&h, &fake_names()).unwrap();
        assert_eq!(v.tcp_summary(Lang::En), "2 sends → 1 recv");
        assert_eq!(v.tcp_summary(Lang::Zh), "2 次发送 → 1 次接收");
        assert_eq!(v.udp_summary(), "2 sendto → 2 recvfrom");
        assert_eq!(v.tcp_recvs[0].bytes, b"helloworld");
        assert_eq!(v.udp_recvs[1].bytes, b"world");
        assert_eq!(v.udp_recvs[1].spans[0].send_no, Some(2));

        // Earlier in the timeline: only the sends have happened.
        let early = compare_view(&h[..5], &fake_names()).unwrap();
        assert_eq!(early.tcp_summary(Lang::En), "2 sends → 0 recvs");
        assert!(early.udp_recvs.is_empty());

        assert_eq!(compare_view(&h, &HashMap::new()), None);
        assert_eq!(compare_view(&[], &fake_names()), None, "before the demo");
    }
}
