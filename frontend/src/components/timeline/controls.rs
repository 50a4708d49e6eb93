//! The step controls: ⏮ ◀ ▶, play/pause at a chosen speed, "live", the keyboard shortcuts
//! (← → space Home End) and the play timer.
//!
//! [`Controls`] holds the cursor moves all of them share, so a button, a key and the timer
//! do exactly the same thing (and any of them stops playback the same way); [`ControlBar`]
//! is the bar of buttons that calls them. While a lesson runs, ← → and space are the lesson's
//! ([`crate::model::keys`]); [`shortcut`] decides for both.

use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::timeline::TimelineText;
use crate::i18n::{Words, ui_lang};
use crate::lab::Lab;
use crate::model::keys::{KeyAction, key_action};
use crate::model::timeline::{
    self as model, first_step, next_step, position_label, prev_step, stop_for_row,
};

/// Play speeds offered, as multiples of one step per second.
const SPEEDS: [(&str, f64); 4] = [("0.5", 0.5), ("1", 1.0), ("2", 2.0), ("4", 4.0)];

/// The cursor moves the step buttons, the keyboard and the play timer share.
#[derive(Clone, Copy)]
pub(super) struct Controls {
    pub(super) lab: Lab,
    stops: Memo<model::LiveSteps>,
    len: Memo<usize>,
    playing: RwSignal<bool>,
    /// Steps per second.
    speed: RwSignal<f64>,
}

impl Controls {
    pub(super) fn new(lab: Lab, stops: Memo<model::LiveSteps>, len: Memo<usize>) -> Self {
        Controls {
            lab,
            stops,
            len,
            playing: RwSignal::new(false),
            speed: RwSignal::new(1.0),
        }
    }

    fn set(&self, cursor: Option<usize>) {
        self.lab.cursor.set(cursor);
    }

    fn cursor(&self) -> Option<usize> {
        self.lab.cursor.get_untracked()
    }

    fn prev(&self) {
        self.playing.set(false);
        let len = self.len.get_untracked();
        let to = self
            .stops
            .with_untracked(|s| prev_step(s, self.cursor(), len));
        self.set(to);
    }

    /// One step forward; false once the cursor is back at the live picture.
    fn advance(&self) -> bool {
        let len = self.len.get_untracked();
        let to = self
            .stops
            .with_untracked(|s| next_step(s, self.cursor(), len));
        self.set(to);
        to.is_some()
    }

    fn next(&self) {
        self.playing.set(false);
        self.advance();
    }

    fn first(&self) {
        self.playing.set(false);
        let to = self.stops.with_untracked(|s| first_step(s));
        if to.is_some() {
            self.set(to);
        }
    }

    fn live(&self) {
        self.playing.set(false);
        self.set(None);
    }

    fn toggle_play(&self) {
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        if self.cursor().is_none() {
            // Playing from the live picture replays the session from its first step.
            let len = self.len.get_untracked();
            match self.stops.with_untracked(|s| first_step(s)) {
                Some(first) if first < len => self.set(Some(first)),
                _ => return,
            }
        }
        self.playing.set(true);
    }

    pub(super) fn click_row(&self, index: usize) {
        self.playing.set(false);
        let len = self.len.get_untracked();
        let to = self.stops.with_untracked(|s| stop_for_row(s, index, len));
        self.set(to);
    }

    /// While playing, one step per interval (restarted when the speed changes).
    pub(super) fn install_timer(self) {
        let timer = StoredValue::new(None::<IntervalHandle>);
        Effect::new(move |_| {
            let playing = self.playing.get();
            let speed = self.speed.get();
            if let Some(handle) = timer.try_get_value().flatten() {
                handle.clear();
                timer.set_value(None);
            }
            if playing {
                let every = Duration::from_millis((1000.0 / speed) as u64);
                let handle = set_interval_with_handle(
                    move || {
                        if !self.advance() {
                            self.playing.set(false);
                        }
                    },
                    every,
                );
                timer.set_value(handle.ok());
            }
        });
        on_cleanup(move || {
            if let Some(handle) = timer.try_get_value().flatten() {
                handle.clear();
            }
        });
    }

    /// ←/→ step, space plays, Home/End go to the first step / live, Escape to live; not
    /// while typing, and ← → space are the lesson's while one runs ([`key_action`]).
    pub(super) fn install_keys(self) {
        let handle = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
            let Some(action) = shortcut(&e, self.lab) else {
                return;
            };
            match action {
                KeyAction::TimelinePrev => self.prev(),
                KeyAction::TimelineNext => self.next(),
                KeyAction::TogglePlay => self.toggle_play(),
                KeyAction::First => self.first(),
                KeyAction::Live => self.live(),
                KeyAction::LessonNext | KeyAction::LessonPrev => return,
            }
            e.prevent_default();
        });
        on_cleanup(move || handle.remove());
    }
}

/// What the key of `e` does on this page, if anything.
pub(crate) fn shortcut(e: &ev::KeyboardEvent, lab: Lab) -> Option<KeyAction> {
    if e.ctrl_key() || e.alt_key() || e.meta_key() || e.default_prevented() {
        return None;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| el.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    let lesson = lab
        .scope
        .owner
        .with_untracked(|o| matches!(o, crate::lab::Owner::Lesson(_)));
    key_action(&e.key(), &tag, lesson)
}

/// ⏮ ◀ ▶ play/pause, speed, live, and where the cursor is.
#[component]
pub(super) fn ControlBar(controls: Controls) -> impl IntoView {
    let lab = controls.lab;
    let lang = ui_lang();
    let t = move || TimelineText::of(lang.get());
    let w = Words::<TimelineText>::new();
    let position = move || {
        controls
            .stops
            .with(|s| position_label(s, lab.cursor.get(), lang.get()))
    };
    let is_live = move || lab.cursor.get().is_none();
    let playing = controls.playing;
    view! {
        <header class="tl-controls">
            <h2>{w.get(|t| t.heading)}</h2>
            <div class="tl-buttons" role="group" aria-label=w.get(|t| t.buttons)>
                <button data-testid="tl-first" title=w.get(|t| t.first_title) aria-label=w.get(|t| t.first) on:click=move |_| controls.first()>
                    <Icon path="M2 3h2.5v10H2z M14 3 6 8l8 5z"/>
                </button>
                <button data-testid="tl-prev" title=w.get(|t| t.prev_title) aria-label=w.get(|t| t.prev) on:click=move |_| controls.prev()>
                    <Icon path="M12 3 4 8l8 5z"/>
                </button>
                <button data-testid="tl-next" title=w.get(|t| t.next_title) aria-label=w.get(|t| t.next) on:click=move |_| controls.next()>
                    <Icon path="M4 3l8 5-8 5z"/>
                </button>
                <button data-testid="tl-play" class="tl-play" class:on=move || playing.get()
                    title=w.get(|t| t.play_title)
                    on:click=move |_| controls.toggle_play()>
                    {move || if playing.get() {
                        view! { <Icon path="M3 2h3.5v12H3z M9.5 2H13v12H9.5z"/>{t().pause}" " }
                    } else {
                        view! { <Icon path="M4 2l10 6-10 6z"/>{t().play}" " }
                    }}
                </button>
                <select data-testid="tl-speed" title=w.get(|t| t.speed) on:change=move |ev| {
                    let v = event_target_value(&ev).parse().unwrap_or(1.0);
                    controls.speed.set(v);
                }>
                    {SPEEDS.iter().map(|(label, v)| view! {
                        <option value=label.to_string() selected=*v == 1.0>{format!("{label}×")}</option>
                    }).collect_view()}
                </select>
                <button data-testid="tl-live" class="tl-live" class:on=is_live title=w.get(|t| t.live_title)
                    on:click=move |_| controls.live()>{w.get(|t| t.live_button)}</button>
            </div>
            <span class="tl-position" class:live=is_live data-testid="tl-position" aria-live="polite">{position}</span>
            <span class="tl-keys">{move || if lab.scope.owner.with(|o| matches!(o, crate::lab::Owner::Lesson(_))) {
                t().keys_lesson
            } else {
                t().keys
            }}</span>
        </header>
    }
}

/// A 16×16 icon drawn in the text colour (the ⏮ ⏵ ⏸ glyphs are missing from common fonts).
#[component]
fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="tl-icon" viewBox="0 0 16 16" aria-hidden="true"><path d=path/></svg>
    }
}
