//! The lesson player's state, as plain data: which lesson, how many steps have run and the
//! names the lesson's commands gave to sockets. The narration's language is the page's
//! ([`crate::i18n::Lang`]), passed in.
//!
//! Stepping back can't undo what real sockets did, so "previous" means: close the lab's
//! sockets (a clean slate, [`crate::lab::Lab::start_fresh`]) and run the steps before the
//! current one again (quickly, as one script).

use std::collections::HashMap;

use serde_json::Value;
use socklab_shared::lesson::{Lesson, LessonProblem, Panel, Step};
use socklab_shared::protocol::SocketId;
use socklab_shared::script::Named;

pub use crate::i18n::Lang;
use crate::i18n::{fill, lesson::LessonText};

/// Everything the lesson panel shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Player {
    pub lessons: Vec<Lesson>,
    pub problems: Vec<LessonProblem>,
    /// Index into `lessons`.
    pub current: Option<usize>,
    /// How many steps have been run.
    pub done: usize,
    /// Sockets the lesson named so far.
    pub names: HashMap<String, Named>,
}

impl Player {
    pub fn lesson(&self) -> Option<&Lesson> {
        self.lessons.get(self.current?)
    }

    /// The step whose narration is shown: the last one run.
    pub fn shown_step(&self) -> Option<&Step> {
        self.lesson()?.steps.get(self.done.checked_sub(1)?)
    }

    /// The commands "next" runs, if there is a next step.
    pub fn next_commands(&self) -> Option<Vec<Value>> {
        Some(self.lesson()?.steps.get(self.done)?.run.clone())
    }

    /// The commands of every remaining step, for "run to the end".
    pub fn remaining_commands(&self) -> Vec<Value> {
        self.lesson()
            .map(|l| {
                l.steps
                    .iter()
                    .skip(self.done)
                    .flat_map(|s| s.run.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The commands that bring a fresh lab to the state after `steps` steps.
    pub fn commands_up_to(&self, steps: usize) -> Vec<Value> {
        self.lesson()
            .map(|l| {
                l.steps
                    .iter()
                    .take(steps)
                    .flat_map(|s| s.run.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// "step 2 of 5", or "ready" before the first step.
    pub fn position(&self, lang: Lang) -> String {
        let t = LessonText::of(lang);
        match self.lesson() {
            Some(l) if self.done > 0 => fill(t.step, &[&self.done, &l.steps.len()]),
            Some(l) => fill(t.ready, &[&l.steps.len()]),
            None => String::new(),
        }
    }

    /// The narration to show now: the goal before the first step, then each step's text.
    pub fn narration(&self, lang: Lang) -> Option<String> {
        let text = match self.shown_step() {
            Some(step) => &step.say,
            None => &self.lesson()?.goal,
        };
        Some(match lang {
            Lang::En => text.en.clone(),
            Lang::Zh => text.zh.clone(),
        })
    }

    /// What to highlight: (socket, panel) for the step shown; `None` socket = page-wide panel.
    pub fn looks(&self) -> Vec<(Option<SocketId>, Panel)> {
        let Some(step) = self.shown_step() else {
            return vec![];
        };
        step.look
            .iter()
            .filter_map(|l| match &l.socket {
                Some(name) => self.names.get(name).map(|n| (Some(n.socket), l.at)),
                None => Some((None, l.at)),
            })
            .collect()
    }

    /// Chooses a lesson and starts it from the beginning.
    pub fn select(&mut self, index: Option<usize>) {
        self.current = index.filter(|i| *i < self.lessons.len());
        self.done = 0;
        self.names.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::lesson::{Look, Text};

    fn text(s: &str) -> Text {
        Text {
            en: s.into(),
            zh: format!("{s}（中）"),
        }
    }

    fn lesson() -> Lesson {
        let step = |say: &str, cmd: &str| Step {
            say: text(say),
            run: vec![serde_json::json!({"cmd": cmd})],
            look: vec![Look {
                socket: Some("srv".into()),
                at: Panel::RecvBuffer,
            }],
            expect: vec![],
        };
        Lesson {
            number: 9,
            slug: "s".into(),
            title: text("t"),
            goal: text("goal"),
            steps: vec![step("one", "ping"), step("two", "snapshot")],
        }
    }

    #[test]
    fn narration_follows_the_steps_in_either_language() {
        let mut p = Player {
            lessons: vec![lesson()],
            ..Default::default()
        };
        p.select(Some(0));
        assert_eq!(p.narration(Lang::En).unwrap(), "goal");
        assert_eq!(p.position(Lang::En), "ready · 2 steps");
        assert_eq!(p.position(Lang::Zh), "准备就绪 · 共 2 步");
        assert_eq!(p.next_commands().unwrap()[0]["cmd"], "ping");
        p.done = 1;
        assert_eq!(p.narration(Lang::En).unwrap(), "one");
        assert_eq!(p.narration(Lang::Zh).unwrap(), "one（中）");
        assert_eq!(p.position(Lang::En), "step 1 of 2");
        assert_eq!(p.position(Lang::Zh), "第 1 步，共 2 步");
        assert_eq!(p.remaining_commands().len(), 1);
        assert_eq!(p.commands_up_to(1)[0]["cmd"], "ping");
        p.done = 2;
        assert!(p.next_commands().is_none());
    }

    #[test]
    fn looks_resolve_names_to_sockets() {
        let mut p = Player {
            lessons: vec![lesson()],
            ..Default::default()
        };
        p.select(Some(0));
        p.done = 1;
        assert!(p.looks().is_empty(), "no socket named srv yet");
        p.names.insert(
            "srv".into(),
            Named {
                socket: SocketId(4),
                port: 1,
            },
        );
        assert_eq!(p.looks(), [(Some(SocketId(4)), Panel::RecvBuffer)]);
    }
}
