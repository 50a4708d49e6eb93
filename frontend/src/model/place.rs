//! The lecturer's place, kept across a reload of the tab: the lesson, how many of its steps
//! had run, the narration's language and the text size. Plain data with a text form for the
//! tab's `sessionStorage` ([`crate::storage`]).

use crate::i18n::Lang;

/// Where the lecturer was.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The lesson's slug (slugs survive a lesson list that changed order).
    pub lesson: Option<String>,
    /// Steps run.
    pub done: usize,
    pub lang: Lang,
    /// Large text (A+).
    pub large: bool,
}

impl Place {
    /// The text kept in storage.
    pub fn to_text(&self) -> String {
        serde_json::json!({
            "lesson": self.lesson,
            "done": self.done,
            "lang": if self.lang == Lang::Zh { "zh" } else { "en" },
            "large": self.large,
        })
        .to_string()
    }

    /// Reads what [`Place::to_text`] wrote; anything unreadable is the default place (use
    /// [`Place::lang_of`] to tell "English" from "no language stored").
    pub fn from_text(text: &str) -> Self {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
            return Place::default();
        };
        Place {
            lesson: v["lesson"].as_str().map(str::to_owned),
            done: v["done"].as_u64().unwrap_or(0) as usize,
            lang: if v["lang"] == "zh" {
                Lang::Zh
            } else {
                Lang::En
            },
            large: v["large"].as_bool().unwrap_or(false),
        }
    }

    /// The language stored in `text`, if one was (a first visit has none: the browser's
    /// language decides then).
    pub fn lang_of(text: &str) -> Option<Lang> {
        let v = serde_json::from_str::<serde_json::Value>(text).ok()?;
        match v["lang"].as_str()? {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_survives_its_text_form() {
        let p = Place {
            lesson: Some("length-prefix".into()),
            done: 3,
            lang: Lang::Zh,
            large: true,
        };
        assert_eq!(Place::from_text(&p.to_text()), p);
    }

    #[test]
    fn anything_unreadable_is_the_start() {
        assert_eq!(Place::from_text("{nonsense"), Place::default());
        assert_eq!(Place::from_text("{}"), Place::default());
        assert_eq!(Place::lang_of("{}"), None);
        assert_eq!(Place::lang_of("{nonsense"), None);
        assert_eq!(Place::lang_of(&Place::default().to_text()), Some(Lang::En));
    }
}
