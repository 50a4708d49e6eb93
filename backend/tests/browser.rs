//! The real page in headless Chromium against a real socklab.
//!
//! Ignored by a plain `cargo test` (they need the page built by trunk and Chromium installed);
//! scripts/test builds the page, installs Chromium and runs them with `--ignored`.

mod browser_support;
mod support;

use browser_support::{Browser, dist};
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
