//! Lessons: a course experiment as data — narration in two languages, the lab commands each
//! step performs, what to look at, and what the step must show.
//!
//! Lessons live as TOML files in `static/lessons/`; the backend loads and checks them and
//! serves them to the page as JSON (this type, serialised). `docs/lessons.md` documents the
//! format for lecturers. The checks here need no sockets: every command template parses and
//! only uses names defined by an earlier step ([`crate::script`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::protocol::LessonAt;
use crate::script;

mod expect;
pub use expect::Expect;

/// Text in the languages the page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English.
    pub en: String,
    /// Simplified Chinese.
    pub zh: String,
}

/// One lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Its place in the course (1–25 for the course's experiments); lessons are listed in this order.
    pub number: u32,
    /// Short stable identifier, e.g. `"sticky-sender"`.
    pub slug: String,
    pub title: Text,
    /// What the student will see, in a sentence or two.
    pub goal: Text,
    pub steps: Vec<Step>,
}

/// One step: the lecturer presses "next", the lab runs `run`, the page says `say` and points
/// at `look`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub say: Text,
    /// Command templates ([`crate::script`]), run in order.
    #[serde(default)]
    pub run: Vec<Value>,
    /// What to highlight.
    #[serde(default)]
    pub look: Vec<Look>,
    /// What the step must show (checked by the lesson tests; shown to nobody).
    #[serde(default)]
    pub expect: Vec<Expect>,
}

/// Something on the page to point at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Look {
    /// The socket's name (from an `as`), if the panel belongs to a socket.
    #[serde(default)]
    pub socket: Option<String>,
    pub at: Panel,
}

/// A panel of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Panel {
    /// The kernel's receive buffer of a socket.
    RecvBuffer,
    /// What the latest recv returned.
    RecvResult,
    /// What the latest send did.
    SendResult,
    /// The decoder view (framed messages).
    Decoded,
    /// The error shown on a socket's card.
    Error,
    /// A listener's accept queue: connections waiting for `accept()`.
    AcceptQueue,
    /// The timeline.
    Timeline,
}

impl Panel {
    /// Whether a socket of this role has the panel: a listener holds connections, not bytes.
    fn fits(self, listener: bool) -> bool {
        match self {
            Panel::AcceptQueue => listener,
            Panel::RecvBuffer | Panel::RecvResult | Panel::SendResult | Panel::Decoded => !listener,
            Panel::Error | Panel::Timeline => true,
        }
    }
}

/// What the backend serves at `/api/lessons`: the lessons that loaded, in course order, and
/// a problem report for each file that didn't.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonSet {
    pub lessons: Vec<Lesson>,
    pub problems: Vec<LessonProblem>,
}

/// A lesson file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProblem {
    /// The file's name, e.g. `"09-sticky-sender.toml"`.
    pub file: String,
    /// Where and what: "line 12, column 5: expected …" or "step 3: command 1: …".
    pub message: String,
}

impl Lesson {
    /// Parses a lesson from TOML. The error names the place: "line 12, column 5: …".
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Lesson, crate::Error> {
        let lesson: Lesson = toml::from_str(text).map_err(|e| {
            let place = e
                .span()
                .map(|span| {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!("line {line}, column {column}: ")
                })
                .unwrap_or_default();
            crate::Error::Lesson(format!("{place}{}", e.message()))
        })?;
        lesson.check()?;
        Ok(lesson)
    }

    /// Whether the lesson runs on the wire's hosts A and B: a command names a host (`on`) or
    /// drives the cable (`link_set`, `wire_hold`…). Such a lesson needs a machine where the
    /// hosts can be made, and its Python names addresses only the hosts have.
    pub fn uses_wire(&self) -> bool {
        self.steps.iter().flat_map(|s| &s.run).any(|t| {
            t.get("on").is_some()
                || t["cmd"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("wire_") || c.starts_with("link_"))
        })
    }

    /// The checks beyond the syntax: commands parse, names are defined before use.
    pub fn check(&self) -> Result<(), crate::Error> {
        if self.steps.is_empty() {
            return Err(crate::Error::Lesson(
                "a lesson needs at least one [[steps]]".into(),
            ));
        }
        // The page shares its place in a lesson with `lesson_at`, which takes only these.
        LessonAt::check_slug(&self.slug).map_err(crate::Error::Lesson)?;
        let mut known = Vec::new();
        let mut listeners = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let place = |what: String| crate::Error::Lesson(format!("step {}: {what}", i + 1));
            // "command J: …"
            script::check_sequence(&step.run, &mut known).map_err(|e| place(e.to_string()))?;
            // A name belongs to the last socket given it: a listener or not.
            for t in &step.run {
                let Some(name) = script::name_of(t) else {
                    continue;
                };
                LessonAt::check_name(name).map_err(&place)?;
                listeners.retain(|l| *l != name);
                if matches!(t["cmd"].as_str(), Some("tcp_listen" | "unix_listen")) {
                    listeners.push(name);
                }
            }
            for look in &step.look {
                let Some(name) = &look.socket else { continue };
                let listener = listeners.contains(&name.as_str());
                if !look.at.fits(listener) {
                    let at = serde_json::to_value(look.at).unwrap_or_default();
                    return Err(place(format!(
                        "looks at the {at} of {name:?}, {}",
                        if listener {
                            "a listener, which holds connections, not bytes: look at \"accept-queue\""
                        } else {
                            "which is not a listener: only a listener has an accept queue"
                        }
                    )));
                }
            }
            for (j, expect) in step.expect.iter().enumerate() {
                expect
                    .check()
                    .map_err(|e| place(format!("expect {}: {e}", j + 1)))?;
            }
            let names = step
                .look
                .iter()
                .filter_map(|l| l.socket.as_ref())
                .chain(step.expect.iter().filter_map(|e| e.socket.as_ref()));
            for name in names {
                if !known.contains(name) {
                    return Err(place(format!(
                        "refers to socket {name:?}, which no command has named"
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use super::*;

    const GOOD: &str = r#"
number = 9
slug = "sticky-sender"
title = { en = "Sticky packets", zh = "粘包" }
goal = { en = "Two sends, one recv.", zh = "两次发送，一次接收。" }

[[steps]]
say = { en = "A server.", zh = "一个服务器。" }
run = [{ cmd = "tcp_listen", port = 0, as = "srv" }]
look = [{ socket = "srv", at = "accept-queue" }]

[[steps]]
say = { en = "A client.", zh = "一个客户端。" }
run = [{ cmd = "connect", port = "$srv.port", as = "cli" },
       { cmd = "send", socket = "$cli", text = "hello" }]
expect = [{ event = "sent", socket = "cli" }]
"#;

    #[test]
    fn a_good_lesson_loads() {
        let l = Lesson::from_toml(GOOD).unwrap();
        assert_eq!(l.steps.len(), 2);
        assert_eq!(l.steps[0].look[0].at, Panel::AcceptQueue);
    }

    #[test]
    fn a_syntax_error_names_the_line() {
        let bad = GOOD.replace("slug = \"sticky-sender\"", "slug = sticky");
        let e = Lesson::from_toml(&bad).unwrap_err().to_string();
        assert!(e.starts_with("line 3, column"), "{e}");
    }

    #[test]
    fn a_name_used_too_early_is_reported_with_its_step() {
        let bad = GOOD.replace("port = \"$srv.port\"", "port = \"$server.port\"");
        let e = Lesson::from_toml(&bad).unwrap_err().to_string();
        assert!(
            e.starts_with("step 2: command 1:") && e.contains("$server"),
            "{e}"
        );
    }

    #[test]
    fn a_look_at_a_panel_the_socket_lacks_is_reported() {
        let on_listener = GOOD.replace("at = \"accept-queue\"", "at = \"recv-buffer\"");
        let e = Lesson::from_toml(&on_listener).unwrap_err().to_string();
        assert!(
            e.starts_with("step 1: looks at the \"recv-buffer\" of \"srv\", a listener")
                && e.contains("accept-queue"),
            "{e}"
        );
        let bad = GOOD.replace(
            "expect = [",
            "look = [{ socket = \"cli\", at = \"accept-queue\" }]\nexpect = [",
        );
        let e = Lesson::from_toml(&bad).unwrap_err().to_string();
        assert!(e.contains("step 2") && e.contains("not a listener"), "{e}");
        // A name given again belongs to its new socket: here a client, with a buffer.
        let renamed = GOOD
            .replace("as = \"cli\"", "as = \"srv\"")
            .replace("\"$cli\"", "\"$srv\"")
            .replace(
                "expect = [{ event = \"sent\", socket = \"cli\" }]",
                "look = [{ socket = \"srv\", at = \"recv-buffer\" }]",
            );
        assert!(Lesson::from_toml(&renamed).is_ok(), "{renamed}");
    }

    #[test]
    fn an_unknown_command_or_key_is_reported() {
        let e = Lesson::from_toml(&GOOD.replace("cmd = \"connect\"", "cmd = \"dial\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("step 2") && e.contains("dial"), "{e}");
        let e = Lesson::from_toml(&GOOD.replace("goal =", "gaol ="))
            .unwrap_err()
            .to_string();
        assert!(e.contains("gaol"), "{e}");
    }
}
