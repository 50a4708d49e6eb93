//! The Python panel: every call of the current lesson or demo (the part of the history the
//! timeline shows: each starts from a clean slate) as the course's Python socket code, up to
//! the timeline's cursor, ready to copy and run with `python3` (both ends in one program).
//!
//! The code comes from [`socklab_python`]; this file only shows it. The lines of the
//! latest step (the one the cursor is on) are highlighted in their socket's colour, so stepping
//! through the timeline walks through the program.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::Duration;

use leptos::prelude::*;
use socklab_python::{PyLine, PythonCode, socket_names};
use socklab_shared::protocol::{Envelope, Event, SocketId};
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::panels::PanelText;
use crate::i18n::{Words, ui_lang};
use crate::lab::Lab;
use crate::model::timeline::{Basis, LiveSteps, Throttle, current_step, streaming};
use crate::on_demand::{ChunkMissing, chunk_missing_view, latched, loaded_view, wasm_split};

/// How many socket colours static/python.css defines (`.py-sock-0` … `.py-sock-7`).
const COLOURS: usize = 8;

/// One line as the panel draws it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Shown {
    text: String,
    /// The line belongs to the step the cursor is on.
    now: bool,
    /// The line's socket colour (by order of appearance), when it has a socket.
    colour: Option<usize>,
}

/// The lines to draw: `lines` with the ones of the history range `step` marked, coloured by
/// socket in order of first appearance.
fn shown_lines(lines: &[PyLine], step: &Range<usize>) -> Vec<Shown> {
    let mut order: HashMap<SocketId, usize> = HashMap::new();
    lines
        .iter()
        .map(|l| {
            let colour = l.socket.map(|s| {
                let next = order.len();
                *order.entry(s).or_insert(next) % COLOURS
            });
            Shown {
                text: l.text.clone(),
                now: l.event.is_some_and(|e| step.contains(&e)),
                colour,
            }
        })
        .collect()
}

/// How long the program may lag behind the events while they stream in.
const REMAKE_MS: f64 = 500.0;

/// The events of the part of the history the panel shows (from `basis.start`), gathered as
/// they arrive, without those about sockets of earlier work (the clean slate closing them):
/// the same events the timeline draws, so the program stands alone.
///
/// Invariant: after `sync(history, basis)`, `events` are the events of `history[basis.start..]`
/// that [`ScopeEvents::keeps`], in order, and `index` their positions in `history`.
#[derive(Debug, Clone, Default, PartialEq)]
struct ScopeEvents {
    basis: Basis,
    seen: usize,
    events: Vec<Envelope>,
    index: Vec<usize>,
    /// Sockets opened since the start.
    sockets: HashSet<SocketId>,
}

impl ScopeEvents {
    /// Adds the events after those seen (all again for a new session or start, or a history
    /// shorter than seen); true when some were kept.
    fn sync(&mut self, history: &[Envelope], basis: Basis) -> bool {
        let mut rebuilt = false;
        if basis != self.basis || history.len() < self.seen {
            *self = ScopeEvents {
                basis,
                ..ScopeEvents::default()
            };
            rebuilt = true;
        }
        let kept = self.events.len();
        for (i, env) in history.iter().enumerate().skip(self.seen.max(basis.start)) {
            if self.keeps(&env.event) {
                self.events.push(env.clone());
                self.index.push(i);
            }
        }
        self.seen = history.len();
        rebuilt || self.events.len() != kept
    }

    /// Whether `event` belongs to the shown part: from the start of the history, everything;
    /// from a later start, all but events about sockets opened before it.
    fn keeps(&mut self, event: &Event) -> bool {
        if let Event::SocketOpened { socket, .. } = event {
            self.sockets.insert(*socket);
        }
        self.basis.start == 0 || event.socket().is_none_or(|s| self.sockets.contains(&s))
    }

    /// The program's lines up to history position `upto`, numbered in the whole history.
    fn lines(&self, code: &PythonCode, upto: usize) -> Vec<PyLine> {
        let mut lines = code.lines(Some(self.index.partition_point(|&i| i < upto)));
        for l in &mut lines {
            l.event = l.event.and_then(|e| self.index.get(e).copied());
        }
        lines
    }
}

fn class_of(line: &Shown) -> String {
    match (line.now, line.colour) {
        (true, Some(c)) => format!("py-line py-now py-sock-{c}"),
        (true, None) => "py-line py-now".to_owned(),
        _ => "py-line".to_owned(),
    }
}

/// The panel. Until the session has a socket there is no program: the panel says so, and the
/// panel's code (the generator, the lines, stepping) is not fetched; it comes with the first
/// socket, in the chunk of the cards ([`crate::on_demand`]).
#[component]
pub fn PythonPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let w = Words::<PanelText>::new();
    // After a clean slate the program is empty again, and the panel says so itself.
    let wanted = latched(move || lab.history.live.with(|s| !s.sockets.is_empty()));
    let waiting = move |said: AnyView| {
        view! {
            <section class="python-panel" data-testid="python-panel">
                <header>
                    <h2>"Python"</h2>
                    <span class="muted">{w.get(|t| t.python_intro)}</span>
                </header>
                {said}
            </section>
        }
        .into_any()
    };
    move || {
        if !wanted.get() {
            return waiting(view! { <p class="muted">{w.get(|t| t.python_empty)}</p> }.into_any());
        }
        loaded_view(move || async move {
            Ok(python_program()
                .await
                .unwrap_or_else(|_| waiting(chunk_missing_view())))
        })
        .into_any()
    }
}

/// The program panel, from the chunk of the first socket.
#[wasm_split(sockets, wasm_split_path = leptos::wasm_split, fallible)]
fn python_program() -> Result<AnyView, ChunkMissing> {
    Ok(view! { <PythonProgram/> }.into_any())
}

/// The program of the timeline's scope, up to its cursor, with the current step's lines
/// highlighted.
#[component]
fn PythonProgram() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The current lesson's or demo's part of the history, as the timeline shows it: each
    // lesson starts from a clean slate, so its program stands alone (and stays short). Its
    // events are gathered as they arrive (`ScopeEvents`), the program made from them.
    let from = Memo::new(move |_| lab.scope.timeline_start());
    // The program is code, the same in any language: its basis keeps the default language.
    let basis = move || Basis {
        session: lab.history.session.get(),
        start: from.get(),
        ..Basis::default()
    };
    let scoped = Memo::new_owning(move |live: Option<ScopeEvents>| {
        let mut live = live.unwrap_or_default();
        let basis = basis();
        let changed = lab.history.events.with(|h| live.sync(h, basis));
        (live, changed)
    });
    // The program is made again from the scope's events when they change; at once after a
    // command, but at most once every REMAKE_MS while events stream in (a transfer's chunks
    // and auto-recv reports, many batches a second, see `streaming`): the
    // generator reads the whole scope (a send's bytes are known from later recvs), so its
    // cost grows with the scope, and remaking it for every batch would slow the transfer
    // down as it goes. The last change is always made, at most REMAKE_MS late.
    let remake = RwSignal::new(0u64);
    let timer = StoredValue::new(Throttle::new(REMAKE_MS));
    let seen = StoredValue::new(0usize);
    Effect::new(move |_| {
        scoped.track();
        lab.history.sent.track();
        lab.scripts.last_names.track();
        let now = js_sys::Date::now();
        let n = lab.history.events.with_untracked(Vec::len);
        let from = seen.get_value().min(n);
        seen.set_value(n);
        let stream = lab.history.events.with_untracked(|h| {
            lab.history
                .sent
                .with_untracked(|sent| from < n && streaming(&h[from..n], sent))
        });
        let wait = if stream {
            timer.try_update_value(|t| t.asked(now)).flatten()
        } else {
            timer.update_value(|t| t.made(now));
            Some(0)
        };
        match wait {
            Some(0) => remake.update(|n| *n += 1),
            Some(wait) => set_timeout(
                move || {
                    timer.update_value(|t| t.made(js_sys::Date::now()));
                    remake.update(|n| *n += 1);
                },
                Duration::from_millis(wait),
            ),
            None => {}
        }
    });
    let code = Memo::new(move |_| {
        remake.track();
        let names = lab.scripts.last_names.with_untracked(socket_names);
        lab.history.sent.with_untracked(|sent| {
            scoped.with_untracked(|s| {
                let code = PythonCode::with_commands(&s.events, sent, &names);
                (s.basis, code)
            })
        })
    });
    let len = Memo::new(move |_| lab.history.events.with(Vec::len));
    let stops = Memo::new_owning(move |live: Option<LiveSteps>| {
        let mut live = live.unwrap_or_default();
        let basis = basis();
        let changed = lab.history.events.with(|h| live.sync(h, basis));
        (live, changed)
    });
    let step = Memo::new(move |_| stops.with(|s| current_step(s, lab.cursor.get(), len.get())));
    // Up to the cursor; lines number their events in the whole history (the timeline's and
    // the cursor's numbering).
    let lines = Memo::new(move |_| {
        let upto = lab.cursor.get().unwrap_or_else(|| len.get());
        scoped.with(|s| {
            code.with(|(basis, c)| {
                if *basis == s.basis {
                    s.lines(c, upto)
                } else {
                    Vec::new()
                }
            })
        })
    });
    let shown = Memo::new(move |_| lines.with(|l| step.with(|s| shown_lines(l, s))));
    let program = move || {
        lines.with(|ls| {
            ls.iter()
                .map(|l| format!("{}\n", l.text))
                .collect::<String>()
        })
    };
    let lang = ui_lang();
    let t = move || PanelText::of(lang.get());
    let w = Words::<PanelText>::new();
    // What the copy button said, in the language of the moment it is shown.
    let copied = RwSignal::new(None::<fn(&PanelText) -> &'static str>);
    let copy = move |_| {
        let text = program();
        match copy_to_clipboard(&text) {
            Some(done) => {
                copied.set(Some(|t| t.copying));
                wasm_bindgen_futures::spawn_local(async move {
                    let ok = wasm_bindgen_futures::JsFuture::from(done).await.is_ok();
                    copied.set(Some(if ok { |t| t.copied } else { |t| t.copy_refused }));
                });
            }
            None => copied.set(Some(|t| t.no_clipboard)),
        }
    };
    // Keep the highlighted lines in view inside the scrolling code box: once the lines are
    // drawn (the next frame), and only when the program or its highlighted lines changed
    // (reading positions makes the browser lay the page out at once).
    let code_box = NodeRef::<leptos::html::Pre>::new();
    let where_now = Memo::new(move |_| {
        shown.with(|l| (l.len(), l.iter().position(|l| l.now), l.last().cloned()))
    });
    Effect::new(move |_| {
        where_now.track();
        request_animation_frame(move || {
            if let Some(pre) = code_box.get_untracked() {
                scroll_to_now(&pre);
            }
        });
    });
    view! {
        <section class="python-panel" data-testid="python-panel">
            <header>
                <h2>"Python"</h2>
                <span class="muted">{w.get(|t| t.python_intro)}</span>
                <button data-testid="python-copy" title=w.get(|t| t.copy_title)
                    disabled=move || lines.with(Vec::is_empty) on:click=copy>{w.get(|t| t.copy)}</button>
                <span class="py-copied" data-testid="python-copied" aria-live="polite">
                    {move || copied.get().map(|said| said(t()))}
                </span>
            </header>
            <pre class="py-code" node_ref=code_box translate="no"><code data-testid="python-code">
                // Keyed by line: a batch of events that leaves the program as it was (an
                // upload's chunks) redraws nothing, and a new step redraws only its lines.
                <For each=move || shown.get().into_iter().enumerate() key=|(i, l)| (*i, l.clone()) let:((_, l))>
                    <span class=class_of(&l)>{l.text.clone()}"\n"</span>
                </For>
            </code></pre>
            <Show when=move || lines.with(Vec::is_empty)>
                <p class="muted">{w.get(|t| t.python_empty)}</p>
            </Show>
        </section>
    }
}

/// Starts `navigator.clipboard.writeText(text)`; `None` where the page has no clipboard
/// (plain http to another host: the API exists only in secure contexts).
fn copy_to_clipboard(text: &str) -> Option<js_sys::Promise> {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return None;
    }
    Some(navigator.clipboard().write_text(text))
}

/// Scrolls the code box (not the page) so the first highlighted line is visible.
fn scroll_to_now(pre: &web_sys::HtmlElement) {
    let Ok(Some(line)) = pre.query_selector(".py-now") else {
        // Live with nothing highlighted: follow the end.
        pre.set_scroll_top(pre.scroll_height());
        return;
    };
    let Ok(line) = line.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let (top, height) = (line.offset_top(), pre.client_height());
    if top < pre.scroll_top() || top > pre.scroll_top() + height - line.offset_height() {
        pre.set_scroll_top((top - height / 3).max(0));
    }
}

#[cfg(test)]
mod scope_tests;
#[cfg(test)]
mod tests;
