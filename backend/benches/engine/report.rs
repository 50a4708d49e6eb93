//! The printed table: machine facts, throughput, latency percentiles.

use std::time::Duration;

use crate::lab::{Latency, Transfer};
use crate::{CHUNK, RUNS, Settings, WARMUP_STEPS};

/// Facts about the machine that change what the figures mean.
pub struct Machine {
    /// `nproc`: the CPUs this process may run on.
    pub cpus: usize,
    pub cpu_model: String,
    pub kernel: String,
    /// The 1-minute load average when the benchmark started: figures taken while the
    /// machine is busy with something else are lower, and the ratio noisier.
    pub load: String,
}

impl Machine {
    pub fn read() -> Self {
        let file = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: file("/proc/cpuinfo")
                .lines()
                .find_map(|l| {
                    l.strip_prefix("model name")?
                        .split_once(':')
                        .map(|(_, m)| m.trim().to_owned())
                })
                .unwrap_or_else(|| "unknown".into()),
            kernel: file("/proc/sys/kernel/osrelease").trim().to_owned(),
            load: file("/proc/loadavg")
                .split_whitespace()
                .next()
                .unwrap_or("?")
                .to_owned(),
        }
    }
}

/// Throughput in MB/s (10^6 bytes per second, as network figures are usually given).
pub fn mb_per_s(bytes: u64, took: Duration) -> f64 {
    bytes as f64 / took.as_secs_f64() / 1e6
}

/// The median of a list (the middle one, or the lower middle for an even count).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[(v.len() - 1) / 2]
}

fn best(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::MIN, f64::max)
}

/// Nearest-rank percentile of sorted samples: the smallest sample with at least `p`% of all
/// samples at or below it, so p99 of 10,000 samples is the 9,900th.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

pub fn print(m: &Machine, s: &Settings, plain: &[Duration], lab: &[Transfer], latency: &[Latency]) {
    let n = s.bytes;
    let rates = |f: &dyn Fn(&Transfer) -> Duration| {
        lab.iter().map(|t| mb_per_s(n, f(t))).collect::<Vec<f64>>()
    };
    let plain_mb: Vec<f64> = plain.iter().map(|d| mb_per_s(n, *d)).collect();
    let lab_mb = rates(&|t| t.total);
    let received_mb = rates(&|t| t.received);
    let runs = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:>8.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let row = |label: &str, v: &[f64]| {
        println!(
            "  {label:<44} {:>10.1} {:>10.1}   {}",
            best(v),
            median(v.to_vec()),
            runs(v)
        );
    };
    let ratio = |label: &str, v: &[f64]| {
        println!(
            "  {label:<44} {:>10.2} {:>10.2}",
            best(v) / best(&plain_mb),
            median(v.to_vec()) / median(plain_mb.clone())
        );
    };

    println!();
    println!("socklab engine benchmark");
    println!(
        "  machine   nproc {} · {} · Linux {} · load {} at start",
        m.cpus, m.cpu_model, m.kernel, m.load
    );
    println!(
        "  N         {n} bytes ({:.1} MiB) per transfer, {RUNS} timed runs each, after 1 warm-up",
        n as f64 / (1 << 20) as f64
    );
    println!();
    println!(
        "(a) bulk transfer over 127.0.0.1, {} KiB send()s, recv()s of up to {} KiB   [MB = 10^6 bytes]",
        CHUNK / 1024,
        CHUNK / 1024
    );
    println!(
        "  {:<44} {:>10} {:>10}   each run (MB/s)",
        "", "best MB/s", "median"
    );
    row("plain: std::net pair, 2 threads", &plain_mb);
    row("lab: send_bulk → auto-recv events add up to N", &lab_mb);
    ratio("ratio lab / plain   (target ≥ 0.80)", &lab_mb);
    spread("lab / plain", &lab_mb, &plain_mb);
    row("lab, bytes received (server clock)", &received_mb);
    ratio("ratio received / plain", &received_mb);
    spread("received / plain", &received_mb, &plain_mb);
    println!();
    println!("  lab runs in detail, ms from sending send_bulk:");
    println!(
        "  {:>3} {:>7} {:>8} {:>7} {:>8} {:>8} {:>9} {:>6} {:>7} {:>8} {:>9} {:>5} {:>6} {:>7}",
        "run",
        "sent",
        "received",
        "stamped",
        "reported",
        "summary",
        "transport",
        "recvs",
        "B/recv",
        "detailed",
        "summaries",
        "snaps",
        "frames",
        "JSON kB"
    );
    println!("  {:>42} {:>9}", "lag", "lag");
    for (i, t) in lab.iter().enumerate() {
        println!(
            "  {:>3} {:>7.1} {:>8.1} {:>7.1} {:>8.1} {:>8.1} {:>9.1} {:>6} {:>7.0} {:>8} {:>9} {:>5} {:>6} {:>7.0}",
            i + 1,
            ms(t.sent),
            ms(t.received),
            ms(t.stamped),
            ms(t.total),
            ms(t.stamped.saturating_sub(t.received)),
            ms(t.total.saturating_sub(t.stamped)),
            t.recvs(),
            n as f64 / t.recvs().max(1) as f64,
            t.detailed,
            t.summaries,
            t.snapshots,
            t.frames,
            t.frame_bytes as f64 / 1e3,
        );
    }
    let polls: Vec<String> = lab.iter().map(|t| t.polls.to_string()).collect();
    println!("  sent       the `sent` event arrived: the sender's last send() had returned");
    println!(
        "  received   a snapshot showed the receiver's stream offset at N \
         (polled every ms after `sent`: {} polls per run)",
        polls.join(", ")
    );
    println!("  stamped    the server stamped the auto event that completed N");
    println!("  reported   that event arrived here: the lab row above");
    println!("  summary lag = stamped − received: the auto-recv task holding its last summary");
    println!("  transport lag = reported − stamped: WebSocket, TCP and JSON on the way here");
    println!("  (received and stamped are the server's `t_us` stamps, put on this clock by the");
    println!("  session's least-delayed frame: they say when the server acted, not when we heard)");
    println!();
    println!("(b) command → last event over /ws, after up to {WARMUP_STEPS} warm-up steps   [µs]");
    println!(
        "  {:<36} {:>6} {:>9} {:>9} {:>9} {:>9}",
        "", "steps", "p50", "p99", "max", "mean"
    );
    for l in latency {
        let mut sorted = l.samples.clone();
        sorted.sort();
        let mean = sorted.iter().sum::<Duration>() / sorted.len() as u32;
        println!(
            "  {:<36} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            l.label,
            sorted.len(),
            us(percentile(&sorted, 50.0)),
            us(percentile(&sorted, 99.0)),
            us(*sorted.last().expect("steps > 0")),
            us(mean),
        );
    }
    for l in latency.iter().filter(|l| l.events > 1) {
        let mut server = l.server_gaps.clone();
        let mut arrival = l.arrival_gaps.clone();
        server.sort();
        arrival.sort();
        println!(
            "  {}: {} events per step, stamped by the server {:.0} µs apart (median) but \
             arriving {:.0} µs apart",
            l.label,
            l.events,
            us(percentile(&server, 50.0)),
            us(percentile(&arrival, 50.0)),
        );
    }
    println!();
}

/// The ratio run by run: run i of the lab over run i of the plain pair, which ran right
/// before it (the runs alternate), so a burst of load elsewhere hits both sides of a pair.
/// Min, median and max over the runs, then each: one lucky run can't make the figure.
fn spread(label: &str, lab: &[f64], plain: &[f64]) {
    let ratios: Vec<f64> = lab.iter().zip(plain).map(|(l, p)| l / p).collect();
    let min = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let max = ratios.iter().copied().fold(0.0, f64::max);
    let each = ratios
        .iter()
        .map(|r| format!("{r:.2}"))
        .collect::<Vec<_>>()
        .join(" ");
    println!(
        "  {:<44} min {min:.2} · median {:.2} · max {max:.2}   (each: {each})",
        format!("  run by run, {label}"),
        median(ratios.clone()),
    );
}
