//! The lab's components, one concern each.
//!
//! - [`auto_controls`]: auto-recv/echo switches and bulk sends on a connection.
//! - [`lesson_player`]: choose a lesson, step through it, narration in two languages.
//! - [`workbench`]: the "new socket" buttons and the cards of every socket.
//! - [`socket_card`]: one socket: address, state, the actions that fit it.
//! - [`stream_actions`]: send/recv controls and the latest result.
//! - [`buffer_strip`]: bytes as coloured cells (hex + characters), one colour per send.
//! - [`compare`]: the "TCP vs UDP" button and the side-by-side panel of its results.
//! - [`decoder_view`]: the receiver's decoder: whole messages and the frame still arriving.
//! - [`chat_view`]: decoded chat messages, one colour per user, with a legend.
//! - [`file_transfer`]: send a file (chosen or generated) with the course's md5-checked upload.
//! - [`past_banner`]: the bar that says the page shows the past, and the way back.
//! - [`timeline`]: the session as a sequence diagram, with step / play controls.
//! - [`python_panel`]: the session as the course's Python code, ready to copy and run.
//! - [`cable_view`]: the wire: the packets between hosts A and B as a sequence diagram.
//! - [`link_panel`]: the wire's link settings, holding and stepping, drop next, the pcap.
//! - [`recording`]: download the session as a recording, open one and play it, read-only.

pub mod auto_controls;
pub mod buffer_strip;
pub mod cable_view;
pub mod chat_view;
pub mod compare;
pub mod decoder_view;
pub mod file_transfer;
pub mod lesson_player;
pub mod link_panel;
pub mod past_banner;
pub mod python_panel;
pub mod recording;
pub mod socket_card;
pub mod stage;
pub mod stream_actions;
pub mod timeline;
pub mod workbench;

use leptos::prelude::*;
use socklab_shared::protocol::ErrorCode;

use crate::i18n::Lang;
use crate::i18n::results::{ResultText, explains_errors};
use crate::model::last_error::ErrorNote;

/// An error from the server in the page's language. In English the server's words are the
/// explanation (and its hint, when `with_hint`); in Chinese the page explains the error by its
/// code and shows the server's English message after it, marked as not the page's text
/// (`translate="no"`). The page's own notes (no code) are shown as they are.
pub fn error_view(
    message: &str,
    hint: Option<&str>,
    code: Option<ErrorCode>,
    lang: Lang,
    with_hint: bool,
) -> AnyView {
    let hint = hint.filter(|_| with_hint).map(str::to_owned);
    match code.filter(|_| explains_errors(lang)) {
        Some(code) => {
            let t = ResultText::of(lang);
            let detail = match hint {
                Some(h) => format!("{message} · {h}"),
                None => message.to_owned(),
            };
            view! { {t.explain_message(code, message)}" "<em class="detail">{t.server_said}<span translate="no">{detail}</span></em> }
                .into_any()
        }
        None if explains_errors(lang) => {
            view! { <span translate="no">{message.to_owned()}</span> }.into_any()
        }
        None => match hint {
            Some(h) => view! { {message.to_owned()}" "<em>{h}</em> }.into_any(),
            None => message.to_owned().into_any(),
        },
    }
}

/// [`error_view`] of an error note, without its hint (the status bar's short form). The
/// page's own note while a recording plays has its words in the catalogue.
pub fn error_words(e: &ErrorNote, lang: Lang) -> AnyView {
    if e.code.is_none() && e.message == crate::model::recording::READ_ONLY {
        return crate::i18n::app::AppText::of(lang).rec_read_only.into_any();
    }
    error_view(&e.message, e.hint.as_deref(), e.code, lang, false)
}
