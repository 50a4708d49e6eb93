//! The lab side: a real socklab server in this process, driven over a real WebSocket by the
//! benchmarks' [`Client`]: JSON commands in, JSON events out.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use socklab::server::BoundServer;
use socklab::{AppState, Config};
use socklab_shared::protocol::Event;

use crate::client::Client;
use crate::{CHUNK, Result, STALL, WARMUP_STEPS};

/// The socklab server, serving on its own multi-threaded runtime (see the crate docs).
pub struct Server {
    pub addr: SocketAddr,
    runtime: tokio::runtime::Runtime,
    stop: tokio::sync::oneshot::Sender<()>,
    serving: tokio::task::JoinHandle<std::result::Result<(), socklab::Error>>,
}

impl Server {
    /// Binds 127.0.0.1:0 with the default configuration, except that a bulk send may carry
    /// `bulk_bytes` (the default cap is 1 GiB) and a call may wait as long as we do.
    pub fn start(bulk_bytes: u64) -> Result<Self> {
        Self::start_with(bulk_bytes, |_| {})
    }

    /// Like [`Server::start`], after `adjust` has changed the configuration.
    pub fn start_with(bulk_bytes: u64, adjust: impl FnOnce(&mut Config)) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("socklab-server")
            .build()
            .map_err(|e| format!("cannot build the server runtime: {e}"))?;
        let mut config = Config::defaults();
        config.listen = "127.0.0.1:0".parse().expect("a literal address");
        config.max_bulk_bytes = config.max_bulk_bytes.max(bulk_bytes);
        config.max_wait_ms = config.max_wait_ms.max(STALL.as_millis() as u64);
        // A benchmark on loopback: no token to pass around.
        config.no_token = true;
        adjust(&mut config);
        let state = AppState::new(config).map_err(|e| format!("bad configuration: {e}"))?;
        let server = runtime
            .block_on(BoundServer::bind(state))
            .map_err(|e| format!("cannot start the server: {e}"))?;
        let addr = server
            .local_addr()
            .map_err(|e| format!("server address: {e}"))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = runtime.spawn(server.serve(async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            runtime,
            stop,
            serving,
        })
    }

    /// Asks the server to shut down and gives it a few seconds; a server that doesn't stop
    /// is reported but doesn't keep the benchmark from printing its figures.
    pub fn stop(self) {
        let _ = self.stop.send(());
        let serving = self.serving;
        let stopped = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), serving).await });
        if stopped.is_err() {
            eprintln!("  (the server did not shut down within 10 s; leaving it)");
        }
        self.runtime.shutdown_timeout(Duration::from_secs(2));
    }
}

/// One lab transfer, and what the events said about it.
///
/// Times are from sending `send_bulk`, on the client's clock. `received` and `stamped` are
/// read off the server's clock instead (each event's `t_us`, put on our clock by
/// [`Client::server_time`]): the server's clock says when it did something, however long
/// TCP then took to deliver the news.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// The receiver's auto events (`received` with `auto: true`, `auto_summary`) added up to
    /// N: the lab's figure, what a page or a script sees.
    pub total: Duration,
    /// The `sent` event arrived: the sender's last `send()` has returned, so all but what the
    /// kernel's buffers hold (a few MB) has been received by then.
    pub sent: Duration,
    /// The server took a snapshot showing the receiver's stream offset at N: the auto-recv
    /// task had received every byte (whether or not it had reported them).
    pub received: Duration,
    /// The server stamped the auto event that completed N (it left the session then).
    pub stamped: Duration,
    /// Snapshot commands sent to find `received`.
    pub polls: u64,
    /// `received` events with `auto: true` (each carries its bytes, base64, to the page).
    pub detailed: u64,
    /// `auto_summary` events and the recvs they stand for.
    pub summaries: u64,
    pub summarised_recvs: u64,
    /// `buffers` snapshots that came with the transfer unasked (after `sent` and after
    /// each batch of auto events the session forwarded).
    pub snapshots: u64,
    /// WebSocket text frames and their bytes from `send_bulk` to the end.
    pub frames: u64,
    pub frame_bytes: u64,
}

impl Transfer {
    pub fn recvs(&self) -> u64 {
        self.detailed + self.summarised_recvs
    }
}

/// One bulk transfer of `bytes` between two lab sockets, in a fresh session (so no socket,
/// send log or pending summary of an earlier run is around).
pub async fn transfer(addr: SocketAddr, bytes: u64) -> Result<Transfer> {
    let mut lab = Client::open(addr, STALL).await?;
    let (_listener, client, receiver) = lab.tcp_pair().await?;
    // The receiving end reads by itself, 64 KiB per recv like the baseline's read().
    lab.ok(
        json!({"cmd": "set_auto", "socket": receiver, "auto": {"recv": true, "bufsize": CHUNK}}),
    )
    .await?;
    let (frames0, frame_bytes0) = (lab.frames, lab.frame_bytes);

    let start = Instant::now();
    let req = lab
        .send(json!({"cmd": "send_bulk", "socket": client, "bytes": bytes}))
        .await?;
    let mut t = Transfer {
        total: Duration::ZERO,
        sent: Duration::ZERO,
        received: Duration::ZERO,
        stamped: Duration::ZERO,
        polls: 0,
        detailed: 0,
        summaries: 0,
        summarised_recvs: 0,
        snapshots: 0,
        frames: 0,
        frame_bytes: 0,
    };
    let mut got = 0u64;
    let mut sent_seen = false;
    // Server stamps of the snapshot that first showed every byte received, and of the auto
    // event that completed N; put on our clock once the session is over (see `server_time`).
    let (mut received_stamp, mut completed_stamp) = (None, None);
    // After `sent`, a `snapshot` every millisecond until one shows the receiver's stream
    // offset at N. They are sent without waiting for answers: an answer may sit in TCP for
    // tens of milliseconds (see the latency table), but its stamp says when the server took
    // it, so the polls still find the moment to within a millisecond.
    let mut ticker = tokio::time::interval(Duration::from_millis(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut polling = false;
    // The session answers `send_bulk` only once its sendall is done, and forwards what the
    // auto-recv task reported only after that: so `sent` comes first, the receiver's
    // events after. Read until the sender, the receiver and the polls are all accounted for.
    while got < bytes || !sent_seen || received_stamp.is_none() {
        // The polls keep frames coming, so a stall would not show up as a silent wait.
        if start.elapsed() > STALL {
            return Err(format!(
                "the transfer did not finish within {STALL:?}: the receiver reported {got} of \
                 {bytes} bytes, `sent` {}, a snapshot showing all bytes received {}",
                if sent_seen { "came" } else { "never came" },
                if received_stamp.is_none() {
                    "never came"
                } else {
                    "came"
                },
            ));
        }
        let waiting = format!(
            "auto events for {} more bytes (of {bytes})",
            bytes - got.min(bytes)
        );
        let env = tokio::select! {
            _ = ticker.tick(), if polling => {
                lab.send(json!({"cmd": "snapshot"})).await?;
                t.polls += 1;
                continue;
            }
            env = lab.next(&waiting) => env?,
        };
        let polled = env.req.is_some_and(|r| r > req);
        match env.event {
            Event::Sent { accepted, .. } if env.req == Some(req) => {
                if accepted != bytes {
                    return Err(format!("send_bulk accepted {accepted} of {bytes} bytes"));
                }
                t.sent = start.elapsed();
                sent_seen = true;
                polling = true;
                ticker.reset_immediately();
            }
            Event::Buffers { sockets } if polled => {
                let offset = sockets
                    .iter()
                    .find(|s| s.socket == receiver)
                    .map_or(0, |s| s.recv_offset);
                if offset >= bytes && received_stamp.is_none() {
                    received_stamp = Some(env.t_us);
                    polling = false;
                }
            }
            Event::Error { message, .. } => {
                return Err(format!("error event during the transfer: {message}"));
            }
            Event::Received {
                socket,
                data,
                auto: true,
                ..
            } if socket == receiver => {
                got += data.0.len() as u64;
                t.detailed += 1;
            }
            Event::AutoSummary {
                socket,
                recvs,
                bytes: b,
                ..
            } if socket == receiver => {
                got += b;
                t.summaries += 1;
                t.summarised_recvs += recvs;
            }
            Event::Buffers { .. } => t.snapshots += 1,
            _ => {}
        }
        if got >= bytes && t.total.is_zero() {
            t.total = start.elapsed();
            completed_stamp = Some(env.t_us);
        }
    }
    if got != bytes {
        return Err(format!(
            "the receiver reported {got} bytes, {bytes} were sent"
        ));
    }
    let on_our_clock = |stamp: Option<u64>| {
        stamp.map_or(Duration::ZERO, |us| {
            lab.server_time(us).saturating_duration_since(start)
        })
    };
    t.received = on_our_clock(received_stamp);
    t.stamped = on_our_clock(completed_stamp);
    t.frames = lab.frames - frames0;
    t.frame_bytes = lab.frame_bytes - frame_bytes0;
    lab.close().await;
    Ok(t)
}

/// Round-trip times of one command, measured `steps` times.
pub struct Latency {
    pub label: &'static str,
    pub samples: Vec<Duration>,
    /// Events per step (the same every step for these commands).
    pub events: usize,
    /// Per step: how far apart the first and the last event arrived here, and how far apart
    /// the server stamped them (`t_us`). For a one-event command both are 0. When the server
    /// made the events microseconds apart but they arrive much further apart, the delay is
    /// in the transport (TCP), not in the engine.
    pub arrival_gaps: Vec<Duration>,
    pub server_gaps: Vec<Duration>,
}

/// Most steps of the two-event command (see `latencies`).
const TWO_EVENT_STEPS: usize = 300;

/// Times cheap commands in one session holding three sockets (a listener, a client and the
/// accepted end, with 5 bytes waiting in its receive queue so the snapshot really peeks and
/// traces them as a page would show them).
pub async fn latencies(addr: SocketAddr, steps: usize) -> Result<Vec<Latency>> {
    let mut lab = Client::open(addr, STALL).await?;
    let (_listener, client, _accepted) = lab.tcp_pair().await?;
    lab.ok(json!({"cmd": "send", "socket": client, "data": "aGVsbG8="})) // "hello"
        .await?;
    // (label, command, steps, warm-up steps)
    let cases: [(&'static str, Value, usize, usize); 3] = [
        ("ping → pong", json!({"cmd": "ping"}), steps, WARMUP_STEPS),
        (
            "snapshot → buffers (3 sockets)",
            json!({"cmd": "snapshot"}),
            steps,
            WARMUP_STEPS,
        ),
        // Two events (option_set, then buffers): a second frame written right after the
        // first is where Nagle's algorithm holds a reply back until the client ACKs the first
        // (and Linux delays that ACK by up to 40 ms), unless the server sets TCP_NODELAY.
        // Fewer steps, because each may take that long.
        (
            "set_option → option_set, buffers",
            json!({"cmd": "set_option", "socket": client,
                   "option": {"name": "nodelay", "value": true}}),
            steps.min(TWO_EVENT_STEPS),
            WARMUP_STEPS.min(TWO_EVENT_STEPS / 10),
        ),
    ];
    let mut out = Vec::new();
    for (label, command, steps, warmup) in cases {
        let mut l = Latency {
            label,
            samples: Vec::with_capacity(steps),
            events: 0,
            arrival_gaps: Vec::with_capacity(steps),
            server_gaps: Vec::with_capacity(steps),
        };
        for i in 0..warmup + steps {
            let start = Instant::now();
            let req = lab.send(command.clone()).await?;
            let mut first: Option<(Instant, u64)> = None;
            let mut events = 0;
            loop {
                let env = lab.next(&format!("the last event of {command}")).await?;
                if env.req != Some(req) {
                    continue;
                }
                let arrived = Instant::now();
                let (first_arrived, first_stamp) = *first.get_or_insert((arrived, env.t_us));
                events += 1;
                match env.event {
                    Event::Pong | Event::Buffers { .. } => {
                        if i >= warmup {
                            l.samples.push(start.elapsed());
                            l.arrival_gaps.push(arrived - first_arrived);
                            l.server_gaps
                                .push(Duration::from_micros(env.t_us.saturating_sub(first_stamp)));
                        }
                        break;
                    }
                    Event::Error { message, .. } => return Err(format!("{command}: {message}")),
                    _ => {}
                }
            }
            l.events = events;
        }
        out.push(l);
    }
    lab.close().await;
    Ok(out)
}
