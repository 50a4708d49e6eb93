//! The real page in headless Chromium against a real socklab.
//!
//! Ignored by a plain `cargo test` (they need the page built by trunk and Chromium installed);
//! scripts/test builds the page, installs Chromium and runs them with `--ignored`.

use crate::page::{Browser, dist, open_lab};
use crate::support::LabServer;
use fantoccini::Locator;
use socklab_shared::protocol::PROTOCOL_VERSION;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn page_connects_and_shows_the_protocol_version() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let browser = Browser::start().await;
    browser.client.goto(&server.page_url()).await.unwrap();
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
    // The restarted server is given the same token (`--token`), as a lecturer who restarts
    // socklab with SOCKLAB_TOKEN set would; a new random token would need the new URL.
    const TOKEN: &str = "restart-test-token";
    let server = LabServer::start_with(|c| {
        c.dist = dist();
        c.token = Some(TOKEN.to_owned());
    })
    .await;
    let addr = server.addr;
    let browser = Browser::start().await;
    browser.client.goto(&server.page_url()).await.unwrap();
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
        c.token = Some(TOKEN.to_owned());
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
    // scripts/screenshot sets this to refresh the README's picture from the real page: on a
    // 1280×720 projector, the server's card with its merged recv in view.
    if let Some(path) = std::env::var_os("SOCKLAB_SCREENSHOT") {
        b.set_viewport(1280, 720).await;
        b.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'end'});",
                vec![serde_json::json!(server_card)],
            )
            .await
            .unwrap();
        b.next_frame().await;
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(&path, png).unwrap();
    }
    b.close().await;
}

/// The page takes the token from the address once: it connects, the address bar no longer shows
/// the token (other parameters and the fragment stay), and the tab keeps it for a reload and
/// for the bare URL.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_token_leaves_the_address_bar_and_stays_with_the_tab() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let token = server
        .token
        .clone()
        .expect("socklab makes a token by default");
    let bare = format!("http://{}/", server.addr);
    let b = Browser::start().await;
    b.client.goto(&server.page_url()).await.unwrap();
    b.wait_for_text("connection-status", "connected").await;
    let href = b.location().await;
    assert_eq!(href, bare, "the token is gone from the address bar");
    assert!(!href.contains(&token));

    // A reload (the address has no token now) still connects: the tab kept it.
    b.reload().await;
    b.wait_for_text("connection-status", "connected").await;
    assert_eq!(b.location().await, bare);

    // So does the bare URL typed into the same tab.
    b.client.goto(&bare).await.unwrap();
    b.wait_for_text("connection-status", "connected").await;
    assert!(b.text_of("token-needed").await.is_none());

    // Only the token leaves the address: other parameters, in order, and the fragment stay.
    b.client
        .goto(&format!("{bare}?a=1&token={token}&b=2#part"))
        .await
        .unwrap();
    b.wait_for_text("connection-status", "connected").await;
    assert_eq!(b.location().await, format!("{bare}?a=1&b=2#part"));
    b.close().await;
}

/// A fresh browser on the bare URL has no token: the server refuses it, and the page says what
/// to open instead, never "connected".
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_bare_url_says_the_token_is_needed() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let b = Browser::start().await;
    b.client
        .goto(&format!("http://{}/", server.addr))
        .await
        .unwrap();
    let banner = b.wait_css("[data-testid='token-needed']").await;
    let text = banner.text().await.unwrap();
    assert!(
        text.contains("This lab needs its token") && text.contains("?token="),
        "the message: {text:?}"
    );
    // Through several reconnect attempts (250 ms, 500 ms, 1 s, 2 s), never connected.
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(4);
    while tokio::time::Instant::now() < until {
        let status = b.text_of("connection-status").await.unwrap_or_default();
        assert_ne!(status, "connected", "connected without the token");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        b.text_of("token-needed").await.is_some(),
        "the message stays"
    );
    b.close().await;
}

/// The page pings: a server that closes sessions idle for 1 s keeps the page's session open
/// while nobody touches the page (without pings it would end it, with an `idle_timeout` error,
/// and the page would reconnect to a new, empty session).
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_page_keeps_an_idle_session_open() {
    let (_server, b) = crate::page::open_lab_with(|c| c.idle_timeout_secs = 1).await;
    // A row in the timeline marks this session: a new session would start an empty history.
    b.click_testid("new-tcp-server").await;
    b.wait_css(&Browser::card("listener")).await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(
        b.text_of("connection-status").await.as_deref(),
        Some("connected")
    );
    assert_eq!(b.text_of("last-error").await, None, "no idle_timeout error");
    assert!(
        b.client
            .find(Locator::Css(&Browser::card("listener")))
            .await
            .is_ok(),
        "the session and its socket are still there"
    );
    b.close().await;
}
