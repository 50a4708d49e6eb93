//! The page's keyboard shortcuts, decided in one place: while a lesson runs, ← → and space
//! step the lesson (the lecturer's clicker sends exactly these); otherwise they step the
//! timeline. Home goes to the timeline's first step, End and Escape back to now, always.
//!
//! Nothing is taken while the user types (an input, a select, a text area), and space on a
//! focused button presses that button, as the browser does.

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// The lesson's next step.
    LessonNext,
    /// The lesson's previous step (run again from the start).
    LessonPrev,
    /// The timeline: one step back.
    TimelinePrev,
    /// The timeline: one step forward.
    TimelineNext,
    /// The timeline: play / pause.
    TogglePlay,
    /// The timeline's first step.
    First,
    /// Back to now (the live picture).
    Live,
}

/// What `key` (the DOM `key` name) does when the event's target is a `tag` element
/// (lowercase; "" for none) and `lesson` says whether a lesson is chosen.
pub fn key_action(key: &str, tag: &str, lesson: bool) -> Option<KeyAction> {
    if matches!(tag, "input" | "select" | "textarea") {
        return None;
    }
    Some(match key {
        "ArrowLeft" if lesson => KeyAction::LessonPrev,
        "ArrowRight" if lesson => KeyAction::LessonNext,
        " " if tag == "button" => return None,
        " " if lesson => KeyAction::LessonNext,
        "ArrowLeft" => KeyAction::TimelinePrev,
        "ArrowRight" => KeyAction::TimelineNext,
        " " => KeyAction::TogglePlay,
        "Home" => KeyAction::First,
        "End" | "Escape" => KeyAction::Live,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn during_a_lesson_the_arrows_and_space_step_the_lesson() {
        assert_eq!(
            key_action("ArrowRight", "body", true),
            Some(KeyAction::LessonNext)
        );
        assert_eq!(key_action(" ", "body", true), Some(KeyAction::LessonNext));
        assert_eq!(
            key_action("ArrowLeft", "", true),
            Some(KeyAction::LessonPrev)
        );
        assert_eq!(
            key_action("ArrowRight", "button", true),
            Some(KeyAction::LessonNext)
        );
        assert_eq!(key_action("End", "body", true), Some(KeyAction::Live));
    }

    #[test]
    fn without_a_lesson_they_step_the_timeline() {
        assert_eq!(
            key_action("ArrowLeft", "body", false),
            Some(KeyAction::TimelinePrev)
        );
        assert_eq!(key_action(" ", "body", false), Some(KeyAction::TogglePlay));
        assert_eq!(key_action("Escape", "body", false), Some(KeyAction::Live));
        assert_eq!(key_action("Home", "body", false), Some(KeyAction::First));
    }

    #[test]
    fn typing_and_pressing_buttons_are_left_alone() {
        assert_eq!(key_action("ArrowLeft", "input", true), None);
        assert_eq!(key_action(" ", "textarea", false), None);
        assert_eq!(key_action(" ", "button", true), None);
        assert_eq!(key_action("a", "body", true), None);
    }
}
