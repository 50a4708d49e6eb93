//! A follower's connection: the lecturer's session, read-only, from its first event and then
//! live (see [`crate::room`]).
//!
//! The follower gets its own `hello`, then `following` (how many of the first events are no
//! longer kept), then every event of the lecturer's session as a `relay`, in order, with this
//! connection's own `seq`. It reads from the room's history at its own pace: the lecturer's
//! loop never waits for it. What it may send: `ping` (answered) and nothing else (`read_only`).
//!
//! Ends when the follower leaves, stops reading (write timeout), goes idle, falls so far behind
//! that the events it needs are gone (`fell_behind`), the lecturer's session ends
//! (`session_ended`, after every kept event was sent) or the server shuts down.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Sink, Stream, StreamExt};
use socklab_shared::protocol::{Command, ErrorCode, Event, PROTOCOL_VERSION, Request};
use tokio::sync::watch;
use tokio::time::Instant;

use super::session::{Gone, Incoming, Outbox, error_event, idle_deadline, stopped};
use crate::config::Config;
use crate::room::{ENDED, Read, Room};

/// Events sent in one go before looking at the follower's frames again.
const BATCH: usize = 256;
/// After new events, a follower waits this long before reading them, so that a busy lecturer's
/// events reach it in batches: hundreds of followers then wake a few times a second each
/// rather than once per event, and leave the CPU to the lecturer. Each follower adds its own
/// share of a second period, so that they don't all wake in the same instant (which would keep
/// the lecturer waiting while hundreds of them write). A human watching doesn't see 40 ms.
const GATHER: Duration = Duration::from_millis(20);

/// Runs one follower until it ends (see the module doc).
pub async fn run_follower<I, O>(
    mut incoming: I,
    outgoing: O,
    config: &Config,
    room: Arc<Room>,
    mut shutdown: watch::Receiver<bool>,
) where
    I: Stream<Item = Incoming> + Unpin,
    O: Sink<String> + Unpin,
{
    let _counted = room.follow();
    let mut out = Outbox::new(
        outgoing,
        Duration::from_secs(config.write_timeout_secs.max(1)),
    );
    let hello = Event::Hello {
        protocol_version: PROTOCOL_VERSION,
        server_version: env!("CARGO_PKG_VERSION").to_owned(),
        limits: config.limits(),
    };
    let mut cursor = room.first_kept();
    if out.send(None, hello).await.is_err()
        || out
            .send(None, Event::Following { missing: cursor })
            .await
            .is_err()
    {
        return;
    }
    tracing::info!("a follower joined");
    let idle =
        (config.idle_timeout_secs > 0).then(|| Duration::from_secs(config.idle_timeout_secs));
    let mut last_heard = Instant::now();
    let mut appended = room.appended();
    let gather = GATHER + GATHER.mul_f64(spread());
    let end: Option<Event> = loop {
        match room.read(cursor, BATCH) {
            Read::Gone { first_kept } => {
                break Some(error_event(
                    ErrorCode::FellBehind,
                    format!(
                        "this follower fell behind: it needs event {} of the session, and the \
                         server keeps only those from {} on",
                        cursor + 1,
                        first_kept + 1
                    ),
                    Some("reload the page to follow again from what is kept"),
                ));
            }
            Read::Events(events) if !events.is_empty() => {
                if relay(&mut out, &events).await.is_err() {
                    break None;
                }
                cursor += events.len() as u64;
                continue;
            }
            Read::Events(_) if *appended.borrow_and_update() == ENDED => {
                break Some(error_event(
                    ErrorCode::SessionEnded,
                    "the lecturer's session has ended",
                    Some("the recording of what you saw stays on your page"),
                ));
            }
            Read::Events(_) => {}
        }
        tokio::select! {
            changed = appended.changed() => {
                if changed.is_err() {
                    // The room is gone without saying it ended: treat it as ended.
                    appended = watch::Sender::new(ENDED).subscribe();
                } else {
                    tokio::time::sleep(gather).await;
                }
            }
            frame = incoming.next() => {
                last_heard = Instant::now();
                match frame {
                    None | Some(Incoming::Close) | Some(Incoming::Broken(_)) => break None,
                    Some(Incoming::Control) => {}
                    Some(Incoming::Text(text)) => {
                        if answer(&mut out, &text).await.is_err() {
                            break None;
                        }
                    }
                    Some(Incoming::Binary(_)) => {
                        if answer(&mut out, "").await.is_err() {
                            break None;
                        }
                    }
                }
            }
            () = stopped(&mut shutdown) => break Some(error_event(
                ErrorCode::ShuttingDown,
                "the lab server is shutting down",
                Some("the page reconnects when the server is back"),
            )),
            () = idle_deadline(idle, last_heard) => break None,
        }
    };
    if let Some(event) = end {
        let _ = out.send(None, event).await;
    }
    tracing::info!("a follower left");
}

/// The runtime followers run on: one thread of its own at a lower CPU priority (nice 10), so
/// that hundreds of followers writing their batches never make the lecturer's commands wait
/// for a core. Their sockets stay registered with the server's runtime, which wakes them.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("socklab-followers")
            .on_thread_start(|| {
                // SAFETY: plain setpriority on the calling thread (who = 0 means this thread
                // on Linux); a failure only leaves the priority as it was.
                unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
            })
            .enable_all()
            .build()
            .expect("the followers' runtime starts")
    })
}

/// A number in 0..1, different for each follower.
fn spread() -> f64 {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    f64::from(u16::from_le_bytes(b)) / 65_536.0
}

/// Sends kept events as relays, then flushes.
async fn relay<O: Sink<String> + Unpin>(
    out: &mut Outbox<O>,
    events: &[Arc<str>],
) -> Result<(), Gone> {
    for event in events {
        out.queue_relay(event).await?;
    }
    out.flush().await
}

/// A follower's frame: `ping` gets `pong`; anything else is refused.
async fn answer<O: Sink<String> + Unpin>(out: &mut Outbox<O>, text: &str) -> Result<(), Gone> {
    let request = Request::parse(text).ok();
    if let Some(Request {
        command: Command::Ping,
        req,
    }) = request
    {
        return out.send(req, Event::Pong).await;
    }
    let req = request.and_then(|r| r.req);
    let refused = error_event(
        ErrorCode::ReadOnly,
        "this page follows the lecturer's session: it shows what happens, and can't run commands",
        Some(
            "step back through the timeline on your own screen, or open the lab with its token to experiment",
        ),
    );
    out.send(req, refused).await
}
