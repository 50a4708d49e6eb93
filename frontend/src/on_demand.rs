//! Parts of the page that load on demand, each from a WASM chunk of its own.
//!
//! A student's browser first downloads only what the page needs to start: the connection,
//! the history of events, the top bar, the lesson list and the panels' frames. Code that is
//! needed later, or never in a class, comes in chunks fetched the first time it runs: the
//! socket cards, the timeline and the Python panel with the first socket (one chunk,
//! `sockets`), the cable's diagram and the wire's controls once the wire is used, script steps
//! at a lesson's or the demo's first, the file panel's controls and the upload with a
//! connection, the receiver's decoder with a framing, the TCP vs UDP columns, and writing a
//! recording. `scripts/test` prints each chunk's size.
//!
//! How: such a function is marked
//! `#[wasm_split(chunk, wasm_split_path = leptos::wasm_split, fallible)]` (the macro behind
//! Leptos's `#[lazy]`). It becomes `async` and returns `Result<T, ChunkMissing>`. After
//! cargo, `scripts/lib.sh` (`split_page`) runs `wasm-split-cli`: everything only those
//! functions reach moves into `split_<chunk>.wasm`, which `__wasm_split.js` fetches on the
//! first call. Functions naming the same chunk share it; code several chunks need goes into
//! small shared ones (`chunk_<n>.wasm`). Only code moves: string constants stay in the main
//! module. Natively (unit tests) split functions are plain calls.
//!
//! Invariants:
//! - A split function takes and returns only owned, concrete types (no generics, no
//!   `impl Trait`): it is called across the chunk's boundary.
//! - Loading never panics the page. A chunk that fails to load (the server was stopped or
//!   rebuilt while the page was open) is a [`ChunkMissing`], shown in place of what it would
//!   have drawn; a later call tries the download again.
//! - Once its chunk is loaded, a split function's future is ready on its first poll, so a
//!   view made again (a `<Show>` turning on twice) draws at once, without a blank frame.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::i18n::Words;
use crate::i18n::app::AppText;

pub use leptos::wasm_split::wasm_split;

/// A chunk of the page did not load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkMissing;

impl ChunkMissing {
    /// What a script says when its chunk did not load: in both languages, as the notice about
    /// the token does (a failed step is shown as the server's words are, untranslated).
    pub fn both_languages(self) -> String {
        format!(
            "{} {}",
            AppText::EN.chunk_missing,
            AppText::ZH.chunk_missing
        )
    }
}

impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(e: leptos::wasm_split::SplitLoaderError) -> Self {
        leptos::logging::error!("a part of the page did not load: {e}");
        ChunkMissing
    }
}

/// What the page shows where a chunk's view would be: what happened and what to do.
pub fn chunk_missing_view() -> AnyView {
    let w = Words::<AppText>::new();
    view! { <p class="error" role="alert" data-testid="chunk-missing">{w.get(|t| t.chunk_missing)}</p> }
        .into_any()
}

/// True from the first time `cond` holds, for the rest of the page: a panel whose chunk comes
/// with its first content stays once shown (a later clean slate empties it, and it says so
/// itself). Once true, `cond` is not read again.
pub fn latched(cond: impl Fn() -> bool + Send + Sync + 'static) -> Memo<bool> {
    Memo::new(move |before: Option<&bool>| before.copied().unwrap_or(false) || cond())
}

/// The view `load` makes in its chunk, while `wanted` is true.
///
/// Like `<Show>`: nothing while `wanted` is false (and the chunk is not fetched), the view
/// made afresh each time it turns true.
pub fn view_when<L, F>(wanted: impl Fn() -> bool + Send + Sync + 'static, load: L) -> impl IntoView
where
    L: Fn() -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Result<AnyView, ChunkMissing>> + 'static,
{
    let wanted = Memo::new(move |_| wanted());
    move || wanted.get().then(|| loaded_view(load.clone()))
}

/// The view `load` makes in its chunk, drawn once the chunk is there.
pub fn loaded_view<F>(load: impl FnOnce() -> F + 'static) -> impl IntoView
where
    F: Future<Output = Result<AnyView, ChunkMissing>> + 'static,
{
    // The page runs on one thread: the future never leaves it.
    Suspend::new(SendWrapper::new(async move {
        load()
            .await
            .unwrap_or_else(|ChunkMissing| chunk_missing_view())
    }))
}

/// A split function's result when its future is ready on the first poll: always once its
/// chunk is loaded (awaited its `preload` first), so code that must stay synchronous (a
/// script's next command) can call into a chunk. `None` while the chunk is still loading.
pub fn ready_now<F: Future>(fut: F) -> Option<F::Output> {
    let fut = pin!(fut);
    match fut.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_future_gives_its_output_and_a_pending_one_none() {
        assert_eq!(ready_now(async { 7 }), Some(7));
        assert_eq!(ready_now(std::future::pending::<u8>()), None);
    }

    #[test]
    fn a_script_says_a_missing_chunk_in_both_languages() {
        let said = ChunkMissing.both_languages();
        assert!(
            said.contains("Reload the page") && said.contains("请刷新页面"),
            "{said}"
        );
    }
}
