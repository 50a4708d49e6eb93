//! Recordings on the page: "download recording" saves the session's history
//! (model/recording.rs), "open recording" plays one back, read-only.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::lab::Lab;
use crate::model::recording::{FILE_NAME, PLAYING_BADGE, read, write};

/// The download button, the file input, the badge while one plays and a file's error.
#[component]
pub fn RecordingControls() -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The last recording saved, on the button too (the browser tests read it there).
    let saved = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let download = move |_| {
        let iso: String = js_sys::Date::new_0().to_iso_string().into();
        let text = lab.history.events.with_untracked(|e| write(e, Some(&iso)));
        saved.set(text.clone());
        if let Err(e) = save(&text) {
            error.set(Some(format!("could not save the recording: {e:?}")));
        }
    };
    let open = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            let text = match JsFuture::from(file.text()).await {
                Ok(t) => t.as_string().unwrap_or_default(),
                Err(_) => {
                    error.set(Some("could not read the file".into()));
                    return;
                }
            };
            match read(&text) {
                Ok(events) => {
                    error.set(None);
                    lab.play_recording(events);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    view! {
        <button class="quiet" data-testid="recording-download" on:click=download
            data-recording=move || saved.get()
            title="save this session's events as a file">"download recording"</button>
        <label class="quiet recording-open" title="play a saved recording, read-only">
            "open recording "
            <input type="file" accept=".jsonl,.json,application/json" data-testid="recording-open" on:change=open/>
        </label>
        <Show when=move || lab.recording.get()>
            <span class="badge badge-following" data-testid="recording-badge">{PLAYING_BADGE}</span>
        </Show>
        {move || error.get().map(|m| view! { <span class="error" role="alert" data-testid="recording-error">{m}</span> })}
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
