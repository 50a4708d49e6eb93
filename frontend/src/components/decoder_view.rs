//! The receiver's decoder: pick the framing the receiving program expects, and see the
//! messages it would have assembled from this socket's recv results so far, plus the frame
//! still waiting for the rest of its bytes.

use leptos::prelude::*;
use socklab_shared::protocol::SocketId;

use super::chat_view::ChatView;
use super::stream_actions::{FRAMINGS, framing_choice, framing_for};
use crate::lab::Lab;
use crate::model::chat_view;
use crate::model::decoder_view::{
    DecodedMessage, DecoderView as View, decode_received, prefix_sent_by,
};
use crate::model::input::{Encoding, decode_display, show_controls};

/// The framing select and, when it is not raw, the decoder's messages and partial frame.
#[component]
pub fn DecoderView(
    id: SocketId,
    /// How this side turns bytes into text.
    encoding: RwSignal<Encoding>,
) -> impl IntoView {
    let lab = expect_context::<Lab>();
    // What the user picked; until then, the framing the other end sends with (what this
    // socket receives), else the one this socket sends with (a program reads with the
    // protocol it writes).
    let picked = RwSignal::new(None::<String>);
    let peer = Memo::new(move |_| lab.history.live.with(|s| s.peer_of(id)));
    let as_sent = Memo::new(move |_| {
        lab.history.sent.with(|s| {
            let from_peer = peer
                .get()
                .and_then(|p| prefix_sent_by(s, p))
                .map(|p| (p, true));
            from_peer
                .or_else(|| prefix_sent_by(s, id).map(|p| (p, false)))
                .and_then(|(p, by_peer)| Some((framing_choice(p)?, by_peer)))
        })
    });
    let choice = Memo::new(move |_| {
        picked
            .get()
            .unwrap_or_else(|| as_sent.get().map_or("raw", |(c, _)| c).to_owned())
    });
    let decoded = Memo::new(move |_| {
        let choice = choice.get();
        if choice == "raw" {
            return None;
        }
        let framing = framing_for(&choice);
        // Up to the timeline's cursor, like the rest of the page.
        let applied = lab.cursor.shown.with(|s| s.applied);
        Some(
            lab.history
                .events
                .with(|h| decode_received(&h[..applied.min(h.len())], id, &framing)),
        )
    });
    view! {
        <div class="decoder">
            <div class="actions">
                <label title="What the receiving program expects; its decoder buffers recv results until a whole frame is there">
                    "receiver decodes "
                    <select data-testid="decode-framing" on:change=move |ev| picked.set(Some(event_target_value(&ev)))>
                        {FRAMINGS
                            .iter()
                            .map(|(value, label)| view! {
                                <option value=*value prop:selected=move || choice.get() == *value>{*label}</option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || picked.with(Option::is_none) && as_sent.get().is_some()>
                    <span class="muted" data-testid="decode-as-sent">{move || if as_sent.get().is_some_and(|(_, by_peer)| by_peer) {
                        " as the other end sends: both ends speak one protocol"
                    } else {
                        " as this socket sends: both ends speak one protocol"
                    }}</span>
                </Show>
            </div>
            {move || decoded.get().map(|v| view! { <Decoded v=v encoding=encoding.get()/> })}
        </div>
    }
}

#[component]
fn Decoded(v: View, encoding: Encoding) -> impl IntoView {
    let heading = format!(
        "the receiver's decoder after {} recv call{}: {} whole message{}",
        v.recvs,
        if v.recvs == 1 { "" } else { "s" },
        v.messages.len(),
        if v.messages.len() == 1 { "" } else { "s" },
    );
    let count = v.messages.len();
    // Messages that are chat JSON ({"from", "to", "text"}) also read as a conversation.
    let chat: Vec<_> = v
        .messages
        .iter()
        .filter_map(|m| chat_view::parse(&m.body))
        .collect();
    let partial = v.partial_text().map(|text| {
        let have = hex(&v.pending);
        view! {
            <div class="decoded-partial" data-testid="decoded-partial">
                <span class="warn">{text}</span>
                <code class="pending">{have}</code>
            </div>
        }
    });
    view! {
        <div class="decoded" data-testid="decoded" data-messages=count>
            <div class="muted">{heading}</div>
            <ChatView lines=chat/>
            <ol class="decoded-list">
                {v.messages
                    .into_iter()
                    .map(|m| view! { <Message m=m encoding=encoding/> })
                    .collect_view()}
            </ol>
            {partial}
            {v.error.map(|e| view! {
                <p class="error" data-testid="decoded-error">
                    {format!("decoding stopped: {e}. A real receiver can't find the next frame after this; it closes the connection.")}
                </p>
            })}
            {v.gap.then(|| view! {
                <p class="warn">"Some bytes were received by auto-recv without being shown one by one, so the decoder missed them."</p>
            })}
        </div>
    }
}

#[component]
fn Message(m: DecodedMessage, encoding: Encoding) -> impl IntoView {
    let (text, bad) = decode_display(&m.body, encoding);
    let framing = match (m.header_len, m.trailer_len) {
        (0, 0) => String::new(),
        (h, 0) => format!(" after a {h}-byte header"),
        (0, t) => format!(" before a {t}-byte delimiter"),
        (h, t) => format!(" between a {h}-byte header and a {t}-byte delimiter"),
    };
    let detail = format!("{} bytes{framing}", m.body.len());
    view! {
        <li class="decoded-message" data-testid="decoded-message" data-bytes=m.body.len()>
            <code class="msg-text" class:bad=bad data-testid="decoded-text">{show_controls(&text)}</code>
            <span class="muted">{detail}</span>
        </li>
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
