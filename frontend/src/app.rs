//! The top-level component: header, connection badge, and the lab area.

use leptos::prelude::*;

use crate::components::compare::ComparePanel;
use crate::components::file_transfer::FileTransferPanel;
use crate::components::lesson_player::{Highlights, LessonPlayer, stored_place};
use crate::components::past_banner::PastBanner;
use crate::components::python_panel::PythonPanel;
use crate::components::recording::RecordingControls;
use crate::components::stage::StageToggle;
use crate::components::timeline::Timeline;
use crate::components::workbench::Workbench;
use crate::follow::{follow_link, qr_src};
use crate::i18n::app::AppText;
use crate::i18n::{Lang, UiLang, Words, fill, ui_lang};
use crate::lab::Lab;
use crate::link::LinkStatus;
use crate::model::place::Place;
use crate::storage::{self, PLACE_KEY};
use crate::token::page_token;

/// The language the page opens in: the one kept in this tab (a reload keeps it), else the
/// browser's (`navigator.languages`, then `navigator.language`). Each page decides for itself:
/// a follower's page never takes the lecturer's language.
fn initial_lang() -> Lang {
    if let Some(lang) = storage::read(PLACE_KEY).and_then(|t| Place::lang_of(&t)) {
        return lang;
    }
    let navigator = window().navigator();
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .chain(navigator.language())
        .collect();
    Lang::from_browser(listed.iter().map(String::as_str))
}

/// Provides the page's language, sets `<html lang>` to it and keeps it in the tab's place.
fn provide_lang() -> RwSignal<Lang> {
    let lang = RwSignal::new(initial_lang());
    provide_context(UiLang(lang));
    Effect::new(move |_| {
        let lang = lang.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
        if storage::read(PLACE_KEY).and_then(|t| Place::lang_of(&t)) != Some(lang) {
            let mut place = stored_place();
            place.lang = lang;
            storage::write(PLACE_KEY, &place.to_text());
        }
    });
    lang
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // Take the token from the address (and clean the address bar) before anything asks for it.
    let _ = page_token();
    let lab = Lab::new();
    provide_context(lab);
    provide_context(Highlights(RwSignal::new(Vec::new())));
    let lang = provide_lang();
    let w = Words::<AppText>::new();
    lab.connect();
    // Large text for the back of a lecture hall: everything is sized in rem, so one class on
    // the root scales the page.
    // Kept across a reload, with the lesson's place (lesson_player/place.rs).
    let large = RwSignal::new(stored_place().large);
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root
                .class_list()
                .toggle_with_force("large-text", large.get());
        }
        let mut place = stored_place();
        if place.large != large.get() {
            place.large = large.get();
            storage::write(PLACE_KEY, &place.to_text());
        }
    });
    view! {
        <header class="topbar">
            <h1 class="brand">"socklab"</h1>
            <span class="tagline">{w.get(|t| t.tagline)}</span>
            <button class="quiet" data-testid="large-text" aria-pressed=move || large.get().to_string()
                title=w.get(|t| t.large_text) on:click=move |_| large.update(|l| *l = !*l)>"A+"</button>
            <button class="quiet" data-testid="ui-lang" lang=move || lang.get().other().tag()
                title=w.get(|t| t.lang_switch) on:click=move |_| lang.update(|l| *l = l.other())>
                {move || lang.get().switch_label()}
            </button>
            <StageToggle/>
            <FollowControls/>
            <RecordingControls/>
            <ConnectionBadge/>
        </header>
        <TokenNeeded/>
        <LabIsFull/>
        <PastBanner/>
        <main class="workbench" data-testid="workbench">
            <LessonPlayer/>
            // The cards and the panels beside the lesson and the timeline: one column of its
            // own in the stage layout (components/stage.rs).
            <div class="desk" data-testid="desk">
                <p class="hint">{w.get(|t| t.hint)}</p>
                <ComparePanel/>
                <Workbench/>
                <FileTransferPanel/>
                <PythonPanel/>
            </div>
            <Timeline/>
        </main>
    }
}

/// Follow mode in the top bar: on the lecturer's page, "share with the room" and then the
/// follow link, its QR code and how many follow; on a follower's page, the read-only badge.
#[component]
pub fn FollowControls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let w = Words::<AppText>::new();
    let follow = lab.follow;
    if follow.is_follower() {
        return view! {
            <Show when=move || follow.following.get()>
                <span class="badge badge-following" data-testid="following-badge">{w.get(|t| t.following_badge)}</span>
            </Show>
        }
        .into_any();
    }
    let share = move |_| {
        lab.command(socklab_shared::protocol::Command::Share);
    };
    let shared = move || {
        follow.shared.get().map(|key| {
            let origin = window().location().origin().unwrap_or_default();
            let link = follow_link(&origin, &key);
            let qr = qr_src(&key, page_token().as_deref());
            let href = link.clone();
            view! {
                <span class="follow-share" data-testid="follow-share">
                    <a data-testid="follow-link" href=href target="_blank" translate="no">{link}</a>
                    <img data-testid="follow-qr" class="follow-qr" src=qr alt=w.get(|t| t.qr_alt) width="96" height="96"/>
                    <span data-testid="follower-count">{move || follow.followers.get()}</span>
                    {w.get(|t| t.following)}
                </span>
            }
        })
    };
    view! {
        <button class="quiet" data-testid="share" on:click=share
            title=w.get(|t| t.share_title)>{w.get(|t| t.share)}</button>
        {shared}
    }
    .into_any()
}

/// What to do when the server refused the page for lack of its token.
#[component]
pub fn TokenNeeded() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // In both languages: whoever reads it may not be able to switch without a session.
    view! {
        <Show when=move || lab.connection.needs_token.get()>
            <div class="token-needed" role="alert" data-testid="token-needed">
                <p lang="en">{AppText::EN.token_needed}</p>
                <p lang="zh-CN">{AppText::ZH.token_needed}</p>
            </div>
        </Show>
    }
}

/// Why the page can't connect when the lab has no room for another session.
#[component]
pub fn LabIsFull() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    move || {
        lab.connection.full.get().map(|full| {
            let message = full.message(lang.get());
            view! {
                <div class="token-needed" role="alert" data-testid="lab-full">
                    <p>{message}</p>
                </div>
            }
        })
    }
}

/// "connected" / "disconnected" and the server's protocol version.
#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || AppText::of(lang.get());
    let w = Words::<AppText>::new();
    let status = move || lab.connection.status.get();
    // The class names the state in English whatever the language (styles and tests use it).
    let class = move || format!("badge badge-{}", status().label());
    let words = move || match status() {
        LinkStatus::Connecting => t().connecting,
        LinkStatus::Connected => t().connected,
        LinkStatus::Disconnected => t().disconnected,
    };
    let version = move || {
        lab.connection
            .server
            .get()
            .map(|s| fill(t().version, &[&s.protocol_version, &s.server_version]))
            .unwrap_or_default()
    };
    let last_error = Memo::new(move |_| lab.history.last_error_note());
    view! {
        <div class="link">
            <span class=class data-testid="connection-status" aria-live="polite">
                {words}
            </span>
            <span class="version" data-testid="protocol-version">{version}</span>
            <Show when=move || status() == LinkStatus::Disconnected>
                <span class="retrying">{w.get(|t| t.reconnecting)}</span>
            </Show>
            {move || last_error.get().map(|e| view! {
                <span class="error" data-testid="last-error">{crate::components::error_words(&e, lang.get())}</span>
            })}
        </div>
    }
}
