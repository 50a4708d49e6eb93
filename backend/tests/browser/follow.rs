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
