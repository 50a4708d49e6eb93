//! Wire-format tests: the JSON shapes are a public contract (docs/protocol.md), so they are
//! pinned here with literals.

use super::*;
use crate::Payload;

#[test]
fn ping_with_request_number_parses() {
    let r = Request::parse(r#"{"req": 7, "cmd": "ping"}"#).unwrap();
    assert_eq!(r.req, Some(7));
    assert_eq!(r.command, Command::Ping);
}

#[test]
fn defaults_fill_in_like_the_course_code() {
    let r = Request::parse(r#"{"cmd": "tcp_listen", "port": 9000}"#).unwrap();
    assert_eq!(
        r.command,
        Command::TcpListen {
            host: "127.0.0.1".into(),
            port: 9000,
            backlog: 5,
            reuse_addr: false,
            on: None,
        }
    );
    let r = Request::parse(r#"{"cmd": "recv", "socket": 2}"#).unwrap();
    assert!(matches!(r.command, Command::Recv { bufsize: 1024, .. }));
}

#[test]
fn send_carries_base64_data_and_framing() {
    let text = r#"{"cmd":"send","socket":3,"data":"aGVsbG8=","framing":{"kind":"length_prefixed","prefix":{"width":4,"endian":"little","signed":true},"max_len":1048576}}"#;
    let r = Request::parse(text).unwrap();
    match r.command {
        Command::Send { socket, data, .. } => {
            assert_eq!(socket, SocketId(3));
            assert_eq!(data, Payload::from("hello"));
        }
        other => panic!("parsed as {other:?}"),
    }
}

#[test]
fn malformed_messages_say_what_was_wrong() {
    for bad in [
        "not json",
        "{}",
        r#"{"cmd":"fly"}"#,
        r#"{"cmd":"recv"}"#,
        r#"{"cmd":"recv","socket":"x"}"#,
        r#"{"cmd":"send","socket":1,"data":"%%%"}"#,
        r#"[1,2]"#,
    ] {
        let err = Request::parse(bad).unwrap_err().to_string();
        assert!(err.contains("could not understand"), "{bad}: {err}");
    }
}

#[test]
fn unknown_fields_are_rejected_so_typos_are_caught() {
    let err = Request::parse(r#"{"cmd":"recv","socket":1,"bufsiz":12}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("bufsiz"), "{err}");
}

#[test]
fn sequencer_numbers_from_one_without_gaps() {
    let mut s = Sequencer::default();
    let a = s.stamp(10, None, Event::Pong);
    let b = s.stamp(25, Some(4), Event::Pong);
    assert_eq!((a.seq, b.seq), (1, 2));
    assert_eq!(b.to_json(), r#"{"seq":2,"t_us":25,"req":4,"event":"pong"}"#);
}

#[test]
fn envelope_round_trips() {
    let env = Envelope {
        seq: 3,
        t_us: 99,
        req: None,
        event: Event::Hello {
            protocol_version: PROTOCOL_VERSION,
            server_version: "0.1.0".into(),
            limits: Limits {
                max_sockets: 32,
                max_send_bytes: 1 << 20,
                max_message_bytes: 64 << 10,
                peek_bytes: 4096,
                max_bulk_bytes: 1 << 30,
                max_wait_ms: 30_000,
                loopback_only: true,
                allowed_ports: Default::default(),
                privileged_ports: false,
                idle_timeout_ms: 0,
            },
        },
    };
    let text = env.to_json();
    assert!(text.contains(r#""event":"hello""#), "{text}");
    assert_eq!(Envelope::parse(&text).unwrap(), env);
}

#[test]
fn error_event_shape() {
    let env = Sequencer::default().stamp(
        1,
        Some(9),
        Event::Error {
            code: ErrorCode::Os,
            message: "connection refused".into(),
            hint: Some("start the server first".into()),
            socket: None,
            errno: Some(Errno {
                name: "ECONNREFUSED".into(),
                number: 111,
            }),
        },
    );
    let v: serde_json::Value = serde_json::from_str(&env.to_json()).unwrap();
    assert_eq!(v["event"], "error");
    assert_eq!(v["code"], "os");
    assert_eq!(v["errno"]["name"], "ECONNREFUSED");
    assert_eq!(v["errno"]["number"], 111);
}

#[test]
fn a_relay_stamped_from_text_parses_as_the_typed_relay() {
    let mut inner = Sequencer::default();
    let original = inner.stamp(40, Some(7), Event::Pong).to_json();
    let mut outer = Sequencer::default();
    let _hello = outer.stamp(1, None, Event::Pong);
    let text = outer.stamp_relay(99, &original);
    let parsed = Envelope::parse(&text).unwrap();
    assert_eq!(parsed.seq, 2);
    assert_eq!(parsed.t_us, 99);
    let Event::Relay { envelope } = parsed.event else {
        panic!("{text}")
    };
    assert_eq!(*envelope, Envelope::parse(&original).unwrap());
    assert_eq!(envelope.req, Some(7));
}

#[test]
fn lesson_at_round_trips_and_checks_its_limits() {
    let r =
        Request::parse(r#"{"req":4,"cmd":"lesson_at","lesson":"sticky-sender","step":2}"#).unwrap();
    let Command::LessonAt(at) = &r.command else {
        panic!("{:?}", r.command)
    };
    assert_eq!((at.lesson.as_str(), at.step), ("sticky-sender", 2));
    assert_eq!(at.check(), Ok(()));
    let event = serde_json::to_value(Event::LessonAt(at.clone())).unwrap();
    assert_eq!(
        event,
        serde_json::json!({"event":"lesson_at","lesson":"sticky-sender","step":2})
    );
    assert!(
        Request::parse(r#"{"req":4,"cmd":"lesson_at","lesson":"x","step":1,"extra":1}"#).is_err()
    );
    let at = |lesson: &str, step| LessonAt {
        lesson: lesson.into(),
        step,
        sockets: Default::default(),
    };
    let named = Request::parse(
        r#"{"req":5,"cmd":"lesson_at","lesson":"a","step":1,"sockets":{"server":1,"client":2}}"#,
    )
    .unwrap();
    let Command::LessonAt(named) = named.command else {
        panic!()
    };
    assert_eq!(named.sockets.get("client"), Some(&SocketId(2)));
    assert_eq!(named.check(), Ok(()));
    let mut bad = named.clone();
    bad.sockets.insert("no way".into(), SocketId(3));
    assert!(bad.check().unwrap_err().contains("socket name"));
    let mut many = named;
    many.sockets = (0..33).map(|i| (format!("s{i}"), SocketId(i))).collect();
    assert!(many.check().unwrap_err().contains("limit of 32"));
    assert_eq!(at("", 0).check(), Ok(()));
    assert!(at("", 1).check().unwrap_err().contains("needs a lesson"));
    assert!(at("les son", 1).check().unwrap_err().contains("' '"));
    assert!(
        at(&"a".repeat(65), 1)
            .check()
            .unwrap_err()
            .contains("limit of 64")
    );
    assert!(at("a", 1001).check().unwrap_err().contains("limit of 1000"));
}
