//! The wire on the real page: hosts A and B, the cable view and the link panel.
//!
//! The server's wire helper is the built `socklab` binary. Where this machine can't make the
//! wire (no user namespaces, no /dev/net/tun), the page shows the server's message and fix,
//! and each test prints a loud SKIPPED and returns.

use std::path::Path;

use fantoccini::Locator;
use serde_json::json;

use crate::lessons::{lesson, step_to};
use crate::page::{Browser, UI_TIMEOUT, open_lab_with};
use crate::support::LabServer;

/// A lab whose wire can be made, with the hosts made through the link panel's button; `None`
/// (after a loud SKIPPED) where the machine can't make them.
async fn open_wire(test: &str) -> Option<(LabServer, Browser)> {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
    let (server, b) = open_lab_with(|c| {
        c.wire_helper = Some(env!("CARGO_BIN_EXE_socklab").into());
        c.lessons = lessons;
    })
    .await;
    b.click_testid("wire-up").await;
    b.wait_js(
        "return !!document.querySelector(\"[data-testid='cable-view'], [data-testid='wire-error']\");",
        "the cable or the wire's error",
    )
    .await;
    if let Some(error) = b.text_of("wire-error").await {
        eprintln!("\n*** SKIPPED {test}: the wire can't be made here: {error}\n");
        b.close().await;
        return None;
    }
    Some((server, b))
}

/// Chooses where the next socket goes in the workbench's host menu ("machine", "a", "b").
async fn place(b: &Browser, value: &str) {
    b.wait_css(&format!(
        "select[data-testid='new-on'] option[value='{value}']"
    ))
    .await
    .click()
    .await
    .unwrap();
}

/// One packet as the page draws it.
#[derive(Debug, serde::Deserialize)]
struct Drawn {
    no: u64,
    flags: String,
    sends: String,
    fate: String,
    dir: String,
    y: u32,
    retransmission: bool,
    colours: Vec<String>,
}

/// Every packet arrow on the page, top to bottom.
async fn drawn(b: &Browser) -> Vec<Drawn> {
    let v = b
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='packet']\")].map(g => ({
                no: Number(g.dataset.no), flags: g.dataset.flags, sends: g.dataset.sends,
                fate: g.dataset.fate, dir: g.dataset.dir, y: Number(g.dataset.y),
                retransmission: g.dataset.retransmission === 'true',
                colours: [...g.querySelectorAll(\"[data-testid='packet-stripe']\")]
                    .map(s => s.dataset.colour)
                    .filter((c, i, all) => all.indexOf(c) === i)
            }));",
            vec![],
        )
        .await
        .unwrap();
    let mut d: Vec<Drawn> = serde_json::from_value(v).unwrap();
    d.sort_by_key(|p| (p.y, p.no));
    d
}

/// Waits until the packets drawn satisfy `test`; returns them.
async fn wait_drawn(b: &Browser, what: &str, test: impl Fn(&[Drawn]) -> bool) -> Vec<Drawn> {
    let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
    loop {
        let d = drawn(b).await;
        if test(&d) {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the cable never showed {what}: {d:#?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// With `$SOCKLAB_SCREENSHOT` set (a .png path): a PNG of the cable view, in that file with
/// `-name` added to its stem (a tall window, so the whole diagram shows below the lesson bar).
async fn screenshot_cable(b: &Browser, name: &str) {
    let Some(path) = std::env::var_os("SOCKLAB_SCREENSHOT") else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    let path = path.with_file_name(format!(
        "{}-{name}.png",
        path.file_stem().unwrap_or_default().to_string_lossy()
    ));
    b.client.set_window_size(1280, 1500).await.unwrap();
    b.client
        .execute(
            "document.querySelector(\"[data-testid='cable-view']\").scrollIntoView({block: 'end'});",
            vec![],
        )
        .await
        .unwrap();
    b.next_frame().await;
    let png = b.client.screenshot().await.unwrap();
    std::fs::write(path, png).unwrap();
    b.client.set_window_size(1280, 720).await.unwrap();
}

/// Through the workbench: a server on host B, a client on host A connecting to it by name.
async fn client_on_a_to_server_on_b(b: &Browser) -> (String, String) {
    place(b, "b").await;
    b.click_testid("new-tcp-server").await;
    let listener = Browser::card("listener");
    b.wait_css(&listener).await;
    place(b, "a").await;
    b.click_testid("new-tcp-client").await;
    let client = Browser::card("client");
    b.wait_css(&client).await;
    (listener, client)
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_handshake_draws_syn_syn_ack_ack_between_the_hosts() {
    let Some((_server, b)) = open_wire("a_handshake_draws_syn_syn_ack_ack_between_the_hosts").await
    else {
        return;
    };
    let (listener, client) = client_on_a_to_server_on_b(&b).await;
    // The cards say where their sockets live.
    b.wait_text_in(&format!("{listener} [data-testid='host']"), "host B")
        .await;
    b.wait_text_in(&format!("{client} [data-testid='host']"), "host A")
        .await;
    b.wait_text_in(&format!("{client} [data-testid='local']"), "198.18.0.1:")
        .await;
    let d = wait_drawn(&b, "a handshake", |d| d.len() >= 3).await;
    let first: Vec<(&str, &str)> = d[..3]
        .iter()
        .map(|p| (p.flags.as_str(), p.dir.as_str()))
        .collect();
    assert_eq!(
        first,
        [("SYN", "a_to_b"), ("SYN, ACK", "b_to_a"), ("ACK", "a_to_b")]
    );
    assert!(d[0].y < d[1].y && d[1].y < d[2].y, "time runs down: {d:?}");
    assert!(d[..3].iter().all(|p| p.fate == "delivered"));
    // The labels a projector shows.
    let labels = b
        .client
        .execute(
            "return [...document.querySelectorAll(\"[data-testid='packet'] .cv-label\")].map(t => t.textContent);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(labels[0], json!("SYN"), "{labels}");
    assert_eq!(labels[1], json!("SYN, ACK"), "{labels}");
    // Each arrow's tooltip has the segment's numbers, as a capture tool shows them.
    let tip = b
        .client
        .execute(
            "const t = document.querySelector(\"[data-testid='packet'] title\"); return [t.namespaceURI, t.textContent];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        tip[0],
        json!("http://www.w3.org/2000/svg"),
        "an SVG tooltip: {tip}"
    );
    let tip = tip[1].as_str().unwrap();
    assert!(tip.contains("seq 0") && tip.contains("MSS"), "{tip}");
    // The client's card shows TCP_INFO in words.
    b.wait_text_in(&format!("{client} [data-testid='tcp-info']"), "round trip")
        .await;
    // Closing the client sends a FIN; a connect to a port nobody listens on gets a RST.
    b.wait_css(&format!("{client} button.close"))
        .await
        .click()
        .await
        .unwrap();
    wait_drawn(&b, "a FIN", |d| d.iter().any(|p| p.flags.contains("FIN"))).await;
    b.wait_css(&format!("{listener} button.close"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_socket_ids(&listener, "the listener closed", |ids| ids.is_empty())
        .await;
    b.click_testid("new-tcp-client").await;
    wait_drawn(&b, "a RST", |d| d.iter().any(|p| p.flags.contains("RST"))).await;
    b.wait_css("[data-testid='packet'].cv-rst").await;
    b.wait_css("[data-testid='packet'].cv-fin").await;
    screenshot_cable(&b, "fin-rst").await;
    b.close().await;
}

/// Lesson 30 ("which side merged?") through the lesson player: with 50 ms of delay, Nagle
/// puts the 2nd and 3rd send into one segment, drawn in both sends' colours.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_merged_segment_shows_both_sends_colours() {
    let Some((_server, b)) = open_wire("the_merged_segment_shows_both_sends_colours").await else {
        return;
    };
    let l = lesson("30-which-side-merged.toml");
    b.choose_lesson(l.number).await;
    step_to(&b, &l, 1, 1).await;
    // Step 1 looks at "the timeline": on the wire that is the cable, scrolled into view.
    b.wait_js(
        "const r = document.querySelector(\"[data-testid='cable-view']\").getBoundingClientRect(); \
         return r.top < innerHeight && r.bottom > 0;",
        "the cable in view",
    )
    .await;
    step_to(&b, &l, 2, 2).await;
    let d = wait_drawn(&b, "a segment of sends 2 and 3", |d| {
        d.iter().any(|p| p.sends == "2 3")
    })
    .await;
    let merged = d.iter().find(|p| p.sends == "2 3").unwrap();
    assert!(merged.flags.contains("ACK"), "{merged:?}");
    assert_eq!(merged.dir, "a_to_b");
    // colour_of(send_no) = send_no - 1: the byte cells' palette.
    assert_eq!(merged.colours, ["1", "2"], "{merged:?}");
    // The first send crossed alone before it, in its own colour.
    let first = d.iter().find(|p| p.sends == "1").expect("send 1's segment");
    assert!(first.y < merged.y);
    assert_eq!(first.colours, ["0"]);
    // The handshake is there too, above.
    assert_eq!(d[0].flags, "SYN");
    assert!(merged.fate == "delayed", "{merged:?}");
    // Let the ACK of the merged segment come back, then the picture for the lecture notes.
    wait_drawn(&b, "the ACK of the merged segment", |d| {
        d.last()
            .is_some_and(|p| p.dir == "b_to_a" && p.y > merged.y)
    })
    .await;
    screenshot_cable(&b, "merged").await;
    if std::env::var_os("SOCKLAB_SCREENSHOT").is_some() {
        b.click_testid("large-text").await;
        screenshot_cable(&b, "merged-large").await;
        b.click_testid("large-text").await;
    }
    // Stepping the timeline back: only what had crossed by then.
    let before = drawn(&b).await.len();
    b.press_key("ArrowLeft").await;
    b.press_key("ArrowLeft").await;
    let after = wait_drawn(&b, "fewer packets in the past", |d| d.len() < before).await;
    assert!(after.iter().all(|p| p.sends != "2 3"), "{after:?}");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_held_packet_waits_mid_cable_until_stepped() {
    let Some((_server, b)) = open_wire("a_held_packet_waits_mid_cable_until_stepped").await else {
        return;
    };
    let (listener, client) = client_on_a_to_server_on_b(&b).await;
    b.click_in(&listener, "accept").await;
    b.wait_css(&Browser::card("accepted")).await;
    wait_drawn(&b, "a handshake", |d| d.len() >= 3).await;
    b.click_testid("wire-hold").await;
    b.wait_css("[data-testid='wire-release']").await;
    b.type_in(&client, "send-text", "hi").await;
    b.click_in(&client, "send").await;
    let d = wait_drawn(&b, "a held segment", |d| {
        d.iter().any(|p| p.fate == "held" && p.sends == "1")
    })
    .await;
    let no = d.iter().find(|p| p.fate == "held").unwrap().no;
    b.wait_css("[data-testid='packet-waiting']").await;
    b.wait_text_in("[data-testid='wire-waiting']", "waiting")
        .await;
    // The kernel's timer runs while the segment waits: its retransmission waits too, marked.
    wait_drawn(&b, "a held retransmission", |d| {
        d.iter().any(|p| p.fate == "held" && p.retransmission)
    })
    .await;
    b.wait_text_in("[data-testid='wire-waiting']", "2 packets waiting")
        .await;
    b.wait_text_in("[data-testid='cable-view'] .cv-retrans", "retransmission")
        .await;
    // The panel lists them, the next one released first.
    let list = b
        .wait_text_in("[data-testid='waiting-list']", "(retransmission)")
        .await;
    assert!(
        list.starts_with(&format!("#{no} A → B PSH, ACK 2 B")),
        "{list}"
    );
    screenshot_cable(&b, "held").await;
    b.wait_css("[data-testid='wire-step']:not([disabled])")
        .await
        .click()
        .await
        .unwrap();
    wait_drawn(&b, "the held segment delivered", |d| {
        d.iter()
            .any(|p| p.no == no && p.fate != "held" && p.fate != "dropped")
    })
    .await;
    // Released for good: no more waiting.
    b.click_testid("wire-release").await;
    b.wait_css("[data-testid='wire-hold']").await;
    let deadline = tokio::time::Instant::now() + UI_TIMEOUT;
    while b
        .client
        .find(Locator::Css("[data-testid='packet-waiting']"))
        .await
        .is_ok()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "packets still wait after release"
        );
        b.next_frame().await;
    }
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_pcap_button_makes_a_capture_file() {
    let Some((_server, b)) = open_wire("the_pcap_button_makes_a_capture_file").await else {
        return;
    };
    client_on_a_to_server_on_b(&b).await;
    wait_drawn(&b, "a handshake", |d| d.len() >= 3).await;
    b.click_testid("wire-pcap").await;
    b.wait_text_in("[data-testid='pcap-note']", "socklab-session.pcap")
        .await;
    let bytes: usize = b
        .attr("[data-testid='wire-pcap']", "data-bytes")
        .await
        .expect("the button records the file's size")
        .parse()
        .unwrap();
    // The pcap header (24 bytes) and three packets with their own 16-byte headers.
    assert!(bytes > 24 + 3 * 16, "{bytes} bytes");
    b.close().await;
}

/// The link panel sets the link: a delay typed in shows in the panel's status as the server
/// reports it.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_link_panel_sets_a_delay() {
    let Some((_server, b)) = open_wire("the_link_panel_sets_a_delay").await else {
        return;
    };
    b.type_in("[data-testid='link-form']", "link-delay", "40")
        .await;
    b.click_testid("link-apply").await;
    b.wait_text_in("[data-testid='wire-status']", "delay 40 ms")
        .await;
    b.type_in("[data-testid='link-form']", "link-loss", "250")
        .await;
    b.click_testid("link-apply").await;
    b.wait_text_in("[data-testid='link-problem']", "loss_pct")
        .await;
    b.close().await;
}

/// Where the wire can't be made, the link panel says why and the exact fix, and a socket on
/// a host gets the same error on the workbench; loopback sockets still work.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn without_the_wire_the_panel_says_the_fix() {
    let (_server, b) = open_lab_with(|c| c.no_wire = true).await;
    b.click_testid("wire-up").await;
    b.wait_text_in("[data-testid='wire-error']", "--no-wire")
        .await;
    b.wait_text_in(
        "[data-testid='wire-error'] em",
        "start socklab without --no-wire",
    )
    .await;
    place(&b, "b").await;
    b.click_testid("new-tcp-server").await;
    b.wait_text_in("[data-testid='lab-error']", "--no-wire")
        .await;
    assert!(
        b.client
            .find(Locator::Css("[data-testid='cable-view']"))
            .await
            .is_err(),
        "no cable without the wire"
    );
    place(&b, "machine").await;
    b.click_testid("new-tcp-server").await;
    b.wait_text_in(&Browser::card("listener"), "127.0.0.1:")
        .await;
    b.close().await;
}

/// A connection on the wire through the workbench: server on B, client on A, accepted.
/// Returns the client's and the accepted connection's cards, after the handshake is drawn.
async fn wire_connection(b: &Browser) -> (String, String) {
    let (listener, client) = client_on_a_to_server_on_b(b).await;
    b.click_in(&listener, "accept").await;
    let conn = Browser::card("accepted");
    b.wait_css(&conn).await;
    wait_drawn(b, "a handshake", |d| d.len() >= 3).await;
    (client, conn)
}

/// "drop next": the segment ends in ✕ mid-cable, and the kernel's retransmission of it
/// crosses, marked as one.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_dropped_segment_ends_in_a_cross_and_is_sent_again() {
    let Some((_server, b)) = open_wire("a_dropped_segment_ends_in_a_cross_and_is_sent_again").await
    else {
        return;
    };
    let (client, _conn) = wire_connection(&b).await;
    b.wait_css("select[data-testid='drop-direction'] option[value='a_to_b']")
        .await
        .click()
        .await
        .unwrap();
    b.click_testid("wire-drop-next").await;
    b.type_in(&client, "send-text", "lost").await;
    b.click_in(&client, "send").await;
    let d = wait_drawn(&b, "the dropped segment sent again", |d| {
        d.iter().any(|p| p.fate == "dropped" && p.sends == "1")
            && d.iter()
                .any(|p| p.retransmission && p.sends == "1" && p.fate == "delivered")
    })
    .await;
    let dropped = d.iter().find(|p| p.fate == "dropped").unwrap();
    let again = d.iter().find(|p| p.retransmission).unwrap();
    assert!(again.y > dropped.y, "{d:#?}");
    b.wait_css(&format!(
        "[data-testid='packet'][data-no='{}'] .cv-x",
        dropped.no
    ))
    .await;
    screenshot_cable(&b, "dropped").await;
    // The client's card counts the retransmission (TCP_INFO), once a snapshot follows it.
    b.click_testid("snapshot").await;
    b.wait_text_in(
        &format!("{client} [data-testid='tcp-info']"),
        "retransmitted 1",
    )
    .await;
    b.close().await;
}

/// Megabytes across the cable come faster than the page shows packets one by one: the rest
/// is folded into bands, "N packets, M bytes".
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn bulk_traffic_folds_into_summary_bands() {
    let Some((_server, b)) = open_wire("bulk_traffic_folds_into_summary_bands").await else {
        return;
    };
    let (client, conn) = wire_connection(&b).await;
    b.click_in(&conn, "auto-recv").await;
    b.type_in(&client, "bulk-mb", "4").await;
    b.click_in(&client, "bulk-send").await;
    b.wait_text_in("[data-testid='packet-summary']", "packets, ")
        .await;
    screenshot_cable(&b, "bulk").await;
    b.close().await;
}

/// A UDP socket on host A sends a datagram to one on host B: one "UDP 5 B" arrow in the
/// send's colour.
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_datagram_from_host_a_to_host_b() {
    let Some((_server, b)) = open_wire("a_datagram_from_host_a_to_host_b").await else {
        return;
    };
    place(&b, "b").await;
    b.click_testid("new-udp").await;
    let ids = b
        .wait_socket_ids(&Browser::card("udp"), "one UDP card", |ids| ids.len() == 1)
        .await;
    let on_b = format!("[data-testid='socket-card'][data-socket='{}']", ids[0]);
    let local = b
        .wait_text_in(&format!("{on_b} [data-testid='local']"), "198.18.0.2:")
        .await;
    let port = local.rsplit(':').next().unwrap().trim().to_owned();
    place(&b, "a").await;
    b.click_testid("new-udp").await;
    let ids = b
        .wait_socket_ids(&Browser::card("udp"), "two UDP cards", |ids| ids.len() == 2)
        .await;
    let on_a = format!("[data-testid='socket-card'][data-socket='{}']", ids[1]);
    b.wait_text_in(&format!("{on_a} [data-testid='host']"), "host A")
        .await;
    b.wait_text_in(&on_a, "to host B port").await;
    b.type_in(&on_a, "send-text", "hello").await;
    b.type_in(&on_a, "sendto-port", &port).await;
    b.click_in(&on_a, "sendto").await;
    let d = wait_drawn(&b, "a datagram", |d| {
        d.iter().any(|p| p.dir == "a_to_b" && p.sends == "1")
    })
    .await;
    let datagram = d.iter().find(|p| p.sends == "1").unwrap();
    assert_eq!(datagram.colours, ["0"]);
    assert_eq!(
        b.attr(
            &format!("[data-testid='packet'][data-no='{}']", datagram.no),
            "data-label"
        )
        .await
        .as_deref(),
        Some("UDP 5 B")
    );
    b.close().await;
}

/// On a held wire a client's connect returns at once and the lecturer steps the handshake:
/// SYN, SYN-ACK and ACK each wait mid-cable until "step".
#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_handshake_stepped_on_a_held_wire() {
    let Some((_server, b)) = open_wire("the_handshake_stepped_on_a_held_wire").await else {
        return;
    };
    place(&b, "b").await;
    b.click_testid("new-tcp-server").await;
    b.wait_css(&Browser::card("listener")).await;
    b.click_testid("wire-hold").await;
    b.wait_css("[data-testid='wire-release']").await;
    place(&b, "a").await;
    b.click_testid("new-tcp-client").await;
    let client = Browser::card("client");
    b.wait_css(&client).await;
    let held = |flags: &'static str| {
        move |d: &[Drawn]| d.iter().any(|p| p.flags == flags && p.fate == "held")
    };
    let crossed = |flags: &'static str| {
        move |d: &[Drawn]| d.iter().any(|p| p.flags == flags && p.fate == "delivered")
    };
    let delivered = |d: &[Drawn]| d.iter().filter(|p| p.fate == "delivered").count();
    for (now, next) in [("SYN", "SYN, ACK"), ("SYN, ACK", "ACK"), ("ACK", "")] {
        wait_drawn(&b, &format!("{now} waiting"), held(now)).await;
        // On a slow machine a packet held past the retransmission timeout is sent again, and
        // the copy may queue before the next packet: step (one packet each) until `now` crossed.
        for attempt in 1.. {
            let before = delivered(&drawn(&b).await);
            b.wait_css("[data-testid='wire-step']:not([disabled])")
                .await
                .click()
                .await
                .unwrap();
            let d = wait_drawn(&b, "one more packet delivered", |d| delivered(d) > before).await;
            if crossed(now)(&d) {
                break;
            }
            assert!(
                attempt < 8,
                "{now} never crossed in {attempt} steps: {d:#?}"
            );
        }
        if !next.is_empty() {
            wait_drawn(&b, &format!("{next} waiting"), held(next)).await;
        }
    }
    b.click_testid("snapshot").await;
    b.wait_text_in(
        &format!("{client} [data-testid='tcp-state']"),
        "ESTABLISHED",
    )
    .await;
    b.close().await;
}
