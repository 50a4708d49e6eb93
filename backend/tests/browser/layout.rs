//! Small things a lecturer meets: the file panel starts with a size that finishes in a couple
//! of seconds, and "10 MB sendall()" stays on one line, large text or not.

use crate::page::open_lab;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn the_file_panel_starts_small_and_bulk_send_stays_on_one_line() {
    let (_server, b) = open_lab().await;
    // The panel's controls come with the first connection to send a file on.
    let (client, _conn) = b.make_connection().await;
    let size = b
        .wait_css("[data-testid='file-panel'] [data-testid='file-size']")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        size.as_deref(),
        Some("1048576"),
        "the default generated size"
    );
    b.click_testid("large-text").await;
    b.wait_css(&format!("{client} [data-testid='bulk-send']"))
        .await;
    let same_line = format!(
        "const card = document.querySelector(\"{}\");
         const n = card.querySelector(\"[data-testid='bulk-mb']\").getBoundingClientRect();
         const unit = card.querySelector(\"[data-testid='bulk-send']\").getBoundingClientRect();
         return Math.abs(n.top - unit.top) < n.height;",
        client.replace('"', "\\\"")
    );
    b.wait_js(&same_line, "10 and MB sendall() on one line")
        .await;
    b.close().await;
}
