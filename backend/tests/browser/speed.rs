//! Upload times through the page (issue 15's measurement): 10 MB and 100 MB generated files,
//! in a fresh session and in one used by two lessons and four TCP vs UDP demos first. Runs only
//! with `SOCKLAB_MEASURE=1` (it takes minutes); prints the times.

use std::time::{Duration, Instant};

use crate::file::final_phase;
use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;

/// Uploads a generated file of `total` bytes on the first connection; (seconds from the
/// click, seconds from the header to the verdict as the page measured).
async fn upload(b: &Browser, total: u64) -> (f64, f64) {
    let panel = "[data-testid='file-panel']";
    b.wait_css(&format!("{panel} [data-testid='file-sender'] option"))
        .await;
    b.wait_css(&format!("{panel} [data-testid='file-size']"))
        .await
        .select_by_value(&total.to_string())
        .await
        .unwrap();
    let started = Instant::now();
    b.click_testid("file-send").await;
    b.wait_css("[data-testid='file-panel']:not([data-phase='idle']):not([data-phase='verified'])")
        .await;
    let phase = final_phase(b, Duration::from_secs(600)).await;
    assert_eq!(phase, "verified");
    let took = started.elapsed().as_secs_f64();
    let ms: f64 = b
        .attr("[data-testid='file-throughput']", "data-ms")
        .await
        .unwrap()
        .parse()
        .unwrap();
    (took, ms / 1000.0)
}

/// A session used the way a lecture uses it: four demos, lessons 9 and 11 to the end.
async fn use_the_session(b: &Browser) {
    for _ in 0..4 {
        b.click_testid("demo-tcp-vs-udp").await;
        b.wait_text_in(
            "[data-testid='compare-udp-summary']",
            "2 sendto → 2 recvfrom",
        )
        .await;
    }
    for (n, file) in [(9, "09-sticky-sender.toml"), (11, "11-length-prefix.toml")] {
        let l = lesson(file);
        b.choose_lesson(n).await;
        step_to(b, &l, 1, l.steps.len()).await;
        b.wait_css("[data-testid='lesson-next'][disabled]").await;
    }
    // Back to no lesson: a clean slate for the file's connection.
    b.wait_css("[data-testid='lesson-select']")
        .await
        .select_by_value("")
        .await
        .unwrap();
    // (A page without clean slates keeps its cards: the upload then goes over whichever
    // connection the panel offers first, which is just as good for a measurement.)
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn upload_times_through_the_page() {
    if std::env::var_os("SOCKLAB_MEASURE").is_none() {
        return;
    }
    const MB10: u64 = 10 << 20;
    const MB100: u64 = 100 << 20;
    let mut report = vec![];
    for (label, total) in [("10 MB", MB10), ("100 MB", MB100)] {
        let (_server, b) = open_lab().await;
        b.make_connection().await;
        report.push((format!("{label} fresh"), upload(&b, total).await));
        b.close().await;
    }
    let (_server, b) = open_lab().await;
    use_the_session(&b).await;
    b.make_connection().await;
    for (label, total) in [("10 MB", MB10), ("100 MB", MB100)] {
        report.push((format!("{label} used"), upload(&b, total).await));
    }
    b.close().await;
    for (label, (click, page)) in report {
        println!("MEASURE {label}: {click:.2} s from the click, {page:.2} s header → verdict");
    }
}
