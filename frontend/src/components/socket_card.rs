//! One socket's card: what it is, where it is bound, its TCP state, and the actions that make
//! sense for it: accept for a listener; send/recv for a connection; sendto/recvfrom for UDP.
//! A socket on host A or B of the wire says so; a TCP connection shows the kernel's numbers
//! (`TCP_INFO`: round trip, windows, segments in flight, retransmissions) in words.

use leptos::prelude::*;
use socklab_shared::protocol::{AutoBehaviour, Command, SocketId, SocketKind};

use super::buffer_strip::BufferStrip;
use super::stream_actions::{StreamActions, UdpActions};
use crate::components::lesson_player::Highlights;
use crate::lab::Lab;
use crate::model::lab_state::SocketView;
use crate::model::wire::{host_of, host_words, tcp_info_words};
use socklab_shared::lesson::Panel;

#[component]
pub fn SocketCard(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
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
            {move || view_of.with(|v| v.as_ref()?.snapshot.as_ref()?.tcp_info.as_ref().map(tcp_info_words)).map(|w| view! {
                <p class="tcp-info muted" data-testid="tcp-info" title="the kernel's numbers for this connection (TCP_INFO, as ss -ti shows them)">{w}</p>
            })}
            {match v.kind {
                SocketKind::TcpListener | SocketKind::UnixListener => view! { <ListenerActions id=id view_of=view_of/> }.into_any(),
                SocketKind::TcpStream | SocketKind::UnixStream => view! { <StreamActions id=id/> }.into_any(),
                SocketKind::Udp => view! { <UdpActions id=id/> }.into_any(),
            }}
            {move || view_of.get().map(|v| view! { <ReceiveBuffer v=v/> })}
            {move || view_of.get().and_then(|v| v.error).map(|(m, h)| view! {
                <p class="error" data-testid="card-error">{m}<br/><em>{h}</em></p>
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
    let title = match (v.kind, v.listener) {
        (SocketKind::TcpListener, _) => "TCP server (listening)".to_owned(),
        (SocketKind::TcpStream, Some(l)) => format!("TCP connection (accepted by {l})"),
        (SocketKind::TcpStream, None) => "TCP client".to_owned(),
        (SocketKind::Udp, _) => "UDP socket".to_owned(),
        (SocketKind::UnixListener, _) => "Unix server (listening)".to_owned(),
        (SocketKind::UnixStream, Some(l)) => format!("Unix connection (accepted by {l})"),
        (SocketKind::UnixStream, None) => "Unix client".to_owned(),
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
            {host.map(|h| view! { <span class=format!("host host-{}", h.as_str()) data-testid="host" data-host=h.as_str()>{host_words(h)}</span> })}
            <strong>{title}</strong>
            <code data-testid="local">{v.local.clone()}</code>
            {v.peer.clone().map(|p| view! { <span>" ⇄ "<code>{p}</code></span> })}
            {move || state().map(|s| view! { <span class="state" data-testid="tcp-state">{s}</span> })}
        </header>
    }
}

#[component]
fn ListenerActions(id: SocketId, view_of: Memo<Option<SocketView>>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    // The kernel reports a listener's accept queue (TCP_INFO for TCP, sock_diag for Unix);
    // when it could not, the card says so rather than show a 0 it doesn't know.
    let queued = move || {
        let v = view_of.get()?;
        let unix = v.kind.is_unix();
        Some(match v.snapshot.and_then(|s| s.accept_queue) {
            Some(n) => format!("{n} waiting in the accept queue"),
            None if unix => "accept queue not reported by this kernel".to_owned(),
            None => "0 waiting in the accept queue".to_owned(),
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
                " accept automatically"
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
    let title = match snap.kind {
        SocketKind::Udp => match snap.next_datagram {
            Some(n) => format!("next datagram in the kernel: {n} bytes"),
            None => "no datagram waiting".to_owned(),
        },
        _ => format!(
            "kernel receive buffer: {} bytes · send queue: {} bytes",
            snap.recv_queued, snap.send_queued
        ),
    };
    let id = v.id;
    Some(view! {
        <div class="buffer" class:look=move || looked_at(id, &[Panel::RecvBuffer]) data-testid="buffer-panel">
            <div class="muted">{title}</div>
            <BufferStrip bytes=snap.recv_peek.0.clone() spans=snap.recv_spans.clone() testid="recv-buffer".to_owned()/>
        </div>
    })
}
