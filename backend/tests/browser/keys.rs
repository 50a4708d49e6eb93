//! The keyboard follows the lesson: after a click on "next ▶", → / space / ← step the lesson
//! (not the timeline); and a view of the past says so in a banner, with one key back to now.

use crate::lessons::{lesson, open_lab, step_to};
use fantoccini::Locator;
use fantoccini::key::Key;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn arrows_and_space_step_the_lesson_after_a_click_on_next() {
    let (_server, b) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    let n = nine.steps.len();
    b.choose_lesson(9).await;
    step_to(&b, &nine, 1, 1).await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.type_key(Key::Right).await;
    b.wait_text_in("[data-testid='lesson-step']", &format!("step 2 of {n}"))
        .await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.type_key(Key::Space).await;
    b.wait_text_in("[data-testid='lesson-step']", &format!("step 3 of {n}"))
        .await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.type_key(Key::Left).await;
    b.wait_text_in("[data-testid='lesson-step']", &format!("step 2 of {n}"))
        .await;
    // The keys stepped the lesson, so the page still shows now.
    assert!(
        b.client
            .find(Locator::Css("[data-testid='past-banner']"))
            .await
            .is_err(),
        "the keys moved the timeline into the past"
    );
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_view_of_the_past_has_a_banner_and_escape_returns_to_now() {
    let (_server, b) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    b.choose_lesson(9).await;
    step_to(&b, &nine, 1, 3).await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.click_testid("tl-prev").await;
    b.wait_text_in("[data-testid='past-banner']", "the kernel as it was")
        .await;
    b.type_key(Key::Escape).await;
    b.wait_for_text("tl-position", "live").await;
    b.wait_js(
        "return !document.querySelector(\"[data-testid='past-banner']\");",
        "the banner went away",
    )
    .await;
    b.close().await;
}
