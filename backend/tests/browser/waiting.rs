//! A recv before any send: the card says what a blocking program would do (wait) and why
//! the lab returned at once, and the error goes once bytes arrive.

use crate::page::open_lab;

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn a_recv_before_any_send_says_a_program_would_wait_and_the_error_goes() {
    let (_server, b) = open_lab().await;
    let (client, conn) = b.make_connection().await;
    b.click_in(&conn, "recv").await;
    let error = format!("{conn} [data-testid='card-error']");
    let text = b.wait_text_in(&error, "nothing to read yet").await;
    assert!(text.contains("would wait"), "{text}");
    b.send_words(&client, &["hello"]).await;
    b.wait_js(
        &format!("return !document.querySelector(\"{error}\");"),
        "the stale error left the card once hello arrived",
    )
    .await;
    b.close().await;
}
