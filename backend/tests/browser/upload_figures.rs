//! Upload speed through the page, measured (figures printed, never asserted as timings):
//!
//! - [`one_chunk_round_trip_split_into_its_parts`]: where the time of one 1 MiB
//!   `send_file_chunk` goes, on this test's own (debug) server: the request's encoding, the
//!   server's decoding (JSON + base64), the `sendall` into a file receiver and its answer over
//!   the real `/ws`; then, in the page, the chunk's bytes (generated), the encode and send, and
//!   the wait for each answer as the page's file panel measured them.
//! - [`upload_figures_fresh_and_used`]: 10 MB and 100 MB generated files through the page, in a
//!   fresh session and in one used by lessons and demos first; each verified by the receiver's
//!   MD5.
//!
//! Both print `FIGURE` lines; run them with
//! `cargo test -p socklab --test browser -- --ignored --nocapture upload_figures`
//! (and `one_chunk`). They need the built page and Chromium, like every browser test.

use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::json;
use socklab_shared::Payload;
use socklab_shared::protocol::{Command, Event, Request, SocketId};

use crate::file::final_phase;
use crate::lessons::{lesson, open_lab, step_to};
use crate::page::Browser;
use crate::support::{LabServer, WsClient, opened, port_of};

const MIB: u64 = 1 << 20;

/// A generated-file chunk (any bytes will do for timing: base64 and JSON cost the same).
fn chunk_bytes(len: u64) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median of `n` runs of `f`, in ms.
fn median_ms(n: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            ms(s.elapsed())
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[n / 2]
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    Payload(bytes.as_ref().to_vec()).to_base64()
}

/// A lab client connected to a lab listener, and the accepted end: (client, accepted).
async fn tcp_pair(ws: &mut WsClient) -> (SocketId, SocketId) {
    let listening = ws.ok(json!({"cmd": "tcp_listen", "port": 0})).await;
    let (listener, port) = (opened(&listening), port_of(&listening));
    let client = opened(&ws.ok(json!({"cmd": "connect", "port": port})).await);
    let accepted = opened(&ws.ok(json!({"cmd": "accept", "socket": listener})).await);
    (client, accepted)
}

/// Sends the upload's header as the page does; the receiver then expects `size` bytes.
async fn header(ws: &mut WsClient, client: SocketId, size: u64) {
    let h = json!({"filename": "t.bin", "size": size, "md5": "0"}).to_string();
    let framing = json!({"kind": "length_prefixed",
        "prefix": {"width": 4, "endian": "little", "signed": true}, "max_len": 65536});
    ws.ok(json!({"cmd": "send_all", "socket": client, "data": b64(h), "framing": framing}))
        .await;
}

/// The server's part of one chunk, measured from a native client on this process's server:
/// (encode, decode, WS + sendall + answer, one at a time; the same with two in flight).
async fn server_parts() -> [f64; 5] {
    const CHUNKS: u64 = 16;
    let data = chunk_bytes(MIB);
    let command = |offset: u64| Request {
        req: Some(offset / MIB + 100),
        command: Command::SendFileChunk {
            socket: SocketId(2),
            data: Payload(data.clone()),
            name: "t.bin".into(),
            offset,
            total: 2 * CHUNKS * MIB,
            timeout_ms: None,
        },
    };
    let text = command(MIB).to_json();
    let encode = median_ms(5, || drop(command(MIB).to_json()));
    let decode = median_ms(5, || drop(Request::parse(&text).unwrap()));
    let md5 = median_ms(5, || {
        std::hint::black_box(Md5::digest(&data));
    });

    let server = LabServer::start().await;
    let mut ws = WsClient::connect(&server).await;
    let (client, conn) = tcp_pair(&mut ws).await;
    assert_eq!(client, SocketId(2));
    let auto = json!({"recv": true, "echo": "file_receiver", "bufsize": 4096});
    ws.ok(json!({"cmd": "set_auto", "socket": conn, "auto": auto}))
        .await;
    header(&mut ws, client, 2 * CHUNKS * MIB).await;
    let texts: Vec<String> = (0..2 * CHUNKS)
        .map(|i| command(i * MIB).to_json())
        .collect();
    // One at a time: each chunk's answer (its snapshot) before the next goes.
    let started = Instant::now();
    for text in &texts[..CHUNKS as usize] {
        ws.send_text(text).await;
        wait_answer(&mut ws).await;
    }
    let one = ms(started.elapsed()) / CHUNKS as f64;
    // Two in flight: the next chunk is in the server before the previous one is answered.
    let started = Instant::now();
    let mut in_flight = 0;
    for text in &texts[CHUNKS as usize..] {
        if in_flight == 2 {
            wait_answer(&mut ws).await;
            in_flight -= 1;
        }
        ws.send_text(text).await;
        in_flight += 1;
    }
    for _ in 0..in_flight {
        wait_answer(&mut ws).await;
    }
    let two = ms(started.elapsed()) / CHUNKS as f64;
    ws.close().await;
    server.stop().await;
    [encode, decode, md5, one, two]
}

/// Reads events up to the next snapshot answering a command.
async fn wait_answer(ws: &mut WsClient) {
    loop {
        let env = ws.next_event().await;
        if env.req.is_some() && matches!(env.event, Event::Buffers { .. }) {
            return;
        }
        if let Event::Error { message, .. } = &env.event
            && env.req.is_some()
        {
            panic!("a chunk failed: {message}");
        }
    }
}

/// Uploads a generated file of `total` bytes on the first connection and checks the verdict;
/// (seconds from the click, seconds header → verdict as the page measured, the page's chunk
/// figures `data-chunk-ms`).
async fn upload(b: &Browser, total: u64) -> (f64, f64, String) {
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
    let took = started.elapsed().as_secs_f64();
    assert_eq!(phase, "verified", "{:?}", b.text_of("file-phase").await);
    assert_eq!(
        b.text_of("file-md5-expected").await,
        b.text_of("file-md5-actual").await,
        "the receiver's md5 is the sender's"
    );
    let page_ms: f64 = b
        .attr("[data-testid='file-throughput']", "data-ms")
        .await
        .unwrap()
        .parse()
        .unwrap();
    let chunks = b
        .attr("[data-testid='file-throughput']", "data-chunk-ms")
        .await
        .unwrap_or_default();
    (took, page_ms / 1000.0, chunks)
}

/// A session used as a lecture uses it: four TCP vs UDP demos, lessons 9 and 11 to the end,
/// then back to no lesson (a clean slate) and a connection for the file.
pub(crate) async fn use_the_session(b: &Browser) {
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
    b.wait_css("[data-testid='lesson-select']")
        .await
        .select_by_value("")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn one_chunk_round_trip_split_into_its_parts() {
    let [encode, decode, md5, one, two] = server_parts().await;
    println!("FIGURE 1 MiB chunk, this test's server (debug build), native client:");
    println!("FIGURE   encode the request (JSON + base64): {encode:.1} ms");
    println!("FIGURE   server decode (JSON + base64): {decode:.1} ms");
    println!("FIGURE   receiver's MD5 of 1 MiB: {md5:.1} ms");
    println!("FIGURE   WS + decode + sendall + answer, one chunk at a time: {one:.1} ms per chunk");
    println!("FIGURE   the same, two chunks in flight: {two:.1} ms per chunk");

    let (_server, b) = open_lab().await;
    b.make_connection().await;
    let (click, page, chunks) = upload(&b, 10 * MIB).await;
    println!(
        "FIGURE 1 MiB chunk in the page (10 MB upload: {click:.2} s from the click, {page:.2} s \
         header → verdict), ms per chunk: {chunks}"
    );
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn upload_figures_fresh_and_used() {
    let mut report = vec![];
    for (label, total) in [("10 MB", 10 * MIB), ("100 MB", 100 * MIB)] {
        let (_server, b) = open_lab().await;
        b.make_connection().await;
        report.push((format!("{label} fresh"), upload(&b, total).await));
        b.close().await;
    }
    let (_server, b) = open_lab().await;
    use_the_session(&b).await;
    b.make_connection().await;
    for (label, total) in [("10 MB", 10 * MIB), ("100 MB", 100 * MIB)] {
        report.push((format!("{label} used"), upload(&b, total).await));
    }
    b.close().await;
    for (label, (click, page, chunks)) in report {
        println!(
            "FIGURE {label}: {click:.2} s from the click (md5 pass included), {page:.2} s header → verdict; chunks: {chunks}"
        );
    }
}
