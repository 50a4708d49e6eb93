//! A lecture's flow: every lesson and demo starts from a clean slate (what the last one
//! opened is closed, the timeline shows only its own columns), and the TCP vs UDP button can
//! be clicked again and again.

use crate::lessons::{lesson, open_lab, step_to};
use fantoccini::Locator;

const CARDS: &str = "[data-testid='socket-card']";
const LANES: &str = "[data-testid='tl-lane']";

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_second_lesson_starts_with_no_cards_or_columns_of_the_first() {
    let (_server, b) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    b.choose_lesson(9).await;
    step_to(&b, &nine, 1, nine.steps.len()).await;
    b.wait_css("[data-testid='lesson-next'][disabled]").await;
    let first = b
        .wait_socket_ids(CARDS, "three cards", |ids| ids.len() >= 3)
        .await;
    let last_of_nine = *first.iter().max().unwrap();

    let eleven = lesson("11-length-prefix.toml");
    b.choose_lesson(11).await;
    b.wait_socket_ids(CARDS, "without lesson 9's cards", |ids| ids.is_empty())
        .await;
    step_to(&b, &eleven, 1, 2).await;
    let cards = b
        .wait_socket_ids(CARDS, "lesson 11's cards", |ids| {
            !ids.is_empty() && ids.iter().all(|&id| id > last_of_nine)
        })
        .await;
    let lanes = b.socket_ids(LANES).await;
    assert!(
        lanes.iter().all(|&id| id > last_of_nine) && lanes.len() <= cards.len(),
        "the timeline still has earlier columns: {lanes:?} (cards {cards:?})"
    );

    // "previous" runs the lesson again on new sockets: the old ones' columns go too.
    b.click_testid("lesson-prev").await;
    b.wait_text_in("[data-testid='lesson-step']", "step 1 of")
        .await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    let again = b
        .wait_socket_ids(CARDS, "new cards", |ids| {
            !ids.is_empty() && ids.iter().all(|&id| id > *cards.iter().max().unwrap())
        })
        .await;
    b.wait_socket_ids(LANES, "only the re-run's columns", |lanes| {
        lanes.iter().all(|id| again.contains(id))
    })
    .await;

    // Earlier work is one click away.
    b.click_testid("tl-show-earlier").await;
    b.wait_socket_ids(LANES, "lesson 9's columns again", |lanes| {
        lanes.contains(&last_of_nine)
    })
    .await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_tcp_vs_udp_button_can_be_clicked_again_and_again() {
    let (_server, b) = open_lab().await;
    let mut last = 0;
    for _ in 0..8 {
        b.click_testid("demo-tcp-vs-udp").await;
        let lanes = b
            .wait_socket_ids(LANES, "the new run's five columns", |ids| {
                ids.len() == 5 && ids.iter().all(|&id| id > last)
            })
            .await;
        last = *lanes.iter().max().unwrap();
        b.wait_text_in(
            "[data-testid='compare-udp-summary']",
            "2 sendto → 2 recvfrom",
        )
        .await;
    }
    b.wait_socket_ids(CARDS, "the last run's five cards", |ids| ids.len() == 5)
        .await;
    assert!(
        b.client
            .find(Locator::Css("[data-testid='lesson-error']"))
            .await
            .is_err(),
        "a failure shows in the lesson bar"
    );
    b.close().await;
}
