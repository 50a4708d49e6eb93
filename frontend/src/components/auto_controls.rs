//! Auto behaviours on a connected socket, and bulk sends: the controls a lecturer needs to let
//! a student's own program talk to the lab, or to push 10 MB through and watch the page keep up
//! (the server sums fast recvs up instead of shipping every byte).

use leptos::prelude::*;
use socklab_shared::protocol::{AutoBehaviour, Command, EchoMode, SocketId};

use crate::i18n::workbench::CardText;
use crate::i18n::{Words, fill, ui_lang};
use crate::lab::Lab;
use crate::model::lab_state::auto_totals;

#[component]
pub fn AutoControls(id: SocketId) -> impl IntoView {
    let lab = expect_context::<Lab>();
    let lang = ui_lang();
    let w = Words::<CardText>::new();
    let receiving = RwSignal::new(false);
    let echo = RwSignal::new(String::from("off"));
    let megabytes = RwSignal::new(String::from("10"));
    let apply = move || {
        let echo = match echo.get_untracked().as_str() {
            "same" => EchoMode::Same,
            "upper" => EchoMode::Upper,
            _ => EchoMode::Off,
        };
        lab.command(Command::SetAuto {
            socket: id,
            auto: AutoBehaviour {
                recv: receiving.get_untracked(),
                echo,
                bufsize: 65536,
                ..Default::default()
            },
        });
    };
    let bulk = move |_| {
        if let Ok(mb) = megabytes.get_untracked().trim().parse::<f64>()
            && mb > 0.0
        {
            lab.command(Command::SendBulk {
                socket: id,
                bytes: (mb * 1_048_576.0) as u64,
                timeout_ms: None,
            });
        }
    };
    let totals = Memo::new(move |_| {
        let upto = lab.cursor.shown.with(|s| s.applied);
        lab.history
            .events
            .with(|h| auto_totals(&h[..upto.min(h.len())], id))
    });
    view! {
        <div class="actions">
            <label>
                <input type="checkbox" data-testid="auto-recv" prop:checked=receiving on:change=move |ev| {
                    receiving.set(event_target_checked(&ev));
                    apply();
                }/>
                {w.get(|t| t.auto_recv)}
            </label>
            <select data-testid="auto-echo" on:change=move |ev| {
                echo.set(event_target_value(&ev));
                if echo.get_untracked() != "off" {
                    receiving.set(true);
                }
                apply();
            }>
                <option value="off">{w.get(|t| t.echo_off)}</option>
                <option value="same">{w.get(|t| t.echo_same)}</option>
                <option value="upper">{w.get(|t| t.echo_upper)}</option>
            </select>
            // "10 MB sendall()" is one control: the number and its unit never wrap apart.
            <span class="together" data-testid="bulk">
                <input class="num" data-testid="bulk-mb" translate="no" prop:value=megabytes on:input=move |ev| megabytes.set(event_target_value(&ev))/>
                <button data-testid="bulk-send" on:click=bulk title=w.get(|t| t.bulk_title)>"MB sendall()"</button>
            </span>
            {move || {
                let t = totals.get();
                (t.recvs > 0).then(|| view! {
                    <span class="muted" data-testid="auto-total">
                        {move || {
                            let w = CardText::of(lang.get());
                            format!("{}{}", fill(w.auto_total, &[&t.bytes, &t.recvs]), if t.eof { w.peer_closed } else { "" })
                        }}
                    </span>
                })
            }}
        </div>
    }
}
