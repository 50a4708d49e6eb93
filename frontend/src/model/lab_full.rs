//! Why a page can't open a session although the server answers: the lab is full (every
//! session the server allows is taken), or this computer has as many open as one client
//! may. The server refuses the WebSocket (503 / 429, which a browser page can't see), so the
//! page asks `GET /api/stats` and words the answer here: why, and what to do.

use crate::i18n::app::AppText;
use crate::i18n::{Lang, fill};

/// What `/api/stats` says about sessions (the fields the page needs; a missing one is 0).
struct Sessions {
    sessions: u64,
    max_sessions: u64,
    your_sessions: u64,
    max_sessions_per_client: u64,
}

impl Sessions {
    fn parse(body: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(body).ok()?;
        let n = |k: &str| v[k].as_u64().unwrap_or(0);
        Some(Sessions {
            sessions: v["sessions"].as_u64()?,
            max_sessions: v["max_sessions"].as_u64()?,
            your_sessions: n("your_sessions"),
            max_sessions_per_client: n("max_sessions_per_client"),
        })
    }
}

/// Why no session could be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabFull {
    /// Every session the lab allows is open.
    Everyone { max: u64 },
    /// This computer (its address) has as many sessions open as one client may.
    ThisComputer { yours: u64, max: u64 },
}

impl LabFull {
    /// Reads the body of `/api/stats`: `None` when there is room (the refusal was something
    /// else) or the body can't be read.
    pub fn from_stats(body: &str) -> Option<Self> {
        let s = Sessions::parse(body)?;
        if s.max_sessions_per_client > 0 && s.your_sessions >= s.max_sessions_per_client {
            Some(LabFull::ThisComputer {
                yours: s.your_sessions,
                max: s.max_sessions_per_client,
            })
        } else if s.max_sessions > 0 && s.sessions >= s.max_sessions {
            Some(LabFull::Everyone {
                max: s.max_sessions,
            })
        } else {
            None
        }
    }

    /// What the page says: why, and what to do (in `lang`).
    pub fn message(&self, lang: Lang) -> String {
        let t = AppText::of(lang);
        match self {
            LabFull::Everyone { max } => fill(t.full_everyone, &[max]),
            LabFull::ThisComputer { yours, max } => fill(t.full_this_computer, &[yours, max]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_lab_says_so_and_what_to_do() {
        let body = r#"{"sessions":64,"max_sessions":64,"your_sessions":3,"max_sessions_per_client":16,"tasks":9}"#;
        let full = LabFull::from_stats(body).unwrap();
        assert_eq!(full, LabFull::Everyone { max: 64 });
        let m = full.message(Lang::En);
        assert!(m.contains("full") && m.contains("--max-sessions"), "{m}");
        assert!(full.message(Lang::Zh).contains("--max-sessions"));
    }

    #[test]
    fn too_many_tabs_on_one_computer_is_named() {
        let body =
            r#"{"sessions":20,"max_sessions":64,"your_sessions":16,"max_sessions_per_client":16}"#;
        assert_eq!(
            LabFull::from_stats(body),
            Some(LabFull::ThisComputer { yours: 16, max: 16 })
        );
    }

    #[test]
    fn room_left_or_an_unreadable_answer_is_no_reason() {
        let body =
            r#"{"sessions":2,"max_sessions":64,"your_sessions":1,"max_sessions_per_client":16}"#;
        assert_eq!(LabFull::from_stats(body), None);
        assert_eq!(LabFull::from_stats("not json"), None);
    }
}
