//! A 10 MB transfer with auto-recv through the page: the server sums fast recvs up, the page
//! shows the total and stays responsive.

use crate::page::open_lab;
use fantoccini::Locator;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn ten_megabytes_with_auto_recv_do_not_freeze_the_page() {
    let (_server, b) = open_lab().await;
    let (client, conn) = b.make_connection().await;

    b.click_in(&conn, "auto-recv").await;
    b.type_in(&client, "bulk-mb", "10").await;
    b.click_in(&client, "bulk-send").await;
    b.wait_text_in(
        &format!("{client} [data-testid='send-result']"),
        "accepted 10485760 of 10485760",
    )
    .await;
    b.wait_text_in(
        &format!("{conn} [data-testid='auto-total']"),
        "10485760 bytes",
    )
    .await;

    // Still responsive: a normal step right after works and shows up.
    b.type_in(&client, "send-text", "still here").await;
    b.click_in(&client, "send").await;
    b.wait_text_in(
        &format!("{conn} [data-testid='auto-total']"),
        "10485770 bytes",
    )
    .await;
    // The timeline renders a bounded window, not every event.
    let rows = b
        .client
        .find_all(Locator::Css("[data-testid='tl-row']"))
        .await
        .unwrap();
    assert!(rows.len() <= 200, "{} timeline rows rendered", rows.len());
    b.close().await;
}
