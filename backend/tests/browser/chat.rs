//! Chat messages in colour (experiment 21) in headless Chromium: after the chat lesson, the
//! decoders of the chat's sockets show each message as "from → to: text", every user in a
//! colour of their own, the same colour on every card.

use std::path::Path;

use crate::page::{Browser, open_lab_with};
use crate::support::LabServer;
use fantoccini::Locator;

async fn open_lab() -> (LabServer, Browser) {
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
    open_lab_with(|c| c.lessons = lessons).await
}

/// The `data-socket` ids of the cards with `data-role` = `role`, in the page's order.
async fn cards(b: &Browser, role: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for el in b
        .client
        .find_all(Locator::Css(&Browser::card(role)))
        .await
        .unwrap()
    {
        ids.push(el.attr("data-socket").await.unwrap().unwrap());
    }
    ids
}

fn card(id: &str) -> String {
    format!("[data-testid='socket-card'][data-socket='{id}']")
}

/// Switches the card's decoder to the chat's framing, `struct.pack('!I', n)`, by hand.
async fn decode_chat(b: &Browser, card: &str) {
    b.wait_css(&format!("{card} [data-testid='decode-framing']"))
        .await
        .select_by_value("len-net")
        .await
        .unwrap();
}

/// The colour of `user`'s chat line on `card` (waiting for it), after checking its text and
/// that the colour really paints the name.
async fn colour_of(b: &Browser, card: &str, user: &str, text: &str) -> String {
    let line = format!("{card} [data-testid='chat-line'][data-user='{user}']");
    let shown = b.wait_text_in(&line, text).await;
    assert!(shown.contains(text), "{shown}");
    let colour = b.attr(&line, "data-colour").await.unwrap();
    let chip = b
        .wait_css(&format!("{line} [data-testid='chat-from']"))
        .await;
    let painted = chip.css_value("background-color").await.unwrap();
    assert_eq!(
        painted,
        rgb(&colour),
        "{user}'s name is painted in {colour}"
    );
    colour
}

/// "#0369a1" → "rgba(3, 105, 161, 1)", as Chromium reports a computed colour.
fn rgb(hex: &str) -> String {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    format!("rgba({}, {}, {}, 1)", c(1), c(3), c(5))
}

#[tokio::test]
#[ignore = "needs the built page and Chromium: run scripts/test"]
async fn each_chat_user_has_one_colour_everywhere() {
    let (_server, b) = open_lab().await;
    b.choose_lesson(21).await;
    b.click_testid("lesson-run-all").await;
    b.wait_css("[data-testid='lesson-next'][disabled]").await;
    b.wait_css("[data-testid='lesson-run-all'][disabled]").await;

    // The lesson's clients are alice, bob and carol; the server's connections to them are
    // the accepted sockets, in the same order.
    // (The last step's cards may still be rendering when the buttons settle.)
    let (clients, accepted) = loop {
        let (c, a) = (cards(&b, "client").await, cards(&b, "accepted").await);
        if c.len() >= 3 && a.len() >= 3 {
            break (c, a);
        }
        b.next_frame().await;
    };
    assert_eq!(
        (clients.len(), accepted.len()),
        (3, 3),
        "{clients:?} {accepted:?}"
    );
    let (alice, bob, carol) = (card(&clients[0]), card(&clients[1]), card(&clients[2]));
    let bob_conn = card(&accepted[1]);
    // The clients send '!I' frames, so their decoders read '!I' frames without being asked;
    // the server's connection never sent from the page, so it is switched by hand.
    for c in [&alice, &bob, &carol] {
        b.wait_css(&format!("{c} [data-testid='decode-as-sent']"))
            .await;
        let select = b
            .wait_css(&format!("{c} [data-testid='decode-framing']"))
            .await;
        assert_eq!(
            select.prop("value").await.unwrap().as_deref(),
            Some("len-net")
        );
    }
    decode_chat(&b, &bob_conn).await;

    // bob received alice's message; carol received the one alice left while she was away.
    let alice_at_bob = colour_of(&b, &bob, "alice", "alice → bob: hi bob, lunch?").await;
    let alice_at_carol = colour_of(&b, &carol, "alice", "alice → carol: are you coming?").await;
    assert_eq!(alice_at_bob, alice_at_carol, "alice keeps her colour");
    // alice heard from the server; the server heard bob say who he is.
    let server = colour_of(&b, &alice, "server", "server: carol is offline").await;
    let bob_colour = colour_of(&b, &bob_conn, "bob", "bob (says who they are)").await;
    assert_ne!(alice_at_bob, server);
    assert_ne!(alice_at_bob, bob_colour);
    assert_ne!(bob_colour, server);

    // The recipient's name has its own colour too, and the legend agrees with the lines.
    let to = b
        .attr(&format!("{bob} [data-testid='chat-to']"), "data-colour")
        .await
        .unwrap();
    assert_eq!(to, bob_colour, "bob is bob's colour as a recipient too");
    let legend = b
        .attr(
            &format!("{carol} [data-testid='chat-legend-user'][data-user='alice']"),
            "data-colour",
        )
        .await
        .unwrap();
    assert_eq!(legend, alice_at_bob);
    b.client
        .execute(
            "document.querySelectorAll(\"[data-testid='chat']\")[1].scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot_if_asked().await;
    b.close().await;
}
