//! Recordings on the real page: one page downloads its session, a fresh page opens the file
//! and shows the same cards and timeline, read-only.

use crate::page::Browser;
use crate::page::open_lab;

/// The text of every timeline row, in order.
async fn timeline_rows(b: &Browser) -> Vec<String> {
    let rows = b
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='timeline'] [data-testid='tl-row']\")].map(e => e.textContent);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(rows).unwrap()
}

/// Opens `text` as the file of the page's "open recording" input, as if the user chose it.
async fn open_file(b: &Browser, text: &str) {
    b.wait_css("[data-testid='recording-open']").await;
    b.client
        .execute(
            "const input = document.querySelector(\"[data-testid='recording-open']\");
             const data = new DataTransfer();
             data.items.add(new File([arguments[0]], 'socklab-recording.jsonl'));
             input.files = data.files;
             input.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::json!(text)],
        )
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_downloaded_recording_plays_on_a_fresh_page() {
    let (server, first) = open_lab().await;
    let (client, _accepted) = first.make_connection().await;
    first.send_words(&client, &["hello"]).await;
    let cards = first
        .wait_socket_ids("[data-testid='socket-card']", "three cards", |ids| {
            ids.len() == 3
        })
        .await;
    first
        .wait_css("[data-testid='timeline'] [data-testid='tl-row']")
        .await;
    let rows = timeline_rows(&first).await;
    assert!(!rows.is_empty());

    first.click_testid("recording-download").await;
    first
        .wait_js(
            "const b = document.querySelector(\"[data-testid='recording-download']\");
             return !!b && (b.dataset.recording || '').length > 0;",
            "the recording was saved",
        )
        .await;
    let recording = first
        .attr("[data-testid='recording-download']", "data-recording")
        .await
        .unwrap();
    let header: serde_json::Value =
        serde_json::from_str(recording.lines().next().unwrap()).unwrap();
    assert_eq!(header["format"], "socklab-recording");
    assert_eq!(header["version"], 1);

    let second = Browser::start().await;
    second.client.goto(&server.page_url()).await.unwrap();
    second.wait_for_text("connection-status", "connected").await;

    // A file from a newer socklab is refused, in words.
    open_file(
        &second,
        "{\"format\":\"socklab-recording\",\"version\":2,\"protocol_version\":1}\n",
    )
    .await;
    second
        .wait_text_in("[data-testid='recording-error']", "newer socklab")
        .await;

    open_file(&second, &recording).await;
    second
        .wait_for_text("recording-badge", "playing a recording (read-only)")
        .await;
    assert!(second.text_of("recording-error").await.is_none());
    second
        .wait_socket_ids("[data-testid='socket-card']", "the recorded cards", |ids| {
            ids == cards.as_slice()
        })
        .await;
    second
        .wait_text_in(&format!("{client} [data-testid='send-result']"), "send #1")
        .await;
    assert_eq!(timeline_rows(&second).await, rows);

    // Read-only: a command does not go out, and says why.
    second.click_testid("new-tcp-server").await;
    second
        .wait_text_in("[data-testid='last-error']", "a recording is playing")
        .await;
    assert_eq!(
        second.socket_ids("[data-testid='socket-card']").await,
        cards
    );

    second.close().await;
    first.close().await;
}

/// A recording of a lesson, dropped on a fresh page, plays with the lesson's narration, and
/// stepping back through its timeline shows the narration of that moment.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_dropped_lesson_recording_plays_with_its_narration() {
    use crate::lessons::{lesson, open_lab, step_to};
    let (server, first) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    let n = nine.steps.len();
    first.choose_lesson(9).await;
    step_to(&first, &nine, 1, 2).await;
    first
        .wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    // The step's position goes to the server once its first command is on the way, so it can
    // come back into the history after the step's last answer: download until the recording
    // holds step 2's position.
    first
        .wait_js(
            "const b = document.querySelector(\"[data-testid='recording-download']\");
             const has = (b.dataset.recording || '').split('\\n').some(line =>
                 line.includes('\"event\":\"lesson_at\"') && line.includes('\"step\":2'));
             if (!has) b.click();
             return has;",
            "a recording with the lesson's position at step 2",
        )
        .await;
    let recording = first
        .attr("[data-testid='recording-download']", "data-recording")
        .await
        .unwrap();

    let second = Browser::start().await;
    second.client.goto(&server.page_url()).await.unwrap();
    second.wait_for_text("connection-status", "connected").await;
    // Dropped on the page, as a lecturer drags the file in from the desktop.
    second
        .client
        .execute(
            "const data = new DataTransfer();
             data.items.add(new File([arguments[0]], 'socklab-recording.jsonl'));
             document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));",
            vec![serde_json::json!(recording)],
        )
        .await
        .unwrap();
    second.wait_css("[data-testid='recording-badge']").await;
    second
        .wait_text_in("[data-testid='lesson-step']", &format!("step 2 of {n}"))
        .await;
    let say2: String = nine.steps[1].say.en.chars().take(20).collect();
    second
        .wait_text_in("[data-testid='lesson-say']", &say2)
        .await;
    second.click_testid("tl-first").await;
    second
        .wait_js(
            &format!(
                "const s = document.querySelector(\"[data-testid='lesson-step']\");
                 return !s || !s.textContent.includes('step 2 of {n}');"
            ),
            "the narration of the recording's first step",
        )
        .await;
    second.close().await;
    first.close().await;
}
