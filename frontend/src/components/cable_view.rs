//! The wire: the link panel and, once the wire is in use, the cable between hosts A and B as a
//! sequence diagram: each packet a slanted arrow from the sender's lane to the receiver's, time
//! running downward, labelled with its flags and length, striped in the colours of the sends
//! whose bytes it carries (the byte cells' palette), ✕ where it was dropped, waiting in the
//! middle of the cable while held.
//!
//! The packets come from [`crate::model::cable::LiveCable`], kept up to date event by event;
//! where they go from [`crate::model::cable::layout`]. Stepping the timeline back shows only
//! the packets that had crossed by then. Everything is drawn with x in % of the width (host
//! A's lane at [`XA`], B's at [`XB`]) and y in px, so nothing is measured.

use leptos::prelude::*;

use super::link_panel::LinkPanel;
use crate::i18n::wire::WireText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::byte_cells::PALETTE;
use crate::model::cable::layout::{Arrow, BandRow, End, Pause, layout};
use crate::model::cable::{LiveCable, Stripe};
use crate::model::wire::{host_of, host_words};
use crate::on_demand::{ChunkMissing, view_when, wasm_split};
use socklab_shared::protocol::wire::HostName;

/// Host A's lane, in % of the width.
const XA: f64 = 14.0;
/// Host B's lane.
const XB: f64 = 86.0;
/// The middle of the cable.
const XM: f64 = 50.0;
/// Most packets drawn (the newest up to the cursor).
const MAX_SHOWN: usize = 160;
/// Most stripes drawn on one arrow (a segment of many sends would get too thick).
const MAX_STRIPES: usize = 4;
/// One stripe's width in px.
const STRIPE_W: f64 = 6.0;

/// The cable of the session's history, kept up to date event by event.
pub fn live_cable(lab: Lab) -> Memo<LiveCable> {
    Memo::new_owning(move |live: Option<LiveCable>| {
        let mut live = live.unwrap_or_default();
        let session = lab.history.session.get();
        let changed = lab.history.events.with(|h| live.sync(h, session));
        (live, changed)
    })
}

/// The wire's part of the page: the link panel, and the cable once the wire is in use (a
/// packet crossed, the hosts were made, or a socket lives on a host).
#[component]
pub fn WireSection(cable: Memo<LiveCable>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let on_hosts = Memo::new(move |_| {
        lab.cursor
            .shown
            .with(|s| s.sockets.values().any(|v| host_of(&v.local).is_some()))
    });
    let in_use = Memo::new(move |_| cable.with(|c| c.in_use()) || on_hosts.get());
    view! {
        <section class="wire" data-testid="wire" class:in-use=move || in_use.get()>
            <LinkPanel cable=cable in_use=in_use/>
            {view_when(move || in_use.get(), move || cable_view(cable))}
        </section>
    }
}

/// The sequence diagram of the cable: a chunk of the page of its own ([`crate::on_demand`]),
/// fetched when the wire is first used.
#[wasm_split(cable, wasm_split_path = leptos::wasm_split, fallible)]
fn cable_view(cable: Memo<LiveCable>) -> Result<AnyView, ChunkMissing> {
    Ok(view! { <CableView cable=cable/> }.into_any())
}

/// The sequence diagram of the cable.
#[component]
fn CableView(cable: Memo<LiveCable>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || WireText::of(lang.get());
    let w = Words::<WireText>::new();
    let len = Memo::new(move |_| lab.history.events.with(Vec::len));
    let pos = Memo::new(move |_| lab.cursor.get().unwrap_or_else(|| len.get()));
    let start = Memo::new(move |_| lab.scope.timeline_start());
    let picture = Memo::new(move |_| {
        let (start, pos) = (start.get(), pos.get());
        // The language is part of the picture: its arrows are keyed by what they say.
        let lang = lang.get();
        cable.with(|c| layout(c.visible(start, pos, MAX_SHOWN), pos, lang))
    });
    let hidden = Memo::new(move |_| {
        let (start, pos) = (start.get(), pos.get());
        cable.with(|c| {
            c.visible(start, pos, usize::MAX).len() - c.visible(start, pos, MAX_SHOWN).len()
        })
    });
    let arrows = move || picture.with(|l| l.arrows.clone());
    let bands = move || picture.with(|l| l.bands.clone());
    let pauses = move || picture.with(|l| l.pauses.clone());
    let height = move || picture.with(|l| l.height);
    let heads = ["syn", "fin", "rst", "data", "ack", "udp", "icmp", "other"]
        .into_iter()
        .map(|k| {
            view! {
                <marker id=format!("cv-head-{k}") class=format!("cv-head cv-{k}") viewBox="0 0 10 10" refX="9" refY="5"
                    markerWidth="12" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z"/>
                </marker>
            }
        })
        .collect_view();
    // Live, the newest packet stays in view.
    let scroller = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        height();
        if lab.cursor.get().is_none()
            && let Some(el) = scroller.get()
        {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <div class="cable" data-testid="cable-view">
            <div class="cv-heads">
                <LaneHead host=HostName::A/>
                <div class="cv-head cv-head-mid">
                    <span class="cv-cable-name">{w.get(|t| t.cable_name)}</span>
                    <span class="muted">{w.get(|t| t.cable_note)}</span>
                </div>
                <LaneHead host=HostName::B/>
            </div>
            {move || (hidden.get() > 0).then(|| view! {
                <div class="cv-more muted">{fill(t().earlier_packets, &[&hidden.get()])}</div>
            })}
            <div class="cv-scroll" node_ref=scroller>
                <svg class="cv-svg" style=move || format!("height: {}px", height())>
                    <defs>{heads}</defs>
                    <line class="cv-life" x1=format!("{XA}%") x2=format!("{XA}%") y1="0" y2="100%"/>
                    <line class="cv-life" x1=format!("{XB}%") x2=format!("{XB}%") y1="0" y2="100%"/>
                    <line class="cv-wire" x1=format!("{XM}%") x2=format!("{XM}%") y1="0" y2="100%"/>
                    <For each=pauses key=|p| p.clone() let:p>
                        <PauseMark p=p/>
                    </For>
                    <For each=bands key=|b| b.clone() let:b>
                        <SummaryBand b=b/>
                    </For>
                    <For each=arrows key=|a| a.clone() let:a>
                        <PacketArrow a=a/>
                    </For>
                </svg>
                <Show when=move || picture.with(|l| l.arrows.is_empty() && l.bands.is_empty())>
                    <p class="cv-empty muted">{w.get(|t| t.cable_empty)}</p>
                </Show>
            </div>
        </div>
    }
}

/// A host's lane head: its name, address and the lab sockets on it.
#[component]
fn LaneHead(host: HostName) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let sockets = move || {
        lab.cursor.shown.with(|s| {
            s.sockets
                .values()
                .filter(|v| host_of(&v.local) == Some(host))
                .map(|v| {
                    let port = v.local.rsplit(':').next().unwrap_or_default().to_owned();
                    format!("#{} :{port}", v.id.0)
                })
                .collect::<Vec<_>>()
                .join("  ")
        })
    };
    view! {
        <div class="cv-head" data-testid=format!("lane-{}", host.as_str())>
            <strong>{move || host_words(host, ui_lang().get())}</strong>
            <code translate="no">{host.ipv4().to_string()}</code>
            <span class="muted cv-sockets" translate="no">{sockets}</span>
        </div>
    }
}

/// A folded quiet time: "2.0 s later".
#[component]
fn PauseMark(p: Pause) -> impl IntoView {
    view! {
        <text class="cv-pause" x=format!("{XM}%") y=p.y dy="4" text-anchor="middle">{format!("⋯ {} ⋯", p.label)}</text>
    }
}

/// Packets folded into one report: a band across the cable.
#[component]
fn SummaryBand(b: BandRow) -> impl IntoView {
    let arrow = if b.a_to_b { "A → B" } else { "B → A" };
    view! {
        <g class="cv-band" data-testid="packet-summary">
            <rect x=format!("{XA}%") width=format!("{}%", XB - XA) y=b.y.saturating_sub(15) height="30" rx="6"/>
            <text x=format!("{XM}%") y=b.y + 6 text-anchor="middle">{format!("{arrow}: {}", b.label)}</text>
        </g>
    }
}

/// One packet's arrow, its label, and how it ended.
#[component]
fn PacketArrow(a: Arrow) -> impl IntoView {
    let (xs, xr) = if a.a_to_b { (XA, XB) } else { (XB, XA) };
    let ys = f64::from(a.y_start);
    // The first leg: to the receiver, or to the middle of the cable (dropped, held).
    let (x1, y1) = match (a.wait, a.end) {
        (None, End::Arrives) => (xr, f64::from(a.y_end)),
        (Some((m, _)), _) => (XM, f64::from(m)),
        (None, _) => (XM, f64::from(a.y_end)),
    };
    let mut legs = vec![(xs, ys, x1, y1)];
    let mut wait = None;
    if let Some((m, r)) = a.wait {
        wait = Some((f64::from(m), f64::from(r)));
        if a.end == End::Arrives {
            legs.push((XM, f64::from(r), xr, f64::from(a.y_end)));
        }
    }
    let head_kind = a.look_class.trim_start_matches("cv-").to_owned();
    let last = legs.len() - 1;
    let ends_here = a.end == End::Arrives;
    let stripes: Vec<Option<u32>> = a
        .stripes
        .iter()
        .map(|s| s.colour)
        .take(MAX_STRIPES)
        .collect();
    let leg_views = legs
        .iter()
        .enumerate()
        .map(|(i, &(x1, y1, x2, y2))| {
            let head = (i == last && ends_here).then(|| format!("url(#cv-head-{head_kind})"));
            leg(x1, y1, x2, y2, &stripes, head)
        })
        .collect_view();
    let wait_view = wait.map(|(m, r)| {
        view! { <line class="cv-wait" x1=format!("{XM}%") x2=format!("{XM}%") y1=m y2=r/> }
    });
    let end_view = match a.end {
        End::Dropped => {
            let y = a.wait.map_or(a.y_end, |(_, r)| r);
            Some(view! { <text class="cv-x" x=format!("{XM}%") y=y dy="9" text-anchor="middle">"✕"</text> }.into_any())
        }
        End::Waiting => {
            let y = a.wait.map_or(a.y_end, |(m, _)| m);
            Some(view! {
                <text class="cv-waiting" data-testid="packet-waiting" x=format!("{}%", XM + 1.5) y=y dy="5">{WireText::of(ui_lang().get_untracked()).waiting_on_cable}</text>
            }.into_any())
        }
        End::Arrives => None,
    };
    // The label sits over the first leg's middle, nudged toward the sender so labels of
    // arrows that cross don't sit on each other.
    let (lx, my) = ((xs + x1) / 2.0, (ys + y1) / 2.0);
    let chips = payload_chips(lx, my, &a.stripes);
    let ly = if a.stripes.is_empty() {
        my - 9.0
    } else {
        my - 17.0
    };
    let mut label = a.label.clone();
    if a.retransmission {
        label = fill(
            WireText::of(ui_lang().get_untracked()).retransmission,
            &[&label],
        );
    }
    if a.duplicated {
        label.push_str(" ×2");
    }
    let class = format!(
        "cv-packet {}{}{}",
        a.look_class,
        if a.retransmission { " cv-retrans" } else { "" },
        match a.end {
            End::Dropped => " cv-dropped",
            End::Waiting => " cv-held",
            End::Arrives => "",
        }
    );
    let dir = if a.a_to_b { "a_to_b" } else { "b_to_a" };
    let tip = format!("{} — {}", a.detail, a.fate_words);
    let title = tip.clone();
    view! {
        <g class=class data-testid="packet" data-no=a.no data-flags=a.flags.clone() data-sends=a.sends.clone()
            data-stripes=a.stripes.len() data-fate=a.fate data-dir=dir data-retransmission=a.retransmission.to_string()
            data-label=a.label.clone() data-y=a.y_start data-tip=tip>
            {leptos::svg::title().child(title)}
            {leg_views}
            {wait_view}
            {end_view}
            {chips}
            <text class="cv-label" x=format!("{lx}%") y=ly text-anchor="middle">{label}</text>
        </g>
    }
}

/// The payload riding on the arrow's middle: one box per send, as wide as its share of the
/// bytes, in the byte cells' colours and numbered with the send (a segment of sends 2 and 3
/// shows "2" and "3" side by side: the sender merged them).
fn payload_chips(lx: f64, my: f64, stripes: &[Stripe]) -> Option<AnyView> {
    if stripes.is_empty() {
        return None;
    }
    let widths: Vec<f64> = stripes
        .iter()
        .map(|s| (14.0 + 6.0 * s.bytes as f64).clamp(24.0, 90.0))
        .collect();
    let mut off = -widths.iter().sum::<f64>() / 2.0;
    let x = format!("{lx}%");
    let chips = stripes
        .iter()
        .zip(widths)
        .map(|(s, w)| {
            let class = match s.colour {
                Some(c) => format!("cv-chip cv-f{}", c % PALETTE),
                None => "cv-chip cv-f-ext".to_owned(),
            };
            let text = s.send_no.map_or_else(|| "?".to_owned(), |n| n.to_string());
            let at = off;
            off += w;
            view! {
                <g class=class transform=format!("translate({at} 0)") data-testid="packet-chip"
                    data-send=s.send_no.map(|n| n.to_string()).unwrap_or_default() data-bytes=s.bytes>
                    <rect x=x.clone() y=my - 11.0 width=w height="22" rx="4"/>
                    <text x=x.clone() dx=w / 2.0 y=my + 6.0 text-anchor="middle">{text}</text>
                </g>
            }
        })
        .collect_view();
    Some(chips.into_any())
}

/// One straight leg of an arrow: a plain line, or for a payload an outlined bundle of
/// stripes, one per send, in the byte cells' colours.
fn leg(
    x1: f64,
    y1: f64,
    x2: f64,
    y2: f64,
    stripes: &[Option<u32>],
    head: Option<String>,
) -> AnyView {
    let (x1, x2) = (format!("{x1}%"), format!("{x2}%"));
    if stripes.is_empty() {
        return view! {
            <line class="cv-line" x1=x1 y1=y1 x2=x2 y2=y2 marker-end=head/>
        }
        .into_any();
    }
    let k = stripes.len() as f64;
    let bands = stripes
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let off = (j as f64 - (k - 1.0) / 2.0) * STRIPE_W;
            let class = match c {
                Some(c) => format!("cv-stripe cv-s{}", c % PALETTE),
                None => "cv-stripe cv-s-ext".to_owned(),
            };
            view! {
                <line class=class data-testid="packet-stripe" data-colour=c.map(|c| c.to_string()).unwrap_or_default()
                    transform=format!("translate(0 {off})") x1=x1.clone() y1=y1 x2=x2.clone() y2=y2
                    stroke-width=STRIPE_W/>
            }
        })
        .collect_view();
    view! {
        <line class="cv-outline" x1=x1.clone() y1=y1 x2=x2.clone() y2=y2
            stroke-width=STRIPE_W * k + 3.0 marker-end=head/>
        {bands}
    }
    .into_any()
}
