//! Recordings on the page: "download recording" saves the session's history
//! (model/recording.rs), "open recording" (or a file dropped on the page) plays one back,
//! read-only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::i18n::app::AppText;
use crate::i18n::{Lang, Words, ui_lang};
use crate::lab::Lab;
use crate::model::recording::{FILE_NAME, read, write};
use crate::on_demand::{ChunkMissing, wasm_split};
use socklab_shared::protocol::Envelope;

/// What went wrong with a recording: the page's words, and the detail as it came (a parser's
/// or the browser's English, shown as data).
#[derive(Debug, Clone)]
enum RecordingError {
    Save(String),
    Read,
    NotARecording(String),
}

impl RecordingError {
    fn words(&self, lang: Lang) -> (&'static str, String) {
        let t = AppText::of(lang);
        match self {
            RecordingError::Save(e) => (t.rec_save_failed, e.clone()),
            RecordingError::Read => (t.rec_read_failed, String::new()),
            // In English the reader's message says it all; in Chinese it follows the words.
            RecordingError::NotARecording(e) if lang == Lang::En => ("", e.clone()),
            RecordingError::NotARecording(e) => (t.rec_not_recording, format!(" {e}")),
        }
    }
}

/// The recording of `events`, saved at `iso`. Writing events as JSON is a chunk of the page of
/// its own ([`crate::on_demand`]), fetched at the first download.
#[wasm_split(recording, wasm_split_path = leptos::wasm_split, fallible)]
fn recording_text(events: Vec<Envelope>, iso: String) -> Result<String, ChunkMissing> {
    Ok(write(&events, Some(&iso)))
}

/// The download button, the file input, the badge while one plays and a file's error.
#[component]
pub fn RecordingControls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let w = Words::<AppText>::new();
    // The last recording saved, on the button too (the browser tests read it there).
    let saved = RwSignal::new(String::new());
    let error = RwSignal::new(None::<RecordingError>);
    let download = move |_| {
        let iso: String = js_sys::Date::new_0().to_iso_string().into();
        let events = lab.history.events.get_untracked();
        spawn_local(async move {
            let Ok(text) = recording_text(events, iso).await else {
                error.set(Some(RecordingError::Save(ChunkMissing.both_languages())));
                return;
            };
            saved.set(text.clone());
            if let Err(e) = save(&text) {
                error.set(Some(RecordingError::Save(format!("{e:?}"))));
            }
        });
    };
    let play_file = move |file: web_sys::File| {
        spawn_local(async move {
            let text = match JsFuture::from(file.text()).await {
                Ok(t) => t.as_string().unwrap_or_default(),
                Err(_) => {
                    error.set(Some(RecordingError::Read));
                    return;
                }
            };
            match read(&text) {
                Ok(events) => {
                    error.set(None);
                    lab.play_recording(events);
                }
                Err(message) => error.set(Some(RecordingError::NotARecording(message))),
            }
        });
    };
    let open = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            play_file(file);
        }
    };
    // A recording dropped anywhere on the page plays too (a lecturer drags it in from the
    // desktop). Any dropped file is taken here: left to the browser, a drop would navigate
    // away from the page and end the session; a file that is no recording says so.
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let dropped = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            play_file(file);
        }
    });
    on_cleanup(move || {
        over.remove();
        dropped.remove();
    });
    view! {
        <button class="quiet" data-testid="recording-download" on:click=download
            data-recording=move || saved.get()
            title=w.get(|t| t.rec_download_title)>{w.get(|t| t.rec_download)}</button>
        <label class="quiet recording-open" title=w.get(|t| t.rec_open_title)>
            {w.get(|t| t.rec_open)}
            <input type="file" accept=".jsonl,.json,application/json" data-testid="recording-open" on:change=open/>
        </label>
        <Show when=move || lab.recording.get()>
            <span class="badge badge-following" data-testid="recording-badge">{w.get(|t| t.rec_playing)}</span>
        </Show>
        {move || error.get().map(|e| {
            let (words, detail) = e.words(lang.get());
            view! { <span class="error" role="alert" data-testid="recording-error">{words}<span translate="no">{detail}</span></span> }
        })}
    }
}

/// Saves `text` as the recording's file (a Blob behind a link clicked once).
fn save(text: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/x-ndjson");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let a: web_sys::HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(FILE_NAME);
    a.click();
    // Revoked once the browser has taken the download.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
