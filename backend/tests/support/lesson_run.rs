//! Running a lesson the way the page's player does: each step's commands one at a time, each
//! after the previous one's snapshot, then waiting for what the step expects (auto behaviours
//! may answer a moment later). Shared by the lesson tests and the generated-Python tests.

use std::collections::HashMap;
use std::time::Duration;

use socklab_shared::lesson::{Expect, Lesson, LessonSet};
use socklab_shared::protocol::SentCommands as Commands;
use socklab_shared::protocol::{Command, Envelope, Event, Request};
use socklab_shared::script::{Named, may_fail, name_of, resolve_command};

use super::{LabServer, WsClient};

/// Every lesson in `static/lessons`, as the server loads them.
pub fn lessons() -> LessonSet {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/lessons");
    socklab::lessons::load_dir(&dir)
}

/// Whether `lesson` is one to run: all of them, or only those named (by slug or number,
/// comma-separated) in `SOCKLAB_LESSON`, for working on one lesson at a time.
pub fn chosen(lesson: &Lesson) -> bool {
    let Ok(only) = std::env::var("SOCKLAB_LESSON") else {
        return true;
    };
    only.split(',')
        .map(str::trim)
        .any(|w| w == lesson.slug || w == lesson.number.to_string())
}

/// Longest a step's expectation may take to show up after its commands ran.
const EXPECT_WITHIN: Duration = Duration::from_secs(5);

/// A step with an exact `count` is over once no event came for this long (packets of the
/// wire arrive after the command that caused them), or after [`EXPECT_WITHIN`].
const STEP_QUIET: Duration = Duration::from_millis(400);

/// What running a lesson left: every envelope of the session in arrival order, the commands
/// by request number, and the names the lesson gave its sockets.
pub struct LessonRun {
    pub history: Vec<Envelope>,
    pub commands: Commands,
    pub names: HashMap<String, Named>,
}

/// Runs every step of `lesson`; panics, naming the lesson and step, when a command fails
/// without `may_fail` or an expectation is not met. With `settle`, it then keeps what auto
/// behaviours still report until none came for that long (the page would show those too).
pub async fn run_lesson(
    server: &LabServer,
    lesson: &Lesson,
    settle: Option<Duration>,
) -> LessonRun {
    let mut ws = WsClient::connect(server).await;
    let mut run = LessonRun {
        history: Vec::new(),
        commands: Commands::new(),
        names: HashMap::new(),
    };
    let mut req = 0;
    for (i, step) in lesson.steps.iter().enumerate() {
        let place = format!("lesson {} ({}), step {}", lesson.number, lesson.slug, i + 1);
        let step_start = run.history.len();
        for template in &step.run {
            let command: Command =
                resolve_command(template, &run.names).unwrap_or_else(|e| panic!("{place}: {e}"));
            req += 1;
            run.commands.insert(req, command.clone());
            ws.send(&Request {
                req: Some(req),
                command,
            })
            .await;
            loop {
                let env = ws.next_event().await;
                let ours = env.req == Some(req);
                if ours
                    && let Event::SocketOpened { socket, local, .. } = &env.event
                    && let Some(name) = name_of(template)
                {
                    // A Unix socket's address is a path: it has no port.
                    let port = local
                        .rsplit_once(':')
                        .and_then(|(_, p)| p.parse().ok())
                        .unwrap_or(0);
                    run.names.insert(
                        name.to_owned(),
                        Named {
                            socket: *socket,
                            port,
                        },
                    );
                }
                if ours && let Event::Error { message, .. } = &env.event {
                    assert!(may_fail(template), "{place}: {template} failed: {message}");
                }
                let done = ours && matches!(env.event, Event::Buffers { .. } | Event::Pong);
                run.history.push(env);
                if done {
                    break;
                }
            }
        }
        await_expectations(&mut ws, &mut run, step_start, &step.expect, &place).await;
    }
    if let Some(quiet) = settle {
        while let Ok(env) = tokio::time::timeout(quiet, ws.next_event()).await {
            run.history.push(env);
        }
    }
    ws.close().await;
    run
}

/// Waits, each for at most [`EXPECT_WITHIN`], until the step's events hold enough of what
/// every expectation asks for; with an exact `count`, keeps what still arrives until the session
/// is quiet and checks that there are not too many. Panics with the step's events otherwise.
async fn await_expectations(
    ws: &mut WsClient,
    run: &mut LessonRun,
    step_start: usize,
    expects: &[Expect],
    place: &str,
) {
    let tally = |run: &LessonRun, expect: &Expect| {
        expect.tally(
            run.history[step_start..].iter().map(|e| &e.event),
            &run.names,
        )
    };
    let failed = |run: &LessonRun, expect: &Expect, seen: usize| -> ! {
        let events: Vec<String> = run.history[step_start..]
            .iter()
            .map(|e| format!("\n  {}", one_line(&e.event)))
            .collect();
        let mut wanted = serde_json::to_value(expect).unwrap_or_default();
        if let Some(fields) = wanted.as_object_mut() {
            fields.retain(|_, v| !v.is_null());
        }
        panic!(
            "{place}: saw {seen} of {wanted}; the step's events were:{}",
            events.concat()
        )
    };
    for expect in expects {
        while tally(run, expect) < expect.fewest() {
            match tokio::time::timeout(EXPECT_WITHIN, ws.next_event()).await {
                Ok(env) => run.history.push(env),
                Err(_) => failed(run, expect, tally(run, expect)),
            }
        }
    }
    if expects.iter().any(|e| e.most().is_some()) {
        let deadline = tokio::time::Instant::now() + EXPECT_WITHIN;
        while let Ok(Ok(env)) =
            tokio::time::timeout_at(deadline, tokio::time::timeout(STEP_QUIET, ws.next_event()))
                .await
        {
            run.history.push(env);
        }
    }
    for expect in expects {
        let seen = tally(run, expect);
        if !expect.met_by(seen) {
            failed(run, expect, seen);
        }
    }
}

/// An event on one line for a failure's list: a packet as a capture tool lists it, a
/// snapshot by name only, anything else as its JSON.
fn one_line(event: &Event) -> String {
    use socklab_shared::protocol::wire::Transport;
    match event {
        Event::Packet { packet: p } => {
            let what = match &p.transport {
                Transport::Tcp(t) => format!(
                    "tcp [{}] seq {} ack {} win {} len {}{}",
                    t.flags.label(),
                    t.seq,
                    t.ack,
                    t.window,
                    t.payload_len,
                    if t.retransmission {
                        " retransmission"
                    } else {
                        ""
                    }
                ),
                Transport::Udp(u) => format!("udp len {}", u.payload_len),
                other => format!("{other:?}"),
            };
            let sends: Vec<String> = p
                .spans
                .iter()
                .filter_map(|s| s.send_no.map(|n| format!("#{n}")))
                .collect();
            let fate = serde_json::to_value(&p.fate).unwrap_or_default();
            format!(
                "packet {} {:?} {what} sends [{}] {}",
                p.no,
                p.direction,
                sends.join(","),
                fate["fate"].as_str().unwrap_or("?")
            )
        }
        Event::Buffers { .. } => "buffers (snapshot)".into(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}
