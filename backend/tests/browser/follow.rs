//! Follow mode on the real page: the lecturer shares the session, a student's page opened at
//! the follow link shows the same sockets, read-only.

use crate::page::{Browser, open_lab};

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_follower_sees_the_lecturers_sockets_and_cannot_run_commands() {
    let (server, lecturer) = open_lab().await;
    lecturer.click_testid("share").await;
    lecturer.wait_css("[data-testid='follow-link']").await;
    let link = lecturer.text_of("follow-link").await.unwrap();
    let addr = server.addr.to_string();
    assert!(
        link.starts_with(&format!("http://{addr}/?follow=")),
        "the follow link: {link}"
    );
    lecturer.wait_for_text("follower-count", "0").await;
    lecturer
        .wait_js(
            "const img = document.querySelector(\"[data-testid='follow-qr']\");
             return !!img && img.complete && img.naturalWidth > 0;",
            "the QR code loaded",
        )
        .await;

    // Some of the session before the follower comes, some after.
    let (client, _accepted) = lecturer.make_connection().await;
    let lecturer_cards = lecturer
        .wait_socket_ids("[data-testid='socket-card']", "three cards", |ids| {
            ids.len() == 3
        })
        .await;

    let follower = Browser::start().await;
    follower.client.goto(&link).await.unwrap();
    follower.wait_css("[data-testid='following-badge']").await;
    assert_eq!(
        follower.text_of("following-badge").await.as_deref(),
        Some("following the lecturer (read-only)")
    );
    lecturer.wait_for_text("follower-count", "1").await;
    follower
        .wait_socket_ids(
            "[data-testid='socket-card']",
            "the lecturer's cards",
            |ids| ids == lecturer_cards.as_slice(),
        )
        .await;
    assert!(
        follower.text_of("share").await.is_none(),
        "a follower has nothing to share"
    );

    // Live: a send on the lecturer's page shows on the follower's.
    lecturer.send_words(&client, &["hello"]).await;
    follower
        .wait_text_in(&format!("{client} [data-testid='send-result']"), "send #1")
        .await;

    // The follower's own command is refused, visibly, and changes nothing.
    follower.click_testid("new-tcp-server").await;
    follower
        .wait_text_in("[data-testid='last-error']", "can't run commands")
        .await;
    assert_eq!(
        follower.socket_ids("[data-testid='socket-card']").await,
        lecturer_cards
    );
    assert_eq!(
        lecturer.socket_ids("[data-testid='socket-card']").await,
        lecturer_cards
    );

    follower.close().await;
    lecturer.wait_for_text("follower-count", "0").await;
    lecturer.close().await;
}

/// The follower's page shows the lecturer's lesson narration; stepping back through the
/// timeline shows the narration of that moment while the lecturer goes on, and "back to
/// live" returns to the lecturer's present.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_follower_reads_the_narration_steps_back_and_returns_to_live() {
    use crate::lessons::{lesson, open_lab, step_to};
    let (_server, lecturer) = open_lab().await;
    let nine = lesson("09-sticky-sender.toml");
    let n = nine.steps.len();
    assert!(n >= 3, "lesson 9 has at least three steps");
    lecturer.click_testid("share").await;
    lecturer.wait_css("[data-testid='follow-link']").await;
    let link = lecturer.text_of("follow-link").await.unwrap();
    lecturer.choose_lesson(9).await;
    step_to(&lecturer, &nine, 1, 2).await;

    let follower = Browser::start().await;
    follower.client.goto(&link).await.unwrap();
    follower.wait_css("[data-testid='following-badge']").await;
    let say = |step: usize| {
        nine.steps[step - 1]
            .say
            .en
            .chars()
            .take(20)
            .collect::<String>()
    };
    follower
        .wait_text_in("[data-testid='lesson-step']", &format!("step 2 of {n}"))
        .await;
    follower
        .wait_text_in("[data-testid='lesson-say']", &say(2))
        .await;
    // The Python panel writes the lecturer's calls, bytes included, with the lesson's names.
    follower
        .wait_text_in("[data-testid='python-code']", "client.send(b'hello')")
        .await;
    follower
        .wait_text_in(
            "[data-testid='python-code']",
            "conn, addr = server.accept()",
        )
        .await;

    // Back to the start of the session: the narration of that moment, not step 2's.
    follower.click_testid("tl-first").await;
    follower.wait_css("[data-testid='past-banner']").await;
    follower
        .wait_js(
            &format!(
                "const s = document.querySelector(\"[data-testid='lesson-step']\");
                 return !s || !s.textContent.includes('step 2 of {n}');"
            ),
            "the follower's narration back before step 2",
        )
        .await;

    // The lecturer goes on; the follower stays where it stepped to.
    lecturer
        .wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    step_to(&lecturer, &nine, 3, 3).await;
    follower.wait_css("[data-testid='past-banner']").await;
    let shown = follower.text_of("lesson-step").await.unwrap_or_default();
    assert!(
        !shown.contains(&format!("step 3 of {n}")),
        "a follower in the past is not pulled along: {shown:?}"
    );

    // Back to live: the lecturer's present, step 3.
    follower.click_testid("past-back").await;
    follower
        .wait_text_in("[data-testid='lesson-step']", &format!("step 3 of {n}"))
        .await;
    follower
        .wait_text_in("[data-testid='lesson-say']", &say(3))
        .await;
    follower.close().await;
    lecturer.close().await;
}
