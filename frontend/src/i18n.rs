//! The page's words in English and 简体中文: one typed catalogue, not strings scattered
//! through the components.
//!
//! # Shape
//! Each area of the page has a table declared with [`texts!`]: a struct of `&'static str`
//! fields, written as `name: "English" => "中文"`. The macro makes the `EN` and `ZH` consts
//! from the two columns, so a message without its translation does not compile. Messages with
//! values are templates with numbered holes, `"step {0} of {1}"` / `"第 {0} 步，共 {1} 步"`,
//! filled by [`fill`] (the holes may come in another order in Chinese: word order differs).
//! English plurals are separate entries (`..._one` / `..._many`); Chinese needs none.
//!
//! # Invariants (checked natively by the tests in [`check`])
//! - Every `ZH` entry contains Chinese, or is on [`check::SAME_IN_BOTH`] (short technical
//!   words written the same in both languages: `TCP`, `recv()`, `◀`…).
//! - No `ZH` entry contains an English word, except the technical terms and API names listed
//!   in [`check::TECH_TERMS`] (what students type or read in their code: `send`, `TCP`, …).
//! - Both columns of a template have the same holes.
//!
//! # One language for the page
//! [`Lang`] is provided as context ([`UiLang`], an `RwSignal`) by the app; components read it
//! with [`ui_lang`] inside their reactive closures, so the switch redraws every word at once.
//! The English column is the page's wording as the browser tests know it: change it only
//! together with them. Data (bytes, addresses, code, names the user typed, the server's own
//! messages) is not text to translate: the page marks it `translate="no"`.

use leptos::prelude::*;

pub mod app;
#[cfg(test)]
mod check;
pub mod lesson;
pub mod panels;
pub mod results;
pub mod timeline;
pub mod wire;
pub mod workbench;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The other language (what the switch changes to).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The BCP 47 tag for `<html lang>` and `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language a browser asks for: the first of `navigator.languages` that is Chinese or
    /// English decides (`zh`, `zh-CN`, `zh-Hans-CN`, `zh-TW` → 中文); none of them → English.
    pub fn from_browser<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        for tag in preferred {
            let primary = tag
                .split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            match primary.as_str() {
                "zh" => return Lang::Zh,
                "en" => return Lang::En,
                _ => {}
            }
        }
        Lang::En
    }

    /// The switch's label: the *other* language, in its own words.
    pub fn switch_label(self) -> &'static str {
        match self.other() {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

/// The page's language, provided as context by the app.
#[derive(Debug, Clone, Copy)]
pub struct UiLang(pub RwSignal<Lang>);

/// The page's language signal (English when no app provided one, e.g. a component alone).
pub fn ui_lang() -> RwSignal<Lang> {
    use_context::<UiLang>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Lang::En))
}

/// `template` with `{0}`, `{1}`… replaced by `args` (a hole without an argument stays as is).
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let hole = after
            .find('}')
            .and_then(|close| Some((after[..close].parse::<usize>().ok()?, close)));
        match hole.and_then(|(i, close)| Some((args.get(i)?, close))) {
            Some((arg, close)) => {
                out.push_str(&arg.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Declares one area's table of words: `name: "English" => "中文",` per entry.
macro_rules! texts {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fm:meta])* $field:ident: $en:literal => $zh:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $name { $($(#[$fm])* pub $field: &'static str,)* }

        impl $name {
            pub const EN: $name = $name { $($field: $en,)* };
            pub const ZH: $name = $name { $($field: $zh,)* };

            /// The table in `lang`.
            pub const fn of(lang: $crate::i18n::Lang) -> &'static $name {
                match lang {
                    $crate::i18n::Lang::En => &Self::EN,
                    $crate::i18n::Lang::Zh => &Self::ZH,
                }
            }

            /// Every entry as (name, text), for the catalogue's checks.
            #[cfg(test)]
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field),)*]
            }
        }
    };
}
pub(crate) use texts;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_fill_in_any_order() {
        assert_eq!(fill("step {0} of {1}", &[&3, &5]), "step 3 of 5");
        assert_eq!(fill("共 {1} 步，第 {0} 步", &[&3, &5]), "共 5 步，第 3 步");
        assert_eq!(fill("{x} {2} {", &[&1]), "{x} {2} {");
    }

    #[test]
    fn the_browser_decides_the_first_language() {
        assert_eq!(Lang::from_browser(["zh-CN", "en"]), Lang::Zh);
        assert_eq!(Lang::from_browser(["de-DE", "zh_TW"]), Lang::Zh);
        assert_eq!(Lang::from_browser(["en-US", "zh-CN"]), Lang::En);
        assert_eq!(Lang::from_browser(["fr"]), Lang::En);
        assert_eq!(Lang::from_browser([]), Lang::En);
        assert_eq!(Lang::En.switch_label(), "中文");
        assert_eq!(Lang::Zh.switch_label(), "English");
    }
}
