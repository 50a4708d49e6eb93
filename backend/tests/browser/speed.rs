//! Upload times through the page (issue 15's measurement): 10 MB and 100 MB generated files,
//! in a fresh session and in one used by two lessons and four TCP vs UDP demos first. Runs only
//! with `SOCKLAB_MEASURE=1` (it takes minutes); prints the times.

use std::time::{Duration, Instant};

use crate::file::final_phase;
use crate::lessons::open_lab;
use crate::page::Browser;
use crate::upload_figures::use_the_session;

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
