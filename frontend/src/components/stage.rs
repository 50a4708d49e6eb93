//! The stage layout, for a projector: the lesson's narration, the cards and the timeline on
//! one screen without scrolling the page (static/stage.css, under `html.stage`). The cards
//! scroll in their own column (`.desk`), the lesson and the timeline stay beside them.
//!
//! It is on by itself in a wide but short window (a projector's 1280×720, a laptop's
//! 1366×768), off otherwise; the "stage" button in the top bar turns it on or off by hand,
//! and that choice is kept across reloads (the tab's storage).

use leptos::ev;
use leptos::prelude::*;

use crate::i18n::Words;
use crate::i18n::app::AppText;
use crate::storage;

/// Where the lecturer's own choice is kept ("on" or "off"; nothing: by the window's size).
const STAGE_KEY: &str = "socklab.stage";

/// Whether the window is wide but short, as a projector's: the stage layout's default.
fn wide_and_short() -> bool {
    let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let w = window();
    let (width, height) = (size(w.inner_width()), size(w.inner_height()));
    width >= 1100.0 && height <= 820.0 && width > height
}

/// The lecturer's choice kept in the tab, if any.
fn stored_choice() -> Option<bool> {
    match storage::read(STAGE_KEY).as_deref() {
        Some("on") => Some(true),
        Some("off") => Some(false),
        _ => None,
    }
}

/// The "stage" button; sets `stage` on the root element while the layout is on.
#[component]
pub fn StageToggle() -> impl IntoView {
    let chosen = RwSignal::new(stored_choice());
    let fits = RwSignal::new(wide_and_short());
    let resize = window_event_listener(ev::resize, move |_| fits.set(wide_and_short()));
    on_cleanup(move || resize.remove());
    let on = Memo::new(move |_| chosen.get().unwrap_or_else(|| fits.get()));
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.class_list().toggle_with_force("stage", on.get());
        }
    });
    let flip = move |_| {
        let now = !on.get_untracked();
        storage::write(STAGE_KEY, if now { "on" } else { "off" });
        chosen.set(Some(now));
    };
    let w = Words::<AppText>::new();
    view! {
        <button class="quiet" data-testid="stage" title=w.get(|t| t.stage_title)
            aria-pressed=move || on.get().to_string() on:click=flip>{w.get(|t| t.stage)}</button>
    }
}
