//! The position from a history, and a player moved to it.

use socklab_shared::lesson::{Lesson, Look, Panel, Step, Text};
use socklab_shared::protocol::{Envelope, Event, LessonAt, SocketId};

use super::{at, of_player, show};
use crate::model::lesson_player::Player;

fn text(s: &str) -> Text {
    Text {
        en: s.into(),
        zh: s.into(),
    }
}

fn lesson(slug: &str, steps: usize) -> Lesson {
    let step = Step {
        say: text("say"),
        run: vec![],
        look: vec![Look {
            socket: Some("srv".into()),
            at: Panel::RecvBuffer,
        }],
        expect: vec![],
    };
    Lesson {
        number: 1,
        slug: slug.into(),
        title: text("t"),
        goal: text("g"),
        steps: vec![step; steps],
    }
}

fn position(lesson: &str, step: u32, sockets: &[(&str, u32)]) -> LessonAt {
    LessonAt {
        lesson: lesson.into(),
        step,
        sockets: sockets
            .iter()
            .map(|(n, s)| (n.to_string(), SocketId(*s)))
            .collect(),
    }
}

fn env(seq: u64, event: Event) -> Envelope {
    Envelope {
        seq,
        t_us: seq,
        req: None,
        event,
    }
}

#[test]
fn the_position_at_a_moment_is_the_last_one_before_it() {
    let h = vec![
        env(1, Event::Pong),
        env(2, Event::LessonAt(position("a", 1, &[]))),
        env(3, Event::Pong),
        env(4, Event::LessonAt(position("a", 2, &[("srv", 1)]))),
    ];
    assert_eq!(at(&h, Some(1)), None);
    assert_eq!(at(&h, Some(2)).unwrap().step, 1);
    assert_eq!(at(&h, Some(3)).unwrap().step, 1);
    assert_eq!(at(&h, None).unwrap().step, 2);
    assert_eq!(at(&h, Some(99)).unwrap().step, 2, "past the end is the end");
}

#[test]
fn a_follower_player_takes_the_lesson_step_and_names() {
    let mut p = Player {
        lessons: vec![lesson("a", 3), lesson("b", 2)],
        ..Default::default()
    };
    assert!(show(&mut p, Some(&position("b", 1, &[("srv", 7)]))));
    assert_eq!((p.current, p.done), (Some(1), 1));
    assert_eq!(p.looks(), vec![(Some(SocketId(7)), Panel::RecvBuffer)]);
    assert!(
        !show(&mut p, Some(&position("b", 1, &[("srv", 7)]))),
        "nothing changed"
    );
    // A step past the lesson's end stops at its end; an unknown lesson is no lesson.
    assert!(show(&mut p, Some(&position("a", 9, &[]))));
    assert_eq!((p.current, p.done), (Some(0), 3));
    assert!(show(&mut p, Some(&position("gone", 1, &[]))));
    assert_eq!((p.current, p.done), (None, 0));
    assert!(!show(&mut p, None));
}

#[test]
fn the_lecturers_player_says_its_position() {
    let mut p = Player {
        lessons: vec![lesson("a", 3)],
        ..Default::default()
    };
    assert_eq!(of_player(&p), position("", 0, &[]));
    show(&mut p, Some(&position("a", 2, &[("srv", 4)])));
    let back = of_player(&p);
    assert_eq!(back, position("a", 2, &[("srv", 4)]));
    assert_eq!(back.check(), Ok(()));
}
