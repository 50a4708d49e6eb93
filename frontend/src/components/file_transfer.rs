//! The file-transfer panel (experiment 13): pick a connection and a file (chosen, or generated
//! at a picked size), and watch the course's upload protocol run on real sockets: the
//! receiving end becomes a file server, the page hashes the file, sends
//! `struct.pack('i', n)` + the JSON header, then the file in chunks, and the receiver's md5
//! verdict comes back.
//!
//! Staying responsive with 100 MB: the file is read (or generated) one chunk at a time, twice
//! (to hash, to send), and the page yields to the browser between hashed chunks. A few chunks
//! are in flight at a time, as many as the server keeps waiting while it performs one
//! ([`chunks_in_flight`]: 2 of 1 MiB with the default limits), each answered through
//! [`Lab::ask`]: that is the flow control, so the server always has the next chunk while the
//! page prepares the one after, and never holds more than its limits. Chunk bytes are not kept in the page (`sent`
//! events carry counts, the page's record of commands drops later chunks' bytes), the
//! receiver reports small recvs ([`RECEIVER_BUFSIZE`]), and the page applies the events that
//! pile up while it draws in one batch (see `connection`).
//!
//! [`Lab::ask`]: crate::lab::Lab::ask
//! [`chunks_in_flight`]: crate::model::file_transfer::chunks_in_flight
//! [`RECEIVER_BUFSIZE`]: crate::model::file_transfer::RECEIVER_BUFSIZE

mod upload;

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use socklab_shared::protocol::{Envelope, SocketId};

use crate::i18n::app::AppText;
use crate::i18n::panels::PanelText;
use crate::i18n::{Lang, Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::file_transfer::{
    DEFAULT_SIZE, Phase, SIZES, Transfer, Verdict, body_received, find_verdict, human, percent,
    received_upto, stream_pairs,
};
use crate::on_demand::{ChunkMissing, view_when, wasm_split};
use upload::{Source, now_ms};

/// What the panel has read of a transfer's events: up to which history position, the
/// receiver's stream offset so far and its verdict, for (session, transfer start, receiver).
#[derive(Default)]
struct Scan {
    of: Option<(u64, usize, SocketId)>,
    read: usize,
    upto: u64,
    verdict: Option<Verdict>,
}

impl Scan {
    /// Reads the events of `history` not read yet (all from the transfer's start when it is
    /// another transfer or session); the verdict, once there is one.
    fn read(&mut self, history: &[Envelope], of: (u64, usize, SocketId)) -> Option<Verdict> {
        if Some(of) != self.of || history.len() < self.read {
            *self = Scan {
                of: Some(of),
                read: of.1,
                ..Scan::default()
            };
        }
        let new = history.get(self.read..).unwrap_or_default();
        self.upto = self.upto.max(received_upto(new, of.2));
        if self.verdict.is_none() {
            self.verdict = find_verdict(new, of.2);
        }
        self.read = self.read.max(history.len());
        self.verdict.clone()
    }
}

/// "socket 2 (client 127.0.0.1:40000) → socket 3 (accepted)" for every connection that can
/// carry a file, keyed "2-3".
fn pair_options(lab: Lab, lang: Lang) -> Vec<(String, (SocketId, SocketId), String)> {
    let t = PanelText::of(lang);
    lab.history.live.with(|s| {
        let role = |id: &SocketId| match s.sockets.get(id) {
            Some(v) if v.listener.is_some() => fill(t.file_accepted, &[&v.local]),
            Some(v) => fill(t.file_client, &[&v.local]),
            None => String::new(),
        };
        stream_pairs(s)
            .into_iter()
            .map(|(a, b)| {
                let label = format!("{a} ({}) → {b} ({})", role(&a), role(&b));
                (format!("{}-{}", a.0, b.0), (a, b), label)
            })
            .collect()
    })
}

/// Every connection that can carry a file, as the panel lists them.
type Pairs = Memo<Vec<(String, (SocketId, SocketId), String)>>;

/// The panel: what it does, and its controls once there is a connection to send on (a chunk
/// of the page of its own, [`crate::on_demand`], with the upload).
#[component]
pub fn FileTransferPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || PanelText::of(lang.get());
    let w = Words::<PanelText>::new();
    let pairs = Memo::new(move |_| pair_options(lab, lang.get()));
    let transfer = RwSignal::new(None::<Transfer>);
    let phase_key = move || transfer.with(|t| t.as_ref().map_or("idle", |t| t.phase.key()));
    // A transfer's status stays after its connection closed.
    let wanted = move || !pairs.with(Vec::is_empty) || transfer.with(Option::is_some);
    view! {
        <section class="file-panel" data-testid="file-panel" data-phase=phase_key>
            <h2>{w.get(|t| t.file_heading)}</h2>
            <p class="hint">
                {w.get(|t| t.file_intro_1)}<code translate="no">"struct.pack('i', len(header))"</code>{w.get(|t| t.file_intro_2)}
                <code translate="no">"{filename, size, md5}"</code>{w.get(|t| t.file_intro_3)}
                <code translate="no">"sendall()"</code>{w.get(|t| t.file_intro_4)}
            </p>
            {move || pairs.with(Vec::is_empty).then(|| view! {
                <p class="muted" data-testid="file-no-connection">{t().file_need_connection}</p>
            })}
            {view_when(wanted, move || file_controls(pairs, transfer))}
        </section>
    }
}

/// The panel's controls and the transfer's status, from the chunk of files.
#[wasm_split(files, wasm_split_path = leptos::wasm_split, fallible)]
fn file_controls(
    pairs: Pairs,
    transfer: RwSignal<Option<Transfer>>,
) -> Result<AnyView, ChunkMissing> {
    Ok(view! { <FileControls pairs=pairs transfer=transfer/> }.into_any())
}

/// The connection and the file to send, the send button, and the transfer's status.
#[component]
fn FileControls(pairs: Pairs, transfer: RwSignal<Option<Transfer>>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || PanelText::of(lang.get());
    let w = Words::<PanelText>::new();
    let chosen_pair = RwSignal::new(String::new());
    // The chosen connection, or the first one (a client sending to its server).
    let pair = move || {
        pairs.with(|p| {
            p.iter()
                .find(|(k, _, _)| *k == chosen_pair.get())
                .or(p.first())
                .map(|(k, ids, _)| (k.clone(), *ids))
        })
    };
    let size = RwSignal::new(DEFAULT_SIZE.to_string());
    let input = NodeRef::<Input>::new();
    let busy = move || {
        transfer.with(|t| {
            t.as_ref().is_some_and(|t| {
                matches!(t.phase, Phase::Preparing | Phase::Hashing | Phase::Sending)
            })
        })
    };
    let problem = RwSignal::new(None::<String>);

    let send = move |_| {
        let Some((_, ids)) = pair() else { return };
        let source = if size.get_untracked() == "file" {
            match input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            {
                Some(f) => Source::Chosen(f),
                None => {
                    problem.set(Some(t().file_choose_first.into()));
                    return;
                }
            }
        } else {
            Source::Generated(size.get_untracked().parse().unwrap_or(SIZES[0].0))
        };
        problem.set(None);
        let start = lab.history.events.with_untracked(Vec::len);
        transfer.set(Some(Transfer::new(
            source.name(),
            source.total(),
            ids,
            start,
        )));
        spawn_local(async move {
            if upload::start(lab, transfer, ids, source).await.is_err() {
                let why = AppText::of(lang.get_untracked()).chunk_missing.to_owned();
                transfer.update(|t| t.iter_mut().for_each(|t| t.fail(why.clone())));
            }
        });
    };

    // The receiver's verdict and how far it got, from the events after the transfer began:
    // each batch of events is read once (`Scan` remembers where the reading got).
    let scan = StoredValue::new(Scan::default());
    Effect::new(move |_| {
        let Some((start, receiver)) = transfer.with(|t| {
            t.as_ref()
                .filter(|t| t.verdict.is_none())
                .map(|t| (t.history_start, t.receiver))
        }) else {
            return;
        };
        let session = lab.history.session.get();
        let found = lab.history.events.with(|h| {
            scan.try_update_value(|s| s.read(h, (session, start, receiver)))
                .flatten()
        });
        if let Some(v) = found {
            transfer.update(|t| t.iter_mut().for_each(|t| t.judge(v.clone(), now_ms())));
        }
    });
    // How far the receiver got, from its auto-recv reports (stream offsets).
    let received = Memo::new(move |_| {
        let (start, receiver, body, total, done) = transfer.with(|t| {
            t.as_ref().map(|t| {
                (
                    t.history_start,
                    t.receiver,
                    t.body_offset,
                    t.total,
                    t.verdict.is_some(),
                )
            })
        })?;
        if done {
            return Some(total);
        }
        let session = lab.history.session.get();
        let upto = lab.history.events.with(|h| {
            scan.try_update_value(|s| {
                s.read(h, (session, start, receiver));
                s.upto
            })
            .unwrap_or(0)
        });
        Some(body_received(upto, body, total))
    });

    view! {
            <div class="actions">
                <label>{w.get(|t| t.file_connection)}
                    <select data-testid="file-sender" on:change=move |ev| chosen_pair.set(event_target_value(&ev))>
                        {move || {
                            let current = pair().map(|(k, _)| k);
                            pairs.get().into_iter().map(|(key, _, label)| {
                                let selected = current.as_deref() == Some(key.as_str());
                                view! { <option value=key selected=selected>{label}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>{w.get(|t| t.file_file)}
                    <select data-testid="file-size" prop:value=size on:change=move |ev| size.set(event_target_value(&ev))>
                        {SIZES.iter().map(|(bytes, label)| view! {
                            <option value=bytes.to_string() selected=*bytes == DEFAULT_SIZE>{move || fill(t().file_generated, &[label])}</option>
                        }).collect_view()}
                        <option value="file">{w.get(|t| t.file_chosen)}</option>
                    </select>
                </label>
                <input type="file" data-testid="file-input" node_ref=input
                    on:change=move |_| size.set("file".into())/>
                <button data-testid="file-send" on:click=send
                    prop:disabled=move || busy() || pair().is_none()>{w.get(|t| t.file_send)}</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="error">{p}</p> })}
            {move || transfer.get().map(|t| view! { <Status t=t received=received.get().unwrap_or(0) lang=lang.get()/> })}
    }
}

/// The transfer's phase, progress bars, speed and verdict.
#[component]
fn Status(t: Transfer, received: u64, lang: Lang) -> impl IntoView {
    let w = PanelText::of(lang);
    let now = now_ms();
    let speed = t.throughput(now).map(|mbs| {
        let secs = (t.finished_ms.unwrap_or(now) - t.send_started_ms.unwrap_or(now)) / 1000.0;
        view! {
            <span data-testid="file-throughput" data-ms=format!("{:.0}", secs * 1000.0)
                data-chunk-ms=t.times.summary()>
                {fill(w.file_throughput, &[&format!("{mbs:.1}"), &format!("{secs:.2}")])}
            </span>
        }
    });
    let verdict = t.verdict.clone().map(|v| {
        let ok = t.phase == Phase::Verified;
        let said = if ok { w.file_verified } else { w.file_mismatch };
        view! {
            <div class="file-verdict" class:ok=ok class:bad=!ok data-testid="file-verdict">
                <strong>{said}</strong>
                <dl>
                    <dt>{w.md5_expected}</dt>
                    <dd><code data-testid="file-md5-expected" translate="no">{v.md5_expected}</code></dd>
                    <dt>{w.md5_actual}</dt>
                    <dd><code data-testid="file-md5-actual" translate="no">{v.md5_actual}</code></dd>
                    <dt>{w.receiver_read}</dt>
                    <dd>{fill(w.read_detail, &[&human(v.size), &format!("{:?}", v.filename), &format!("{:.2}", v.elapsed_us as f64 / 1e6)])}</dd>
                </dl>
            </div>
        }
    });
    view! {
        <div class="file-status">
            <div class="file-phase" data-testid="file-phase">{match &t.phase {
                // Why it failed is the browser's or the lab's own message: data.
                Phase::Failed(why) => view! { {w.phase_failed}<span translate="no">{why.clone()}</span> }.into_any(),
                phase => phase.label(lang).into_any(),
            }}</div>
            <div class="muted">{fill(w.file_line, &[&t.name, &human(t.total), &t.total])}</div>
            <Bar label=w.bar_md5 testid="file-hash-progress" done=t.hashed total=t.total lang=lang/>
            <Bar label=w.bar_sent testid="file-progress" done=t.accepted total=t.total lang=lang/>
            <Bar label=w.bar_arrived testid="file-received" done=received total=t.total lang=lang/>
            {speed}
            {verdict}
        </div>
    }
}

#[component]
fn Bar(
    label: &'static str,
    testid: &'static str,
    done: u64,
    total: u64,
    lang: Lang,
) -> impl IntoView {
    let pct = percent(done, total);
    view! {
        <div class="file-bar" data-testid=testid data-done=done data-total=total>
            <span class="file-bar-label">{label}</span>
            <span class="file-bar-track"><span class="file-bar-fill" style=format!("width: {pct}%")></span></span>
            <span class="file-bar-text">{fill(PanelText::of(lang).bar_text, &[&human(done), &human(total), &pct])}</span>
        </div>
    }
}
