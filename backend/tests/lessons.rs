//! Every lesson in static/lessons, run end to end through the real /ws endpoint on real
//! sockets, checking each step's `expect` list. A lesson that stops showing what it teaches
//! (say, the sticky-packet lesson no longer ends with one recv of "helloworld") fails here.

mod support;

use std::collections::HashMap;
use std::path::Path;

use socklab_shared::lesson::Lesson;
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
                .any(|e| expect.matches(e, &names));
            if !seen {
                let wait = ws.wait_unsolicited(|e| expect.matches(e, &names));
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
