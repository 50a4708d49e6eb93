//! A strip of bytes: one cell per byte, coloured by the send it came from, header bytes
//! outlined; a byte with no character shows its hex large (`.raw`). Used for the kernel's
//! receive buffer and for what a recv returned.

use leptos::prelude::*;
use socklab_shared::protocol::SendSpan;

use crate::i18n::workbench::CardText;
use crate::i18n::{fill, ui_lang};
use crate::model::byte_cells::{MAX_CELLS, Role, cells, colour_runs};

/// Shows `bytes` with their provenance `spans`.
#[component]
pub fn BufferStrip(
    bytes: Vec<u8>,
    spans: Vec<SendSpan>,
    /// `data-testid` of the strip.
    testid: String,
) -> impl IntoView {
    let count = bytes.len();
    let colours = colour_runs(&spans);
    let more = count.saturating_sub(MAX_CELLS);
    let lang = ui_lang();
    // The cells are data (translate="no"); their tooltips and the notes around them are words.
    view! {
        <div class="strip" data-testid=testid data-bytes=count data-colours=colours>
            {move || cells(&bytes[..count.min(MAX_CELLS)], &spans, lang.get())
                .into_iter()
                .map(|cell| {
                    let class = format!(
                        "cell {} {}{}",
                        cell.colour.map(|k| format!("send-{k}")).unwrap_or_else(|| "external".into()),
                        match cell.role {
                            Role::Header => "header",
                            Role::Body => "body",
                            Role::Trailer => "trailer",
                        },
                        if cell.raw { " raw" } else { "" },
                    );
                    view! {
                        <span class=class title=cell.title>
                            <span class="hex" translate="no">{cell.small}</span>
                            <span class="ch" translate="no">{cell.big}</span>
                        </span>
                    }
                })
                .collect_view()}
            {move || (count == 0).then(|| view! { <span class="empty">{CardText::of(lang.get()).empty}</span> })}
            {move || (more > 0).then(|| view! { <span class="empty" data-testid="strip-more">{fill(CardText::of(lang.get()).more_bytes, &[&more])}</span> })}
        </div>
    }
}
