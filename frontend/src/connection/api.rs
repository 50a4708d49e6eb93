//! Requests to the server's `/api/*`, which need the lab's token like `/ws` does: it goes in
//! the query ([`crate::token::with_token`]), as for the WebSocket; a follower's page sends its
//! follow key instead ([`crate::follow::with_access`]).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::follow::{page_follow_key, with_access};
use crate::token::page_token;

/// The server's answer to a GET.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// The browser's answer to a GET of `path` with the token, before the body is read.
async fn fetch(path: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let url = with_access(path, page_follow_key(), page_token().as_deref());
    let response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|e| format!("cannot reach the server: {e:?}"))?;
    response
        .dyn_into()
        .map_err(|_| "the browser gave no response".to_owned())
}

/// GETs `path` with the token: its status and body text. `Err` when the server can't be
/// reached at all.
pub async fn get(path: &str) -> Result<Reply, String> {
    let response = fetch(path).await?;
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(Reply {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
    })
}

/// Only the status of a GET of `path` with the token (the body is left unread).
pub async fn status(path: &str) -> Result<u16, String> {
    Ok(fetch(path).await?.status())
}
