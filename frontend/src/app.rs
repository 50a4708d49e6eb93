//! The top-level component: header, connection badge, and the lab area.

use leptos::prelude::*;

use crate::components::compare::ComparePanel;
use crate::components::file_transfer::FileTransferPanel;
use crate::components::lesson_player::{Highlights, LessonPlayer, stored_place};
use crate::components::past_banner::PastBanner;
use crate::components::python_panel::PythonPanel;
use crate::components::recording::RecordingControls;
use crate::components::timeline::Timeline;
use crate::components::workbench::Workbench;
use crate::follow::{FOLLOWING_BADGE, follow_link, qr_src};
use crate::lab::Lab;
use crate::link::LinkStatus;
use crate::storage::{self, PLACE_KEY};
use crate::token::{TOKEN_NEEDED_EN, TOKEN_NEEDED_ZH, page_token};

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // Take the token from the address (and clean the address bar) before anything asks for it.
    let _ = page_token();
    let lab = Lab::new();
    provide_context(lab);
    provide_context(Highlights(RwSignal::new(Vec::new())));
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
            <span class="tagline">"real sockets, made visible"</span>
            <button class="quiet" data-testid="large-text" aria-pressed=move || large.get().to_string()
                on:click=move |_| large.update(|l| *l = !*l)>"A+"</button>
            <FollowControls/>
            <RecordingControls/>
            <ConnectionBadge/>
        </header>
        <TokenNeeded/>
        <LabIsFull/>
        <PastBanner/>
        <main class="workbench" data-testid="workbench">
            <LessonPlayer/>
            <p class="hint">
                "Every socket here is a real kernel socket on this machine; every byte you see "
                "went through the kernel. Colours show which send() each byte came from."
            </p>
            <ComparePanel/>
            <Workbench/>
            <FileTransferPanel/>
            <PythonPanel/>
            <Timeline/>
        </main>
    }
}

/// Follow mode in the top bar: on the lecturer's page, "share with the room" and then the
/// follow link, its QR code and how many follow; on a follower's page, the read-only badge.
#[component]
pub fn FollowControls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let follow = lab.follow;
    if follow.is_follower() {
        return view! {
            <Show when=move || follow.following.get()>
                <span class="badge badge-following" data-testid="following-badge">{FOLLOWING_BADGE}</span>
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
                    <a data-testid="follow-link" href=href target="_blank">{link}</a>
                    <img data-testid="follow-qr" class="follow-qr" src=qr alt="QR code of the follow link" width="96" height="96"/>
                    <span data-testid="follower-count">{move || follow.followers.get()}</span>
                    " following"
                </span>
            }
        })
    };
    view! {
        <button class="quiet" data-testid="share" on:click=share
            title="let students follow this session, read-only, on their own screens">"share with the room"</button>
        {shared}
    }
    .into_any()
}

/// What to do when the server refused the page for lack of its token.
#[component]
pub fn TokenNeeded() -> impl IntoView {
    let lab = expect_context::<Lab>();
    view! {
        <Show when=move || lab.connection.needs_token.get()>
            <div class="token-needed" role="alert" data-testid="token-needed">
                <p>{TOKEN_NEEDED_EN}</p>
                <p lang="zh">{TOKEN_NEEDED_ZH}</p>
            </div>
        </Show>
    }
}

/// Why the page can't connect when the lab has no room for another session.
#[component]
pub fn LabIsFull() -> impl IntoView {
    let lab = expect_context::<Lab>();
    move || {
        lab.connection.full.get().map(|full| {
            view! {
                <div class="token-needed" role="alert" data-testid="lab-full">
                    <p>{full.message()}</p>
                </div>
            }
        })
    }
}

/// "connected" / "disconnected" and the server's protocol version.
#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let status = move || lab.connection.status.get();
    let class = move || format!("badge badge-{}", status().label());
    let version = move || {
        lab.connection
            .server
            .get()
            .map(|s| {
                format!(
                    "protocol v{} · server {}",
                    s.protocol_version, s.server_version
                )
            })
            .unwrap_or_default()
    };
    let last_error = Memo::new(move |_| lab.history.last_error());
    view! {
        <div class="link">
            <span class=class data-testid="connection-status" aria-live="polite">
                {move || status().label()}
            </span>
            <span class="version" data-testid="protocol-version">{version}</span>
            <Show when=move || status() == LinkStatus::Disconnected>
                <span class="retrying">"reconnecting…"</span>
            </Show>
            {move || last_error.get().map(|m| view! { <span class="error" data-testid="last-error">{m}</span> })}
        </div>
    }
}
