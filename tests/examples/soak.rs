//! Soak run of `ordo serve` on loopback: mixed load for SECONDS (list
//! pages, upserts of 200 visits, single reads, a plan job every 30 s)
//! while the server's resident memory is printed every 10 s with the
//! interval's request rate and p99 latencies; a summary at the end says
//! whether RSS stayed flat after warm-up.
//!
//! `cargo run --release -p ordo-e2e --example soak -- SECONDS [THREADS]`
//! (defaults 300 s, 3 client threads). `ORDO_BIN=/path/to/ordo` runs
//! another binary (a copy, so a rebuild meanwhile does not replace it).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

/// The kinds of request, in the order the report prints them.
const KINDS: [&str; 4] = ["list page", "upsert 200", "single read", "plan job"];
/// Visits stored (and upserted again, 200 at a time, so the table stays
/// this size), over [`DAYS`] days.
const VISITS: usize = 2000;
/// Days the visits spread over; a plan job plans one of them.
const DAYS: usize = 10;
/// Batch size of an upsert.
const BATCH: usize = 200;
const REPORT_EVERY: Duration = Duration::from_secs(10);
const PLAN_EVERY: Duration = Duration::from_secs(30);
/// Samples before this point are warm-up, left out of the flatness figure.
const WARM_UP: Duration = Duration::from_secs(300);
/// The span of each mean in the summary's flatness figure.
const WINDOW: Duration = Duration::from_secs(300);

/// Latencies per kind since the last report.
#[derive(Default)]
struct Window {
    latencies: [Vec<Duration>; 4],
}

/// Everything the client threads share.
struct Load {
    server: Server,
    key: String,
    dates: Vec<String>,
    visits: Vec<Value>,
    doc_ids: Mutex<Vec<String>>,
    window: Mutex<Window>,
    total: Mutex<Window>,
    stop: AtomicBool,
    round: AtomicUsize,
}

impl Load {
    fn record(&self, kind: usize, took: Duration) {
        self.window.lock().unwrap().latencies[kind].push(took);
    }

    /// One request of the mix: 6 list pages, 3 single reads, 1 upsert in 10.
    fn one(&self, n: usize) {
        let at = Instant::now();
        let kind = match n % 10 {
            0 => self.upsert(n),
            1..=3 => self.single_read(n),
            _ => self.list_page(n),
        };
        self.record(kind, at.elapsed());
    }

    fn list_page(&self, n: usize) -> usize {
        let date = &self.dates[n % DAYS];
        let start = (n / DAYS % (VISITS / DAYS / 100)) * 100;
        let r = self.server.get(
            &format!("/api/v2/visits?date={date}&pagination={start}"),
            &self.key,
        );
        assert_eq!(r.status, 200, "list: {}", r.json);
        if n % 50 == 4 {
            let ids: Vec<String> = r.json["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v["_id"].as_str().map(String::from))
                .collect();
            self.doc_ids.lock().unwrap().extend(ids);
        }
        0
    }

    fn upsert(&self, n: usize) -> usize {
        let round = self.round.fetch_add(1, Ordering::Relaxed);
        let from = (n / 10 * BATCH) % VISITS;
        let batch: Vec<Value> = self.visits[from..from + BATCH]
            .iter()
            .map(|v| {
                let mut v = v.clone();
                v["obs"] = format!("soak round {round}").into();
                v
            })
            .collect();
        let r = self.server.call(
            "POST",
            "/api/v2/visits",
            Some(&self.key),
            Some(&json!(batch)),
        );
        assert_eq!(r.status, 200, "upsert: {}", r.json);
        assert_eq!(r.json["meta"]["errors"], json!([]), "upsert: {}", r.json);
        1
    }

    fn single_read(&self, n: usize) -> usize {
        let id = {
            let ids = self.doc_ids.lock().unwrap();
            if ids.is_empty() {
                drop(ids);
                return self.list_page(n);
            }
            ids[n * 31 % ids.len()].clone()
        };
        let r = self.server.get(&format!("/api/v2/visits/{id}"), &self.key);
        assert_eq!(r.status, 200, "read {id}: {}", r.json);
        2
    }

    /// A plan job of one day (2 s budget), awaited, every 30 s.
    fn plan_loop(&self) {
        let mut next = Instant::now();
        let mut day = 0;
        while !self.stop.load(Ordering::Relaxed) {
            if Instant::now() < next {
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
            next += PLAN_EVERY;
            let at = Instant::now();
            let body = json!({"date": self.dates[day % DAYS], "timeLimitSeconds": 2});
            day += 1;
            let r = self
                .server
                .call("POST", "/api/v2/plans", Some(&self.key), Some(&body));
            assert_eq!(r.status, 202, "plan: {}", r.json);
            let id = r.json["data"]["id"].as_str().expect("job id").to_string();
            let job = self
                .server
                .wait_for(&format!("/api/v2/plans/{id}"), &self.key, |j| {
                    !j["data"]["finishedAt"].is_null()
                });
            assert_eq!(job["data"]["status"], "done", "{job}");
            self.record(3, at.elapsed());
        }
    }
}

/// The server's memory at one moment, from `/proc/PID/status`: the
/// resident set and its anonymous (heap) and file-backed (binary, mapped
/// files) parts, in MiB, and its thread count.
#[derive(Clone, Copy, Default)]
struct Memory {
    rss: f64,
    anon: f64,
    file: f64,
    threads: u32,
}

fn memory(pid: u32) -> Memory {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Memory {
        rss: field("VmRSS:") / 1024.0,
        anon: field("RssAnon:") / 1024.0,
        file: field("RssFile:") / 1024.0,
        threads: field("Threads:") as u32,
    }
}

fn p99(latencies: &mut [Duration]) -> f64 {
    if latencies.is_empty() {
        return 0.0;
    }
    latencies.sort();
    let at = ((latencies.len() as f64 * 0.99).ceil() as usize).clamp(1, latencies.len()) - 1;
    latencies[at].as_secs_f64() * 1e3
}

/// Prints one line per interval: time, RSS, request rate, p99 per kind.
fn report_line(load: &Load, elapsed: Duration, interval: Duration, mem: Memory) {
    let mut window = std::mem::take(&mut *load.window.lock().unwrap());
    let count: usize = window.latencies.iter().map(Vec::len).sum();
    let mut line = format!(
        "{:>6.0} s  RSS {:>6.1} MiB (anon {:>6.1}, file {:>5.1}, {:>3} threads)  {:>7.1} req/s",
        elapsed.as_secs_f64(),
        mem.rss,
        mem.anon,
        mem.file,
        mem.threads,
        count as f64 / interval.as_secs_f64()
    );
    for (kind, latencies) in KINDS.iter().zip(window.latencies.iter_mut()) {
        line += &format!("  {kind} p99 {:>7.1} ms", p99(latencies));
    }
    println!("{line}");
    let mut total = load.total.lock().unwrap();
    for (all, new) in total.latencies.iter_mut().zip(window.latencies) {
        all.extend(new);
    }
}

fn seeded() -> Load {
    let server = Server::start(&["--rate-limit", "100000000"]);
    let key = server.key("soak");
    let (date, mut visits, drivers) = generated_day(VISITS, 60, 11);
    // The first days of the generated day's month.
    let month = &date[..date.len() - 2];
    let dates: Vec<String> = (1..=DAYS).map(|d| format!("{month}{d:02}")).collect();
    for (i, visit) in visits.iter_mut().enumerate() {
        visit["date"] = dates[i % DAYS].clone().into();
    }
    let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    assert_eq!(r.status, 200, "{}", r.json);
    for chunk in visits.chunks(BATCH) {
        let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(chunk)));
        assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    }
    Load {
        server,
        key,
        dates,
        visits,
        doc_ids: Mutex::new(Vec::new()),
        window: Mutex::default(),
        total: Mutex::default(),
        stop: AtomicBool::new(false),
        round: AtomicUsize::new(0),
    }
}

fn main() {
    let arg = |i: usize, default: u64| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (seconds, threads) = (arg(1, 300), arg(2, 3).max(1) as usize);
    let load = seeded();
    let pid = load.server.pid().expect("server runs");
    println!(
        "ordo serve at {} (pid {pid}), {VISITS} visits, {threads} client threads, {seconds} s",
        load.server.base
    );
    let started = Instant::now();
    let counter = AtomicUsize::new(0);
    let mut samples = Vec::new();
    std::thread::scope(|s| {
        s.spawn(|| load.plan_loop());
        for _ in 0..threads {
            s.spawn(|| {
                while !load.stop.load(Ordering::Relaxed) {
                    load.one(counter.fetch_add(1, Ordering::Relaxed));
                }
            });
        }
        let mut last = started;
        while started.elapsed() < Duration::from_secs(seconds) {
            std::thread::sleep(REPORT_EVERY.saturating_sub(last.elapsed()));
            let mem = memory(pid);
            report_line(&load, started.elapsed(), last.elapsed(), mem);
            samples.push((started.elapsed(), mem.rss));
            last = Instant::now();
        }
        load.stop.store(true, Ordering::Relaxed);
    });
    summary(&load, started.elapsed(), &samples);
}

fn summary(load: &Load, wall: Duration, samples: &[(Duration, f64)]) {
    let mut total = std::mem::take(&mut *load.total.lock().unwrap());
    let count: usize = total.latencies.iter().map(Vec::len).sum();
    println!(
        "total {count} requests in {:.0} s: {:.1} req/s",
        wall.as_secs_f64(),
        count as f64 / wall.as_secs_f64()
    );
    for (kind, latencies) in KINDS.iter().zip(total.latencies.iter_mut()) {
        println!(
            "  {kind:<12} {:>8} requests  p99 {:>8.1} ms",
            latencies.len(),
            p99(latencies)
        );
    }
    let warm: Vec<(Duration, f64)> = samples
        .iter()
        .copied()
        .filter(|(at, _)| *at >= WARM_UP.min(wall / 10))
        .collect();
    let Some(&(first, _)) = warm.first() else {
        return;
    };
    let (min, max) = spread(warm.iter().map(|(_, rss)| *rss));
    println!(
        "RSS after warm-up, 10 s samples: min {min:.1} MiB, max {max:.1} MiB, spread {:.1}% of min",
        (max - min) / min * 100.0
    );
    // A single sample can catch a plan job or an upsert in flight; growth
    // (a leak, a cache without bound) shows as later windows above earlier
    // ones, so the windows' means are the flatness figure.
    let mut windows: Vec<Vec<f64>> = Vec::new();
    for (at, rss) in &warm {
        let index = ((*at - first).as_secs_f64() / WINDOW.as_secs_f64()) as usize;
        windows.resize_with(windows.len().max(index + 1), Vec::new);
        windows[index].push(*rss);
    }
    let means: Vec<f64> = windows
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| w.iter().sum::<f64>() / w.len() as f64)
        .collect();
    let (low, high) = spread(means.iter().copied());
    let list: Vec<String> = means.iter().map(|m| format!("{m:.1}")).collect();
    println!(
        "RSS means per {} min after warm-up (MiB): {}; spread {:.1}% of the lowest",
        WINDOW.as_secs() / 60,
        list.join(", "),
        (high - low) / low * 100.0
    );
}

/// The smallest and largest of `values`.
fn spread(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
}
