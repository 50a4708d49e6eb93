//! Follow mode: a lecturer shares the session with the room, and students' pages follow it,
//! read-only (docs/protocol.md, "Following a shared session").
//!
//! - The lecturer's page sends `share`, and shows the follow link, its QR code and how many
//!   follow ([`FollowState`], kept up to date by [`FollowState::observe`]).
//! - A follower's page was opened at `/?follow=KEY` ([`follow_key_from_query`]): it connects
//!   with the key instead of the token ([`with_access`]) and gets its own hello, `following`,
//!   and then the lecturer's events, each wrapped in a `relay`. [`route`] says what to do with
//!   each: the inner envelope goes through the page's normal handling as if received.
//!
//! Everything but [`page_follow_key`] is plain data handling, tested natively.

use std::cell::OnceCell;

use leptos::prelude::*;
use socklab_shared::protocol::{Envelope, Event};

use crate::token::{decode, encode, with_token};

/// The name of the query parameter that carries the follow key.
const PARAM: &str = "follow";

/// The first non-empty `follow` parameter of a query string (`location.search`), decoded.
pub fn follow_key_from_query(search: &str) -> Option<String> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name) == PARAM).then(|| decode(value))
        })
        .find(|value| !value.is_empty())
}

/// `path` with what opens it: `follow=KEY` on a follower's page, the lab's token otherwise.
pub fn with_access(path: &str, follow: Option<&str>, token: Option<&str>) -> String {
    match follow {
        Some(key) => {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}{PARAM}={}", encode(key))
        }
        None => with_token(path, token),
    }
}

/// The link students open: `<origin>/?follow=KEY` (`origin` as `location.origin` gives it).
pub fn follow_link(origin: &str, key: &str) -> String {
    format!("{}/?{PARAM}={}", origin.trim_end_matches('/'), encode(key))
}

/// The address of the follow link's QR code (an SVG the server draws; it needs the token).
pub fn qr_src(key: &str, token: Option<&str>) -> String {
    with_token(&format!("/api/follow-qr?{PARAM}={}", encode(key)), token)
}

/// What a page does with one envelope from its WebSocket.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// The page's normal handling, as for any event (everything on a lecturer's page; a
    /// follower's own hello, which starts its session and its keep-alive).
    Normal(Envelope),
    /// A follower got one of the lecturer's events: handled as if the page had received it,
    /// but it answers none of this page's own requests.
    Relayed(Envelope),
    /// The follower's connection is following (the badge shows).
    Following,
    /// A follower's own error (a refused command, the session ended, fell behind): shown,
    /// not kept in the history, which is the lecturer's.
    Own(Envelope),
    /// Nothing to do (a follower's own pong).
    Ignore,
}

/// Where `env` goes; `follower` when the page follows a shared session.
pub fn route(env: Envelope, follower: bool) -> Route {
    if !follower {
        return Route::Normal(env);
    }
    match env.event {
        Event::Relay { envelope } => Route::Relayed(*envelope),
        Event::Following { .. } => Route::Following,
        Event::Hello { .. } => Route::Normal(env),
        Event::Error { .. } => Route::Own(env),
        _ => Route::Ignore,
    }
}

/// What the page knows of follow mode, as signals.
#[derive(Clone, Copy)]
pub struct FollowState {
    /// The key of the page's address (`?follow=`): this page is a follower.
    pub key: Option<&'static str>,
    /// The follower's connection said `following`.
    pub following: RwSignal<bool>,
    /// The lecturer shared the session under this key.
    pub shared: RwSignal<Option<String>>,
    /// How many follow the lecturer's session.
    pub followers: RwSignal<u32>,
}

impl FollowState {
    pub fn new(key: Option<&'static str>) -> Self {
        FollowState {
            key,
            following: RwSignal::new(false),
            shared: RwSignal::new(None),
            followers: RwSignal::new(0),
        }
    }

    /// Whether this page follows a shared session.
    pub fn is_follower(&self) -> bool {
        self.key.is_some()
    }

    /// Follows an event of the lecturer's own page: `shared` and `followers`; a hello is a new
    /// session, not shared yet.
    pub fn observe(&self, event: &Event) {
        if self.is_follower() {
            return;
        }
        if matches!(event, Event::Hello { .. }) {
            self.shared.set(None);
            self.followers.set(0);
        }
        if let Some((key, count)) = sharing(event) {
            if let Some(key) = key {
                self.shared.set(Some(key.to_owned()));
            }
            self.followers.set(count);
        }
    }
}

/// The follow key (when the event gives one) and the follower count an event tells.
pub fn sharing(event: &Event) -> Option<(Option<&str>, u32)> {
    match event {
        Event::Shared { key, followers } => Some((Some(key), *followers)),
        Event::Followers { count } => Some((None, *count)),
        _ => None,
    }
}

thread_local! {
    static PAGE_FOLLOW: OnceCell<Option<&'static str>> = const { OnceCell::new() };
}

/// The follow key of this page's address, read once (`None`: not a follower).
pub fn page_follow_key() -> Option<&'static str> {
    PAGE_FOLLOW.with(|cell| {
        *cell.get_or_init(|| {
            // Native unit tests have no browser: no page, no key.
            if !cfg!(target_arch = "wasm32") {
                return None;
            }
            let search = web_sys::window()?.location().search().ok()?;
            follow_key_from_query(&search).map(|k| &*Box::leak(k.into_boxed_str()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use socklab_shared::protocol::{ErrorCode, Sequencer, SocketId};

    const KEY: &str = "5f0c3e1b9a2d4c6e8f1a3b5c7d9e0f21";

    #[test]
    fn the_key_comes_from_the_address() {
        assert_eq!(
            follow_key_from_query(&format!("?follow={KEY}")).as_deref(),
            Some(KEY)
        );
        assert_eq!(
            follow_key_from_query("?a=1&follow=&follow=k%20y").as_deref(),
            Some("k y")
        );
        assert_eq!(follow_key_from_query("?token=x"), None);
        assert_eq!(follow_key_from_query(""), None);
        assert_eq!(follow_key_from_query("?follower=1"), None);
    }

    #[test]
    fn a_follower_opens_with_the_key_and_the_lecturer_with_the_token() {
        assert_eq!(
            with_access("ws://h/ws", Some(KEY), Some("t")),
            format!("ws://h/ws?follow={KEY}")
        );
        assert_eq!(
            with_access("/api/lessons", Some("a b"), None),
            "/api/lessons?follow=a%20b"
        );
        assert_eq!(with_access("/x?y=1", Some("k"), None), "/x?y=1&follow=k");
        assert_eq!(
            with_access("/api/lessons", None, Some("t")),
            "/api/lessons?token=t"
        );
        assert_eq!(with_access("/api/lessons", None, None), "/api/lessons");
    }

    #[test]
    fn the_link_and_its_qr_code() {
        assert_eq!(
            follow_link("http://127.0.0.1:8080", KEY),
            format!("http://127.0.0.1:8080/?follow={KEY}")
        );
        assert_eq!(
            follow_link("https://lab.example/", "k"),
            "https://lab.example/?follow=k"
        );
        assert_eq!(qr_src("k", Some("t")), "/api/follow-qr?follow=k&token=t");
        assert_eq!(qr_src("k", None), "/api/follow-qr?follow=k");
    }

    fn closed() -> Event {
        Event::Closed {
            socket: SocketId(1),
        }
    }

    fn refused() -> Event {
        Event::Error {
            code: ErrorCode::ReadOnly,
            message: "can't run commands".into(),
            hint: None,
            socket: None,
            errno: None,
        }
    }

    #[test]
    fn a_lecturer_handles_everything_as_usual() {
        let mut seq = Sequencer::default();
        for event in [closed(), refused(), Event::Following { missing: 0 }] {
            let env = seq.stamp(0, Some(3), event);
            assert_eq!(route(env.clone(), false), Route::Normal(env));
        }
    }

    #[test]
    fn a_follower_unwraps_relays_and_keeps_its_own_events_apart() {
        let mut lecturer = Sequencer::default();
        let mut own = Sequencer::default();
        let inner = lecturer.stamp(5, Some(7), closed());
        let relay = own.stamp(
            9,
            None,
            Event::Relay {
                envelope: Box::new(inner.clone()),
            },
        );
        assert_eq!(route(relay, true), Route::Relayed(inner));
        assert_eq!(
            route(own.stamp(0, None, Event::Following { missing: 0 }), true),
            Route::Following
        );
        let error = own.stamp(0, Some(2), refused());
        assert_eq!(route(error.clone(), true), Route::Own(error));
        assert_eq!(
            route(own.stamp(0, Some(3), Event::Pong), true),
            Route::Ignore
        );
    }

    #[test]
    fn a_lecturers_new_session_is_not_shared_yet() {
        let follow = FollowState::new(None);
        follow.observe(&Event::Shared {
            key: KEY.into(),
            followers: 1,
        });
        follow.observe(&Event::Followers { count: 3 });
        assert_eq!(follow.shared.get_untracked().as_deref(), Some(KEY));
        assert_eq!(follow.followers.get_untracked(), 3);
        follow.observe(&crate::test_support::hello());
        assert_eq!(follow.shared.get_untracked(), None);
        assert_eq!(follow.followers.get_untracked(), 0);
        let student = FollowState::new(Some(KEY));
        student.observe(&Event::Followers { count: 3 });
        assert_eq!(
            student.followers.get_untracked(),
            0,
            "a follower shares nothing"
        );
    }

    #[test]
    fn the_lecturer_sees_the_key_and_the_count() {
        assert_eq!(
            sharing(&Event::Shared {
                key: KEY.into(),
                followers: 2
            }),
            Some((Some(KEY), 2))
        );
        assert_eq!(sharing(&Event::Followers { count: 5 }), Some((None, 5)));
        assert_eq!(sharing(&closed()), None);
    }
}
