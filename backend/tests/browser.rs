//! The real page in headless Chromium against a real socklab.
//!
//! Ignored by a plain `cargo test` (they need the page built by trunk and Chromium installed);
//! scripts/test builds the page, installs Chromium and runs them with `--ignored`.

mod browser_support;
mod support;

use browser_support::{Browser, dist, open_lab};
use socklab_shared::protocol::PROTOCOL_VERSION;
use support::LabServer;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn page_connects_and_shows_the_protocol_version() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{}/", server.addr))
        .await
        .unwrap();
    browser
        .wait_for_text("connection-status", "connected")
        .await;
    let version = browser
        .text_of("protocol-version")
        .await
        .unwrap_or_default();
    assert!(
        version.contains(&format!("protocol v{PROTOCOL_VERSION}")),
        "version shown: {version:?}"
    );
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn page_reconnects_by_itself_after_a_server_restart() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let addr = server.addr;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&format!("http://{addr}/"))
        .await
        .unwrap();
    browser
        .wait_for_text("connection-status", "connected")
        .await;

    server.stop().await;
    browser
        .wait_for_text("connection-status", "disconnected")
        .await;

    let _again = LabServer::start_with(|c| {
        c.dist = dist();
        c.listen = addr;
    })
    .await;
    browser
        .wait_for_text("connection-status", "connected")
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn sticky_demo_through_the_ui() {
    let (_server, b) = open_lab().await;
    let (client, server_card) = b.make_connection().await;

    b.send_words(&client, &["hello", "world"]).await;
    // Before the recv: the server's kernel buffer holds 10 bytes in two colours.
    let buffer = format!("{server_card} [data-testid='recv-buffer']");
    b.wait_css(&format!("{buffer}[data-bytes='10']")).await;
    assert_eq!(b.attr(&buffer, "data-colours").await.as_deref(), Some("2"));

    b.type_in(&server_card, "recv-bufsize", "12").await;
    b.click_in(&server_card, "recv").await;
    b.wait_text_in(
        &format!("{server_card} [data-testid='recv-label']"),
        "2 sends → 1 recv",
    )
    .await;
    let got = format!("{server_card} [data-testid='recv-bytes']");
    assert_eq!(b.attr(&got, "data-bytes").await.as_deref(), Some("10"));
    assert_eq!(b.attr(&got, "data-colours").await.as_deref(), Some("2"));
    // And the kernel buffer is empty again.
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    // scripts/screenshot sets this to refresh the README's picture from the real page.
    if let Some(path) = std::env::var_os("SOCKLAB_SCREENSHOT") {
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(&path, png).unwrap();
    }
    b.close().await;
}
