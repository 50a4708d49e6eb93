//! Every lesson in static/lessons, run end to end through the real /ws endpoint on real
//! sockets, checking each step's `expect` list. A lesson that stops showing what it teaches
//! (say, the sticky-packet lesson no longer ends with one recv of "helloworld") fails here.

use crate::support::LabServer;
use crate::support::lesson_run::{chosen, lessons, run_lesson};

#[tokio::test]
async fn every_lesson_file_loads() {
    let set = lessons();
    assert!(
        set.problems.is_empty(),
        "lesson problems: {:#?}",
        set.problems
    );
    assert!(!set.lessons.is_empty());
}

#[tokio::test]
async fn every_lesson_runs_and_shows_what_it_teaches() {
    let set = lessons();
    let server = LabServer::start().await;
    for lesson in set.lessons.iter().filter(|l| chosen(l)) {
        run_lesson(&server, lesson, None).await;
    }
}
