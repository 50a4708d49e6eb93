//! The lesson player: choose a lesson, press "next", and the lab does the step on real
//! sockets while the narration (English or 简体中文) says what to look at.
//!
//! Lessons come from `/api/lessons`, which the server reads from disk on every request, so
//! "reload lessons" picks up a file the lecturer just dropped in. Files that failed to load are
//! listed with the reason, so a typo is found without reading server logs.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use socklab_shared::lesson::{LessonSet, Panel};
use socklab_shared::protocol::SocketId;

use crate::components::timeline::shortcut;
use crate::connection::api;
use crate::i18n::{Lang, Words, fill, lesson::LessonText, ui_lang};
use crate::lab::{Lab, Owner};
use crate::model::keys::KeyAction;
use crate::model::lesson_player::Player;
use crate::token::is_refusal;

mod follow;
mod place;
mod position;
use crate::model::script::ScriptRun;
use follow::follow_highlights;
pub use place::stored_place;

/// What the page should highlight for the lesson step shown (provided by the app, written by
/// the player, read by the cards and the timeline).
#[derive(Clone, Copy)]
pub struct Highlights(pub RwSignal<Vec<(Option<SocketId>, Panel)>>);

impl Highlights {
    /// Whether `panel` of `socket` (or the page-wide `panel`) is pointed at.
    pub fn has(&self, socket: Option<SocketId>, panel: Panel) -> bool {
        self.0.with(|looks| {
            looks
                .iter()
                .any(|(s, p)| *p == panel && (s.is_none() || *s == socket))
        })
    }
}

/// Whether a script (a lesson step) is still running, untracked.
fn busy_untracked(lab: Lab) -> bool {
    lab.scripts
        .run
        .with_untracked(|r| r.as_ref().is_some_and(|r| !r.finished()))
}

/// The lesson list, with the lab's token. `Ok(None)` when the server refused for lack of the
/// token: `lab.connection.needs_token` is set, and the page says what to do once, at the top.
async fn fetch_lessons(lab: Lab) -> Result<Option<LessonSet>, LoadError> {
    let reply = api::get("/api/lessons").await.map_err(LoadError::Http)?;
    if is_refusal(reply.status) {
        lab.connection.needs_token.set(true);
        return Ok(None);
    }
    if !(200..300).contains(&reply.status) {
        return Err(LoadError::Status(
            reply.status,
            reply.body.trim().to_owned(),
        ));
    }
    serde_json::from_str(&reply.body)
        .map(Some)
        .map_err(|e| LoadError::Bad(e.to_string()))
}

/// Why the lesson list did not load: the page's words (in the page's language) and the
/// server's or parser's own (data, shown as they are).
#[derive(Debug, Clone)]
enum LoadError {
    Http(String),
    Status(u16, String),
    Bad(String),
}

impl LoadError {
    /// (the page's words, the detail as it came).
    fn words(&self, lang: Lang) -> (String, String) {
        let t = LessonText::of(lang);
        match self {
            LoadError::Http(e) => (String::new(), e.clone()),
            LoadError::Status(status, body) => (fill(t.server_answered, &[status]), body.clone()),
            LoadError::Bad(e) => (t.bad_list.to_owned(), e.clone()),
        }
    }
}

#[component]
pub fn LessonPlayer() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let player = RwSignal::new(Player::default());
    let lang = ui_lang();
    let t = move || LessonText::of(lang.get());
    let w = Words::<LessonText>::new();
    let load_error = RwSignal::new(None::<LoadError>);
    if let Some(Highlights(looks)) = use_context::<Highlights>() {
        Effect::new(move |_| looks.set(player.with(|p| p.looks())));
        follow_highlights(looks, lab);
    }
    let reload = move || {
        spawn_local(async move {
            match fetch_lessons(lab).await {
                Ok(None) => load_error.set(None),
                Ok(Some(set)) => {
                    load_error.set(None);
                    player.update(|p| {
                        let slug = p.lesson().map(|l| l.slug.clone());
                        p.lessons = set.lessons;
                        p.problems = set.problems;
                        p.current = slug.and_then(|s| p.lessons.iter().position(|l| l.slug == s));
                    });
                }
                Err(e) => load_error.set(Some(e)),
            }
        });
    };
    reload();
    // Followers and recordings show the lecturer's lesson position; the lecturer sends it.
    position::share_position(lab, player);
    // Keep the names a step's commands gave to sockets, once its script has finished.
    Effect::new(move |_| {
        let names = lab.scripts.run.with(|r| {
            r.as_ref()
                .filter(|r| r.finished())
                .map(|r| r.names().clone())
        });
        if let Some(names) = names {
            player.update(|p| {
                if p.current.is_some() {
                    p.names = names;
                }
            });
        }
    });
    let run = move |commands: Vec<serde_json::Value>| {
        let names = player.with_untracked(|p| p.names.clone());
        lab.run_script(ScriptRun::new(commands, names));
    };
    let busy = move || {
        lab.scripts
            .run
            .with(|r| r.as_ref().is_some_and(|r| !r.finished()))
    };
    let next = move || {
        if let Some(commands) = player.with_untracked(|p| p.next_commands()) {
            player.update(|p| p.done += 1);
            run(commands);
        }
    };
    let run_all = move |_| {
        let commands = player.with_untracked(|p| p.remaining_commands());
        player.update(|p| p.done = p.lesson().map_or(0, |l| l.steps.len()));
        run(commands);
    };
    // Every start of a lesson (choosing it, reset, "previous") is a clean slate: what the
    // last lesson or demo left open is closed, and the timeline starts over.
    let owner = move || {
        player.with_untracked(|p| {
            p.lesson()
                .map_or(Owner::Free, |l| Owner::Lesson(l.slug.clone()))
        })
    };
    let restart = move |keep: usize| {
        let commands = player.with_untracked(|p| p.commands_up_to(keep));
        player.update(|p| {
            p.names.clear();
            p.done = keep;
        });
        lab.start_fresh(owner(), commands, Default::default());
    };
    let choose = move |ev| {
        let index = event_target_value(&ev).parse::<usize>().ok();
        player.update(|p| p.select(index));
        lab.start_fresh(owner(), Vec::new(), Default::default());
    };
    place::keep_place(lab, player, restart);
    // While a lesson runs, → / space / ← step it (a clicker's keys), wherever the focus is.
    let keys = window_event_listener(ev::keydown, move |e: ev::KeyboardEvent| {
        let step_back = match shortcut(&e, lab) {
            Some(KeyAction::LessonNext) => false,
            Some(KeyAction::LessonPrev) => true,
            _ => return,
        };
        e.prevent_default();
        if busy_untracked(lab) {
            return;
        }
        match player.with_untracked(|p| p.done) {
            done if step_back && done > 0 => restart(done - 1),
            _ if step_back => {}
            _ => next(),
        }
    });
    on_cleanup(move || keys.remove());
    // A demo started since ends the lesson: its sockets are gone.
    Effect::new(move |_| {
        if lab.scope.owner.with(|o| matches!(o, Owner::Demo(_))) {
            player.update(|p| p.select(None));
        }
    });
    let failed = move || {
        let in_lesson = player.with(|p| p.current.is_some());
        lab.scripts
            .run
            .with(|r| r.as_ref().and_then(|r| r.failed.clone()))
            .filter(|_| in_lesson)
    };
    view! {
        <section class="lessons" class:active=move || player.with(|p| p.current.is_some()) data-testid="lesson-player">
            <div class="lesson-bar">
                <select data-testid="lesson-select" on:change=choose>
                    <option value="">{w.get(|t| t.choose)}</option>
                    {move || player.with(|p| p.lessons.iter().enumerate().map(|(i, l)| {
                        let label = match lang.get() {
                            Lang::En => format!("{}. {}", l.number, l.title.en),
                            Lang::Zh => format!("{}. {}", l.number, l.title.zh),
                        };
                        view! { <option value=i.to_string() selected=p.current == Some(i)>{label}</option> }
                    }).collect_view())}
                </select>
                <button data-testid="lesson-prev" on:click=move |_| restart(player.with_untracked(|p| p.done.saturating_sub(1)))
                    disabled=move || busy() || player.with(|p| p.done == 0)>{w.get(|t| t.prev)}</button>
                <button data-testid="lesson-next" on:click=move |_| next()
                    disabled=move || busy() || player.with(|p| p.next_commands().is_none())>{w.get(|t| t.next)}</button>
                <button data-testid="lesson-run-all" on:click=run_all
                    disabled=move || busy() || player.with(|p| p.next_commands().is_none())>{w.get(|t| t.run_all)}</button>
                <button data-testid="lesson-reset" on:click=move |_| restart(0)
                    disabled=move || player.with(|p| p.current.is_none())>{w.get(|t| t.reset)}</button>
                // The page's one language switch, here too (the same signal as the top bar's).
                <button data-testid="lesson-lang" lang=move || lang.get().other().tag()
                    on:click=move |_| lang.update(|l| *l = l.other())>
                    {move || lang.get().switch_label()}
                </button>
                <button class="quiet" on:click=move |_| reload()>{w.get(|t| t.reload)}</button>
                <span class="muted" data-testid="lesson-step">{move || player.with(|p| p.position(lang.get()))}</span>
            </div>
            {move || player.with(|p| p.narration(lang.get())).map(|text| view! { <p class="narration" data-testid="lesson-say">{text}</p> })}
            {move || failed().map(|e| view! { <p class="error" data-testid="lesson-error">{t().failed}<span translate="no">{e}</span></p> })}
            {move || load_error.get().map(|e| {
                let (words, detail) = e.words(lang.get());
                view! { <p class="error">{words}<span translate="no">{detail}</span></p> }
            })}
            {move || {
                let problems = player.with(|p| p.problems.clone());
                let n = problems.len();
                (n > 0).then(|| view! {
                    <details class="problems" data-testid="lesson-problems">
                        <summary>{move || fill(t().problems, &[&n])}</summary>
                        <ul translate="no">{problems.into_iter().map(|p| view! { <li><code>{p.file}</code>": "{p.message}</li> }).collect_view()}</ul>
                    </details>
                })
            }}
        </section>
    }
}
