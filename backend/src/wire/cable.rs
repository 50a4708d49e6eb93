//! The cable: one tokio task per session that carries packets between host A's and host B's
//! TUN devices, through the link's impairments, and reports each one.
//!
//! For every packet read from a host: number it, keep it in the capture (for the pcap),
//! parse it, let the direction's [`Link`] decide its fate, report it, and write it into the
//! other host when the link says it is due. Time on the link is [`Duration`] since the cable
//! started, read from tokio's clock; the link itself never reads a clock.
//!
//! Invariants: packets of one direction are written in the order the link releases them; the
//! task holds at most the link's bounded queues and the bounded capture; it ends when its
//! [`CableHandle`] is dropped (the session ended), closing the TUN devices.

use std::net::SocketAddr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use socklab_shared::protocol::wire::{
    Direction, Directions, Fate, LinkSettings, PacketInfo, Transport,
};
use socklab_wire::{Capture, L4, Link, Parsed, Tracker, parse};
use tokio::io::unix::{AsyncFd, AsyncFdReadyGuard};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::hosts::Tuns;
use super::packet_report::PacketReporter;
use super::senders::Senders;
use crate::engine::auto_queue::AutoSender;

/// Most packets read from one host before the other gets a turn.
const READ_BATCH: usize = 64;
/// Room for the largest packet a TUN device gives (MTU 65 520).
const BUFFER: usize = 65_536;

/// What the session asks the cable.
pub enum Control {
    Set {
        directions: Directions,
        settings: LinkSettings,
        seed: Option<u64>,
    },
    Hold(bool),
    Step(u32),
    DropNext(Directions),
    Status(oneshot::Sender<CableStatus>),
    Pcap(oneshot::Sender<Result<PcapFile, String>>),
}

/// The cable's state, for [`socklab_shared::protocol::Event::WireState`].
#[derive(Debug, Clone)]
pub struct CableStatus {
    pub a_to_b: LinkSettings,
    pub b_to_a: LinkSettings,
    pub held: bool,
    pub waiting: u64,
    pub packets: u64,
}

/// A pcap file of the session's packets.
pub struct PcapFile {
    pub bytes: Vec<u8>,
    pub packets: u64,
    pub truncated: u64,
}

/// The session's end of the cable task; dropping it stops the task.
pub struct CableHandle {
    tx: mpsc::Sender<Control>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CableHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CableHandle {
    /// Starts the cable between the two TUN devices.
    pub fn spawn(
        tuns: Tuns,
        auto_tx: AutoSender,
        senders: Senders,
    ) -> std::io::Result<CableHandle> {
        let [a, b] = tuns;
        let tuns = [register(a)?, register(b)?];
        let (tx, rx) = mpsc::channel(16);
        let cable = Cable {
            links: [
                Link::new(LinkSettings::default(), 1),
                Link::new(LinkSettings::default(), 2),
            ],
            tracker: Tracker::default(),
            capture: Capture::default(),
            started: Instant::now(),
            wall_start: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default(),
            packets: 0,
            report: PacketReporter::new(auto_tx),
            senders,
        };
        let task = tokio::spawn(cable.run(tuns, rx));
        Ok(CableHandle { tx, task })
    }

    /// Sends `control` to the cable; `false` if the cable stopped.
    pub async fn send(&self, control: Control) -> bool {
        self.tx.send(control).await.is_ok()
    }
}

/// A packet on the link: its number on the cable and its bytes.
#[derive(Clone)]
struct Frame {
    no: u64,
    bytes: Vec<u8>,
}

/// The cable's state; the TUN devices are borrowed beside it by [`Cable::run`].
struct Cable {
    links: [Link<Frame>; 2],
    tracker: Tracker,
    capture: Capture,
    started: Instant,
    wall_start: Duration,
    packets: u64,
    report: PacketReporter,
    senders: Senders,
}

fn index(d: Direction) -> usize {
    match d {
        Direction::AToB => 0,
        Direction::BToA => 1,
    }
}

const DIRECTIONS: [Direction; 2] = [Direction::AToB, Direction::BToA];

impl Cable {
    fn now(&self) -> Duration {
        self.started.elapsed()
    }

    async fn run(mut self, tuns: [AsyncFd<OwnedFd>; 2], mut rx: mpsc::Receiver<Control>) {
        let mut buf = vec![0u8; BUFFER];
        loop {
            let due = self.links.iter().filter_map(Link::next_due).min();
            let due_at = due.map(|d| self.started + d);
            let flush_at = self.report.flush_at();
            tokio::select! {
                control = rx.recv() => match control {
                    Some(c) => self.control(c),
                    None => return,
                },
                ready = tuns[0].readable() => {
                    if let Ok(guard) = ready {
                        self.drain(Direction::AToB, guard, &mut buf, &tuns);
                    }
                }
                ready = tuns[1].readable() => {
                    if let Ok(guard) = ready {
                        self.drain(Direction::BToA, guard, &mut buf, &tuns);
                    }
                }
                _ = sleep_until(due_at), if due_at.is_some() => {}
                _ = sleep_until(flush_at), if flush_at.is_some() => {
                    self.report.flush();
                }
            }
            self.deliver_due(&tuns);
        }
    }

    /// Reads up to a batch of what a host sent, offering each packet to the link. Readiness
    /// is cleared only when the device is empty (`try_io` sees EAGAIN), so after a full batch
    /// the loop comes straight back, having given the other direction and the timers a turn.
    fn drain(
        &mut self,
        direction: Direction,
        mut guard: AsyncFdReadyGuard<'_, OwnedFd>,
        buf: &mut [u8],
        tuns: &[AsyncFd<OwnedFd>; 2],
    ) {
        for _ in 0..READ_BATCH {
            let read = guard.try_io(|fd| {
                // SAFETY: `buf` is valid for `buf.len()` bytes; the descriptor is open while
                // the `AsyncFd` holds it.
                let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(n as usize)
                }
            });
            match read {
                Ok(Ok(n)) => {
                    self.offer(direction, &buf[..n]);
                    self.deliver_due(tuns);
                }
                Ok(Err(e)) => {
                    tracing::debug!(error = %e, "reading a TUN device");
                    return;
                }
                // Would block: everything read, readiness cleared.
                Err(_) => return,
            }
        }
    }

    fn offer(&mut self, direction: Direction, bytes: &[u8]) {
        let parsed = parse(bytes);
        if parsed.as_ref().is_ok_and(is_link_chatter) {
            // Neighbour discovery and multicast listener reports: the TUN link needs none
            // of them, and they are not the lab's traffic.
            return;
        }
        self.packets += 1;
        let no = self.packets;
        let now = self.now();
        self.capture.push(now, bytes);
        let described = match parsed {
            Ok(p) => Some(self.describe(no, direction, p)),
            Err(e) => {
                tracing::debug!(no, error = %e, "packet not parsed");
                None
            }
        };
        let frame = Frame {
            no,
            bytes: bytes.to_vec(),
        };
        let fate = self.links[index(direction)].offer(now, bytes.len(), frame);
        if let Some(mut packet) = described {
            packet.fate = fate;
            self.report.packet(packet);
        }
    }

    /// A parsed packet's event (without a fate yet), naming the sends it carries.
    fn describe(&mut self, no: u64, direction: Direction, parsed: Parsed) -> PacketInfo {
        let (transport, stream_offset) = self.tracker.transport(&parsed);
        let ports = match &transport {
            Transport::Tcp(t) => (t.src_port, t.dst_port),
            Transport::Udp(u) => (u.src_port, u.dst_port),
            _ => (0, 0),
        };
        let src = SocketAddr::new(parsed.src, ports.0);
        let dst = SocketAddr::new(parsed.dst, ports.1);
        let spans = match (&transport, stream_offset) {
            (Transport::Tcp(t), Some(offset)) if t.payload_len > 0 => {
                self.senders
                    .stream(src, dst, offset, u64::from(t.payload_len))
            }
            (Transport::Udp(u), _) => self.senders.datagram(src, dst, u64::from(u.payload_len)),
            _ => Vec::new(),
        };
        PacketInfo {
            no,
            direction,
            ip: parsed.ip,
            transport,
            spans,
            fate: Fate::Delivered,
        }
    }

    /// Writes every packet the links say is due into its destination host.
    fn deliver_due(&mut self, tuns: &[AsyncFd<OwnedFd>; 2]) {
        let now = self.now();
        for d in DIRECTIONS {
            let to = tuns[1 - index(d)].get_ref().as_raw_fd();
            while let Some(frame) = self.links[index(d)].pop_due(now) {
                // SAFETY: `frame.bytes` is valid for its length; the descriptor is open.
                let n = unsafe { libc::write(to, frame.bytes.as_ptr().cast(), frame.bytes.len()) };
                if n < 0 {
                    tracing::debug!(no = frame.no, error = %std::io::Error::last_os_error(), "packet not written");
                }
            }
        }
    }

    fn control(&mut self, control: Control) {
        let now = self.now();
        match control {
            Control::Set {
                directions,
                settings,
                seed,
            } => {
                for d in DIRECTIONS.into_iter().filter(|d| directions.includes(*d)) {
                    let link = &mut self.links[index(d)];
                    link.set(settings.clone());
                    if let Some(seed) = seed {
                        link.reseed(seed ^ index(d) as u64);
                    }
                }
            }
            Control::Hold(on) => {
                for d in DIRECTIONS {
                    let released = self.links[index(d)].set_hold(on, now);
                    self.report_released(released);
                }
            }
            Control::Step(n) => self.step(now, n as usize),
            Control::DropNext(directions) => {
                for d in DIRECTIONS.into_iter().filter(|d| directions.includes(*d)) {
                    self.links[index(d)].drop_next();
                }
            }
            Control::Status(reply) => {
                let _ = reply.send(self.status());
            }
            Control::Pcap(reply) => {
                let file = self
                    .capture
                    .to_pcap(self.wall_start)
                    .map(|bytes| PcapFile {
                        bytes,
                        packets: self.capture.len() as u64,
                        truncated: self.capture.truncated(),
                    })
                    .map_err(|e| e.to_string());
                let _ = reply.send(file);
            }
        }
    }

    /// Releases the `n` oldest held packets, whichever direction they wait in.
    fn step(&mut self, now: Duration, n: usize) {
        for _ in 0..n {
            let oldest = DIRECTIONS
                .into_iter()
                .filter_map(|d| self.links[index(d)].held_front().map(|f| (f.no, d)))
                .min_by_key(|(no, _)| *no);
            let Some((_, d)) = oldest else { return };
            let released = self.links[index(d)].step(now, 1);
            self.report_released(released);
        }
    }

    fn report_released(&mut self, released: Vec<(Frame, Fate)>) {
        for (frame, fate) in released {
            self.report.fate(frame.no, fate);
        }
    }

    fn status(&self) -> CableStatus {
        CableStatus {
            a_to_b: self.links[0].settings().clone(),
            b_to_a: self.links[1].settings().clone(),
            held: self.links[0].is_held(),
            waiting: self.links.iter().map(|l| l.waiting() as u64).sum(),
            packets: self.packets,
        }
    }
}

/// ICMPv6 of the link itself (multicast listener queries and reports, router and neighbour
/// solicitations and advertisements, redirects: types 130 to 137 and 143).
fn is_link_chatter(p: &Parsed) -> bool {
    matches!(p.l4, L4::Icmp { icmp_type, .. } if p.ip.version == 6 && (matches!(icmp_type, 130..=137 | 143)))
}

/// Registers a TUN device with tokio's reactor.
fn register(fd: OwnedFd) -> std::io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: the `OwnedFd` owns its descriptor, which stays open (and is the one registered)
    // until the `AsyncFd` that now owns it is dropped.
    Ok(unsafe { AsyncFd::register(fd)? })
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}
