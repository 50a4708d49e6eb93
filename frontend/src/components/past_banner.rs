//! The banner of a view of the past: whenever the timeline's cursor shows an earlier moment,
//! a bar across the top of the page says so (the cards show the kernel as it was then, not
//! now, and a lesson's narration is about now) and one click or one key (End, Escape) comes
//! back to now.

use leptos::prelude::*;

use crate::i18n::app::AppText;
use crate::i18n::{Lang, Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::timeline::{position_label, step_positions};

/// The banner, shown only while the page shows the past.
#[component]
pub fn PastBanner() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let text = Memo::new(move |_| {
        let pos = lab.cursor.get()?;
        let lang = lang.get();
        let step = lab
            .history
            .events
            .with(|h| position_label(&step_positions(h), Some(pos), lang));
        Some(past_text(&step, lang))
    });
    move || {
        text.get().map(|t| {
            view! {
                <div class="past-banner" role="status" data-testid="past-banner">
                    <span>{t}</span>
                    <button data-testid="past-back" on:click=move |_| lab.cursor.set(None)>
                        {Words::<AppText>::new().get(|t| t.past_back)}
                    </button>
                </div>
            }
        })
    }
}

/// What the banner says at timeline position `step` ("step 3 of 7").
pub fn past_text(step: &str, lang: Lang) -> String {
    fill(AppText::of(lang).past, &[&step])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_names_the_moment_and_the_way_back() {
        let t = past_text("step 2 of 5", Lang::En);
        assert!(t.contains("step 2 of 5") && t.contains("End"), "{t}");
    }
}
