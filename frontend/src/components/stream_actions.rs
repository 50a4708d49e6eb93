//! The send and recv controls of a connected TCP socket and of a UDP socket, with the result
//! of the latest call.

use leptos::prelude::*;
use socklab_shared::Payload;
use socklab_shared::framing::{Framing, LengthPrefix};
use socklab_shared::protocol::{Command, Event, SocketId};

use super::auto_controls::AutoControls;
use super::buffer_strip::BufferStrip;
use super::decoder_view::DecoderView;
use crate::i18n::workbench::CardText;
use crate::i18n::{Lang, Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::input::{Encoding, InputMode, decode_display, encode_input, show_controls};
use crate::model::recv_label::recv_label;
use crate::model::result_text::result_text;

/// The framings the send box and the decoder offer: `<option>` value and label (English; see
/// [`framing_label`] for the page's language).
pub const FRAMINGS: [(&str, &str); 3] = [
    ("raw", "raw"),
    ("len-i", "length-prefixed struct 'i'"),
    ("len-net", "length-prefixed struct '!I'"),
];

/// The label of a [`FRAMINGS`] value in `lang`.
pub fn framing_label(value: &str, lang: Lang) -> &'static str {
    let t = CardText::of(lang);
    match value {
        "len-i" => t.len_i,
        "len-net" => t.len_net,
        _ => t.raw,
    }
}

/// The framing of a [`FRAMINGS`] value.
pub fn framing_for(choice: &str) -> Framing {
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

/// The [`FRAMINGS`] value whose framing has this length prefix.
pub fn framing_choice(prefix: LengthPrefix) -> Option<&'static str> {
    FRAMINGS.iter().map(|(value, _)| *value).find(|value| {
        matches!(framing_for(value), Framing::LengthPrefixed { prefix: p, .. } if p == prefix)
    })
}

#[component]
pub fn StreamActions(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || CardText::of(lang.get());
    let w = Words::<CardText>::new();
    let text = RwSignal::new(String::from("hello"));
    let hex = RwSignal::new(false);
    let encoding = RwSignal::new(Encoding::Utf8);
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
        match encode_input(
            &text.get_untracked(),
            mode,
            encoding.get_untracked(),
            lang.get_untracked(),
        ) {
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
        _ => problem.set(Some(t().bad_bufsize.into())),
    };
    view! {
        <div class="actions">
            <input data-testid="send-text" translate="no" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
            <label><input type="checkbox" data-testid="send-hex" prop:checked=hex on:change=move |ev| hex.set(event_target_checked(&ev))/>{w.get(|t| t.hex)}</label>
            <EncodingSelect encoding=encoding/>
            <select data-testid="framing" on:change=move |ev| framing.set(event_target_value(&ev))>
                {FRAMINGS
                    .iter()
                    .map(|(value, _)| view! { <option value=*value>{move || framing_label(value, lang.get())}</option> })
                    .collect_view()}
            </select>
            <button data-testid="send" on:click=send_typed>"send()"</button>
            <button data-testid="send-sticky" on:click=sticky title=w.get(|t| t.sticky_title)>{w.get(|t| t.sticky)}</button>
        </div>
        <div class="actions">
            "recv("<input class="num" data-testid="recv-bufsize" translate="no" prop:value=bufsize on:input=move |ev| bufsize.set(event_target_value(&ev))/>")"
            <button data-testid="recv" on:click=recv>"recv()"</button>
            <button on:click=move |_| { lab.command(Command::Shutdown { socket: id, how: socklab_shared::protocol::ShutdownHow::Write }); }>"shutdown(SHUT_WR)"</button>
        </div>
        <AutoControls id=id/>
        {move || problem.get().map(|p| view! { <p class="error" data-testid="send-problem">{p}</p> })}
        <LastResult id=id encoding=encoding/>
        <DecoderView id=id encoding=encoding/>
    }
}

#[component]
pub fn UdpActions(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let t = move || CardText::of(lang.get());
    let text = RwSignal::new(String::from("hello"));
    let encoding = RwSignal::new(Encoding::Utf8);
    let port = RwSignal::new(String::new());
    let bufsize = RwSignal::new(String::from("1024"));
    let problem = RwSignal::new(None::<String>);
    // A socket on host A or B of the wire sends to the other host; else to this machine.
    let to_host = lab.cursor.shown.with_untracked(|s| {
        s.sockets
            .get(&id)
            .and_then(|v| crate::model::wire::host_of(&v.local))
            .map(|h| h.other())
    });
    let send = move |_| {
        let Ok(p) = port.get_untracked().trim().parse::<u16>() else {
            problem.set(Some(t().need_port.into()));
            return;
        };
        match encode_input(
            &text.get_untracked(),
            InputMode::Text,
            encoding.get_untracked(),
            lang.get_untracked(),
        ) {
            Ok(bytes) => {
                problem.set(None);
                lab.command(Command::SendTo {
                    socket: id,
                    data: Payload(bytes),
                    host: to_host.map_or("127.0.0.1", |h| h.as_str()).into(),
                    port: p,
                });
            }
            Err(e) => problem.set(Some(e)),
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
            <input data-testid="send-text" translate="no" prop:value=text on:input=move |ev| text.set(event_target_value(&ev))/>
            <EncodingSelect encoding=encoding/>
            {move || match to_host {
                Some(h) => fill(t().to_host_port, &[&crate::model::wire::host_words(h, lang.get())]),
                None => t().to_port.to_owned(),
            }}<input class="num" data-testid="sendto-port" translate="no" prop:value=port on:input=move |ev| port.set(event_target_value(&ev))/>
            <button data-testid="sendto" on:click=send>"sendto()"</button>
        </div>
        <div class="actions">
            "recvfrom("<input class="num" data-testid="recv-bufsize" translate="no" prop:value=bufsize on:input=move |ev| bufsize.set(event_target_value(&ev))/>")"
            <button data-testid="recvfrom" on:click=recv>"recvfrom()"</button>
        </div>
        {move || problem.get().map(|p| view! { <p class="error">{p}</p> })}
        <LastResult id=id encoding=encoding/>
    }
}

/// This side's text encoding: how typed text becomes bytes, and received bytes text.
#[component]
fn EncodingSelect(encoding: RwSignal<Encoding>) -> impl IntoView {
    // The encodings' names (utf-8, gbk) are what Python calls them: data, not words.
    view! {
        <select data-testid="encoding" translate="no" title={Words::<CardText>::new().get(|t| t.encoding_title)}
            on:change=move |ev| encoding.set(Encoding::from_label(&event_target_value(&ev)))>
            {Encoding::ALL
                .into_iter()
                .map(|e| view! { <option value=e.label()>{e.label()}</option> })
                .collect_view()}
        </select>
    }
}

/// Most characters of a recv result shown as text.
const MAX_TEXT_CHARS: usize = 2048;

/// A recv result as text in this side's encoding, warning when some bytes are not whole
/// characters (a multi-byte character split between two recv calls, or the wrong encoding).
#[component]
fn AsText(bytes: Vec<u8>, encoding: RwSignal<Encoding>) -> impl IntoView {
    let lang = ui_lang();
    move || {
        let t = CardText::of(lang.get());
        let enc = encoding.get();
        let (text, bad) = decode_display(&bytes, enc);
        let mut shown = show_controls(&text);
        // A 64 KB auto-recv of file bytes would be one huge line the browser lays out again on
        // every event (it froze 100 MB uploads); the start says what the bytes are.
        if let Some((cut, _)) = shown.char_indices().nth(MAX_TEXT_CHARS) {
            shown.truncate(cut);
            shown.push_str(" …");
        }
        view! {
            <div class="as-text" data-testid="recv-text">
                <span class="muted">{fill(t.as_text, &[&enc.label()])}</span>
                <q class="text" class:bad=bad data-testid="recv-text-value" translate="no">{shown}</q>
                {bad.then(|| view! {
                    <span class="warn" data-testid="recv-text-warning">
                        {fill(t.bad_text, &[&enc.label()])}
                    </span>
                })}
            </div>
        }
    }
}

/// The latest call's result on this socket.
#[component]
fn LastResult(id: SocketId, encoding: RwSignal<Encoding>) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    move || {
        let lang = lang.get();
        let t = CardText::of(lang);
        let (last, before) = lab.history.live.with(|s| {
            s.sockets
                .get(&id)
                .map(|v| (v.last.clone(), v.recv_before.clone()))
        })?;
        Some(match last? {
            Event::Received { data, spans, summary, bufsize, .. } => view! {
                <div class="result" data-testid="recv-result">
                    <div>{fill(t.recv_returned, &[&bufsize, &data.len()])}<strong data-testid="recv-label">{recv_label(&summary, &spans, before.as_deref(), lang)}</strong></div>
                    <BufferStrip bytes=data.0.clone() spans=spans testid="recv-bytes".to_owned()/>
                    <AsText bytes=data.0 encoding=encoding/>
                </div>
            }.into_any(),
            Event::ReceivedFrom { data, from, truncated, real_len, bufsize, .. } => view! {
                <div class="result" data-testid="recv-result">
                    <div>
                        {fill(t.recvfrom_returned, &[&bufsize, &data.len(), &from])}
                        {truncated.then(|| view! { <strong class="warn" data-testid="truncated">{fill(t.truncated, &[&real_len])}</strong> })}
                    </div>
                    <BufferStrip bytes=data.0.clone() spans=vec![] testid="recv-bytes".to_owned()/>
                    <AsText bytes=data.0 encoding=encoding/>
                </div>
            }.into_any(),
            Event::Sent { send_no, requested, accepted, .. } => view! {
                <div class="result" data-testid="send-result">
                    {fill(t.sent, &[&send_no, &accepted, &requested])}
                    {(accepted < requested).then(|| view! { <strong class="warn">{t.partial_send}</strong> })}
                </div>
            }.into_any(),
            Event::SentTo { send_no, bytes, to, .. } => view! {
                <div class="result" data-testid="send-result">{fill(t.sent_to, &[&send_no, &bytes, &to])}</div>
            }.into_any(),
            Event::AutoSummary { recvs, bytes, folded, .. } => view! {
                <div class="result" data-testid="auto-summary">
                    {fill(t.auto_summary, &[&recvs, &bytes])}
                    {(folded > 0).then(|| fill(t.auto_folded, &[&folded]))}
                </div>
            }.into_any(),
            other => view! { <div class="result muted" data-testid="call-result">{result_text(&other, lang)}</div> }.into_any(),
        })
    }
}
