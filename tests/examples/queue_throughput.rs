//! Throughput of the shared plan-job queue on PostgreSQL: `JOBS` jobs of
//! `datasets/field-500.json` (`SECONDS` each) through one `--role api`
//! replica, solved by one worker process and then by two (each
//! `--max-solves 1`), on fresh databases in the same run, so the ratio
//! compares like with like. Then the time from a worker's death (SIGKILL
//! mid-solve) to its job solving again on the other worker.
//!
//! `eval "$(.ci/setup-postgres)"; cargo run --release -p ordo-e2e --example queue_throughput -- [JOBS] [SECONDS]`
//! (defaults 20 jobs, 5 s).

use std::sync::Arc;
use std::time::{Duration, Instant};

use ordo_e2e::server::{postgres_admin_url, Database, Server};
use ordo_e2e::workspace_root;
use serde_json::{json, Value};

/// The day's visits and drivers as API records.
fn day() -> (String, Vec<Value>, Vec<Value>) {
    let path = workspace_root().join("datasets/field-500.json");
    let text = std::fs::read_to_string(&path).expect("read datasets/field-500.json");
    let request: Value = serde_json::from_str(&text).expect("plan JSON");
    let date = request["date"].as_str().expect("date").to_string();
    let visits = request["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| {
            let mut v = v.clone();
            let obj = v.as_object_mut().expect("visit");
            obj.remove("_id");
            let id = obj["id"].to_string();
            obj.entry("driverId").or_insert_with(|| "".into());
            obj.entry("docNo")
                .or_insert_with(|| format!("H-{id}").into());
            obj.entry("customer")
                .or_insert_with(|| format!("Customer {id}").into());
            obj.entry("address")
                .or_insert_with(|| "1 High Street".into());
            obj.entry("city").or_insert_with(|| "Aberdeen".into());
            v
        })
        .collect();
    let drivers = request["drivers"].as_array().expect("drivers").clone();
    (date, visits, drivers)
}

/// An API replica on a fresh database with the day loaded; its key.
fn loaded_api(admin: &str) -> (Server, String, String) {
    let api = Server::on(
        Arc::new(Database::fresh_postgres(admin)),
        &["--role", "api", "--rate-limit", "100000"],
    );
    let key = api.key("acme");
    let (date, visits, drivers) = day();
    let r = api.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    assert_eq!(r.status, 200, "{}", r.json);
    let r = api.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["recordsFailed"], 0, "{}", r.json);
    (api, key, date)
}

fn status(api: &Server, key: &str, id: &str) -> Value {
    api.get(&format!("/api/v2/plans/{id}"), key).json["data"].clone()
}

/// Wall time for `jobs` jobs with `workers` worker processes.
fn throughput(admin: &str, workers: usize, jobs: usize, seconds: f64) -> Duration {
    let (api, key, date) = loaded_api(admin);
    let _workers: Vec<Server> = (0..workers)
        .map(|_| api.replica(&["--role", "worker", "--max-solves", "1"]))
        .collect();
    let started = Instant::now();
    let ids: Vec<String> = (0..jobs)
        .map(|seed| {
            let body = json!({"date": date, "timeLimitSeconds": seconds, "seed": seed});
            let r = api.call("POST", "/api/v2/plans", Some(&key), Some(&body));
            r.json["data"]["id"].as_str().expect("job id").to_string()
        })
        .collect();
    for id in &ids {
        loop {
            let job = status(&api, &key, id);
            match job["status"].as_str() {
                Some("done") => {
                    assert_eq!(job["result"]["feasible"], true, "{id}");
                    break;
                }
                Some("queued" | "solving") => std::thread::sleep(Duration::from_millis(100)),
                other => panic!("job {id} ended {other:?}: {job}"),
            }
        }
    }
    started.elapsed()
}

/// Seconds from SIGKILL of the worker running a job to the job solving
/// again (attempt 2) on a second worker that was idle all along.
fn takeover(admin: &str) -> Duration {
    let (api, key, date) = loaded_api(admin);
    let mut first = api.replica(&["--role", "worker", "--max-solves", "1"]);
    let body = json!({"date": date, "timeLimitSeconds": 600});
    let r = api.call("POST", "/api/v2/plans", Some(&key), Some(&body));
    let id = r.json["data"]["id"].as_str().expect("job id").to_string();
    while status(&api, &key, &id)["status"] != "solving" {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _second = api.replica(&["--role", "worker", "--max-solves", "1"]);
    // The first worker's lease is fresh: it renews it every second.
    std::thread::sleep(Duration::from_secs(2));
    let killed = Instant::now();
    first.kill();
    loop {
        let job = status(&api, &key, &id);
        if job["status"] == "solving" && job["attempts"] == 2 {
            let elapsed = killed.elapsed();
            api.call("DELETE", &format!("/api/v2/plans/{id}"), Some(&key), None);
            return elapsed;
        }
        assert!(killed.elapsed() < Duration::from_secs(60), "{job}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let jobs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seconds: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5.0);
    let Some(admin) = postgres_admin_url() else {
        eprintln!("needs PostgreSQL: eval \"$(.ci/setup-postgres)\" first");
        std::process::exit(2);
    };
    let one = throughput(&admin, 1, jobs, seconds);
    println!(
        "{jobs} jobs x {seconds} s, 1 worker:  {:.1} s",
        one.as_secs_f64()
    );
    let two = throughput(&admin, 2, jobs, seconds);
    println!(
        "{jobs} jobs x {seconds} s, 2 workers: {:.1} s",
        two.as_secs_f64()
    );
    println!(
        "throughput ratio (2 workers / 1): {:.2}",
        one.as_secs_f64() / two.as_secs_f64()
    );
    for trial in 1..=3 {
        let gap = takeover(&admin);
        println!(
            "takeover {trial}: worker killed -> job solving again on the other: {:.1} s",
            gap.as_secs_f64()
        );
    }
}
