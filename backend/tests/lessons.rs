//! Every lesson in static/lessons, run end to end through the real /ws endpoint on real
//! sockets, checking each step's `expect` list. A lesson that stops showing what it teaches
//! (say, the sticky-packet lesson no longer ends with one recv of "helloworld") fails here.

mod support;

use std::collections::HashMap;
use std::path::Path;

use socklab_shared::Payload;
use socklab_shared::lesson::{Expect, Lesson};
use socklab_shared::protocol::Event;
use socklab_shared::script::{Named, may_fail, name_of, resolve};
use support::{LabServer, WsClient};

fn lessons_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons")
}

#[tokio::test]
async fn every_lesson_file_loads() {
    let set = socklab::lessons::load_dir(&lessons_dir());
    assert!(
        set.problems.is_empty(),
        "lesson problems: {:#?}",
        set.problems
    );
    assert!(!set.lessons.is_empty());
}

#[tokio::test]
async fn every_lesson_runs_and_shows_what_it_teaches() {
    let set = socklab::lessons::load_dir(&lessons_dir());
    let server = LabServer::start().await;
    for lesson in &set.lessons {
        run_lesson(&server, lesson).await;
    }
}

async fn run_lesson(server: &LabServer, lesson: &Lesson) {
    let mut ws = WsClient::connect(server).await;
    let mut names: HashMap<String, Named> = HashMap::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        let place = format!("lesson {} ({}), step {}", lesson.number, lesson.slug, i + 1);
        ws.unsolicited.clear();
        let mut events = Vec::new();
        for template in &step.run {
            let command = resolve(template, &names).unwrap_or_else(|e| panic!("{place}: {e}"));
            let step_events = ws.step(command).await;
            for event in &step_events {
                if let Event::SocketOpened { socket, local, .. } = event
                    && let Some(name) = name_of(template)
                {
                    let port = local.rsplit(':').next().unwrap().parse().unwrap();
                    names.insert(
                        name.to_owned(),
                        Named {
                            socket: *socket,
                            port,
                        },
                    );
                }
                if let Event::Error { message, .. } = event {
                    assert!(may_fail(template), "{place}: {template} failed: {message}");
                }
            }
            events.extend(step_events);
        }
        // Expectations may be met by auto behaviours a moment later: wait for those.
        for expect in &step.expect {
            let seen = events
                .iter()
                .chain(ws.unsolicited.iter())
                .any(|e| matches(e, expect, &names));
            if !seen {
                let wait = ws.wait_unsolicited(|e| matches(e, expect, &names));
                if tokio::time::timeout(std::time::Duration::from_secs(5), wait)
                    .await
                    .is_err()
                {
                    panic!("{place}: never saw {expect:?}; the step's events were {events:#?}");
                }
            }
        }
    }
    ws.close().await;
}

/// Whether `event` is what `expect` describes.
fn matches(event: &Event, expect: &Expect, names: &HashMap<String, Named>) -> bool {
    let v = serde_json::to_value(event).unwrap();
    let eq_str = |field: &str, want: &Option<String>| {
        want.as_ref().is_none_or(|w| v[field].as_str() == Some(w))
    };
    let socket_ok = expect.socket.as_ref().is_none_or(|n| {
        names
            .get(n)
            .is_some_and(|named| v["socket"] == named.socket.0)
    });
    let data_ok = expect.data.as_ref().is_none_or(|want| {
        v["data"]
            .as_str()
            .and_then(|b| Payload::from_base64(b).ok())
            .is_some_and(|p| p.as_bytes() == want.as_bytes())
    });
    let partial_ok = expect.partial.is_none_or(|want| match event {
        Event::Sent {
            requested,
            accepted,
            ..
        } => (accepted < requested) == want,
        _ => false,
    });
    v["event"] == expect.event.as_str()
        && socket_ok
        && data_ok
        && partial_ok
        && eq_str("summary", &expect.summary)
        && eq_str("code", &expect.code)
        && expect
            .errno
            .as_ref()
            .is_none_or(|w| v["errno"]["name"].as_str() == Some(w))
        && expect
            .truncated
            .is_none_or(|w| v["truncated"].as_bool() == Some(w))
        && expect
            .real_len
            .is_none_or(|w| v["real_len"].as_u64() == Some(w))
}

#[test]
fn matching_checks_every_given_field() {
    let names = HashMap::from([(
        "conn".to_string(),
        Named {
            socket: socklab_shared::protocol::SocketId(3),
            port: 1,
        },
    )]);
    let event = Event::Received {
        socket: socklab_shared::protocol::SocketId(3),
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
        ..Default::default()
    };
    assert!(matches(&event, &e, &names));
    e.data = Some("hello".into());
    assert!(!matches(&event, &e, &names));
}
