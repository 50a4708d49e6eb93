//! The WebSocket itself: opening it, reopening it with back-off when it drops, and sending a
//! text frame on whichever socket is current; pinging the server while the link is up; and,
//! when a socket never opens, asking whether the server wants the lab's token.
//!
//! The current socket and its JavaScript callbacks are kept in the connection's [`Link`] and
//! dropped only when the next attempt replaces them, never from inside a callback (dropping a
//! running wasm-bindgen closure is an error).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use socklab_shared::protocol::Envelope;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::{Connection, Listener, api};
use crate::follow::{page_follow_key, with_access};
use crate::link::{
    LinkStatus, is_keepalive_reply, keepalive_ping, ping_interval, reconnect_delay, ws_url,
};
use crate::model::lab_full::LabFull;
use crate::token::{is_refusal, page_token};

/// A live socket and the callbacks the browser calls on it.
struct Conn {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

/// What a [`Connection`] owns of its sockets.
#[derive(Default)]
pub(super) struct Link {
    current: Option<Conn>,
    /// Counts the sockets opened: a keep-alive timer of an older socket stops by itself.
    generation: u64,
    /// The generation whose keep-alive timer runs (at most one per socket).
    pinging: u64,
}

/// Opens a socket (attempt number `attempt` since the link was last up), and reopens it
/// whenever it drops.
pub(super) fn open(conn: Connection, listener: impl Listener, attempt: u32) {
    conn.status.set(LinkStatus::Connecting);
    conn.link.update_value(|l| l.generation += 1);
    let location = window().location();
    let url = with_access(
        &ws_url(
            &location.protocol().unwrap_or_default(),
            &location.host().unwrap_or_default(),
            None,
        ),
        page_follow_key(),
        page_token().as_deref(),
    );
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            retry_later(conn, listener, attempt);
            return;
        }
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        conn.status.set(LinkStatus::Connected);
        conn.needs_token.set(false);
        conn.full.set(None);
        listener.opened();
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            match Envelope::parse(&text) {
                Ok(env) if is_keepalive_reply(&env) => {}
                Ok(env) => conn.deliver(listener, env),
                Err(err) => listener.unreadable(format!(
                    "the server sent something this page can't read: {err}"
                )),
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
        // A link that was up starts the back-off from the beginning.
        let was_open = conn.status.get_untracked() == LinkStatus::Connected;
        let next = if was_open { 0 } else { attempt + 1 };
        conn.status.set(LinkStatus::Disconnected);
        conn.dropped();
        if !was_open && !conn.needs_token.get_untracked() {
            ask_about_token(conn);
        }
        retry_later(conn, listener, next);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let old = conn
        .link
        .try_update_value(|l| {
            l.current.replace(Conn {
                socket,
                _on_open: on_open,
                _on_message: on_message,
                _on_close: on_close,
            })
        })
        .flatten();
    if let Some(old) = old {
        old.socket.set_onclose(None);
        let _ = old.socket.close();
    }
}

fn retry_later(conn: Connection, listener: impl Listener, attempt: u32) {
    set_timeout(
        move || open(conn, listener, attempt),
        reconnect_delay(attempt),
    );
}

/// The socket never opened, and a browser can't see why (the 401 of a refused upgrade, or
/// the 503 / 429 of a full lab, is hidden from pages): asks `/api/lessons`, which needs the
/// token too, and when the token is fine, `/api/stats`, which says whether the lab is full.
/// One or two requests per failed attempt, so they follow the reconnect back-off, and none
/// once the answer was "no token".
fn ask_about_token(conn: Connection) {
    spawn_local(async move {
        let Ok(status) = api::status("/api/lessons").await else {
            return;
        };
        if conn.status.get_untracked() == LinkStatus::Connected {
            return;
        }
        if is_refusal(status) {
            conn.needs_token.set(true);
            return;
        }
        let full = match api::get("/api/stats").await {
            Ok(reply) if (200..300).contains(&reply.status) => LabFull::from_stats(&reply.body),
            _ => None,
        };
        if conn.status.get_untracked() != LinkStatus::Connected {
            conn.full.set(full);
        }
    });
}

/// The server said hello on the current socket, with its idle timeout: pings it from now on,
/// as long as this socket is the current one ([`ping_interval`]; nothing when it is 0).
pub(super) fn keep_alive(conn: Connection, idle_timeout_ms: u64) {
    let Some(every) = ping_interval(idle_timeout_ms) else {
        return;
    };
    let started = conn.link.try_update_value(|l| {
        let generation = l.generation;
        (std::mem::replace(&mut l.pinging, generation) != generation).then_some(generation)
    });
    if let Some(Some(generation)) = started {
        ping_later(conn, generation, every);
    }
}

fn ping_later(conn: Connection, generation: u64, every: Duration) {
    set_timeout(
        move || {
            let current = conn.link.try_with_value(|l| l.generation) == Some(generation);
            if current && send_text(conn, &keepalive_ping()) {
                ping_later(conn, generation, every);
            }
        },
        every,
    );
}

/// Sends one text frame on the current socket; false when there is none or it is not open.
pub(super) fn send_text(conn: Connection, text: &str) -> bool {
    let socket = conn
        .link
        .try_with_value(|l| l.current.as_ref().map(|c| c.socket.clone()))
        .flatten();
    match socket {
        Some(socket) if socket.ready_state() == WebSocket::OPEN => {
            socket.send_with_str(text).is_ok()
        }
        _ => false,
    }
}
