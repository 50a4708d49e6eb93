//! Chat messages (experiment 21) as people read them: "alice → bob: hi", in one colour per user.
//!
//! The chat service frames each message with `struct.pack('!I', n)` and carries JSON
//! `{"from", "to", "text"}`. Once the receiver's decoder has cut the stream into messages,
//! each body that is such an object becomes a [`ChatLine`]. A user's colour is a hash of the
//! name into a fixed palette, so it needs no shared state: the same name gets the same colour
//! on every card, after a reload, and in every lecture.

use serde_json::Value;

use crate::i18n::Lang;
use crate::i18n::panels::PanelText;

/// One chat message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatLine {
    pub from: String,
    /// Absent when a client only says who it is, or when the server answers.
    pub to: Option<String>,
    pub text: Option<String>,
}

impl ChatLine {
    /// "alice → bob: hi", "server: carol is offline", "alice (says who they are)" (in `lang`).
    pub fn plain(&self, lang: Lang) -> String {
        let to = self
            .to
            .as_ref()
            .map(|t| format!(" → {t}"))
            .unwrap_or_default();
        match &self.text {
            Some(text) => format!("{}{to}: {text}", self.from),
            None => format!("{}{to}{}", self.from, PanelText::of(lang).chat_hello),
        }
    }
}

/// The body as a chat message: a JSON object with a string `"from"`; `None` otherwise.
pub fn parse(body: &[u8]) -> Option<ChatLine> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let field = |k: &str| -> Option<String> {
        match v.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    let from = v.get("from")?.as_str()?.to_owned();
    Some(ChatLine {
        from,
        to: field("to"),
        text: field("text"),
    })
}

/// Twelve colours, each at least 5:1 against white (WCAG AA for text) and as a background
/// behind white text, and far enough apart to tell friends apart on a projector.
pub const PALETTE: [&str; 12] = [
    "#1f5fa8", "#b3261e", "#1e7b34", "#7b3fa0", "#9a5700", "#00796b", "#c2185b", "#3949ab",
    "#6d4c41", "#4a7a1f", "#bf360c", "#0369a1",
];

/// The chat server speaks as `"server"`; it gets a neutral grey that no user gets.
pub const SERVER_COLOUR: &str = "#546e7a";

/// The colour of `name`: FNV-1a of its UTF-8 bytes picks a palette entry.
pub fn colour(name: &str) -> &'static str {
    if name == "server" {
        return SERVER_COLOUR;
    }
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    PALETTE[hash as usize % PALETTE.len()]
}

/// Every name in `lines` (senders and recipients), in the order they first appear, with
/// their colours: the legend.
pub fn legend<'a>(lines: impl IntoIterator<Item = &'a ChatLine>) -> Vec<(String, &'static str)> {
    let mut names: Vec<(String, &'static str)> = Vec::new();
    for line in lines {
        for name in std::iter::once(&line.from).chain(line.to.as_ref()) {
            if !names.iter().any(|(n, _)| n == name) {
                names.push((name.clone(), colour(name)));
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_json_becomes_lines() {
        let l = parse(br#"{"from": "alice", "to": "bob", "text": "hi bob, lunch?"}"#).unwrap();
        assert_eq!(l.plain(Lang::En), "alice → bob: hi bob, lunch?");
        let hello = parse(br#"{"from": "carol"}"#).unwrap();
        assert_eq!(hello.plain(Lang::En), "carol (says who they are)");
        assert_eq!(hello.plain(Lang::Zh), "carol（报上自己的名字）");
        let server = parse(br#"{"from":"server","text":"carol is offline"}"#).unwrap();
        assert_eq!(server.plain(Lang::En), "server: carol is offline");
        // A number as text is still shown.
        assert_eq!(
            parse(br#"{"from":"a","to":"b","text":42}"#)
                .unwrap()
                .text
                .as_deref(),
            Some("42")
        );
    }

    #[test]
    fn other_bodies_are_not_chat() {
        assert_eq!(parse(b"hello"), None);
        assert_eq!(parse(br#"{"to": "bob"}"#), None, "no sender");
        assert_eq!(parse(br#"{"from": 7}"#), None);
        assert_eq!(parse(br#"["from"]"#), None);
        assert_eq!(parse(b"\xff\xfe"), None);
    }

    #[test]
    fn a_user_keeps_a_colour_and_the_lessons_users_differ() {
        assert_eq!(colour("alice"), colour("alice"));
        let lesson = ["alice", "bob", "carol", "server"].map(colour);
        for (i, a) in lesson.iter().enumerate() {
            for b in &lesson[i + 1..] {
                assert_ne!(a, b, "{lesson:?}");
            }
        }
        assert_eq!(colour("server"), SERVER_COLOUR);
        assert!(!PALETTE.contains(&SERVER_COLOUR));
        // Pinned: the colour must not change between versions (students screenshot it).
        assert_eq!(colour("alice"), "#0369a1");
        // Any name, even an empty one, gets a palette colour.
        assert!(PALETTE.contains(&colour("")));
        assert!(PALETTE.contains(&colour("王小明")));
    }

    #[test]
    fn the_legend_lists_each_name_once_in_order_of_appearance() {
        let lines = [
            parse(br#"{"from":"alice","to":"bob","text":"hi"}"#).unwrap(),
            parse(br#"{"from":"bob","to":"alice","text":"yes"}"#).unwrap(),
            parse(br#"{"from":"server","text":"ok"}"#).unwrap(),
        ];
        let names: Vec<_> = legend(&lines).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["alice", "bob", "server"]);
        assert_eq!(legend(&lines)[1].1, colour("bob"));
    }
}
