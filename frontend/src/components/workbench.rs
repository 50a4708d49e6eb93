//! The workbench: one click each for a TCP server, a TCP client, a UDP socket and a Unix-domain
//! server and client, with the course's defaults (a server on 127.0.0.1:9000, a free port when
//! that one is taken; a Unix server on `server.sock`, another name when a live server has
//! it), and a card for every socket. TCP and UDP sockets can go on host A or B of the wire
//! instead of this machine (the host menu); a client on a host connects to the newest server
//! on the other host by the host's name. Below the cards, the wire: its link panel and cable.

use leptos::prelude::*;
use socklab_shared::protocol::{Command, SocketKind};

use super::cable_view::{WireSection, live_cable};
use super::compare::TcpVsUdpButton;
use super::socket_card::SocketCard;
use crate::i18n::workbench::CardText;
use crate::i18n::{Words, ui_lang};
use crate::lab::Lab;
use crate::model::wire::{Place, connect_target};
use crate::on_demand::{ChunkMissing, view_when, wasm_split};

/// The port the course material uses for its servers.
pub const COURSE_PORT: u16 = 9000;

/// The file name of the first Unix server (the lab puts it in the session's own folder).
pub const UNIX_SERVER_NAME: &str = "server.sock";

/// The file name of a socket path (`/tmp/socklab-…/server.sock` → `server.sock`).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A name for a new Unix server: `server.sock`, or `server2.sock`, `server3.sock`… when a
/// live server already has it (`taken`: the paths of the live Unix listeners). The server
/// removes an old file of that name before binding (`unlink`), so a closed server's file
/// left behind doesn't count, but a live server's must not be taken from it.
pub fn unix_server_name<'a>(taken: impl IntoIterator<Item = &'a str> + Clone) -> String {
    (1..)
        .map(|n| match n {
            1 => UNIX_SERVER_NAME.to_owned(),
            n => format!("server{n}.sock"),
        })
        .find(|name| !taken.clone().into_iter().any(|p| file_name(p) == name))
        .unwrap_or_else(|| UNIX_SERVER_NAME.to_owned())
}

#[component]
pub fn Workbench() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let w = Words::<CardText>::new();
    // Where the next TCP or UDP socket goes: this machine, host A or host B.
    let place = RwSignal::new(Place::Machine);
    let cable = live_cable(lab);
    let new_server = move |_| {
        let on = place.get_untracked().on();
        let listen = |port| Command::TcpListen {
            host: "127.0.0.1".into(),
            port,
            backlog: 5,
            reuse_addr: true,
            on,
        };
        lab.command_or(listen(COURSE_PORT), Some(listen(0)));
    };
    let new_client = move |_| {
        // Connect to the newest lab server it can reach, else to the course's port (on the
        // other host, for a client on a host).
        let from = place.get_untracked();
        let (host, port) = lab.cursor.shown.with_untracked(|s| {
            let listeners: Vec<&str> = s
                .sockets
                .values()
                .filter(|v| v.kind == SocketKind::TcpListener)
                .map(|v| v.local.as_str())
                .collect();
            connect_target(from, &listeners, COURSE_PORT)
        });
        // On a held wire the SYN waits on the cable: connect returns at once (settimeout(0)
        // before connect_ex), so the lecturer can step the handshake itself.
        let held = cable.with_untracked(|c| c.wire.as_ref().is_some_and(|(_, w)| w.held));
        lab.command(Command::Connect {
            host,
            port,
            timeout_ms: (held && from.on().is_some()).then_some(0),
            on: from.on(),
        });
    };
    let new_unix_server = move |_| {
        let listen = |path: String| Command::UnixListen {
            path,
            backlog: 5,
            unlink: true,
        };
        let (name, next) = lab.cursor.shown.with_untracked(|s| {
            let live: Vec<&str> = s
                .sockets
                .values()
                .filter(|v| v.kind == SocketKind::UnixListener)
                .map(|v| v.local.as_str())
                .collect();
            let name = unix_server_name(live.iter().copied());
            let next = unix_server_name(live.iter().copied().chain([name.as_str()]));
            (name, next)
        });
        lab.command_or(listen(name), Some(listen(next)));
    };
    let new_unix_client = move |_| {
        // Connect to the newest Unix server, else to the default name.
        let path = lab.cursor.shown.with_untracked(|s| {
            s.sockets
                .values()
                .rev()
                .find(|v| v.kind == SocketKind::UnixListener)
                .map(|v| file_name(&v.local).to_owned())
                .unwrap_or_else(|| UNIX_SERVER_NAME.to_owned())
        });
        lab.command(Command::UnixConnect {
            path,
            timeout_ms: None,
        });
    };
    let new_udp = move |_| {
        lab.command(Command::UdpBind {
            host: "127.0.0.1".into(),
            port: 0,
            on: place.get_untracked().on(),
        });
    };
    view! {
        <section class="toolbar">
            <label class="place" title=w.get(|t| t.place_title)>
                <select data-testid="new-on" prop:value=move || place.get().value()
                    on:change=move |ev| place.set(Place::from_value(&event_target_value(&ev)))>
                    <option value="machine">{w.get(|t| t.on_machine)}</option>
                    <option value="a">{w.get(|t| t.on_a)}</option>
                    <option value="b">{w.get(|t| t.on_b)}</option>
                </select>
            </label>
            <button data-testid="new-tcp-server" on:click=new_server>{w.get(|t| t.new_tcp_server)}</button>
            <button data-testid="new-tcp-client" on:click=new_client>{w.get(|t| t.new_tcp_client)}</button>
            <button data-testid="new-udp" on:click=new_udp>{w.get(|t| t.new_udp)}</button>
            <button data-testid="new-unix-server" title=w.get(|t| t.new_unix_server_title)
                on:click=new_unix_server>{w.get(|t| t.new_unix_server)}</button>
            <button data-testid="new-unix-client" on:click=new_unix_client>{w.get(|t| t.new_unix_client)}</button>
            <button data-testid="snapshot" title=w.get(|t| t.snapshot_title)
                on:click=move |_| { lab.command(Command::Snapshot); }>{w.get(|t| t.snapshot)}</button>
            <TcpVsUdpButton/>
            {move || lab.cursor.shown.with(|s| s.error().cloned()).map(|e| view! {
                <span class="error" data-testid="lab-error">
                    {crate::components::error_view(&e.message, Some(e.hint.as_deref().unwrap_or("")), e.code, lang.get(), true)}
                </span>
            })}
        </section>
        <section class="cards">
            {view_when(move || lab.history.live.with(|s| !s.sockets.is_empty()), socket_cards)}
        </section>
        <WireSection cable=cable/>
    }
}

/// The cards, from the chunk the first socket brings ([`crate::on_demand`]), with the
/// timeline and the Python panel: a page opens with no socket.
#[wasm_split(sockets, wasm_split_path = leptos::wasm_split, fallible)]
fn socket_cards() -> Result<AnyView, ChunkMissing> {
    Ok(view! { <SocketCards/> }.into_any())
}

/// One card per live socket, in the order they were opened.
#[component]
fn SocketCards() -> impl IntoView {
    let lab = expect_context::<Lab>();
    let ids = move || {
        lab.history
            .live
            .with(|s| s.sockets.keys().copied().collect::<Vec<_>>())
    };
    view! {
        <For each=ids key=|id| *id let:id>
            <SocketCard id=id/>
        </For>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unix_server_takes_the_first_name_no_live_server_has() {
        assert_eq!(unix_server_name([]), "server.sock");
        assert_eq!(
            unix_server_name(["/tmp/socklab-1-ab/other.sock"]),
            "server.sock"
        );
        assert_eq!(
            unix_server_name(["/tmp/socklab-1-ab/server.sock"]),
            "server2.sock"
        );
        assert_eq!(
            unix_server_name(["/tmp/d/server2.sock", "/tmp/d/server.sock"]),
            "server3.sock"
        );
    }
}
