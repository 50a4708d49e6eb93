//! Decoded chat messages as a conversation: "alice → bob: hi", each name in its own colour
//! (the same on every card), with a legend of who is talking.

use leptos::prelude::*;

use crate::i18n::Lang;
use crate::i18n::panels::PanelText;
use crate::model::chat_view::{ChatLine, colour, legend};

/// The chat lines among a decoder's messages, or nothing when none is a chat message.
#[component]
pub fn ChatView(lines: Vec<ChatLine>, lang: Lang) -> impl IntoView {
    if lines.is_empty() {
        return None;
    }
    let t = PanelText::of(lang);
    let names = legend(&lines);
    Some(view! {
        <div class="chat" data-testid="chat">
            <div class="chat-legend" data-testid="chat-legend">
                <span class="muted">{t.chat_who}</span>
                {names.into_iter().map(|(name, c)| {
                    let user = name.clone();
                    view! {
                        <span class="chat-user" data-testid="chat-legend-user" data-user=user translate="no"
                            data-colour=c style=format!("background: {c}")>{name}</span>
                    }
                }).collect_view()}
            </div>
            <ol class="chat-lines">
                {lines.into_iter().map(|l| view! { <Line l=l lang=lang/> }).collect_view()}
            </ol>
        </div>
    })
}

#[component]
fn Line(l: ChatLine, lang: Lang) -> impl IntoView {
    let t = PanelText::of(lang);
    let c = colour(&l.from);
    let (from, user, plain) = (l.from.clone(), l.from.clone(), l.plain(lang));
    let to = l.to.clone().map(|to| {
        let tc = colour(&to);
        view! {
            " → "<span class="chat-to" data-testid="chat-to" translate="no" data-colour=tc style=format!("color: {tc}")>{to}</span>
        }
    });
    let text = match &l.text {
        Some(text) => view! { ": "<span class="chat-text" data-testid="chat-text" translate="no">{text.clone()}</span> }
            .into_any(),
        None => view! { <span class="muted">{t.chat_hello}</span> }.into_any(),
    };
    view! {
        <li class="chat-line" data-testid="chat-line" data-user=user data-colour=c
            title=plain style=format!("border-left-color: {c}")>
            <span class="chat-user" data-testid="chat-from" translate="no" style=format!("background: {c}")>{from}</span>
            {to}
            {text}
        </li>
    }
}
