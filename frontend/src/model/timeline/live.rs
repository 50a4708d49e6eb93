//! The diagram and the step stops kept up to date as the history grows, event by event.
//!
//! The page gets events in batches, many a second during a transfer. Building the diagram
//! and the stops again from the whole history for each batch makes every batch cost more
//! than the one before; [`LiveTimeline`] and [`LiveSteps`] instead remember where their walk
//! got to and add only the events after it. The history only grows, except when a new
//! session starts it over; so they build again only when what they were built for changes
//! (the [`Basis`]: the session, or where the shown part of the history starts) or the history
//! is shorter than what they saw.
//!
//! Invariant (tested against the full builds): after `sync(history, basis)`, a
//! [`LiveTimeline`] is `Timeline::build_from(history, basis.start)` and a [`LiveSteps`] holds
//! `step_positions(history)` past `basis.start`, whatever batches the history came in.

use std::ops::Deref;

use socklab_shared::protocol::{Command, Envelope, Event, SentCommands};

use super::build::Builder;
use super::{Timeline, is_row_event};

/// What a live model is built for: the session (a count of hellos, see
/// `crate::lab::History::session`) and the first event of the part of the history shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Basis {
    pub session: u64,
    pub start: usize,
    /// The language of the diagram's words (a switch builds it again).
    pub lang: crate::i18n::Lang,
}

/// The diagram of `history[basis.start..]`, kept up to date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveTimeline {
    basis: Basis,
    /// The history's length when last synced (the walk has seen the events from
    /// `basis.start` up to it).
    seen: usize,
    walk: Builder,
}

impl LiveTimeline {
    /// Brings the diagram up to date with `history`: adds the events after the ones seen, or
    /// builds it again when `basis` changed or the history is shorter than what was seen.
    /// True when the diagram changed.
    pub fn sync(&mut self, history: &[Envelope], basis: Basis) -> bool {
        let mut rebuilt = false;
        if basis != self.basis || history.len() < self.seen {
            *self = LiveTimeline {
                basis,
                walk: Builder {
                    lang: basis.lang,
                    ..Builder::default()
                },
                ..LiveTimeline::default()
            };
            rebuilt = true;
        }
        let rows = self.walk.tl.rows.len();
        let from = self.seen.max(basis.start);
        for (index, env) in history.iter().enumerate().skip(from) {
            self.walk.feed(index, env, basis.start);
        }
        self.seen = history.len();
        rebuilt || self.walk.tl.rows.len() != rows
    }

    /// The diagram.
    pub fn timeline(&self) -> &Timeline {
        &self.walk.tl
    }
}

impl Deref for LiveTimeline {
    type Target = Timeline;

    fn deref(&self) -> &Timeline {
        &self.walk.tl
    }
}

/// The step stops ([`super::step_positions`]) after `basis.start`, kept up to date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveSteps {
    basis: Basis,
    seen: usize,
    stops: Vec<usize>,
    /// The request number of the step whose snapshot has not come yet.
    pending: Option<Option<u64>>,
    /// The last stop is that step's end for now: the end of the history.
    provisional: bool,
}

impl LiveSteps {
    /// Brings the stops up to date with `history` (see [`LiveTimeline::sync`]). True when
    /// they changed.
    pub fn sync(&mut self, history: &[Envelope], basis: Basis) -> bool {
        let before = (self.stops.len(), self.stops.last().copied());
        let mut rebuilt = false;
        if basis != self.basis || history.len() < self.seen {
            *self = LiveSteps {
                basis,
                ..LiveSteps::default()
            };
            rebuilt = true;
        }
        if self.provisional {
            self.stops.pop();
            self.provisional = false;
        }
        for (i, env) in history.iter().enumerate().skip(self.seen) {
            if matches!(env.event, Event::Buffers { .. }) {
                if self.pending.take().is_some() {
                    self.stop(i + 1);
                }
            } else if is_row_event(&env.event) {
                if let Some(req) = self.pending
                    && req != env.req
                {
                    self.stop(i);
                }
                self.pending = Some(env.req);
            }
        }
        self.seen = history.len();
        if self.pending.is_some() && history.len() > basis.start {
            self.stops.push(history.len());
            self.provisional = true;
        }
        rebuilt || before != (self.stops.len(), self.stops.last().copied())
    }

    fn stop(&mut self, at: usize) {
        if at > self.basis.start {
            self.stops.push(at);
        }
    }

    /// The stops, ascending.
    pub fn stops(&self) -> &[usize] {
        &self.stops
    }
}

impl Deref for LiveSteps {
    type Target = [usize];

    fn deref(&self) -> &[usize] {
        &self.stops
    }
}

/// When to bring a view up to date with events that stream in: at once when it was last
/// updated long enough ago, else once at the end of that interval (one timer for any number of
/// changes in between), so a view costs at most one update per interval however many batches
/// of events come, and the last change is always shown, at most one interval late.
#[derive(Debug, Clone, PartialEq)]
pub struct Throttle {
    every_ms: f64,
    /// When it was last updated (page clock, ms).
    made: Option<f64>,
    /// An update is scheduled.
    scheduled: bool,
}

impl Throttle {
    pub fn new(every_ms: f64) -> Self {
        Throttle {
            every_ms,
            made: None,
            scheduled: false,
        }
    }

    /// Something changed at `now`: `Some(0)` to update now, `Some(ms)` to schedule the update
    /// in `ms`, `None` when one is scheduled already.
    pub fn asked(&mut self, now: f64) -> Option<u64> {
        if self.scheduled {
            return None;
        }
        match self.made {
            Some(made) if now - made < self.every_ms => {
                self.scheduled = true;
                Some((made + self.every_ms - now).ceil().max(1.0) as u64)
            }
            _ => {
                self.made = Some(now);
                Some(0)
            }
        }
    }

    /// The scheduled update happened at `now`.
    pub fn made(&mut self, now: f64) {
        self.scheduled = false;
        self.made = Some(now);
    }
}

/// Whether `events` (the ones that just arrived) are a stream a view may show a little late:
/// all from auto behaviours (no request number) or answers to a file upload's chunks. Any
/// other command's answer is shown at once, so the timeline and the program keep up with the
/// lecturer's clicks.
pub fn streaming(events: &[Envelope], sent: &SentCommands) -> bool {
    events.iter().all(|e| {
        e.req
            .is_none_or(|r| matches!(sent.get(&r), Some(Command::SendFileChunk { .. })))
    })
}
