//! The send and recv controls of a connected TCP socket and of a UDP socket, with the result
//! of the latest call.

use leptos::prelude::*;
use socklab_shared::Payload;
use socklab_shared::framing::{Framing, LengthPrefix};
use socklab_shared::protocol::{Command, Event, SocketId};

use super::buffer_strip::BufferStrip;
use crate::connection::Lab;
use crate::model::input::{InputMode, to_bytes};

/// The framings the send box offers.
fn framing_for(choice: &str) -> Framing {
    let len = |prefix| Framing::LengthPrefixed {
        prefix,
        max_len: 1 << 20,
    };
    match choice {
        "len-i" => len(LengthPrefix::PYTHON_NATIVE_I),
        "len-net" => len(LengthPrefix::NETWORK_U32),
        _ => Framing::Raw,
    }
}

#[component]
pub fn StreamActions(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let text = RwSignal::new(String::from("hello"));
    let hex = RwSignal::new(false);
    let framing = RwSignal::new(String::from("raw"));
    let bufsize = RwSignal::new(String::from("1024"));
    let problem = RwSignal::new(None::<String>);
    let send = move |data: Vec<u8>| {
        lab.command(Command::Send {
            socket: id,
            data: Payload(data),
            framing: framing_for(&framing.get_untracked()),
            header: None,
        });
    };
    let send_typed = move |_| {
        let mode = if hex.get_untracked() {
            InputMode::Hex
        } else {
            InputMode::Text
        };
        match to_bytes(&text.get_untracked(), mode) {
            Ok(bytes) => {
                problem.set(None);
                send(bytes);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let sticky = move |_| {
        send(b"hello".to_vec());
        send(b"world".to_vec());
    };
    let recv = move |_| match bufsize.get_untracked().trim().parse::<u32>() {
        Ok(n) if n > 0 => {
            problem.set(None);
            lab.command(Command::Recv {
                socket: id,
                bufsize: n,
                timeout_ms: None,
            });
        }
        _ => problem.set(Some("bufsize must be a whole number above 0".into())),
    };
    view! {
        <div class="actions">
            <input data-testid="send-text" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
            <label><input type="checkbox" prop:checked=hex on:change=move |ev| hex.set(event_target_checked(&ev))/>" hex"</label>
            <select data-testid="framing" on:change=move |ev| framing.set(event_target_value(&ev))>
                <option value="raw">"raw"</option>
                <option value="len-i">"length-prefixed struct 'i'"</option>
                <option value="len-net">"length-prefixed struct '!I'"</option>
            </select>
            <button data-testid="send" on:click=send_typed>"send()"</button>
            <button data-testid="send-sticky" on:click=sticky title="send(b'hello'); send(b'world') back to back">"send hello + world quickly"</button>
        </div>
        <div class="actions">
            "recv("<input class="num" data-testid="recv-bufsize" prop:value=bufsize on:input=move |ev| bufsize.set(event_target_value(&ev))/>")"
            <button data-testid="recv" on:click=recv>"recv()"</button>
            <button on:click=move |_| { lab.command(Command::Shutdown { socket: id, how: socklab_shared::protocol::ShutdownHow::Write }); }>"shutdown(SHUT_WR)"</button>
        </div>
        {move || problem.get().map(|p| view! { <p class="error">{p}</p> })}
        <LastResult id=id/>
    }
}

#[component]
pub fn UdpActions(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let text = RwSignal::new(String::from("hello"));
    let port = RwSignal::new(String::new());
    let bufsize = RwSignal::new(String::from("1024"));
    let send = move |_| {
        if let Ok(p) = port.get_untracked().trim().parse::<u16>() {
            lab.command(Command::SendTo {
                socket: id,
                data: Payload::from(text.get_untracked().as_str()),
                host: "127.0.0.1".into(),
                port: p,
            });
        }
    };
    let recv = move |_| {
        if let Ok(n) = bufsize.get_untracked().trim().parse::<u32>() {
            lab.command(Command::RecvFrom {
                socket: id,
                bufsize: n,
                timeout_ms: None,
            });
        }
    };
    view! {
        <div class="actions">
            <input data-testid="send-text" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
            " to port "<input class="num" data-testid="sendto-port" prop:value=port on:input=move |ev| port.set(event_target_value(&ev))/>
            <button data-testid="sendto" on:click=send>"sendto()"</button>
        </div>
        <div class="actions">
            "recvfrom("<input class="num" data-testid="recv-bufsize" prop:value=bufsize on:input=move |ev| bufsize.set(event_target_value(&ev))/>")"
            <button data-testid="recvfrom" on:click=recv>"recvfrom()"</button>
        </div>
        <LastResult id=id/>
    }
}

/// The latest call's result on this socket.
#[component]
fn LastResult(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    move || {
        let last = lab
            .live
            .with(|s| s.sockets.get(&id).and_then(|v| v.last.clone()))?;
        Some(match last {
            Event::Received { data, spans, summary, bufsize, .. } => view! {
                <div class="result" data-testid="recv-result">
                    <div>{format!("recv({bufsize}) returned {} bytes · ", data.len())}<strong data-testid="recv-label">{summary}</strong></div>
                    <BufferStrip bytes=data.0 spans=spans testid="recv-bytes".to_owned()/>
                </div>
            }.into_any(),
            Event::ReceivedFrom { data, from, truncated, real_len, bufsize, .. } => view! {
                <div class="result" data-testid="recv-result">
                    <div>
                        {format!("recvfrom({bufsize}) → {} bytes from {from}", data.len())}
                        {truncated.then(|| view! { <strong class="warn" data-testid="truncated">{format!(" truncated: the datagram had {real_len} bytes, the rest is lost")}</strong> })}
                    </div>
                    <BufferStrip bytes=data.0 spans=vec![] testid="recv-bytes".to_owned()/>
                </div>
            }.into_any(),
            Event::Sent { send_no, requested, accepted, .. } => view! {
                <div class="result" data-testid="send-result">
                    {format!("send #{send_no}: the kernel accepted {accepted} of {requested} bytes")}
                    {(accepted < requested).then(|| view! { <strong class="warn">" (partial send)"</strong> })}
                </div>
            }.into_any(),
            Event::SentTo { send_no, bytes, to, .. } => view! {
                <div class="result" data-testid="send-result">{format!("datagram #{send_no}: {bytes} bytes to {to}")}</div>
            }.into_any(),
            other => view! { <div class="result muted">{format!("{other:?}")}</div> }.into_any(),
        })
    }
}
