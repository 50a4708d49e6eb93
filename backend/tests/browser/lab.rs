//! The lab page's teaching views in headless Chromium against a real socklab: the TCP vs UDP
//! comparison, the receiver's decoder, UDP truncation, text encodings and a Unix socket pair.
//!
//! Ignored by a plain `cargo test` (they need the page built by trunk and Chromium installed);
//! scripts/test builds the page, installs Chromium and runs them with `--ignored`.

use crate::page::{Browser, UI_TIMEOUT, open_lab};
use fantoccini::Locator;

/// Picks the `<option value=value>` of select `[data-testid=id]` inside `scope`.
async fn select_in(b: &Browser, scope: &str, id: &str, value: &str) {
    b.wait_css(&format!("{scope} [data-testid='{id}']"))
        .await
        .select_by_value(value)
        .await
        .unwrap();
}

/// The elements matching `css` right now.
async fn all(b: &Browser, css: &str) -> Vec<fantoccini::elements::Element> {
    b.client.find_all(Locator::Css(css)).await.unwrap()
}

/// Waits until exactly `n` elements match `css`, and returns them.
async fn wait_count(b: &Browser, css: &str, n: usize) -> Vec<fantoccini::elements::Element> {
    let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
    loop {
        let found = all(b, css).await;
        if found.len() == n {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} matched {} elements, never {n}",
            found.len()
        );
        let _ = b
            .client
            .execute_async("requestAnimationFrame(arguments[0])", vec![])
            .await;
    }
}

fn save_screenshot(png: Vec<u8>, path: &str) {
    std::fs::write(path, png).unwrap();
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn tcp_vs_udp_button_shows_the_merge_and_the_boundaries_side_by_side() {
    let (_server, b) = open_lab().await;
    b.click_in("[data-testid='workbench']", "demo-tcp-vs-udp")
        .await;

    b.wait_text_in(
        "[data-testid='compare-udp-summary']",
        "2 sendto → 2 recvfrom",
    )
    .await;
    let tcp = "[data-testid='compare'] [data-testid='compare-tcp']";
    let udp = "[data-testid='compare'] [data-testid='compare-udp']";
    b.wait_text_in(
        &format!("{tcp} [data-testid='compare-tcp-summary']"),
        "2 sends → 1 recv",
    )
    .await;

    // TCP: one recv returned both sends, 10 bytes in two colours.
    let recvs = wait_count(&b, &format!("{tcp} [data-testid='compare-tcp-recv']"), 1).await;
    assert_eq!(
        recvs[0].attr("data-bytes").await.unwrap().as_deref(),
        Some("10")
    );
    assert_eq!(
        recvs[0].attr("data-colours").await.unwrap().as_deref(),
        Some("2")
    );

    // UDP: two datagrams, five bytes each, one strip each.
    let grams = wait_count(
        &b,
        &format!("{udp} [data-testid='compare-udp-datagram']"),
        2,
    )
    .await;
    for g in &grams {
        assert_eq!(g.attr("data-bytes").await.unwrap().as_deref(), Some("5"));
        assert_eq!(g.attr("data-colours").await.unwrap().as_deref(), Some("1"));
    }
    assert!(grams[0].text().await.unwrap().contains('h'));
    assert!(grams[1].text().await.unwrap().contains('w'));

    // The script really made the five sockets the page shows as cards.
    wait_count(&b, "[data-testid='socket-card']", 5).await;
    save_screenshot(b.client.screenshot().await.unwrap(), "/tmp/compare.png");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn length_prefixed_messages_are_reassembled_by_the_receivers_decoder() {
    let (_server, b) = open_lab().await;
    let (client, accepted) = b.make_connection().await;

    select_in(&b, &client, "framing", "len-i").await;
    b.send_words(&client, &["hello", "world"]).await;
    // 2 × (4-byte header + 5-byte body) waiting in the server's kernel buffer.
    b.wait_css(&format!(
        "{accepted} [data-testid='recv-buffer'][data-bytes='18']"
    ))
    .await;

    select_in(&b, &accepted, "decode-framing", "len-i").await;
    let decoded = format!("{accepted} [data-testid='decoded']");
    b.wait_text_in(&decoded, "after 0 recv calls").await;
    b.type_in(&accepted, "recv-bufsize", "3").await;
    for n in 1..=6 {
        b.click_in(&accepted, "recv").await;
        let calls = if n == 1 { "call" } else { "calls" };
        b.wait_text_in(&decoded, &format!("after {n} recv {calls}"))
            .await;
        if n == 2 {
            // 6 bytes: hello's header and "he"; its header said 5, so 3 more to come.
            b.wait_text_in(
                &format!("{accepted} [data-testid='decoded-partial']"),
                "waiting for 3 more bytes",
            )
            .await;
            let card = b.wait_css(&accepted).await;
            save_screenshot(card.screenshot().await.unwrap(), "/tmp/decoder.png");
        }
    }
    let messages = wait_count(
        &b,
        &format!("{accepted} [data-testid='decoded-message'] [data-testid='decoded-text']"),
        2,
    )
    .await;
    let mut texts = vec![];
    for m in &messages {
        texts.push(m.text().await.unwrap());
    }
    assert_eq!(texts, ["hello", "world"]);
    let card = b.wait_css(&accepted).await;
    save_screenshot(card.screenshot().await.unwrap(), "/tmp/decoded.png");
    assert!(
        all(&b, &format!("{accepted} [data-testid='decoded-partial']"))
            .await
            .is_empty(),
        "nothing is left over"
    );
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_udp_datagram_longer_than_the_buffer_is_truncated() {
    let (_server, b) = open_lab().await;
    b.click_in("[data-testid='workbench']", "new-udp").await;
    wait_count(&b, &Browser::card("udp"), 1).await;
    b.click_in("[data-testid='workbench']", "new-udp").await;
    let cards = wait_count(&b, &Browser::card("udp"), 2).await;
    let mut ids = vec![];
    for c in &cards {
        ids.push(c.attr("data-socket").await.unwrap().unwrap());
    }
    let card = |id: &str| format!("[data-testid='socket-card'][data-socket='{id}']");
    let (sender, receiver) = (card(&ids[0]), card(&ids[1]));
    let local = b
        .wait_text_in(&format!("{receiver} [data-testid='local']"), ":")
        .await;
    let port = local.rsplit(':').next().unwrap().trim().to_owned();

    b.type_in(&sender, "send-text", "helloworld").await;
    b.type_in(&sender, "sendto-port", &port).await;
    b.click_in(&sender, "sendto").await;
    b.wait_text_in(
        &format!("{sender} [data-testid='send-result']"),
        "datagram #1: 10 bytes",
    )
    .await;

    b.type_in(&receiver, "recv-bufsize", "4").await;
    b.click_in(&receiver, "recvfrom").await;
    let warning = b
        .wait_text_in(
            &format!("{receiver} [data-testid='truncated']"),
            "truncated",
        )
        .await;
    assert!(warning.contains("10 bytes"), "{warning}");
    let got = format!("{receiver} [data-testid='recv-bytes']");
    assert_eq!(b.attr(&got, "data-bytes").await.as_deref(), Some("4"));
    b.wait_text_in(
        &format!("{receiver} [data-testid='recv-text-value']"),
        "hell",
    )
    .await;
    // The rest of the datagram is gone: nothing is waiting any more.
    b.wait_text_in(&format!("{receiver} .buffer"), "no datagram waiting")
        .await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_character_split_between_two_recvs_shows_replacement_characters() {
    let (_server, b) = open_lab().await;
    let (client, accepted) = b.make_connection().await;
    // UTF-8: 你好 is e4 bd a0 e5 a5 bd; recv(4) cuts 好 after its first byte.
    b.send_words(&client, &["你好"]).await;
    b.type_in(&accepted, "recv-bufsize", "4").await;
    b.click_in(&accepted, "recv").await;
    b.wait_text_in(
        &format!("{accepted} [data-testid='recv-text-value']"),
        "你\u{fffd}",
    )
    .await;
    b.wait_css(&format!("{accepted} [data-testid='recv-text-warning']"))
        .await;

    // The next recv starts in the middle of 好: its last two bytes are no character at all.
    b.type_in(&accepted, "recv-bufsize", "1024").await;
    b.click_in(&accepted, "recv").await;
    b.wait_text_in(
        &format!("{accepted} [data-testid='recv-text-value']"),
        "\u{fffd}\u{fffd}",
    )
    .await;

    // GBK on both sides: 4 bytes, c4 e3 ba c3, whole characters again.
    select_in(&b, &client, "encoding", "gbk").await;
    b.type_in(&client, "send-text", "你好").await;
    b.click_in(&client, "send").await;
    b.wait_text_in(&format!("{client} [data-testid='send-result']"), "send #2")
        .await;
    select_in(&b, &accepted, "encoding", "gbk").await;
    b.click_in(&accepted, "recv").await;
    b.wait_text_in(
        &format!("{accepted} [data-testid='recv-text-value']"),
        "你好",
    )
    .await;
    let got = format!("{accepted} [data-testid='recv-bytes']");
    assert_eq!(b.attr(&got, "data-bytes").await.as_deref(), Some("4"));
    assert!(
        all(&b, &format!("{accepted} [data-testid='recv-text-warning']"))
            .await
            .is_empty()
    );
    b.close().await;
}

/// Experiment 25 by hand: the workbench's Unix buttons make a real AF_UNIX pair, the card shows
/// the socket file's path, and a Unix stream merges two sends into one recv just like TCP.
/// A client started before its server fails with ENOENT and says what to do, and the error
/// goes away once the server exists.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_unix_socket_pair_from_the_workbench_is_a_byte_stream_too() {
    let (_server, b) = open_lab().await;
    b.click_testid("new-unix-client").await;
    let error = b.wait_text_in("[data-testid='lab-error']", "ENOENT").await;
    assert!(error.contains("start the server first"), "{error}");
    b.wait_text_in("[data-testid='last-error']", "ENOENT").await;

    b.click_testid("new-unix-server").await;
    let listener = Browser::card("listener");
    let path = b
        .wait_text_in(&format!("{listener} [data-testid='local']"), "server.sock")
        .await;
    for stale in ["lab-error", "last-error"] {
        assert_eq!(
            b.text_of(stale).await,
            None,
            "the bind worked: the old connect error is gone from [data-testid={stale}]"
        );
    }
    assert!(
        path.starts_with('/'),
        "the card shows the full path: {path}"
    );
    b.click_testid("new-unix-client").await;
    let client = Browser::card("client");
    b.wait_text_in(&format!("{client} [data-testid='local']"), "unnamed")
        .await;
    // The listener's queue as the kernel counts it (sock_diag), before and after accept().
    let queue = format!("{listener} [data-testid='accept-queue']");
    b.wait_text_in(&queue, "1 waiting").await;
    b.click_in(&listener, "accept").await;
    let accepted = Browser::card("accepted");
    b.wait_css(&accepted).await;
    b.wait_text_in(&queue, "0 waiting").await;

    b.send_words(&client, &["hello", "world"]).await;
    let buffer = format!("{accepted} [data-testid='recv-buffer']");
    b.wait_css(&format!("{buffer}[data-bytes='10']")).await;
    b.type_in(&accepted, "recv-bufsize", "1024").await;
    b.click_in(&accepted, "recv").await;
    b.wait_text_in(
        &format!("{accepted} [data-testid='recv-label']"),
        "2 sends → 1 recv",
    )
    .await;
    let got = format!("{accepted} [data-testid='recv-bytes']");
    assert_eq!(b.attr(&got, "data-bytes").await.as_deref(), Some("10"));
    b.close().await;
}
