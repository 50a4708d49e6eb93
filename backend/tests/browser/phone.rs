//! A phone (390×844): a student who follows the lecture on a phone sees the page in one
//! column that fits the screen's width: no sideways pan, every card within the width, the
//! "2 sends → 1 recv" label of the timeline and the connection badge whole, and a lesson bar
//! that leaves three quarters of the screen to the lab. A plain (lecturer's) page at the same
//! size fits too, with a lesson's long narration.

use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;

/// A phone's viewport (an iPhone 12–15's CSS pixels).
const PHONE: (u32, u32) = (390, 844);

/// A function body for `execute`: what sticks out of the viewport sideways, as sentences.
/// `arguments[0]` lists CSS selectors of elements that must lie wholly within the width, not
/// be cut off sideways by a clipping ancestor nor cut short themselves (an ellipsis);
/// `arguments[1]` is a text that picks, among
/// the elements matched, only those containing it (or null). The page itself must not be
/// wider than the viewport.
const WIDTH_JS: &str = r#"
const [selectors, containing] = arguments;
const vw = document.documentElement.clientWidth;
const problems = [];
const sw = document.documentElement.scrollWidth;
if (sw > vw) problems.push(`the page is ${sw} px wide in a ${vw} px viewport`);
const name = el => el.dataset?.testid || el.getAttribute('class') || el.tagName;
for (const css of selectors) {
  const els = [...document.querySelectorAll(css)]
    .filter(el => containing === null || el.textContent.includes(containing));
  if (els.length === 0) problems.push(`nothing matches ${css}`);
  for (const el of els) {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.right > vw + 0.5)
      problems.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)} of ${vw} px`);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
      problems.push(`${name(el)} shows ${el.clientWidth} of its ${el.scrollWidth} px: "${el.textContent}"`);
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      const c = a.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5)
        problems.push(`${name(el)} (${Math.round(r.left)}–${Math.round(r.right)}) is cut off by ${name(a)} (${Math.round(c.left)}–${Math.round(c.right)})`);
    }
  }
}
return problems;
"#;

/// Waits until everything matched fits the width ([`WIDTH_JS`]); panics with what doesn't.
async fn wait_fits_width(b: &Browser, selectors: &[&str], containing: Option<&str>, when: &str) {
    let args = vec![serde_json::json!(selectors), serde_json::json!(containing)];
    b.wait_no_problems(WIDTH_JS, args, when).await;
}

/// The lesson bar's height, in px.
async fn lesson_bar_height(b: &Browser) -> f64 {
    b.client
        .execute(
            "return document.querySelector('.lessons').getBoundingClientRect().height;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

/// At most a quarter of the phone's height for the lesson bar.
fn assert_compact_bar(height: f64, when: &str) {
    let most = f64::from(PHONE.1) / 4.0;
    assert!(
        height <= most,
        "{when}: the lesson bar is {height} px high, more than {most}"
    );
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_followers_phone_shows_the_sticky_demo_without_panning() {
    let (_server, lecturer) = open_lab().await;
    lecturer.click_testid("share").await;
    lecturer.wait_css("[data-testid='follow-link']").await;
    let link = lecturer.text_of("follow-link").await.unwrap();
    let follower = Browser::start().await;
    follower.set_viewport(PHONE.0, PHONE.1).await;
    follower.client.goto(&link).await.unwrap();
    follower.wait_css("[data-testid='following-badge']").await;

    // The sticky demo on the lecturer's page (as basics.rs's sticky_demo_through_the_ui).
    let (client, server_card) = lecturer.make_connection().await;
    lecturer.send_words(&client, &["hello", "world"]).await;
    lecturer.type_in(&server_card, "recv-bufsize", "12").await;
    lecturer.click_in(&server_card, "recv").await;
    let label = format!("{server_card} [data-testid='recv-label']");
    lecturer.wait_text_in(&label, "2 sends → 1 recv").await;

    follower.wait_text_in(&label, "2 sends → 1 recv").await;
    wait_fits_width(
        &follower,
        &[
            "[data-testid='socket-card']",
            &label,
            "[data-testid='connection-status']",
            "[data-testid='following-badge']",
        ],
        None,
        "the follower's cards and badges",
    )
    .await;
    wait_fits_width(
        &follower,
        &["[data-testid='timeline'] .tl-marker"],
        Some("sends → "),
        "the timeline's merge label",
    )
    .await;
    assert_compact_bar(lesson_bar_height(&follower).await, "the follower's page");
    // The README's picture (docs/screenshots/phone.png): the merged recv in the middle.
    follower
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![serde_json::json!(label)],
        )
        .await
        .unwrap();
    follower.next_frame().await;
    follower.screenshot_to("phone.png").await;
    follower.close().await;
    lecturer.close().await;
}

/// A lecturer's own page on a phone, in lesson 13 (the longest narration): the bar stays
/// compact, the page never pans sideways, the lesson's buttons are within reach.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_plain_page_on_a_phone_fits_the_width_in_a_lesson() {
    let (_server, b) = open_lab().await;
    b.set_viewport(PHONE.0, PHONE.1).await;
    wait_fits_width(
        &b,
        &["[data-testid='connection-status']"],
        None,
        "a new page",
    )
    .await;
    let l = lesson("13-custom-header.toml");
    b.choose_lesson(l.number).await;
    step_to(&b, &l, 1, 2).await;
    wait_fits_width(
        &b,
        &[
            "[data-testid='socket-card']",
            "[data-testid='lesson-next']",
            "[data-testid='lesson-prev']",
            "[data-testid='lesson-reset']",
            "[data-testid='lesson-lang']",
            "[data-testid='connection-status']",
        ],
        None,
        "lesson 13, step 2",
    )
    .await;
    assert_compact_bar(lesson_bar_height(&b).await, "lesson 13, step 2");
    b.close().await;
}
