//! One socket's card: what it is, where it is bound, its TCP state, and the actions that make
//! sense for it: accept for a listener; send/recv for a connection; sendto/recvfrom for UDP.
//! A socket on host A or B of the wire says so; a TCP connection shows the kernel's numbers
//! (`TCP_INFO`: round trip, windows, segments in flight, retransmissions) in words.

use leptos::prelude::*;
use socklab_shared::protocol::{AutoBehaviour, Command, SocketId, SocketKind};

use super::buffer_strip::BufferStrip;
use super::stream_actions::{StreamActions, UdpActions};
use crate::components::lesson_player::Highlights;
use crate::i18n::workbench::CardText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::lab_state::SocketView;
use crate::model::wire::{host_of, host_words, tcp_info_words};
use socklab_shared::lesson::Panel;

#[component]
pub fn SocketCard(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    // What a socket is never changes, so the card's structure (and the inputs the user types
    // into) is built once; only the parts that show kernel state re-render.
    let v = lab
        .cursor
        .shown
        .with_untracked(|s| s.sockets.get(&id).cloned())?;
    let view_of = Memo::new(move |_| lab.cursor.shown.with(|s| s.sockets.get(&id).cloned()));
    let role = match (v.kind, v.listener) {
        (SocketKind::TcpListener, _) => "listener",
        (SocketKind::TcpStream, Some(_)) => "accepted",
        (SocketKind::TcpStream, None) => "client",
        (SocketKind::Udp, _) => "udp",
        (SocketKind::UnixListener, _) => "listener",
        (SocketKind::UnixStream, Some(_)) => "accepted",
        (SocketKind::UnixStream, None) => "client",
    };
    Some(view! {
        <article class="card" data-testid="socket-card" data-socket=id.0 data-role=role
            class:look=move || looked_at(id, &[Panel::RecvResult, Panel::SendResult, Panel::Error, Panel::Decoded])>
            <CardHeader v=v.clone() view_of=view_of/>
            {move || view_of.with(|v| v.as_ref()?.snapshot.as_ref()?.tcp_info.as_ref().map(|m| tcp_info_words(m, lang.get()))).map(|w| view! {
                <p class="tcp-info muted" data-testid="tcp-info" title={Words::<CardText>::new().get(|t| t.tcp_info_title)}>{w}</p>
            })}
            {match v.kind {
                SocketKind::TcpListener | SocketKind::UnixListener => view! { <ListenerActions id=id view_of=view_of/> }.into_any(),
                SocketKind::TcpStream | SocketKind::UnixStream => view! { <StreamActions id=id/> }.into_any(),
                SocketKind::Udp => view! { <UdpActions id=id/> }.into_any(),
            }}
            {move || view_of.get().map(|v| view! { <ReceiveBuffer v=v/> })}
            {move || view_of.get().and_then(|v| v.error.zip(Some(v.error_src))).map(|((m, h), src)| {
                match src.filter(|_| crate::i18n::results::explains_errors(lang.get())) {
                    // In Chinese: the page's explanation, then the server's words as a detail.
                    Some((code, message)) => {
                        let (words, hint) = crate::model::card_error::card_error_in(code, &message, lang.get());
                        let t = crate::i18n::results::ResultText::of(lang.get());
                        view! {
                            <p class="error" data-testid="card-error">{words}<br/><em>{hint}</em><br/>
                                <small>{t.server_said}<span translate="no">{message}</span></small></p>
                        }.into_any()
                    }
                    None => view! { <p class="error" data-testid="card-error">{m}<br/><em>{h}</em></p> }.into_any(),
                }
            })}
            <button class="close" on:click=move |_| { lab.command(Command::Close { socket: id }); }>"close()"</button>
        </article>
    })
}

/// Whether the lesson step shown points at one of `panels` of this socket.
fn looked_at(id: SocketId, panels: &[Panel]) -> bool {
    use_context::<Highlights>().is_some_and(|h| panels.iter().any(|p| h.has(Some(id), *p)))
}

#[component]
fn CardHeader(v: SocketView, view_of: Memo<Option<SocketView>>) -> impl IntoView {
    let lang = ui_lang();
    let (kind, listener) = (v.kind, v.listener);
    let title = move || {
        let t = CardText::of(lang.get());
        match (kind, listener) {
            (SocketKind::TcpListener, _) => t.tcp_listener.to_owned(),
            (SocketKind::TcpStream, Some(l)) => fill(t.tcp_accepted, &[&l]),
            (SocketKind::TcpStream, None) => t.tcp_client.to_owned(),
            (SocketKind::Udp, _) => t.udp_socket.to_owned(),
            (SocketKind::UnixListener, _) => t.unix_listener.to_owned(),
            (SocketKind::UnixStream, Some(l)) => fill(t.unix_accepted, &[&l]),
            (SocketKind::UnixStream, None) => t.unix_client.to_owned(),
        }
    };
    let state = move || {
        view_of
            .get()?
            .snapshot?
            .tcp_state
            .map(|s| format!("{s:?}").to_uppercase())
    };
    let host = host_of(&v.local);
    view! {
        <header>
            <span class="sid">{v.id.to_string()}</span>
            {host.map(|h| view! { <span class=format!("host host-{}", h.as_str()) data-testid="host" data-host=h.as_str()>{move || host_words(h, lang.get())}</span> })}
            <strong>{title}</strong>
            <code data-testid="local" translate="no">{v.local.clone()}</code>
            {v.peer.clone().map(|p| view! { <span>" ⇄ "<code translate="no">{p}</code></span> })}
            {move || state().map(|s| view! { <span class="state" data-testid="tcp-state">{s}</span> })}
        </header>
    }
}

#[component]
fn ListenerActions(id: SocketId, view_of: Memo<Option<SocketView>>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    // The kernel reports a listener's accept queue (TCP_INFO for TCP, sock_diag for Unix);
    // when it could not, the card says so rather than show a 0 it doesn't know.
    let queued = move || {
        let v = view_of.get()?;
        let unix = v.kind.is_unix();
        let t = CardText::of(lang.get());
        Some(match v.snapshot.and_then(|s| s.accept_queue) {
            Some(n) => fill(t.accept_queue, &[&n]),
            None if unix => t.accept_queue_unknown.to_owned(),
            None => fill(t.accept_queue, &[&0]),
        })
    };
    let auto_on = RwSignal::new(false);
    view! {
        <div class="actions">
            <button data-testid="accept" on:click=move |_| { lab.command(Command::Accept { socket: id, timeout_ms: None }); }>"accept()"</button>
            <label>
                <input type="checkbox" data-testid="auto-accept" prop:checked=auto_on on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    auto_on.set(on);
                    lab.command(Command::SetAuto { socket: id, auto: AutoBehaviour { accept: on, ..Default::default() } });
                }/>
                {Words::<CardText>::new().get(|t| t.accept_auto)}
            </label>
            <span class="muted accept-queue" data-testid="accept-queue"
                class:look=move || looked_at(id, &[Panel::AcceptQueue])>{queued}</span>
        </div>
    }
}

/// The kernel's receive buffer, coloured by send.
#[component]
fn ReceiveBuffer(v: SocketView) -> impl IntoView {
    let snap = v.snapshot.clone()?;
    if snap.kind.is_listener() {
        return None;
    }
    let lang = ui_lang();
    let (kind, next, queued, send_queued) = (
        snap.kind,
        snap.next_datagram,
        snap.recv_queued,
        snap.send_queued,
    );
    let title = move || {
        let t = CardText::of(lang.get());
        match kind {
            SocketKind::Udp => match next {
                Some(n) => fill(t.next_datagram, &[&n]),
                None => t.no_datagram.to_owned(),
            },
            _ => fill(t.recv_buffer, &[&queued, &send_queued]),
        }
    };
    let id = v.id;
    Some(view! {
        <div class="buffer" class:look=move || looked_at(id, &[Panel::RecvBuffer]) data-testid="buffer-panel">
            <div class="muted">{title}</div>
            <BufferStrip bytes=snap.recv_peek.0.clone() spans=snap.recv_spans.clone() testid="recv-buffer".to_owned()/>
        </div>
    })
}
