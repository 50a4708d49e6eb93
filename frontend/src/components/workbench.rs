//! The workbench: one click each for a TCP server, a TCP client and a UDP socket, with the
//! course's defaults (a server on 127.0.0.1:9000, a free port when that one is taken), and a
//! card for every socket.

use leptos::prelude::*;
use socklab_shared::protocol::{Command, SocketKind};

use super::compare::TcpVsUdpButton;
use super::socket_card::SocketCard;
use crate::connection::Lab;

/// The port the course material uses for its servers.
pub const COURSE_PORT: u16 = 9000;

#[component]
pub fn Workbench() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let new_server = move |_| {
        let listen = |port| Command::TcpListen {
            host: "127.0.0.1".into(),
            port,
            backlog: 5,
            reuse_addr: true,
        };
        lab.command_or(listen(COURSE_PORT), Some(listen(0)));
    };
    let new_client = move |_| {
        // Connect to the newest lab server, else to the course's port.
        let port = lab.shown.with_untracked(|s| {
            s.sockets
                .values()
                .rev()
                .find(|v| v.kind == SocketKind::TcpListener)
                .and_then(|v| v.local.rsplit(':').next()?.parse().ok())
                .unwrap_or(COURSE_PORT)
        });
        lab.command(Command::Connect {
            host: "127.0.0.1".into(),
            port,
            timeout_ms: None,
        });
    };
    let new_udp = move |_| {
        lab.command(Command::UdpBind {
            host: "127.0.0.1".into(),
            port: 0,
        });
    };
    let ids = move || {
        lab.live
            .with(|s| s.sockets.keys().copied().collect::<Vec<_>>())
    };
    view! {
        <section class="toolbar">
            <button data-testid="new-tcp-server" on:click=new_server>"+ TCP server"</button>
            <button data-testid="new-tcp-client" on:click=new_client>"+ TCP client"</button>
            <button data-testid="new-udp" on:click=new_udp>"+ UDP socket"</button>
            <button data-testid="snapshot" title="read every socket's buffers from the kernel again (after an outside program sent something)"
                on:click=move |_| { lab.command(Command::Snapshot); }>"⟳ kernel view"</button>
            <TcpVsUdpButton/>
            {move || lab.shown.with(|s| s.error.clone()).map(|(m, h)| view! {
                <span class="error" data-testid="lab-error">{m}" "<em>{h}</em></span>
            })}
        </section>
        <section class="cards">
            <For each=ids key=|id| *id let:id>
                <SocketCard id=id/>
            </For>
        </section>
    }
}
