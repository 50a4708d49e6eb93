//! The page in parts (frontend/src/on_demand.rs): it starts without its chunks, fetches each
//! when it is first needed, and a chunk that does not load is said on the page, which goes on
//! working.

use crate::lessons::open_lab;
use crate::page::{Browser, dist, open_lab_with};
use crate::support::TempDir;

/// The chunks (`split_<name>-<hash>.wasm`) the page has fetched so far, by name.
async fn chunks_fetched(b: &Browser) -> Vec<String> {
    let names = b
        .client
        .execute(
            "return performance.getEntriesByType('resource')
                 .map(e => new URL(e.name).pathname.slice(1))
                 .filter(n => n.startsWith('split_'))
                 .map(n => n.slice(6, n.lastIndexOf('-')));",
            vec![],
        )
        .await
        .unwrap();
    let mut names: Vec<String> = serde_json::from_value(names).unwrap();
    names.sort();
    names.dedup();
    names
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_page_starts_without_its_chunks_and_fetches_each_when_needed() {
    let (_server, b) = open_lab().await;
    b.wait_css("[data-testid='lesson-select'] option[value='0']")
        .await;
    b.next_frame().await;
    assert_eq!(chunks_fetched(&b).await, Vec::<String>::new());

    // A connection: the cards, the timeline and the Python panel (one chunk), and the file
    // panel's controls.
    let (client, _conn) = b.make_connection().await;
    b.wait_css("[data-testid='file-panel'] [data-testid='file-send']")
        .await;
    b.wait_text_in("[data-testid='python-code']", "socket.socket(")
        .await;
    b.send_words(&client, &["hi"]).await;
    assert_eq!(chunks_fetched(&b).await, ["files", "sockets"]);

    // A lesson runs its steps with the scripts' chunk; the wire's stays unfetched.
    b.choose_lesson(1).await;
    b.wait_css("[data-testid='lesson-next']:not([disabled])")
        .await;
    assert_eq!(chunks_fetched(&b).await, ["files", "scripts", "sockets"]);
    b.close().await;
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_chunk_that_does_not_load_is_said_and_the_page_goes_on() {
    // The built page without the file panel's chunk (a server rebuilt or stopped while the
    // page was open looks the same to the browser: a 404).
    let copy = TempDir::new();
    let mut removed = 0;
    for entry in std::fs::read_dir(dist()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("split_files-") {
            removed += 1;
        } else {
            std::fs::copy(&path, copy.0.join(&name)).unwrap();
        }
    }
    assert!(
        removed > 0,
        "the built page has no file panel chunk to remove"
    );
    let (_server, b) = open_lab_with(|c| c.dist = copy.0.clone()).await;

    let (client, conn) = b.make_connection().await;
    let said = b
        .wait_text_in(
            "[data-testid='file-panel'] [data-testid='chunk-missing']",
            "Reload the page",
        )
        .await;
    assert!(said.contains("did not load"), "{said}");
    // Everything else works: bytes sent and received, the connection still up.
    b.send_words(&client, &["still", "here"]).await;
    b.click_in(&conn, "recv").await;
    b.wait_text_in(
        &format!("{conn} [data-testid='recv-result']"),
        "returned 9 bytes",
    )
    .await;
    b.wait_for_text("connection-status", "connected").await;
    b.close().await;
}

/// Milliseconds from a click on "new UDP socket" to its card on the page.
async fn click_to_card(b: &Browser) -> f64 {
    let took = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const cards = () => document.querySelectorAll(\"[data-testid='socket-card']\").length;
             const before = cards();
             const t0 = performance.now();
             document.querySelector(\"[data-testid='new-udp']\").click();
             (function poll() {
                 if (cards() > before) done(performance.now() - t0);
                 else requestAnimationFrame(poll);
             })();",
            vec![],
        )
        .await
        .unwrap();
    took.as_f64().unwrap()
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_first_card_comes_with_its_chunk_and_later_ones_at_once() {
    let (_server, b) = open_lab().await;
    let first = click_to_card(&b).await;
    assert_eq!(chunks_fetched(&b).await, ["sockets"]);
    let second = click_to_card(&b).await;
    assert_eq!(b.socket_ids("[data-testid='socket-card']").await.len(), 2);
    // Figures, not limits (a loaded machine is slower): the first includes fetching and
    // compiling the chunk.
    println!("click → card: first socket {first:.0} ms (with the chunk), second {second:.0} ms");
    b.close().await;
}
