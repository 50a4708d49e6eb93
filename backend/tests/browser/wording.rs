//! What the cards say, worded for students: lesson 11's receiver decodes "hello" where
//! steps 4 and 5 point, its label doesn't call a whole body "partial", and no card shows a
//! Rust debug dump.

use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;

/// The text of every socket card, joined.
async fn cards_text(b: &Browser) -> String {
    b.client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='socket-card']\")].map(c => c.innerText).join('\\n');",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn lesson_11_step_4_shows_hello_in_the_receivers_decoder() {
    let (_server, b) = open_lab().await;
    let eleven = lesson("11-length-prefix.toml");
    b.choose_lesson(11).await;
    step_to(&b, &eleven, 1, 4).await;
    let conn = Browser::card("accepted");
    b.wait_text_in(
        &format!("{conn} [data-testid='decoded'] [data-testid='decoded-text']"),
        "hello",
    )
    .await;
    b.wait_css(&format!("{conn}.look")).await;
    let label = b
        .wait_text_in(&format!("{conn} [data-testid='recv-label']"), "send #1")
        .await;
    assert!(
        !label.contains("partial") && label.contains("body"),
        "recv(5) got the whole body hello, the label says {label:?}"
    );
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn no_card_shows_a_rust_debug_dump() {
    let (_server, b) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    b.choose_lesson(9).await;
    step_to(&b, &nine, 1, nine.steps.len()).await;
    b.wait_css("[data-testid='lesson-next'][disabled]").await;
    let eleven = lesson("11-length-prefix.toml");
    b.choose_lesson(11).await;
    step_to(&b, &eleven, 1, 1).await;
    b.wait_text_in(&Browser::card("client"), "TCP_NODELAY")
        .await;
    let text = cards_text(&b).await;
    assert!(
        !text.contains('{') && !text.contains("SocketId("),
        "a card shows debug text: {text}"
    );
    b.close().await;
}
