//! Running one upload: the bytes (a chosen file read a slice at a time, or generated), the
//! md5 pass, the header, and the chunks, a few in flight at a time (see
//! [`chunks_in_flight`]).

use std::collections::VecDeque;

use futures_channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use md5::{Digest, Md5};
use socklab_shared::Payload;
use socklab_shared::protocol::{AutoBehaviour, Command, EchoMode, Event, Request, SocketId};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use crate::lab::Lab;
use crate::model::file_transfer::{
    MAX_CHUNK, Phase, RECEIVER_BUFSIZE, Transfer, chunk_size, chunks, chunks_in_flight,
    generated_chunk, header_framing, header_json, hex_digest, human,
};
use crate::on_demand::{ChunkMissing, wasm_split};

/// Where the file's bytes come from.
#[derive(Clone)]
pub(super) enum Source {
    /// Pseudo-random bytes of this size (see [`socklab_shared::sample_file`]).
    Generated(u64),
    /// A file from the lecturer's computer, read a slice at a time.
    Chosen(File),
}

impl Source {
    pub(super) fn total(&self) -> u64 {
        match self {
            Source::Generated(n) => *n,
            Source::Chosen(f) => f.size() as u64,
        }
    }

    pub(super) fn name(&self) -> String {
        match self {
            Source::Generated(n) => format!("random-{}.bin", human(*n).replace(".0 ", "")),
            Source::Chosen(f) => f.name(),
        }
    }

    /// The bytes at `offset..offset + len`.
    async fn read(&self, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        match self {
            Source::Generated(_) => Ok(generated_chunk(offset, len)),
            Source::Chosen(f) => {
                let slice = f
                    .slice_with_f64_and_f64(offset as f64, (offset + len) as f64)
                    .map_err(|_| "the browser could not slice the file".to_owned())?;
                let buf = JsFuture::from(slice.array_buffer())
                    .await
                    .map_err(|_| "the browser could not read the file".to_owned())?;
                Ok(js_sys::Uint8Array::new(&buf).to_vec())
            }
        }
    }
}

/// Lets the browser paint and handle clicks before the next chunk (a `setTimeout(0)`).
async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
    });
    let _ = JsFuture::from(promise).await;
}

pub(super) fn now_ms() -> f64 {
    js_sys::Date::now()
}

const LINK_DOWN: &str = "the link to the lab dropped";

/// The `sent` answer's (stream offset, accepted, requested), or the error the step gave.
fn sent_of(answer: Option<Vec<Event>>) -> Result<(u64, u64, u64), String> {
    let events = answer.ok_or(LINK_DOWN)?;
    for e in &events {
        match e {
            Event::Error { message, .. } => return Err(message.clone()),
            Event::Sent {
                stream_offset,
                accepted,
                requested,
                ..
            } if accepted < requested => {
                return Err(format!(
                    "sendall() stopped after {accepted} of {requested} bytes (at stream offset {stream_offset})"
                ));
            }
            Event::Sent {
                stream_offset,
                accepted,
                requested,
                ..
            } => return Ok((*stream_offset, *accepted, *requested)),
            _ => {}
        }
    }
    Err("the lab did not report the send".into())
}

/// A chunk handed to the link, and its answer to come.
struct InFlight {
    len: u64,
    sent_ms: f64,
    answer: oneshot::Receiver<Option<Vec<Event>>>,
}

impl InFlight {
    /// Sends `command` (a chunk of `len` bytes) now, without waiting for its answer: its own
    /// task asks, and the tasks run in the order spawned, so chunks go (and are numbered) in
    /// order.
    fn send(lab: Lab, command: Command, len: u64) -> Self {
        let (done, answer) = oneshot::channel();
        let sent_ms = now_ms();
        spawn_local(async move {
            let _ = done.send(lab.ask(command).await);
        });
        InFlight {
            len,
            sent_ms,
            answer,
        }
    }

    /// Waits for the answer: the chunk was accepted whole, or the step's error.
    async fn settle(self, update: Change<'_>) -> Result<(), String> {
        let answer = self.answer.await.ok().flatten();
        sent_of(answer)?;
        let answer_ms = now_ms() - self.sent_ms;
        update(&|t| {
            t.chunk_accepted(self.len);
            t.times.answer.0 += 1;
            t.times.answer.1 += answer_ms;
        });
        Ok(())
    }
}

/// How long the page takes to turn `command` into the text frame that goes (measured on the
/// first chunk only, for the panel's figures: the link encodes each command once).
fn encode_time(command: &Command) -> f64 {
    let started = now_ms();
    let text = Request {
        req: Some(1),
        command: command.clone(),
    }
    .to_json();
    let took = now_ms() - started;
    drop(text);
    took
}

/// Applies a change to the transfer in progress.
type Change<'a> = &'a dyn Fn(&dyn Fn(&mut Transfer));

/// Starts one transfer, run to the end in the background. The upload's code (reading,
/// hashing, the header, the chunks) is a chunk of the page of its own
/// ([`crate::on_demand`]), fetched for the first transfer.
#[wasm_split(files, wasm_split_path = leptos::wasm_split, fallible)]
pub(super) fn start(
    lab: Lab,
    t: RwSignal<Option<Transfer>>,
    ids: (SocketId, SocketId),
    source: Source,
) -> Result<(), ChunkMissing> {
    spawn_local(run(lab, t, ids, source));
    Ok(())
}

/// Runs one transfer to the end, recording every step in `t`.
async fn run(lab: Lab, t: RwSignal<Option<Transfer>>, ids: (SocketId, SocketId), source: Source) {
    let update = move |f: &dyn Fn(&mut Transfer)| t.update(|t| t.iter_mut().for_each(f));
    if let Err(why) = steps(lab, &update, ids, &source).await {
        update(&|t| t.fail(why.clone()));
    }
}

async fn steps(
    lab: Lab,
    update: Change<'_>,
    (sender, receiver): (SocketId, SocketId),
    source: &Source,
) -> Result<(), String> {
    let (total, name) = (source.total(), source.name());

    // The receiving end becomes the course's file server.
    let auto = AutoBehaviour {
        recv: true,
        echo: EchoMode::FileReceiver,
        bufsize: RECEIVER_BUFSIZE,
        accept: false,
    };
    let answer = lab
        .ask(Command::SetAuto {
            socket: receiver,
            auto,
        })
        .await
        .ok_or(LINK_DOWN)?;
    if let Some(Event::Error { message, .. }) =
        answer.iter().find(|e| matches!(e, Event::Error { .. }))
    {
        return Err(message.clone());
    }
    update(&|t| t.advance(Phase::Preparing, Phase::Hashing));

    // The header carries the md5, so the whole file is hashed before the first byte goes.
    let mut md5 = Md5::new();
    for (offset, len) in chunks(total, MAX_CHUNK) {
        md5.update(source.read(offset, len).await?);
        update(&|t| t.hashed = offset + len);
        yield_now().await;
    }
    let digest = hex_digest(&md5.finalize());
    update(&|t| t.md5 = Some(digest.clone()));

    // struct.pack('i', len(header)) + header, in one sendall.
    let header = header_json(&name, total, &digest);
    let (offset, _, wire_len) = sent_of(
        lab.ask(Command::SendAll {
            socket: sender,
            data: Payload(header),
            framing: header_framing(),
            header: None,
            timeout_ms: None,
        })
        .await,
    )?;
    update(&|t| t.header_sent(offset, wire_len, now_ms()));

    // The body, one sendall per chunk, a few chunks in flight (as many as the server keeps
    // waiting while it performs one: see `chunks_in_flight`), answered in order.
    let limits = lab.connection.limits.get_untracked();
    let size = chunk_size(limits.as_ref());
    let window = chunks_in_flight(limits.as_ref(), size, &name);
    update(&|t| t.times.in_flight = window);
    let mut in_flight: VecDeque<InFlight> = VecDeque::with_capacity(window);
    for (offset, len) in chunks(total, size) {
        let started = now_ms();
        let data = source.read(offset, len).await?;
        let read_ms = now_ms() - started;
        update(&|t| {
            t.times.read.0 += 1;
            t.times.read.1 += read_ms;
        });
        if in_flight.len() >= window
            && let Some(oldest) = in_flight.pop_front()
        {
            oldest.settle(update).await?;
        }
        let command = Command::SendFileChunk {
            socket: sender,
            data: Payload(data),
            name: name.clone(),
            offset,
            total,
            timeout_ms: None,
        };
        if offset == 0 {
            let encode_ms = encode_time(&command);
            update(&|t| t.times.encode = Some(encode_ms));
        }
        in_flight.push_back(InFlight::send(lab, command, len));
    }
    while let Some(oldest) = in_flight.pop_front() {
        oldest.settle(update).await?;
    }
    update(&|t| t.advance(Phase::Sending, Phase::WaitingVerdict));
    Ok(())
}
