//! The receiver's decoder: pick the framing the receiving program expects, and see the
//! messages it would have assembled from this socket's recv results so far, plus the frame
//! still waiting for the rest of its bytes.

use leptos::prelude::*;
use socklab_shared::protocol::SocketId;

use super::chat_view::ChatView;
use super::stream_actions::{FRAMINGS, framing_choice, framing_for, framing_label};
use crate::i18n::panels::PanelText;
use crate::i18n::{Lang, Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::chat_view;
use crate::model::decoder_view::{
    DecodedMessage, DecoderView as View, decode_received, prefix_sent_by,
};
use crate::model::input::{Encoding, decode_display, show_controls};
use crate::on_demand::{ChunkMissing, view_when, wasm_split};

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
    let lang = ui_lang();
    let t = move || PanelText::of(lang.get());
    let w = Words::<PanelText>::new();
    view! {
        <div class="decoder">
            <div class="actions">
                <label title=w.get(|t| t.decode_title)>
                    {w.get(|t| t.decodes)}
                    <select data-testid="decode-framing" on:change=move |ev| picked.set(Some(event_target_value(&ev)))>
                        {FRAMINGS
                            .iter()
                            .map(|(value, _)| view! {
                                <option value=*value prop:selected=move || choice.get() == *value>{move || framing_label(value, lang.get())}</option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || picked.with(Option::is_none) && as_sent.get().is_some()>
                    <span class="muted" data-testid="decode-as-sent">{move || if as_sent.get().is_some_and(|(_, by_peer)| by_peer) {
                        t().as_peer_sends
                    } else {
                        t().as_this_sends
                    }}</span>
                </Show>
            </div>
            {view_when(move || choice.with(|c| c != "raw"), move || decoded_view(id, choice, encoding))}
        </div>
    }
}

/// The messages a framing gets from this socket's recvs: decoding and drawing them is a chunk
/// of the page of its own ([`crate::on_demand`]), fetched when a framing is first chosen.
#[wasm_split(decoder, wasm_split_path = leptos::wasm_split, fallible)]
fn decoded_view(
    id: SocketId,
    choice: Memo<String>,
    encoding: RwSignal<Encoding>,
) -> Result<AnyView, ChunkMissing> {
    Ok(view! { <Decoding id=id choice=choice encoding=encoding/> }.into_any())
}

/// The decoder's messages for the framing `choice`, up to the timeline's cursor.
#[component]
fn Decoding(id: SocketId, choice: Memo<String>, encoding: RwSignal<Encoding>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
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
    move || {
        decoded
            .get()
            .map(|v| view! { <Decoded v=v encoding=encoding.get() lang=lang.get()/> })
    }
}

#[component]
fn Decoded(v: View, encoding: Encoding, lang: Lang) -> impl IntoView {
    let t = PanelText::of(lang);
    let heading = fill(
        match (v.recvs == 1, v.messages.len() == 1) {
            (true, true) => t.decoder_heading_one_one,
            (true, false) => t.decoder_heading_one_recv,
            (false, true) => t.decoder_heading_one_message,
            (false, false) => t.decoder_heading,
        },
        &[&v.recvs, &v.messages.len()],
    );
    let count = v.messages.len();
    // Messages that are chat JSON ({"from", "to", "text"}) also read as a conversation.
    let chat: Vec<_> = v
        .messages
        .iter()
        .filter_map(|m| chat_view::parse(&m.body))
        .collect();
    let partial = v.partial_text(lang).map(|text| {
        let have = hex(&v.pending);
        view! {
            <div class="decoded-partial" data-testid="decoded-partial">
                <span class="warn">{text}</span>
                <code class="pending" translate="no">{have}</code>
            </div>
        }
    });
    view! {
        <div class="decoded" data-testid="decoded" data-messages=count>
            <div class="muted">{heading}</div>
            <ChatView lines=chat lang=lang/>
            <ol class="decoded-list">
                {v.messages
                    .into_iter()
                    .map(|m| view! { <Message m=m encoding=encoding lang=lang/> })
                    .collect_view()}
            </ol>
            {partial}
            {v.error.map(|e| view! {
                <p class="error" data-testid="decoded-error">
                    {t.decode_stopped}<span translate="no">{e}</span>{t.decode_stopped_why}
                </p>
            })}
            {v.gap.then(|| view! {
                <p class="warn">{t.decode_gap}</p>
            })}
        </div>
    }
}

#[component]
fn Message(m: DecodedMessage, encoding: Encoding, lang: Lang) -> impl IntoView {
    let w = PanelText::of(lang);
    let (text, bad) = decode_display(&m.body, encoding);
    let framing = match (m.header_len, m.trailer_len) {
        (0, 0) => String::new(),
        (h, 0) => fill(w.after_header, &[&h]),
        (0, t) => fill(w.before_delimiter, &[&t]),
        (h, t) => fill(w.between, &[&h, &t]),
    };
    let detail = fill(w.message_bytes, &[&m.body.len(), &framing]);
    view! {
        <li class="decoded-message" data-testid="decoded-message" data-bytes=m.body.len()>
            <code class="msg-text" class:bad=bad data-testid="decoded-text" translate="no">{show_controls(&text)}</code>
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
