//! The Python panel in headless Chromium: after the sticky-packet lesson it shows the lesson's
//! calls as Python named after the lesson's sockets, and the program runs with python3.

use std::path::Path;

use crate::page::{Browser, open_lab_with};
use crate::support::LabServer;

async fn open_lab() -> (LabServer, Browser) {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
    open_lab_with(|c| c.lessons = lessons).await
}

/// Chooses lesson `number` and runs all its steps.
pub(crate) async fn run_lesson(b: &Browser, number: u32) {
    b.choose_lesson(number).await;
    b.click_testid("lesson-run-all").await;
    b.wait_css("[data-testid='lesson-next'][disabled]").await;
    b.wait_css("[data-testid='lesson-run-all'][disabled]").await;
}

/// The panel's code as text (`textContent`: exactly the program, newlines included).
pub(crate) async fn code(b: &Browser) -> String {
    b.client
        .execute(
            "return document.querySelector(\"[data-testid='python-code']\").textContent",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_panel_shows_the_sticky_lesson_as_python_that_runs() {
    let (_server, b) = open_lab().await;
    run_lesson(&b, 9).await;
    let text = b
        .wait_text_in("[data-testid='python-code']", "recv(12)")
        .await;
    for line in [
        "import socket",
        "server.listen(5)",
        "client.connect(('127.0.0.1', server.getsockname()[1]))",
        "conn, addr = server.accept()",
        "client.send(b'hello')",
        "client.send(b'world')",
        "data = conn.recv(12)",
    ] {
        assert!(text.contains(line), "no {line:?} in the panel:\n{text}");
    }
    // The latest step (the recv) is the highlighted one.
    let now = b.wait_css("[data-testid='python-code'] .py-now").await;
    assert!(now.text().await.unwrap().contains("conn.recv(12)"));
    if std::env::var_os("SOCKLAB_SCREENSHOT").is_some() {
        b.client
            .execute(
                "document.querySelector(\"[data-testid='python-panel']\").scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        b.screenshot_if_asked().await;
    }

    // What the panel shows is a program that runs and gets what the lab got.
    let program = code(&b).await;
    let dir = crate::support::TempDir::new();
    let path = dir.0.join("panel.py");
    std::fs::write(&path, &program).unwrap();
    let out = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tokio::process::Command::new("python3").arg(&path).output(),
    )
    .await
    .expect("the panel's program did not finish")
    .unwrap();
    assert!(
        out.status.success(),
        "the panel's program failed:\n{program}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "b'helloworld'\n");

    // Stepping the timeline back shows the program up to that step. (While a lesson runs,
    // ← steps the lesson itself, so the timeline's own button is used.)
    b.click_testid("tl-prev").await;
    let earlier = b
        .wait_text_in(
            "[data-testid='python-code'] .py-now",
            "client.send(b'world')",
        )
        .await;
    assert!(!earlier.contains("recv"));
    assert!(!code(&b).await.contains("recv(12)"));
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_copy_button_puts_the_program_on_the_clipboard() {
    let (_server, b) = open_lab().await;
    run_lesson(&b, 1).await;
    b.wait_text_in("[data-testid='python-code']", "client.close()")
        .await;
    b.click_testid("python-copy").await;
    // Headless Chromium may refuse clipboard access; either way the page says what happened.
    let deadline = tokio::time::Instant::now() + crate::page::UI_TIMEOUT;
    loop {
        let said = b.text_of("python-copied").await.unwrap_or_default();
        if said.contains("copied") || said.contains("Ctrl+C") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the copy button said {said:?}"
        );
        b.next_frame().await;
    }
    b.close().await;
}
