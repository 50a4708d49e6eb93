//! Every lesson in static/lessons, run end to end through the real /ws endpoint on real
//! sockets, checking each step's `expect` list. A lesson that stops showing what it teaches
//! (say, the sticky-packet lesson no longer ends with one recv of "helloworld") fails here.

use std::path::Path;

use crate::support::LabServer;
use crate::support::lesson_run::{chosen, run_lesson};

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
    for lesson in set.lessons.iter().filter(|l| chosen(l)) {
        run_lesson(&server, lesson, None).await;
    }
}
