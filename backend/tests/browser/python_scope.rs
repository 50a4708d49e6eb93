//! The Python panel follows the lesson: after a second lesson it shows only that lesson's
//! program (each lesson starts from a clean slate), not the first lesson's calls nor the
//! clean slate's closing of its sockets, and the program stays short.

use crate::lessons::open_lab;
use crate::python::{code, run_lesson};

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn after_a_second_lesson_the_panel_shows_only_its_program() {
    let (_server, b) = open_lab().await;
    // Lesson 9: two raw sends, one recv(12).
    run_lesson(&b, 9).await;
    // Named after the lesson's sockets (`conn`, not `s3`) once its script is done.
    let first = b
        .wait_text_in("[data-testid='python-code']", "conn.recv(12)")
        .await;
    assert!(first.contains("client.send(b'hello')"), "{first}");

    // Lesson 11: length-prefixed messages read with recv_exactly.
    run_lesson(&b, 11).await;
    // (The program may follow the events by a moment: it is remade at most every 500 ms
    // while they stream in, and named after the lesson's sockets once its script is done.)
    b.wait_text_in("[data-testid='python-code']", "recv_exactly(conn, 4)")
        .await;
    let second = code(&b).await;
    for earlier in ["recv(12)", "client.send(b'hello')", "client.send(b'world')"] {
        assert!(
            !second.contains(earlier),
            "lesson 9's {earlier:?} is still in the panel:\n{second}"
        );
    }
    assert_eq!(
        second.matches("server.listen(").count(),
        1,
        "one server, lesson 11's own:\n{second}"
    );
    // The clean slate closed lesson 9's sockets before lesson 11 began: not lesson 11's calls.
    let opened_before_close = second.find(".close()").is_none_or(|close| {
        second
            .find("socket.socket(")
            .is_some_and(|open| open < close)
    });
    assert!(
        opened_before_close,
        "a close() of an earlier socket:\n{second}"
    );
    for line in ["import socket", "struct.pack('i'", "recv_exactly(conn, 4)"] {
        assert!(second.contains(line), "no {line:?} in the panel:\n{second}");
    }
    let lines = second.lines().count();
    println!("lesson 11's program: {lines} lines");
    assert!(
        lines < 80,
        "the program stays short: {lines} lines\n{second}"
    );
    b.close().await;
}
