//! The whole page in 中文: the top bar's switch turns every word of the page Chinese (the
//! sticky-packet demo walked, its panels open, then the TCP vs UDP panel), a browser that asks for Chinese gets it
//! without a click, and a follower picks its own language while the lecturer keeps English.
//!
//! "Every word" is checked by the page itself: a script collects each visible text node and
//! each `title`, `placeholder`, `aria-label` and `alt` outside `[translate=no]` (data: bytes,
//! addresses, code, the server's own messages) and lists the English words left, apart from
//! [`TECH_TERMS`] and code quoted in the text (a call `str.encode()`, a path, a query, a
//! flag), by the rule the catalogue's own check uses (frontend/src/i18n/check.rs).

use crate::page::{Browser, dist};
use crate::support::LabServer;

/// English that stays in Chinese text: protocol and API names students type in their code,
/// kernel constants and TCP states, units, key names, the course's sample payloads and the
/// lab's own name. Anything else in English on a 中文 page is a missed translation.
#[rustfmt::skip]
const TECH_TERMS: &[&str] = &[
    "socklab", "TCP", "UDP", "IP", "IPv4", "IPv6", "Unix", "AF_UNIX", "AF_INET", "socket",
    "recv", "send", "sendall", "sendto", "recvfrom", "accept", "connect", "bind", "listen",
    "shutdown", "close", "setsockopt", "getsockname", "getpeername", "SO_REUSEADDR",
    "SO_RCVBUF", "SO_SNDBUF", "TCP_NODELAY", "MSG_PEEK", "FIONREAD", "SIOCOUTQ", "TCP_INFO",
    "SHUT_WR", "SHUT_RD", "SHUT_RDWR", "Python", "UTF", "GBK", "hex", "MD5", "md5", "JSON",
    "pcap", "Wireshark", "ACK", "SYN", "FIN", "RST", "PSH", "MTU", "RTT", "MSS", "EOF", "ms",
    "kbit", "s", "KB", "MB", "GB", "KiB", "MiB", "B", "QR", "Nagle", "TIME_WAIT", "ESTABLISHED",
    "LISTEN", "CLOSE_WAIT", "FIN_WAIT", "SYN_SENT", "LAST_ACK", "CLOSED", "A", "Esc", "End",
    "Home", "Ctrl", "C", "v", "x", "b", "hello", "world", "bufsize", "struct", "I", "i", "ss",
    "ti", "python3", "https", "localhost", "utf", "gbk",
];

/// The English words the page shows outside `[translate=no]`, with where (the nearest
/// `data-testid`), as "word: text (testid)".
const ENGLISH_LEFT: &str = r#"
const allowed = new Set(arguments[0]);
const left = [];
const visible = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
// Data, and text declared English (the language switch says "English" in English).
const data = el => el.closest('[translate="no"], [lang^="en"], script, style, noscript');
const where = el => (el.closest('[data-testid]') || {dataset: {}}).dataset.testid || el.tagName;
// Code quoted in the text is not words: a call, a file name, a path, a query, a flag, a
// version number (v1).
const code = chunk => chunk.startsWith('--') || chunk.includes('(') || /\.[A-Za-z]/.test(chunk)
    || chunk.startsWith('/') || chunk.startsWith('?') || chunk.includes('=')
    || /^v\d/.test(chunk);
const check = (text, el) => {
    for (const chunk of text.split(/[\s\u0080-\uffff]+/)) {
        if (code(chunk)) continue;
        // A word that starts with a digit is a number (0a, 3f).
        for (const word of chunk.match(/(?<![0-9A-Za-z_])[A-Za-z_][A-Za-z0-9_]*/g) || []) {
            // The kernel's errno names (EADDRINUSE) are the same in any language.
            if (allowed.has(word) || /^E[A-Z]{3,}$/.test(word)) continue;
            left.push(`${word}: ${text.trim().slice(0, 80)} (${where(el)})`);
        }
    }
};
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.data.trim() || data(el)) continue;
    // A closed <select>'s options have no boxes: they count when the select shows.
    const box = el.closest('select') || el;
    if (visible(box)) check(n.data, el);
}
for (const el of document.body.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
    if (data(el) || !visible(el)) continue;
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
        if (el.hasAttribute(a)) check(el.getAttribute(a), el);
    }
}
return left;
"#;

/// The English words left on the page (empty when all is Chinese).
async fn english_left(b: &Browser) -> Vec<String> {
    let left = b
        .client
        .execute(ENGLISH_LEFT, vec![serde_json::json!(TECH_TERMS)])
        .await
        .unwrap();
    serde_json::from_value(left).unwrap()
}

/// Waits for the page to be connected, in either language (the badge's class is not text).
async fn connected(b: &Browser) {
    b.wait_css("[data-testid='connection-status'].badge-connected")
        .await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_switch_turns_the_whole_sticky_demo_chinese() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let b = Browser::start().await;
    b.client.goto(&server.page_url()).await.unwrap();
    b.wait_for_text("connection-status", "connected").await;
    assert_eq!(b.text_of("ui-lang").await.as_deref(), Some("中文"));
    b.click_testid("ui-lang").await;
    b.wait_for_text("ui-lang", "English").await;
    b.wait_js(
        "return document.documentElement.lang === 'zh-CN';",
        "<html lang> zh-CN",
    )
    .await;
    b.wait_for_text("connection-status", "已连接").await;
    // The lesson player's own switch shows the same language.
    assert_eq!(b.text_of("lesson-lang").await.as_deref(), Some("English"));

    // The sticky demo, as basics.rs walks it, in Chinese.
    let (client, server_card) = b.make_connection().await;
    let buffer = format!("{server_card} [data-testid='recv-buffer']");
    for (n, word) in ["hello", "world"].into_iter().enumerate() {
        b.type_in(&client, "send-text", word).await;
        b.click_in(&client, "send").await;
        b.wait_css(&format!("{buffer}[data-bytes='{}']", 5 * (n + 1)))
            .await;
    }
    b.type_in(&server_card, "recv-bufsize", "12").await;
    b.click_in(&server_card, "recv").await;
    b.wait_text_in(
        &format!("{server_card} [data-testid='recv-label']"),
        "2 次发送 → 1 次接收",
    )
    .await;
    b.wait_css(&format!("{buffer}[data-bytes='0']")).await;
    // Every panel the page shows, open.
    b.client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true);",
            vec![],
        )
        .await
        .unwrap();
    b.next_frame().await;
    let left = english_left(&b).await;
    assert!(
        left.is_empty(),
        "English left on the 中文 page:\n{}",
        left.join("\n")
    );
    // The TCP vs UDP demo's panel too: its explanations are the lesson of the demo.
    b.click_testid("demo-tcp-vs-udp").await;
    b.wait_text_in(
        "[data-testid='compare-udp-summary']",
        "2 sendto → 2 recvfrom",
    )
    .await;
    b.wait_text_in("[data-testid='compare-tcp-summary']", "2 次发送")
        .await;
    let left = english_left(&b).await;
    assert!(
        left.is_empty(),
        "English left with the TCP vs UDP panel:\n{}",
        left.join("\n")
    );

    // And back: the English page is the one the other tests know.
    b.click_testid("lesson-lang").await;
    b.wait_for_text("ui-lang", "中文").await;
    b.wait_for_text("connection-status", "connected").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_chinese_browser_opens_in_chinese_and_a_follower_picks_its_own_language() {
    let server = LabServer::start_with(|c| c.dist = dist()).await;
    let lecturer = Browser::start().await;
    lecturer.client.goto(&server.page_url()).await.unwrap();
    lecturer
        .wait_for_text("connection-status", "connected")
        .await;
    lecturer.click_testid("share").await;
    lecturer.wait_css("[data-testid='follow-link']").await;
    let link = lecturer.text_of("follow-link").await.unwrap();

    // A student whose browser asks for Chinese: no click needed.
    let student = Browser::start_with_lang("zh-CN").await;
    student.client.goto(&link).await.unwrap();
    student.wait_css("[data-testid='following-badge']").await;
    connected(&student).await;
    student.wait_for_text("connection-status", "已连接").await;
    student.wait_for_text("ui-lang", "English").await;
    student
        .wait_js(
            "return document.documentElement.lang === 'zh-CN';",
            "<html lang> zh-CN on the follower",
        )
        .await;
    let left = english_left(&student).await;
    assert!(
        left.is_empty(),
        "English left on the follower's page:\n{}",
        left.join("\n")
    );

    // The lecturer's page stays English: language is never relayed, either way.
    lecturer.wait_for_text("follower-count", "1").await;
    assert_eq!(lecturer.text_of("ui-lang").await.as_deref(), Some("中文"));
    student.click_testid("ui-lang").await;
    student
        .wait_for_text("connection-status", "connected")
        .await;
    lecturer.click_testid("ui-lang").await;
    lecturer.wait_for_text("connection-status", "已连接").await;
    assert_eq!(student.text_of("ui-lang").await.as_deref(), Some("中文"));
    student.close().await;
    lecturer.close().await;
}
