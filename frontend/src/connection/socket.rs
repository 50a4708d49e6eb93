//! The WebSocket itself: opening it, reopening it with back-off when it drops, and sending a
//! text frame on whichever socket is current.
//!
//! The JavaScript callbacks of the current socket are kept alive in a thread-local slot and
//! dropped only when the next attempt replaces them, never from inside a callback (dropping a
//! running wasm-bindgen closure is an error).

use std::cell::RefCell;

use leptos::prelude::*;
use socklab_shared::protocol::Envelope;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::Lab;
use super::inbox::{deliver, forget_waiters};
use crate::link::{LinkStatus, reconnect_delay, ws_url};

/// A live socket and the callbacks the browser calls on it.
struct Conn {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

thread_local! {
    static CURRENT: RefCell<Option<Conn>> = const { RefCell::new(None) };
}

/// Opens the link and keeps reopening it whenever it drops.
pub fn connect(lab: Lab) {
    open(lab, 0);
}

fn open(lab: Lab, attempt: u32) {
    lab.status.set(LinkStatus::Connecting);
    let location = window().location();
    let url = ws_url(
        &location.protocol().unwrap_or_default(),
        &location.host().unwrap_or_default(),
    );
    let socket = match WebSocket::new(&url) {
        Ok(s) => s,
        Err(_) => {
            retry_later(lab, attempt);
            return;
        }
    };
    let on_open = Closure::<dyn FnMut()>::new(move || {
        lab.status.set(LinkStatus::Connected);
        lab.last_error.set(None);
    });
    let opened_at_least_once = lab.status;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            match Envelope::parse(&text) {
                Ok(env) => deliver(lab, env),
                Err(err) => lab.last_error.set(Some(format!(
                    "the server sent something this page can't read: {err}"
                ))),
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_e: CloseEvent| {
        // A link that was up starts the back-off from the beginning.
        let next = if opened_at_least_once.get_untracked() == LinkStatus::Connected {
            0
        } else {
            attempt + 1
        };
        lab.status.set(LinkStatus::Disconnected);
        forget_waiters();
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

/// Sends one text frame on the current socket; false when there is none or it is not open.
pub(super) fn send_text(text: &str) -> bool {
    CURRENT.with(|slot| match slot.borrow().as_ref() {
        Some(conn) if conn.socket.ready_state() == WebSocket::OPEN => {
            conn.socket.send_with_str(text).is_ok()
        }
        _ => false,
    })
}
