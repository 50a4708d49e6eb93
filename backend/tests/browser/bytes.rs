//! Bytes as people read and type them: a byte with no character (a length header's
//! `05 00 00 00`) shows as large hex, not as a dot under small print; a hex box takes any text
//! and names what is not a byte.

use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_header_byte_renders_as_hex_at_a_readable_size() {
    let (_server, b) = open_lab().await;
    let eleven = lesson("11-length-prefix.toml");
    b.choose_lesson(11).await;
    step_to(&b, &eleven, 1, 2).await;
    let first = format!(
        "{} [data-testid='buffer-panel'] .cell.header .ch",
        Browser::card("accepted")
    );
    b.wait_text_in(&first, "05").await;
    let size = b
        .client
        .execute(
            "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize);",
            vec![serde_json::json!(first)],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(size >= 16.0, "the header byte's hex is {size}px");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_hex_box_names_a_chinese_character_and_the_page_lives_on() {
    let (_server, b) = open_lab().await;
    let (client, _conn) = b.make_connection().await;
    b.click_in(&client, "send-hex").await;
    // 中a is four bytes of UTF-8: cutting it in two by byte offsets panicked and the page died.
    b.type_in(&client, "send-text", "中a").await;
    b.click_in(&client, "send").await;
    b.wait_text_in(&format!("{client} [data-testid='send-problem']"), "中a")
        .await;
    b.type_in(&client, "send-text", "68 69").await;
    b.click_in(&client, "send").await;
    b.wait_text_in(&format!("{client} [data-testid='send-result']"), "send #1")
        .await;
    b.close().await;
}
