//! The WebSocket itself: opening it, reopening it with back-off when it drops, and sending a
//! text frame on whichever socket is current; pinging the server while the link is up; and,
//! when a socket never opens, asking whether the server wants the lab's token.
//!
//! The JavaScript callbacks of the current socket are kept alive in a thread-local slot and
//! dropped only when the next attempt replaces them, never from inside a callback (dropping a
//! running wasm-bindgen closure is an error).

use std::cell::{Cell, RefCell};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use socklab_shared::protocol::Envelope;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::Lab;
use super::api;
use super::inbox::{deliver, forget_waiters};
use crate::link::{
    LinkStatus, is_keepalive_reply, keepalive_ping, ping_interval, reconnect_delay, ws_url,
};
use crate::token::{is_refusal, page_token};

/// A live socket and the callbacks the browser calls on it.
struct Conn {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

thread_local! {
    static CURRENT: RefCell<Option<Conn>> = const { RefCell::new(None) };
    /// Counts the sockets opened: a keep-alive timer of an older socket stops by itself.
    static GENERATION: Cell<u64> = const { Cell::new(0) };
    /// The generation whose keep-alive timer runs (at most one per socket).
    static PINGING: Cell<u64> = const { Cell::new(0) };
}

/// Opens the link and keeps reopening it whenever it drops.
pub fn connect(lab: Lab) {
    open(lab, 0);
}

fn open(lab: Lab, attempt: u32) {
    lab.status.set(LinkStatus::Connecting);
    GENERATION.with(|g| g.set(g.get() + 1));
    let location = window().location();
    let url = ws_url(
        &location.protocol().unwrap_or_default(),
        &location.host().unwrap_or_default(),
        page_token().as_deref(),
    );
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            retry_later(lab, attempt);
            return;
        }
    };
    let on_open = Closure::<dyn FnMut()>::new(move || lab.opened());
    let opened_at_least_once = lab.status;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            match Envelope::parse(&text) {
                Ok(env) if is_keepalive_reply(&env) => {}
                Ok(env) => deliver(lab, env),
                Err(err) => {
                    lab.last_error.set(Some(format!(
                        "the server sent something this page can't read: {err}"
                    )));
                    lab.last_error_code.set(None);
                }
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
        // A link that was up starts the back-off from the beginning.
        let was_open = opened_at_least_once.get_untracked() == LinkStatus::Connected;
        let next = if was_open { 0 } else { attempt + 1 };
        lab.status.set(LinkStatus::Disconnected);
        forget_waiters();
        if !was_open && !lab.needs_token.get_untracked() {
            ask_about_token(lab);
        }
        retry_later(lab, next);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let old = CURRENT.with(|slot| {
        slot.borrow_mut().replace(Conn {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    });
    if let Some(old) = old {
        old.socket.set_onclose(None);
        let _ = old.socket.close();
    }
}

fn retry_later(lab: Lab, attempt: u32) {
    set_timeout(move || open(lab, attempt), reconnect_delay(attempt));
}

/// The socket never opened, and a browser can't see why (the 401 of a refused upgrade is
/// hidden from pages): asks `/api/lessons`, which needs the token too. One request per failed
/// attempt, so it follows the reconnect back-off, and none once the answer was "no token".
fn ask_about_token(lab: Lab) {
    spawn_local(async move {
        if let Ok(status) = api::status("/api/lessons").await
            && is_refusal(status)
            && lab.status.get_untracked() != LinkStatus::Connected
        {
            lab.needs_token.set(true);
        }
    });
}

/// The server said hello on the current socket, with its idle timeout: pings it from now on,
/// as long as this socket is the current one ([`ping_interval`]; nothing when it is 0).
pub(super) fn keep_alive(idle_timeout_ms: u64) {
    let Some(every) = ping_interval(idle_timeout_ms) else {
        return;
    };
    let generation = GENERATION.with(Cell::get);
    if PINGING.with(|p| p.replace(generation)) != generation {
        ping_later(generation, every);
    }
}

fn ping_later(generation: u64, every: Duration) {
    set_timeout(
        move || {
            if GENERATION.with(Cell::get) == generation && send_text(&keepalive_ping()) {
                ping_later(generation, every);
            }
        },
        every,
    );
}

/// Sends one text frame on the current socket; false when there is none or it is not open.
pub(super) fn send_text(text: &str) -> bool {
    CURRENT.with(|slot| match slot.borrow().as_ref() {
        Some(conn) if conn.socket.ready_state() == WebSocket::OPEN => {
            conn.socket.send_with_str(text).is_ok()
        }
        _ => false,
    })
}
