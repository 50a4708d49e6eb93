//! The projector: at 1280×720 the lecturer sees, at once and without scrolling, the lesson's
//! whole narration, every card or panel the step highlights, and the timeline with room for
//! its rows. Lessons 9 and 18 (the longest narrations) and 13 (a long narration and a
//! 156-byte buffer) are walked step by step with normal text, then lesson 13 again with large
//! text (the narration and the timeline). At this size the page takes its stage layout by
//! itself (components/stage.rs).

use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;
use fantoccini::Locator;
use socklab_shared::lesson::Lesson;

/// The projector's viewport.
const PROJECTOR: (u32, u32) = (1280, 720);
/// The least height of the timeline's rows, in px: two rows (`ROW_H` of the timeline).
const TIMELINE_ROWS_PX: f64 = 80.0;
/// The lesson and step the README's picture shows (docs/screenshots/projector.png).
const PICTURED: (u32, usize) = (13, 4);

/// After each step of `l`, the narration is whole and visible, so is the timeline and (when
/// `looks`) every highlighted element.
async fn walk_checking_fit(b: &Browser, l: &Lesson, looks: bool, what: &str) {
    for step in 1..=l.steps.len() {
        step_to(b, l, step, step).await;
        let when = format!("{what}, lesson {} step {step}", l.number);
        let mut whole = vec!["[data-testid='lesson-say']", "[data-testid='timeline']"];
        if looks && !l.steps[step - 1].look.is_empty() {
            b.wait_css(".look").await;
            whole.push(".look");
        }
        b.wait_fit(&whole, &["[data-testid='lesson-say']"], &when)
            .await;
        let rows = b
            .client
            .execute(
                "return document.querySelector(\"[data-testid='timeline'] .tl-scroll\").clientHeight;",
                vec![],
            )
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            rows >= TIMELINE_ROWS_PX,
            "{when}: the timeline's rows have {rows} px"
        );
        if looks && (l.number, step) == PICTURED {
            b.screenshot_to("projector.png").await;
        }
    }
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_lesson_fits_the_projector_without_scrolling() {
    let (_server, b) = open_lab().await;
    b.set_viewport(PROJECTOR.0, PROJECTOR.1).await;
    b.wait_css("html.stage [data-testid='stage'][aria-pressed='true']")
        .await;
    // Lesson 13 first, on a clean slate (the README's picture is taken at its step 4).
    let l = lesson("13-custom-header.toml");
    b.choose_lesson(l.number).await;
    walk_checking_fit(&b, &l, true, "normal text").await;
    // The longest narrations: lesson 9's last step and lesson 18's second (whose 4 KB
    // buffer is taller than the screen: there, the narration and the timeline).
    for (file, looks) in [
        ("09-sticky-sender.toml", true),
        ("18-send-vs-sendall.toml", false),
    ] {
        let other = lesson(file);
        b.choose_lesson(other.number).await;
        walk_checking_fit(&b, &other, looks, "normal text").await;
    }
    // Large text, lesson 13 from its start again: the narration and the timeline.
    b.click_testid("large-text").await;
    b.wait_css("html.large-text").await;
    b.choose_lesson(l.number).await;
    b.wait_css("[data-testid='lesson-prev'][disabled]").await;
    walk_checking_fit(&b, &l, false, "large text").await;
    b.close().await;
}

/// The "stage" button turns the layout off and on by hand, and a reload keeps the choice.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_stage_button_is_kept_across_a_reload() {
    let (_server, b) = open_lab().await;
    b.set_viewport(PROJECTOR.0, PROJECTOR.1).await;
    b.wait_css("html.stage").await;
    b.click_testid("stage").await;
    b.wait_css("html:not(.stage) [data-testid='stage'][aria-pressed='false']")
        .await;
    b.reload().await;
    b.wait_for_text("connection-status", "connected").await;
    b.wait_css("[data-testid='stage'][aria-pressed='false']")
        .await;
    assert!(
        b.client.find(Locator::Css("html.stage")).await.is_err(),
        "the layout stayed off after the reload"
    );
    b.click_testid("stage").await;
    b.wait_css("html.stage [data-testid='stage'][aria-pressed='true']")
        .await;
    b.close().await;
}
