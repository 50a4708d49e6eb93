//! The link panel: what the cable does to packets (delay, jitter, loss, duplicates,
//! reordering, rate, MTU; per direction or both, with a seed for repeatable runs), holding the
//! wire and releasing it packet by packet, dropping the next packet, and the session's packets
//! as a pcap file for Wireshark. Where the machine can't make the wire, the server's message
//! and its exact fix.

use leptos::prelude::*;
use leptos::task::spawn_local;
use socklab_shared::protocol::wire::Directions;
use socklab_shared::protocol::{Command, Event};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::i18n::wire::WireText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::cable::{LiveCable, bytes_words};
use crate::model::wire::{LinkForm, MTU_PRESETS, mtu_name, settings_words};
use crate::on_demand::{ChunkMissing, view_when, wasm_split};

/// A word of the link panel, read in the page's language when drawn.
type Word = fn(&WireText) -> &'static str;

/// The name of the downloaded capture.
pub const PCAP_NAME: &str = "socklab-session.pcap";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = URL, js_name = createObjectURL, catch)]
    fn create_object_url(blob: &web_sys::Blob) -> Result<String, JsValue>;
    #[wasm_bindgen(js_namespace = URL, js_name = revokeObjectURL)]
    fn revoke_object_url(url: &str);
}

/// The link panel (see the module's documentation).
#[component]
pub fn LinkPanel(cable: Memo<LiveCable>, in_use: Memo<bool>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let w = Words::<WireText>::new();
    let wire = Memo::new(move |_| cable.with(|c| c.wire.clone()));
    let unavailable = Memo::new(move |_| cable.with(|c| c.unavailable.clone()));
    let status = move || {
        let lang = lang.get();
        let t = WireText::of(lang);
        wire.with(|w| match w {
            None => t.not_made.to_owned(),
            Some((_, w)) if !w.up => t.not_made_short.to_owned(),
            Some((_, w)) if w.a_to_b == w.b_to_a => {
                fill(t.both_ways, &[&settings_words(&w.a_to_b, lang)])
            }
            Some((_, w)) => fill(
                t.per_direction,
                &[
                    &settings_words(&w.a_to_b, lang),
                    &settings_words(&w.b_to_a, lang),
                ],
            ),
        })
    };
    view! {
        <div class="link-panel" data-testid="link-panel">
            <div class="lp-bar">
                <h2>{w.get(|t| t.heading)}</h2>
                <span class="lp-status" data-testid="wire-status">{status}</span>
                <Show when=move || !in_use.get()>
                    <button data-testid="wire-up" title=w.get(|t| t.make_title)
                        on:click=move |_| { lab.command(Command::WireStatus { up: true }); }>{w.get(|t| t.make)}</button>
                </Show>
                {view_when(move || in_use.get(), move || wire_controls(cable, wire))}
            </div>
            {move || unavailable.get().map(|(m, h)| view! {
                <p class="error lp-error" data-testid="wire-error">
                    {crate::components::error_view(&m, Some(h.as_deref().unwrap_or("")), Some(socklab_shared::protocol::ErrorCode::WireUnavailable), lang.get(), true)}
                </p>
            })}
            {view_when(move || in_use.get(), move || link_settings(wire))}
        </div>
    }
}

/// The wire's parts of the panel once it is in use: a chunk of the page of their own
/// ([`crate::on_demand`]), with the cable's diagram.
#[wasm_split(cable, wasm_split_path = leptos::wasm_split, fallible)]
fn wire_controls(cable: Memo<LiveCable>, wire: WireMemo) -> Result<AnyView, ChunkMissing> {
    Ok(view! { <WireControls cable=cable wire=wire/> }.into_any())
}

/// The link's settings and the commands that made it (see [`wire_controls`]).
#[wasm_split(cable, wasm_split_path = leptos::wasm_split, fallible)]
fn link_settings(wire: WireMemo) -> Result<AnyView, ChunkMissing> {
    Ok(view! { <LinkSettings wire=wire/> }.into_any())
}

/// The wire's state as the server last reported it.
type WireMemo = Memo<Option<(usize, socklab_shared::protocol::wire::WireStatus)>>;

/// Hold and release, step, the packets waiting, drop the next one, the pcap file.
#[component]
fn WireControls(cable: Memo<LiveCable>, wire: WireMemo) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || WireText::of(lang.get());
    let w = Words::<WireText>::new();
    let held = move || wire.with(|w| w.as_ref().is_some_and(|(_, w)| w.held));
    let waiting_list = Memo::new(move |_| {
        let t = t();
        cable.with(|c| {
            c.waiting_packets()
                .map(|p| {
                    let dir = match p.direction {
                        socklab_shared::protocol::wire::Direction::AToB => "A → B",
                        socklab_shared::protocol::wire::Direction::BToA => "B → A",
                    };
                    let again = if p.retransmission {
                        t.retransmission_mark
                    } else {
                        ""
                    };
                    format!("#{} {dir} {}{again}", p.no, p.label)
                })
                .collect::<Vec<_>>()
        })
    });
    let waiting = move || waiting_list.with(Vec::len) as u64;
    let pcap_note = RwSignal::new(None::<(u64, usize)>);
    let download = move |_| {
        spawn_local(async move {
            let Some(events) = lab.ask(Command::WirePcap).await else {
                return;
            };
            for e in events {
                if let Event::Pcap { data, packets, .. } = e
                    && let Ok(size) = save(&data.0, PCAP_NAME)
                {
                    pcap_note.set(Some((packets, size)));
                }
            }
        });
    };
    view! {
        {move || if held() {
            view! {
                <button class="lp-held" data-testid="wire-release" aria-pressed="true"
                    title=t().release_title
                    on:click=move |_| { lab.command(Command::WireHold { hold: false }); }>{t().release}</button>
            }.into_any()
        } else {
            view! {
                <button data-testid="wire-hold" aria-pressed="false"
                    title=t().hold_title
                    on:click=move |_| { lab.command(Command::WireHold { hold: true }); }>{t().hold}</button>
            }.into_any()
        }}
        <button data-testid="wire-step" disabled=move || !held() || waiting() == 0
            title=w.get(|t| t.step_title)
            on:click=move |_| { lab.command(Command::WireStep { count: 1 }); }>{w.get(|t| t.step)}</button>
        <span data-testid="wire-waiting" class=move || { if waiting() > 0 { "lp-waiting on" } else { "lp-waiting" } }>
            {move || match waiting() { 1 => t().waiting_one.to_owned(), n => fill(t().waiting_many, &[&n]) }}
        </span>
        {move || (waiting() > 0).then(|| view! {
            <ol class="lp-queue" data-testid="waiting-list" title=t().queue_title>
                {waiting_list.get().into_iter().take(6).map(|w| view! { <li>{w}</li> }).collect_view()}
                {(waiting() > 6).then(|| view! { <li class="muted">{fill(t().and_more, &[&(waiting() - 6)])}</li> })}
            </ol>
        })}
        <DropNext/>
        <button data-testid="wire-pcap" title=w.get(|t| t.pcap_title)
            data-bytes=move || pcap_note.get().map(|(_, b)| b.to_string())
            on:click=download>{w.get(|t| t.pcap)}</button>
        {move || pcap_note.get().map(|(p, b)| view! {
            <span class="muted" data-testid="pcap-note">{fill(t().pcap_note, &[&PCAP_NAME, &p, &bytes_words(b as u64)])}</span>
        })}
    }
}

/// The settings form and the commands the server ran to make the wire.
#[component]
fn LinkSettings(wire: WireMemo) -> impl IntoView {
    let lang = ui_lang();
    let t = move || WireText::of(lang.get());
    let exec = move || wire.with(|w| w.as_ref().and_then(|(_, w)| w.exec.clone()));
    view! {
        <LinkSettingsForm wire=wire/>
        {move || exec().map(|cmd| view! {
            <details class="lp-exec">
                <summary>{t().exec}</summary>
                <code data-testid="wire-exec" translate="no">{cmd}</code>
            </details>
        })}
    }
}

/// "drop next" with its direction.
#[component]
fn DropNext() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let w = Words::<WireText>::new();
    let dir = RwSignal::new(Directions::Both);
    view! {
        <span class="lp-drop">
            <button data-testid="wire-drop-next" title=w.get(|t| t.drop_next_title)
                on:click=move |_| { lab.command(Command::WireDropNext { directions: dir.get_untracked() }); }>{w.get(|t| t.drop_next)}</button>
            <select data-testid="drop-direction" on:change=move |ev| dir.set(directions(&event_target_value(&ev)))>
                <option value="both">{w.get(|t| t.either_way)}</option>
                <option value="a_to_b">"A → B"</option>
                <option value="b_to_a">"B → A"</option>
            </select>
        </span>
    }
}

fn directions(v: &str) -> Directions {
    match v {
        "a_to_b" => Directions::AToB,
        "b_to_a" => Directions::BToA,
        _ => Directions::Both,
    }
}

/// The settings form: one direction or both, applied with `link_set`.
#[component]
fn LinkSettingsForm(wire: WireMemo) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || WireText::of(lang.get());
    let w = Words::<WireText>::new();
    let form = RwSignal::new(LinkForm::default());
    let dir = RwSignal::new(Directions::Both);
    let problem = RwSignal::new(None::<String>);
    // The form shows what the server reports after every change of the link (and of the
    // direction chosen); typing is never overwritten, as the report comes only after a command.
    Effect::new(move |_| {
        let d = dir.get();
        wire.with(|w| {
            if let Some((_, w)) = w {
                let s = if d == Directions::BToA {
                    &w.b_to_a
                } else {
                    &w.a_to_b
                };
                let seed = form.with_untracked(|f| f.seed.clone());
                form.set(LinkForm {
                    seed,
                    ..LinkForm::from_settings(s)
                });
            }
        });
    });
    let apply = move |_| match form.with_untracked(|f| f.parse(lang.get_untracked())) {
        Ok((settings, seed)) => {
            problem.set(None);
            lab.command(Command::LinkSet {
                directions: dir.get_untracked(),
                settings,
                seed,
            });
        }
        Err(e) => problem.set(Some(e)),
    };
    let field = move |id: &'static str,
                      label: Word,
                      unit: Word,
                      get: fn(&LinkForm) -> String,
                      set: fn(&mut LinkForm, String)| {
        view! {
            <label class="lp-field">
                <span>{move || label(t())}</span>
                <input data-testid=id inputmode="decimal" size="6"
                    prop:value=move || form.with(get)
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| set(f, v)); }
                    on:keydown=move |ev| if ev.key() == "Enter" { apply(()); }/>
                <span class="muted">{move || unit(t())}</span>
            </label>
        }
    };
    let mtu_options = MTU_PRESETS
        .iter()
        .map(|&v| view! { <option value=v.to_string()>{move || mtu_name(v, lang.get())}</option> })
        .collect_view();
    // An MTU a lesson set that is none of the presets shows as its own choice.
    let other_mtu = move || {
        let mtu = form.with(|f| f.mtu.clone());
        (!MTU_PRESETS.iter().any(|v| v.to_string() == mtu))
            .then(|| view! { <option value=mtu.clone()>{mtu.clone()}</option> })
    };
    view! {
        <div class="lp-form" data-testid="link-form">
            <label class="lp-field">
                <span>{w.get(|t| t.direction)}</span>
                <select data-testid="link-direction" on:change=move |ev| dir.set(directions(&event_target_value(&ev)))>
                    <option value="both">{w.get(|t| t.both_ways_option)}</option>
                    <option value="a_to_b">"A → B"</option>
                    <option value="b_to_a">"B → A"</option>
                </select>
            </label>
            {field("link-delay", |t| t.delay, |t| t.ms, |f| f.delay_ms.clone(), |f, v| f.delay_ms = v)}
            {field("link-jitter", |t| t.jitter, |t| t.ms, |f| f.jitter_ms.clone(), |f, v| f.jitter_ms = v)}
            {field("link-loss", |t| t.loss, |t| t.percent, |f| f.loss_pct.clone(), |f, v| f.loss_pct = v)}
            {field("link-duplicate", |t| t.duplicates, |t| t.percent, |f| f.duplicate_pct.clone(), |f, v| f.duplicate_pct = v)}
            {field("link-reorder", |t| t.reorder, |t| t.percent, |f| f.reorder_pct.clone(), |f, v| f.reorder_pct = v)}
            {field("link-rate", |t| t.rate, |t| t.rate_unit, |f| f.rate_kbit.clone(), |f, v| f.rate_kbit = v)}
            <label class="lp-field">
                <span>"MTU"</span>
                <select data-testid="link-mtu" prop:value=move || form.with(|f| f.mtu.clone())
                    on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.mtu = v); }>
                    {mtu_options}
                    {other_mtu}
                </select>
            </label>
            {field("link-seed", |t| t.seed, |t| t.seed_unit, |f| f.seed.clone(), |f, v| f.seed = v)}
            <button data-testid="link-apply" on:click=move |_| apply(())>{w.get(|t| t.apply)}</button>
            {move || problem.get().map(|p| view! { <span class="error" data-testid="link-problem">{p}</span> })}
        </div>
    }
}

/// Saves `bytes` as a download named `name`; returns the file's size.
fn save(bytes: &[u8], name: &str) -> Result<usize, JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let url = create_object_url(&blob)?;
    let a = document().create_element("a")?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.unchecked_ref::<web_sys::HtmlElement>().click();
    // The download has its own copy once it started; the URL goes a little later.
    set_timeout(
        move || revoke_object_url(&url),
        std::time::Duration::from_secs(60),
    );
    Ok(blob.size() as usize)
}
