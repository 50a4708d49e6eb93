//! TCP vs UDP side by side: one button runs the same two-message script on a TCP pair and a
//! UDP pair, and a panel shows the two receivers together: the merge on one side, the kept
//! boundaries on the other.

use std::collections::HashMap;

use leptos::prelude::*;

use super::buffer_strip::BufferStrip;
use crate::i18n::panels::PanelText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::{Lab, Owner};
use crate::model::demos::{self, CompareView, Got};
use crate::model::script::Named;
use crate::on_demand::{ChunkMissing, loaded_view, wasm_split};

/// The demo's name as the owner of its scope.
const DEMO: Owner = Owner::Demo("tcp-vs-udp");

/// `data-testid`s of the result strips.
const TCP_STRIP: &str = "compare-tcp-recv";
const UDP_STRIP: &str = "compare-udp-datagram";

/// The demo's steps, in the chunk that resolves script steps.
#[wasm_split(scripts, wasm_split_path = leptos::wasm_split, fallible)]
fn demo_steps() -> Result<Vec<serde_json::Value>, ChunkMissing> {
    Ok(demos::tcp_vs_udp())
}

/// The TCP and UDP columns, a chunk of the page of their own, fetched when the demo has run.
#[wasm_split(compare, wasm_split_path = leptos::wasm_split, fallible)]
fn compare_columns(v: CompareView) -> Result<AnyView, ChunkMissing> {
    Ok(view! {
        <div class="compare-cols">
            <TcpColumn v=v.clone()/>
            <UdpColumn v=v/>
        </div>
    }
    .into_any())
}

/// The toolbar button that runs the demo.
#[component]
pub fn TcpVsUdpButton() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // A clean slate each time: the last demo's (or lesson's) sockets are closed first, so
    // clicking again and again never runs into the session's socket limit.
    // Its steps come with the chunk that runs scripts ([`crate::on_demand`]).
    let run = move |_| {
        leptos::task::spawn_local(async move {
            match demo_steps().await {
                Ok(steps) => lab.start_fresh(DEMO, steps, HashMap::new()),
                Err(missing) => lab.history.note_error(missing.both_languages()),
            }
        })
    };
    view! {
        <button class="demo" data-testid="demo-tcp-vs-udp" on:click=run
            title={Words::<PanelText>::new().get(|t| t.demo_title)}>
            {Words::<PanelText>::new().get(|t| t.demo_button)}
        </button>
    }
}

/// The two receivers of the demo, side by side; nothing until the demo has run.
#[component]
pub fn ComparePanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The demo's sockets, kept while later scripts (lessons) bind other names; forgotten when
    // the session starts over.
    let names = RwSignal::new(None::<HashMap<String, Named>>);
    Effect::new(move |_| {
        let latest = lab.scripts.last_names.get();
        if latest.is_empty() {
            names.set(None);
        } else if demos::has_tcp_vs_udp_names(&latest) {
            names.set(Some(latest));
        }
    });
    let view = Memo::new(move |_| {
        // Only while the demo is what the page is doing: a lesson started since closed it.
        if lab.scope.owner.with(|o| *o != DEMO) {
            return None;
        }
        let names = names.get()?;
        // Up to the timeline's cursor: stepping back replays the demo.
        let applied = lab.cursor.shown.with(|s| s.applied);
        lab.history
            .events
            .with(|h| demos::compare_view(&h[..applied.min(h.len())], &names))
    });
    let lang = ui_lang();
    move || {
        // The whole panel is drawn again on a language switch (its columns read it untracked).
        let t = PanelText::of(lang.get());
        view.get().map(|v| {
            view! {
                <section class="compare" data-testid="compare">
                    <header>
                        <h2>{t.demo_heading}</h2>
                        <code class="muted" translate="no">"send(b'hello'); send(b'world')  ·  sendto(b'hello'); sendto(b'world')"</code>
                        <button class="hide" title=t.hide on:click=move |_| names.set(None)>"×"</button>
                    </header>
                    {loaded_view(move || compare_columns(v))}
                </section>
            }
        })
    }
}

#[component]
fn TcpColumn(v: CompareView) -> impl IntoView {
    let lang = ui_lang().get_untracked();
    let t = PanelText::of(lang);
    let merged = v.tcp_recvs.iter().any(|g| sends_in(g) > 1);
    let explain = if merged {
        t.tcp_merged
    } else if v.tcp_recvs.is_empty() {
        t.tcp_nothing
    } else {
        t.tcp_lucky
    };
    view! {
        <div class="compare-col" data-testid="compare-tcp">
            <h3>"TCP "<span class="muted" translate="no">"SOCK_STREAM"</span></h3>
            <div class="compare-summary" data-testid="compare-tcp-summary">{v.tcp_summary(lang)}</div>
            {v.tcp_recvs
                .into_iter()
                .enumerate()
                .map(|(i, g)| view! { <GotStrip label=format!("recv(1024) #{}", i + 1) g=g testid=TCP_STRIP/> })
                .collect_view()}
            <p class="explain">{explain}</p>
        </div>
    }
}

#[component]
fn UdpColumn(v: CompareView) -> impl IntoView {
    let t = PanelText::of(ui_lang().get_untracked());
    let explain = if v.udp_recvs.is_empty() {
        t.udp_nothing
    } else {
        t.udp_kept
    };
    view! {
        <div class="compare-col" data-testid="compare-udp">
            <h3>"UDP "<span class="muted" translate="no">"SOCK_DGRAM"</span></h3>
            <div class="compare-summary" data-testid="compare-udp-summary">{v.udp_summary()}</div>
            {v.udp_recvs
                .into_iter()
                .enumerate()
                .map(|(i, g)| view! { <GotStrip label=format!("recvfrom(1024) #{}", i + 1) g=g testid=UDP_STRIP/> })
                .collect_view()}
            <p class="explain">{explain}</p>
        </div>
    }
}

/// One call's result: "recv(1024) #1 → 10 bytes from 2 sends" and the coloured bytes.
#[component]
fn GotStrip(label: String, g: Got, testid: &'static str) -> impl IntoView {
    let t = PanelText::of(ui_lang().get_untracked());
    let line = if testid == UDP_STRIP {
        fill(t.one_datagram, &[&label, &g.bytes.len()])
    } else {
        let from = match sends_in(&g) {
            0 => String::new(),
            1 => t.from_one_send.to_owned(),
            n => fill(t.from_sends, &[&n]),
        };
        format!("{}{from}", fill(t.got_bytes, &[&label, &g.bytes.len()]))
    };
    view! {
        <div class="compare-got">
            <div class="compare-call">
                {line}
                {g.truncated.then(|| view! { <strong class="warn">{t.truncated}</strong> })}
            </div>
            <BufferStrip bytes=g.bytes spans=g.spans testid=testid.to_owned()/>
        </div>
    }
}

/// How many different sends the bytes came from.
fn sends_in(g: &Got) -> usize {
    let mut sends: Vec<_> = g
        .spans
        .iter()
        .filter_map(|s| Some((s.from?, s.send_no?)))
        .collect();
    sends.sort();
    sends.dedup();
    sends.len()
}
