//! A reload mid-lesson keeps the place: the same lesson at the same step (its sockets
//! rebuilt), the same language and the same text size.

use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_reload_mid_lesson_returns_to_the_same_step_language_and_text_size() {
    let (_server, b) = open_lab().await;
    let eleven = lesson("11-length-prefix.toml");
    let n = eleven.steps.len();
    b.choose_lesson(11).await;
    step_to(&b, &eleven, 1, 3).await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.click_testid("lesson-lang").await;
    let zh: String = eleven.steps[2].say.zh.chars().take(12).collect();
    b.wait_text_in("[data-testid='lesson-say']", &zh).await;
    b.click_testid("large-text").await;
    b.wait_css("[data-testid='large-text'][aria-pressed='true']")
        .await;
    // The place is written by effects after the clicks; reload only once it is stored.
    b.wait_js(
        "const p = JSON.parse(sessionStorage.getItem('socklab.place') || '{}');
         return p.lang === 'zh' && p.large === true && p.done === 3;",
        "the place (step 3, 中文, large text) in the tab's storage",
    )
    .await;

    b.reload().await;
    // The whole page came back in 中文 (the language is the page's, not only the lesson's).
    b.wait_for_text("connection-status", "已连接").await;
    b.wait_text_in(
        "[data-testid='lesson-step']",
        &format!("第 3 步，共 {n} 步"),
    )
    .await;
    b.wait_text_in("[data-testid='lesson-say']", &zh).await;
    b.wait_css("[data-testid='large-text'][aria-pressed='true']")
        .await;
    b.wait_js(
        "return document.documentElement.classList.contains('large-text');",
        "large text after the reload",
    )
    .await;
    // The lesson's sockets are back, in the state of step 3: recv(4) returned the header.
    b.wait_text_in(
        &format!("{} [data-testid='recv-result']", Browser::card("accepted")),
        "recv(4) 返回了 4 字节",
    )
    .await;
    // And the lesson goes on from there.
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    b.click_testid("lesson-next").await;
    b.wait_text_in(
        "[data-testid='lesson-step']",
        &format!("第 4 步，共 {n} 步"),
    )
    .await;
    b.close().await;
}
