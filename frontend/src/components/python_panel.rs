//! The Python panel: every call of the session as the course's Python socket code, up to the
//! timeline's cursor, ready to copy and run with `python3` (both ends in one program).
//!
//! The code comes from [`socklab_python`]; this file only shows it. The lines of the
//! latest step (the one the cursor is on) are highlighted in their socket's colour, so stepping
//! through the timeline walks through the program.

use std::collections::HashMap;
use std::ops::Range;

use leptos::prelude::*;
use socklab_python::{PyLine, PythonCode, socket_names};
use socklab_shared::protocol::SocketId;
use wasm_bindgen::{JsCast, JsValue};

use crate::lab::Lab;
use crate::model::timeline::{current_step, step_positions};

/// How many socket colours static/python.css defines (`.py-sock-0` … `.py-sock-7`).
const COLOURS: usize = 8;

/// One line as the panel draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn class_of(line: &Shown) -> String {
    match (line.now, line.colour) {
        (true, Some(c)) => format!("py-line py-now py-sock-{c}"),
        (true, None) => "py-line py-now".to_owned(),
        _ => "py-line".to_owned(),
    }
}

#[component]
pub fn PythonPanel() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let code = Memo::new(move |_| {
        let names = lab.scripts.last_names.with(socket_names);
        lab.history.sent.with(|sent| {
            lab.history
                .events
                .with(|h| PythonCode::with_commands(h, sent, &names))
        })
    });
    let len = Memo::new(move |_| lab.history.events.with(Vec::len));
    let stops = Memo::new(move |_| lab.history.events.with(|h| step_positions(h)));
    let step = Memo::new(move |_| stops.with(|s| current_step(s, lab.cursor.get(), len.get())));
    let lines = Memo::new(move |_| {
        let upto = lab.cursor.get().unwrap_or_else(|| len.get());
        code.with(|c| c.lines(Some(upto)))
    });
    let shown = Memo::new(move |_| lines.with(|l| step.with(|s| shown_lines(l, s))));
    let program = move || {
        lines.with(|ls| {
            ls.iter()
                .map(|l| format!("{}\n", l.text))
                .collect::<String>()
        })
    };
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let text = program();
        match copy_to_clipboard(&text) {
            Some(done) => {
                copied.set(Some("copying…"));
                wasm_bindgen_futures::spawn_local(async move {
                    let ok = wasm_bindgen_futures::JsFuture::from(done).await.is_ok();
                    copied.set(Some(if ok {
                        "copied"
                    } else {
                        "the browser refused: select the code and press Ctrl+C"
                    }));
                });
            }
            None => copied.set(Some(
                "no clipboard here (it needs https or localhost): select the code and press Ctrl+C",
            )),
        }
    };
    // Keep the highlighted lines in view inside the scrolling code box.
    let code_box = NodeRef::<leptos::html::Pre>::new();
    Effect::new(move |_| {
        shown.track();
        if let Some(pre) = code_box.get() {
            scroll_to_now(&pre);
        }
    });
    view! {
        <section class="python-panel" data-testid="python-panel">
            <header>
                <h2>"Python"</h2>
                <span class="muted">
                    "the same calls in Python, both ends in one program: save as lab.py and run python3 lab.py"
                </span>
                <button data-testid="python-copy" title="copy the program to the clipboard"
                    disabled=move || lines.with(Vec::is_empty) on:click=copy>"copy"</button>
                <span class="py-copied" data-testid="python-copied" aria-live="polite">
                    {move || copied.get()}
                </span>
            </header>
            <pre class="py-code" node_ref=code_box><code data-testid="python-code">
                {move || {
                    shown
                        .get()
                        .into_iter()
                        .map(|l| {
                            let class = class_of(&l);
                            view! { <span class=class>{l.text}"\n"</span> }
                        })
                        .collect_view()
                }}
            </code></pre>
            <Show when=move || lines.with(Vec::is_empty)>
                <p class="muted">"No calls yet: every call made here, by a lesson or by hand, appears as Python."</p>
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
mod tests {
    use super::*;

    fn line(text: &str, event: Option<usize>, socket: Option<u32>) -> PyLine {
        PyLine {
            text: text.to_owned(),
            event,
            socket: socket.map(SocketId),
        }
    }

    #[test]
    fn the_current_steps_lines_are_marked_in_their_sockets_colour() {
        let lines = [
            line("import socket", None, None),
            line("server = ...", Some(1), Some(4)),
            line("client = ...", Some(3), Some(7)),
            line("client.send(b'hi')", Some(5), Some(7)),
        ];
        let shown = shown_lines(&lines, &(5..7));
        assert_eq!(
            shown.iter().map(class_of).collect::<Vec<_>>(),
            ["py-line", "py-line", "py-line", "py-line py-now py-sock-1"]
        );
        assert_eq!(shown[1].colour, Some(0));
    }
}
