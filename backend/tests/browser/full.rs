//! The 65th session: a page the lab has no room for says why it can't connect (the lab is
//! full) and what to do, and connects by itself once a session ends.

use crate::page::Browser;
use crate::support::{LabServer, WsClient};

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_page_the_full_lab_refuses_says_the_lab_is_full() {
    let server = LabServer::start_with(|c| {
        c.dist = crate::page::dist();
        c.max_sessions = 1;
    })
    .await;
    let only = WsClient::connect(&server).await;
    let b = Browser::start().await;
    b.client.goto(&server.page_url()).await.unwrap();
    let text = b
        .wait_text_in("[data-testid='lab-full']", "The lab is full")
        .await;
    assert!(text.contains("--max-sessions"), "{text}");
    only.close_and_wait_until_gone().await;
    b.wait_for_text("connection-status", "connected").await;
    b.wait_js(
        "return !document.querySelector(\"[data-testid='lab-full']\");",
        "the notice went once the page connected",
    )
    .await;
    b.close().await;
}
