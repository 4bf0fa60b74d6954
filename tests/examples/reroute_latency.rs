//! End-to-end latency of a re-route through the API (issue 6): a re-route
//! scenario file (default `datasets/field-500-reroute.json`: a 500-visit
//! day at 11:00, one urgent visit, one driver free only at 12:00) is loaded
//! into a fresh `ordo serve` (visits, drivers, and the late driver's
//! performer location at their last visit, submitted at their free-from
//! time), then `POST /api/v2/plans {mode: "reroute", now, apply: true}` is
//! timed until `GET` shows it finished, polling every 20 ms. Each run uses
//! a fresh server, so every run re-plans the same published day.
//!
//! `cargo run --release -p ordo-e2e --example reroute_latency -- [RUNS] [TIME_LIMIT] [FILE|-] [scratch]`
//! (defaults 5 runs, 0.6 s, `-`: the bundled scenario). `scratch` plans the
//! same rest of the day from scratch instead (`warmStart: false`, no
//! disruption costs), for comparison. With `ORDO_ROUTER=osrm=URL` the
//! server plans on road times (`ordo serve --router`), and a first plan
//! of the day (one iteration) fills its leg cache before the timed
//! re-route, which then fetches only places it has not seen.

use std::time::{Duration, Instant};

use ordo_e2e::server::Server;
use ordo_e2e::workspace_root;
use ordo_solver::plan::PlanDate;
use serde_json::{json, Map, Value};

const POLL: Duration = Duration::from_millis(20);
const GIVE_UP: Duration = Duration::from_secs(60);

/// The scenario's visits as API records (the document's required text
/// fields filled in, `_id` left to the server).
fn visit_records(scenario: &Value) -> Vec<Value> {
    let visits = scenario["visits"].as_array().cloned().unwrap_or_default();
    visits
        .into_iter()
        .map(|mut v| {
            if let Some(obj) = v.as_object_mut() {
                obj.remove("_id");
                let id = obj.get("id").map(Value::to_string).unwrap_or_default();
                obj.entry("driverId").or_insert_with(|| "".into());
                obj.entry("docNo")
                    .or_insert_with(|| format!("H-{id}").into());
                obj.entry("customer")
                    .or_insert_with(|| format!("Customer {id}").into());
                obj.entry("address")
                    .or_insert_with(|| "1 High Street".into());
                obj.entry("city").or_insert_with(|| "Aberdeen".into());
            }
            v
        })
        .collect()
}

/// Drivers without `current`, and performer locations standing for it:
/// `(driver id, location body)`. A `current` without a position is placed
/// at the driver's last closed or in-progress visit (where the solver would
/// restart them), reported at `current.at`.
fn drivers_and_locations(scenario: &Value, midnight_ms: i64) -> (Vec<Value>, Vec<(String, Value)>) {
    let visits = scenario["visits"].as_array().cloned().unwrap_or_default();
    let mut drivers = Vec::new();
    let mut locations = Vec::new();
    for d in scenario["drivers"].as_array().cloned().unwrap_or_default() {
        let mut d: Map<String, Value> = d.as_object().cloned().unwrap_or_default();
        let id = d
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(current) = d.remove("current") {
            let at = current["at"].as_f64().unwrap_or(0.0);
            let number =
                |v: &Value, name: &str| v[name].as_f64().or_else(|| v[name].as_str()?.parse().ok());
            let last = visits
                .iter()
                .filter(|v| v["driverId"] == id.as_str())
                .filter(|v| v["closed"] == true || v["inProgress"] == true)
                .max_by(|a, b| {
                    number(a, "serviceOrder")
                        .partial_cmp(&number(b, "serviceOrder"))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
            let (lat, lng) = match (current["lat"].as_f64(), current["lng"].as_f64(), last) {
                (Some(lat), Some(lng), _) => (lat, lng),
                (_, _, Some(v)) => (
                    number(v, "lat").unwrap_or(0.0),
                    number(v, "lng").unwrap_or(0.0),
                ),
                _ => (
                    d["start"]["lat"].as_f64().unwrap_or(0.0),
                    d["start"]["lng"].as_f64().unwrap_or(0.0),
                ),
            };
            let submitted_at = midnight_ms + (at * 1000.0) as i64;
            locations.push((
                id,
                json!({"location": {"lat": lat, "lng": lng}, "submitted_at": submitted_at}),
            ));
        }
        drivers.push(Value::Object(d));
    }
    (drivers, locations)
}

/// A one-iteration plan of the day: the server fetches and keeps every
/// leg between the day's places.
fn fill_leg_cache(server: &Server, key: &str, date: &str) {
    let body = json!({"date": date, "iterations": 1, "timeLimitSeconds": 60});
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    let id = r.json["data"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    });
    let travel = &job["data"]["result"]["plan"]["summary"]["travel"];
    eprintln!("leg cache filled: {travel}");
}

struct Run {
    wall: Duration,
    planned: usize,
    moved: usize,
    changed: usize,
    unassigned: usize,
    feasible: bool,
    applied: usize,
    queued_seconds: f64,
    job_seconds: f64,
}

/// `createdAt`, `startedAt`, `finishedAt` of job `id` in epoch ms, from
/// the server's database file.
fn job_millis(server: &Server, id: &str) -> std::collections::HashMap<&'static str, Option<i64>> {
    let conn = rusqlite::Connection::open(server.db()).expect("open the database");
    let (created, started, finished) = conn
        .query_row(
            "SELECT created_at, started_at, finished_at FROM plan_jobs WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the job's row");
    [
        ("createdAt", created),
        ("startedAt", started),
        ("finishedAt", finished),
    ]
    .into()
}

fn seconds(from: Option<i64>, to: Option<i64>) -> f64 {
    match (from, to) {
        (Some(a), Some(b)) => (b - a) as f64 / 1000.0,
        _ => f64::NAN,
    }
}

fn one_run(scenario: &Value, time_limit: f64, scratch: bool) -> Run {
    let date = scenario["date"].as_str().unwrap_or_default();
    let now = scenario["now"].as_f64().unwrap_or(39_600.0);
    let midnight_ms = PlanDate::parse(date).map_or(0, |d| d.midnight_unix_seconds() * 1000);
    let router = std::env::var("ORDO_ROUTER").ok();
    let mut args = vec!["--rate-limit", "100000000"];
    if let Some(router) = &router {
        args.extend(["--router", router.as_str()]);
    }
    let server = Server::start(&args);
    let key = server.key("dispatch");
    let (drivers, locations) = drivers_and_locations(scenario, midnight_ms);
    let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&key),
        Some(&json!(visit_records(scenario))),
    );
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    for (id, body) in &locations {
        let r = server.call(
            "PUT",
            &format!("/api/v2/drivers/{id}/location"),
            Some(&key),
            Some(body),
        );
        assert_eq!(r.status, 204, "{}", r.json);
    }

    if router.is_some() {
        fill_leg_cache(&server, &key, date);
    }
    let mut body = json!({"date": date, "mode": "reroute", "now": now,
                      "timeLimitSeconds": time_limit, "apply": true});
    if scratch {
        body["warmStart"] = false.into();
        body["disruption"] = json!({"driverChange": 0, "sequenceChange": 0, "etaShift": 0});
    }
    let started = Instant::now();
    let r = server.call("POST", "/api/v2/plans", Some(&key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    let path = format!(
        "/api/v2/plans/{}",
        r.json["data"]["id"].as_str().unwrap_or_default()
    );
    let job = loop {
        let r = server.get(&path, &key);
        if !matches!(
            r.json["data"]["status"].as_str(),
            Some("queued" | "solving")
        ) {
            break r.json;
        }
        assert!(started.elapsed() < GIVE_UP, "no answer: {}", r.json);
        std::thread::sleep(POLL);
    };
    let wall = started.elapsed();
    let data = &job["data"];
    assert_eq!(data["status"], "done", "{job}");
    let plan = &data["result"]["plan"];
    let summary = &plan["summary"];
    if summary.get("travel").is_some() {
        eprintln!("re-route travel: {}", summary["travel"]);
    }
    let count = |v: &Value| v.as_u64().unwrap_or(0) as usize;
    // The API shows whole seconds in the company's zone; the stored
    // milliseconds time the queue and the job exactly.
    let times = job_millis(&server, data["id"].as_str().unwrap_or_default());
    let millis = |name: &str| times.get(name).copied().flatten();
    Run {
        wall,
        planned: count(&summary["served"]),
        moved: count(&summary["changes"]["driver"]),
        changed: count(&summary["changes"]["changedVisits"]),
        unassigned: plan["unassigned"].as_array().map_or(0, Vec::len),
        feasible: data["result"]["feasible"] == true,
        applied: count(&data["result"]["appliedVisits"]),
        queued_seconds: seconds(millis("createdAt"), millis("startedAt")),
        job_seconds: seconds(millis("startedAt"), millis("finishedAt")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let time_limit: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0.6);
    let file = args
        .get(3)
        .filter(|a| !a.is_empty() && *a != "-")
        .map(Into::into)
        .unwrap_or_else(|| workspace_root().join("datasets/field-500-reroute.json"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let scenario: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let scratch = args.get(4).is_some_and(|a| a == "scratch");
    println!(
        "{}: reroute{} at now = {}, timeLimitSeconds {time_limit}, {runs} runs",
        file.display(),
        if scratch { " from scratch" } else { "" },
        scenario["now"]
    );
    let mut walls = Vec::new();
    for i in 0..runs {
        let r = one_run(&scenario, time_limit, scratch);
        println!(
            "run {}: wall {:>4.0} ms (queued {:.3} s, started..finished {:.3} s)  served {}  \
             unassigned {}  changed driver {} ({:.1}%)  changed in all {}  feasible {}  applied {}",
            i + 1,
            r.wall.as_secs_f64() * 1e3,
            r.queued_seconds,
            r.job_seconds,
            r.planned,
            r.unassigned,
            r.moved,
            100.0 * r.moved as f64 / r.planned.max(1) as f64,
            r.changed,
            r.feasible,
            r.applied
        );
        walls.push(r.wall);
    }
    walls.sort();
    if let (Some(min), Some(max)) = (walls.first(), walls.last()) {
        println!(
            "wall: min {:.0} ms, median {:.0} ms, max {:.0} ms",
            min.as_secs_f64() * 1e3,
            walls[walls.len() / 2].as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
}
