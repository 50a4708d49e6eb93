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
//! # Invariants (checked natively by the tests in `i18n/check.rs`)
//! - Every `ZH` entry contains Chinese, or is on `check::SAME_IN_BOTH` (short technical
//!   words written the same in both languages: `TCP`, `recv()`, `◀`…).
//! - No `ZH` entry contains an English word, except the technical terms and API names listed
//!   in `check::TECH_TERMS` (what students type or read in their code: `send`, `TCP`, …).
//! - Both columns of a template have the same holes.
//!
//! Code quoted in a sentence (`str.encode()`, `lab.py`, `--max-sessions`) and numbers (`0a`)
//! are not words. backend/tests/browser/chinese.rs checks the rendered page by the same rules.
//!
//! # Areas
//! [`app`] (top bar, notices, the past banner, recordings), [`lesson`] (the lesson bar),
//! [`workbench`] (toolbar, cards, send/recv controls), [`results`] (call results, recv labels,
//! errors by code and errno), [`timeline`], [`panels`] (TCP vs UDP, decoder, chat, file,
//! Python), [`wire`] (link panel, cable view, `TCP_INFO`).
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

/// A table of words ([`texts!`] implements it for each area's struct).
pub trait Table: Sync + 'static {
    /// The table in `lang`.
    fn in_lang(lang: Lang) -> &'static Self;
}

/// The words of table `T` in the page's language, for `view!`: `w.get(|t| t.reset)` is a
/// reactive text (or attribute) that follows the switch.
///
/// Why not `move || T::of(lang.get()).reset` at each place: every closure is a type of its
/// own, and Leptos compiles its rendering code once per type, so hundreds of them made the
/// page tens of KB larger. [`Words::get`] returns the same closure type for every word of a
/// table (the word is a plain function pointer inside it), so that code exists once.
pub struct Words<T: 'static> {
    lang: RwSignal<Lang>,
    table: std::marker::PhantomData<fn() -> T>,
}

impl<T: 'static> Clone for Words<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Words<T> {}

impl<T: Table> Words<T> {
    /// The words of `T` in the language the app provides.
    pub fn new() -> Self {
        Words {
            lang: ui_lang(),
            table: std::marker::PhantomData,
        }
    }

    /// The word `pick` chooses, following the page's language.
    pub fn get(
        self,
        pick: fn(&'static T) -> &'static str,
    ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || pick(T::in_lang(lang.get()))
    }

    /// The whole table now (tracked: for closures that build text from several words).
    pub fn now(self) -> &'static T {
        T::in_lang(self.lang.get())
    }
}

impl<T: Table> Default for Words<T> {
    fn default() -> Self {
        Self::new()
    }
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

        impl $crate::i18n::Table for $name {
            fn in_lang(lang: $crate::i18n::Lang) -> &'static Self {
                Self::of(lang)
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
