//! The timeline on the real page in headless Chromium against a real socklab: the sticky demo
//! drawn as a sequence diagram, and stepping back to the kernel buffers as they were.
//!
//! Ignored by a plain `cargo test` (they need the page built by trunk and Chromium installed);
//! scripts/test builds the page, installs Chromium and runs them with `--ignored`.

use crate::page::{Browser, open_lab};
use fantoccini::Locator;

/// Runs the sticky demo through the UI: server, client, accept, send "hello", send "world",
/// recv(12) on the server side. Returns the server card's selector.
async fn sticky_demo(b: &Browser) -> String {
    let (client, server_card) = b.make_connection().await;
    b.send_words(&client, &["hello", "world"]).await;
    let buffer = format!("{server_card} [data-testid='recv-buffer']");
    b.wait_css(&format!("{buffer}[data-bytes='10']")).await;
    b.type_in(&server_card, "recv-bufsize", "12").await;
    b.click_in(&server_card, "recv").await;
    b.wait_text_in(
        &format!("{server_card} [data-testid='recv-label']"),
        "2 sends → 1 recv",
    )
    .await;
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    server_card
}

/// The timeline row whose marker says `text`.
fn row_with(text: &str) -> String {
    format!("//*[@data-testid='timeline']//*[@data-testid='tl-row'][contains(., '{text}')]")
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn stepping_back_through_the_sticky_demo_restores_the_buffer_picture() {
    let (_server, b) = open_lab().await;
    let server_card = sticky_demo(&b).await;
    let buffer = format!("{server_card} [data-testid='recv-buffer']");

    // The diagram: one row per call, and the recv row has an arrow from each send.
    b.wait_css("[data-testid='timeline'] [data-testid='tl-row']")
        .await;
    let rows = b
        .client
        .find_all(Locator::Css("[data-testid='tl-row']"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 6, "listen, connect, accept, 2 sends, recv");
    let recv_row = b
        .client
        .find(Locator::XPath(&row_with("recv(12)")))
        .await
        .expect("a row for the recv");
    assert_eq!(
        recv_row.attr("data-arrows-in").await.unwrap().as_deref(),
        Some("2")
    );
    let lanes = b
        .client
        .find_all(Locator::Css("[data-testid='tl-lane']"))
        .await
        .unwrap();
    assert_eq!(lanes.len(), 3, "one lane per socket");
    b.wait_for_text("tl-position", "live").await;

    // Step back until the server's buffer holds the 10 bytes again (the picture before recv).
    let mut stepped = 0;
    loop {
        b.click_testid("tl-prev").await;
        stepped += 1;
        b.next_frame().await;
        if b.attr(&buffer, "data-bytes").await.as_deref() == Some("10") {
            break;
        }
        assert!(
            stepped < 3,
            "stepping back never showed the 10 buffered bytes"
        );
    }
    let position = b.text_of("tl-position").await.unwrap_or_default();
    assert_ne!(position, "live");
    assert!(position.starts_with("step "), "position shows {position:?}");
    // The step shown is send #2's, highlighted; the recv is in the future.
    b.wait_text_in("[data-testid='tl-row'].current", "send #2")
        .await;
    b.wait_css("[data-testid='tl-row'].future").await;
    b.client
        .execute(
            "document.querySelector(\"[data-testid='timeline']\").scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot_if_asked().await;

    // Back to the present.
    b.click_testid("tl-live").await;
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    b.wait_for_text("tl-position", "live").await;

    // Clicking a row shows the state after that row's step: after send #1, 5 bytes wait.
    b.client
        .find(Locator::XPath(&row_with("send #1")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_css(&format!("{buffer}[data-bytes='5']")).await;

    // Keyboard: → steps forward (send #2: 10 bytes), End returns to live.
    b.press_key("ArrowRight").await;
    b.wait_css(&format!("{buffer}[data-bytes='10']")).await;
    b.press_key("End").await;
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    b.wait_for_text("tl-position", "live").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn play_replays_the_session_and_stops_at_live() {
    let (_server, b) = open_lab().await;
    let server_card = sticky_demo(&b).await;
    let buffer = format!("{server_card} [data-testid='recv-buffer']");

    // At 1× (one step a second) each picture stays long enough to be seen; from live, play
    // starts at the first step.
    b.click_testid("tl-play").await;
    b.wait_text_in("[data-testid='tl-position']", "step ").await;
    // Somewhere along the way the 10 bytes sit in the buffer; at the end it is live again.
    b.wait_css(&format!("{buffer}[data-bytes='10']")).await;
    b.wait_for_text("tl-position", "live").await;
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_long_history_renders_only_a_window_of_rows() {
    let (_server, b) = open_lab().await;
    b.click_testid("new-tcp-server").await;
    b.wait_css(&Browser::card("listener")).await;
    b.click_testid("new-tcp-client").await;
    let client = Browser::card("client");
    b.wait_css(&client).await;
    // 150 clicks on "send hello + world quickly": 300 sends, 300 rows and more.
    b.client
        .execute(
            "const button = document.querySelector(arguments[0]); \
             for (let i = 0; i < 150; i++) button.click();",
            vec![serde_json::json!(format!(
                "{client} [data-testid='send-sticky']"
            ))],
        )
        .await
        .unwrap();
    b.wait_text_in(
        &format!("{client} [data-testid='send-result']"),
        "send #300",
    )
    .await;
    let rendered = |b: &Browser| {
        let client = b.client.clone();
        async move {
            client
                .find_all(Locator::Css("[data-testid='tl-row']"))
                .await
                .unwrap()
                .len()
        }
    };
    let n = rendered(&b).await;
    assert!((100..=200).contains(&n), "{n} rows rendered");
    b.wait_text_in("[data-testid='tl-earlier']", "earlier events")
        .await;
    // The newest row is among them.
    b.client
        .find(Locator::XPath(&row_with("send #300")))
        .await
        .expect("the newest send's row is rendered");

    // Home goes to the first step: the window moves to the start of the history.
    b.press_key("Home").await;
    b.wait_for_text("tl-position", &format!("step 1 of {}", 302))
        .await;
    b.client
        .find(Locator::XPath(&row_with("listen()")))
        .await
        .expect("the first row is rendered at the first step");
    assert!(rendered(&b).await <= 200);
    b.close().await;
}
