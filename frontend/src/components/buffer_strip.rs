//! A strip of bytes: one cell per byte, coloured by the send it came from, header bytes
//! outlined; a byte with no character shows its hex large (`.raw`). Used for the kernel's
//! receive buffer and for what a recv returned.

use leptos::prelude::*;
use socklab_shared::protocol::SendSpan;

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
    let cells = cells(&bytes[..count.min(MAX_CELLS)], &spans);
    let more = count.saturating_sub(MAX_CELLS);
    view! {
        <div class="strip" data-testid=testid data-bytes=count data-colours=colours>
            {cells
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
                            <span class="hex">{cell.small}</span>
                            <span class="ch">{cell.big}</span>
                        </span>
                    }
                })
                .collect_view()}
            {(count == 0).then(|| view! { <span class="empty">"(empty)"</span> })}
            {(more > 0).then(|| view! { <span class="empty" data-testid="strip-more">{format!("… +{more} more bytes")}</span> })}
        </div>
    }
}
