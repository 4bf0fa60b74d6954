//! Load run of `ordo serve` on loopback: requests per second and p50/p99
//! latency of `GET /api/v2/visits` (a page of 100) and of `POST` of 1,000
//! visits, with the rate limit raised for the run.
//!
//! `cargo run --release -p ordo-e2e --example loadtest -- [GETS] [POSTS] [THREADS]`
//! (defaults 4000 GETs, 40 POSTs, 4 client threads).

use std::time::{Duration, Instant};

use ordo_e2e::server::Server;
use serde_json::{json, Value};

fn visits(round: usize) -> Value {
    let records: Vec<Value> = (0..1000)
        .map(|i| {
            json!({"id": i + 1, "date": "2026-11-23", "driverId": "", "docNo": format!("H-{round}-{i}"),
                   "customer": "The Green Sleeve", "address": "999 West High Street", "city": "INVERURIE",
                   "lat": 57.0 + i as f64 / 10_000.0, "lng": -2.0, "priority": "3", "closed": "0",
                   "time_windows": [{"earliest": 30600, "latest": 64800}], "duration": 2100,
                   "required_skills": ["Plumber"], "territory": "AB-Aberdeen"})
        })
        .collect();
    Value::Array(records)
}

/// Runs `total` calls of `one` over `threads` threads; returns the latencies and the wall time.
fn run(threads: usize, total: usize, one: impl Fn(usize) + Sync) -> (Vec<Duration>, Duration) {
    let started = Instant::now();
    let per = total.div_ceil(threads);
    let mut all = Vec::with_capacity(total);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let one = &one;
                s.spawn(move || {
                    (t * per..((t + 1) * per).min(total))
                        .map(|i| {
                            let at = Instant::now();
                            one(i);
                            at.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            all.extend(h.join().expect("client thread"));
        }
    });
    (all, started.elapsed())
}

fn report(name: &str, mut latencies: Vec<Duration>, wall: Duration) {
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "{name:<34} {:>6} requests  {:>8.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms",
        latencies.len(),
        latencies.len() as f64 / wall.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
    );
}

fn main() {
    let arg = |i: usize, default: usize| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (gets, posts, threads) = (arg(1, 4000), arg(2, 40), arg(3, 4).max(1));
    let server = Server::start(&["--rate-limit", "100000000"]);
    let key = server.key("loadtest");
    let bodies: Vec<Value> = (0..posts).map(visits).collect();
    println!("ordo serve at {}, {threads} client threads", server.base);
    let (lat, wall) = run(1.max(threads / 2), posts, |i| {
        let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&bodies[i]));
        assert_eq!(r.status, 200);
    });
    report("POST /api/v2/visits (1,000 visits)", lat, wall);
    let (lat, wall) = run(threads, gets, |i| {
        let r = server.get(
            &format!("/api/v2/visits?pagination={}", (i % 10) * 100),
            &key,
        );
        assert_eq!(r.status, 200);
    });
    report("GET /api/v2/visits (page of 100)", lat, wall);
}
