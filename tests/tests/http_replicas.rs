//! Several `ordo serve` replicas on one PostgreSQL database: a job whose
//! worker is killed with SIGKILL mid-solve finishes on another worker and
//! is applied once; a replica restarted while jobs are queued loses none;
//! two workers applying conflicting plans of one day: one applies, the
//! other reports conflicts; tenancy, job views, cancels and the rate
//! limit hold across replicas. Needs the test cluster of
//! `.ci/setup-postgres` (`ORDO_TEST_POSTGRES`); skips, saying so, without.

use std::sync::Arc;

use ordo_e2e::server::{generated_day, postgres_admin_url, Database, Server};
use serde_json::{json, Value};

const VISITS: usize = 60;
const DRIVERS: usize = 5;

/// A fresh database on the test cluster, or `None` (after saying so).
fn shared_database(test: &str) -> Option<Arc<Database>> {
    match postgres_admin_url() {
        Some(admin) => Some(Arc::new(Database::fresh_postgres(&admin))),
        None => {
            eprintln!(
                "SKIPPED {test}: no PostgreSQL (ORDO_TEST_POSTGRES unset; run .ci/setup-postgres)"
            );
            None
        }
    }
}

/// Loads a generated day for a new key of `company`; returns the key, the
/// date and the visits as sent.
fn seeded(server: &Server, company: &str) -> (String, String, Vec<Value>) {
    let key = server.key(company);
    let (date, visits, drivers) = generated_day(VISITS, DRIVERS, 11);
    let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    assert_eq!(r.json["meta"]["recordsInserted"], DRIVERS, "{}", r.json);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["recordsInserted"], VISITS, "{}", r.json);
    (key, date, visits)
}

fn submit(server: &Server, key: &str, body: Value) -> String {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    r.json["data"]["id"].as_str().expect("job id").to_string()
}

fn job_path(id: &str) -> String {
    format!("/api/v2/plans/{id}")
}

fn wait_final(server: &Server, key: &str, id: &str) -> Value {
    server.wait_for(&job_path(id), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    })["data"]
        .clone()
}

/// Stops of a plan.
fn planned_stops(plan: &Value) -> usize {
    plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| r["stops"].as_array().expect("stops").len())
        .sum()
}

/// Every visit of the key, through the API (all pages).
fn all_visits(server: &Server, key: &str) -> Vec<Value> {
    let mut visits = Vec::new();
    loop {
        let page = server.get(&format!("/api/v2/visits?pagination={}", visits.len()), key);
        assert_eq!(page.status, 200, "{}", page.json);
        let records = page.json["data"].as_array().expect("data").clone();
        if records.is_empty() {
            return visits;
        }
        visits.extend(records);
    }
}

#[test]
fn a_job_on_a_killed_worker_finishes_on_another_and_is_applied_once() {
    let Some(db) = shared_database("a_job_on_a_killed_worker...") else {
        return;
    };
    let api = Server::on(Arc::clone(&db), &["--role", "api"]);
    let (key, date, _) = seeded(&api, "acme");
    let mut first = api.replica(&["--role", "worker", "--max-solves", "1"]);
    let id = submit(
        &api,
        &key,
        json!({"date": date, "timeLimitSeconds": 3, "seed": 3, "apply": true}),
    );
    api.wait_for(&job_path(&id), &key, |j| j["data"]["status"] == "solving");
    first.kill();
    // Only now a second worker: the job can only finish there.
    let _second = api.replica(&["--role", "worker", "--max-solves", "1"]);
    let job = wait_final(&api, &key, &id);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    let result = &job["result"];
    assert_eq!(result["feasible"], true, "{}", result["violations"]);
    assert_eq!(result["applied"], true);
    assert_eq!(result["conflicts"], json!([]));
    let planned = planned_stops(&result["plan"]);
    assert!(planned > 0);
    assert_eq!(result["appliedVisits"], planned);
    // Applied once: each planned visit went from version 1 (inserted) to
    // 2, and carries the plan's driver and order.
    let visits = all_visits(&api, &key);
    let applied: Vec<&Value> = visits
        .iter()
        .filter(|v| v["modifyUser"] == "ordo-plan")
        .collect();
    assert_eq!(applied.len(), planned);
    for visit in &applied {
        assert_eq!(visit["version"], 2, "{visit}");
    }
}

#[test]
fn a_replica_restarted_while_jobs_are_queued_loses_none() {
    let Some(db) = shared_database("a_replica_restarted...") else {
        return;
    };
    let mut api = Server::on(Arc::clone(&db), &["--role", "api"]);
    let (key, date, _) = seeded(&api, "acme");
    let ids: Vec<String> = (0..4)
        .map(|seed| {
            submit(
                &api,
                &key,
                json!({"date": date, "iterations": 50, "seed": seed}),
            )
        })
        .collect();
    // No worker yet: all queued. The API replica dies and comes back.
    for id in &ids {
        assert_eq!(
            api.get(&job_path(id), &key).json["data"]["status"],
            "queued"
        );
    }
    api.kill();
    api.relaunch();
    let mut worker = api.replica(&["--role", "worker", "--max-solves", "1"]);
    // The worker stops gracefully while jobs wait, and comes back.
    api.wait_for(&job_path(&ids[0]), &key, |j| {
        j["data"]["status"] != "queued"
    });
    worker.restart();
    for id in &ids {
        let job = wait_final(&api, &key, id);
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["result"]["feasible"], true, "{job}");
    }
}

#[test]
fn two_workers_applying_conflicting_plans_one_applies_the_other_reports_conflicts() {
    let Some(db) = shared_database("two_workers_applying...") else {
        return;
    };
    let api = Server::on(Arc::clone(&db), &["--role", "api"]);
    let (key, date, _) = seeded(&api, "acme");
    let ids: Vec<String> = (1..=2)
        .map(|seed| {
            submit(
                &api,
                &key,
                json!({"date": date, "timeLimitSeconds": 3, "seed": seed, "apply": true}),
            )
        })
        .collect();
    // Two workers with one slot each: both jobs read the day before
    // either applies.
    let _one = api.replica(&["--role", "worker", "--max-solves", "1"]);
    let _two = api.replica(&["--role", "worker", "--max-solves", "1"]);
    let jobs: Vec<Value> = ids.iter().map(|id| wait_final(&api, &key, id)).collect();
    let mut outcomes: Vec<(usize, usize, usize)> = jobs
        .iter()
        .map(|job| {
            assert_eq!(job["status"], "done", "{job}");
            let result = &job["result"];
            (
                result["appliedVisits"].as_u64().expect("applied") as usize,
                result["conflicts"].as_array().expect("conflicts").len(),
                planned_stops(&result["plan"]),
            )
        })
        .collect();
    outcomes.sort();
    let (lost, won) = (outcomes[0], outcomes[1]);
    assert_eq!((won.0, won.1), (won.2, 0), "the first to apply applies all");
    assert_eq!((lost.0, lost.1), (0, lost.2), "the other applies none");
    for job in &jobs {
        for conflict in job["result"]["conflicts"].as_array().expect("conflicts") {
            assert_eq!(conflict["reason"], "modified after the plan started");
        }
    }
}

#[test]
fn tenancy_job_views_cancels_and_the_rate_limit_hold_across_replicas() {
    let Some(db) = shared_database("tenancy_job_views...") else {
        return;
    };
    let a = Server::on(
        Arc::clone(&db),
        &["--rate-limit", "40", "--max-solves", "1"],
    );
    let b = a.replica(&["--rate-limit", "40", "--max-solves", "1"]);
    let (acme, date, visits) = seeded(&a, "acme");
    let globex = b.key("globex");
    let erp = visits[0]["id"].to_string();
    let erp = erp.trim_matches('"');
    let path = format!("/api/v2/visits/{erp}");
    assert_eq!(b.get(&path, &acme).status, 200);
    assert_eq!(b.get(&path, &globex).status, 404);
    assert_eq!(
        b.get("/api/v2/visits", &globex).json["meta"]["totalRecords"],
        0
    );
    // A job submitted on one replica: the same view on the other, and
    // only for its company.
    let id = submit(&a, &acme, json!({"date": date, "iterations": 50}));
    let done = wait_final(&b, &acme, &id);
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(a.get(&job_path(&id), &acme).json["data"], done);
    assert_eq!(b.get(&job_path(&id), &globex).status, 404);
    assert_eq!(
        b.call("DELETE", &job_path(&id), Some(&globex), None).status,
        404
    );
    // An endless job, cancelled on an API replica, which runs no job: it
    // stops wherever it runs, keeping its best plan.
    let api = a.replica(&["--role", "api", "--rate-limit", "40"]);
    let endless = submit(&a, &acme, json!({"date": date, "timeLimitSeconds": 3600}));
    a.wait_for(&job_path(&endless), &acme, |j| {
        !j["data"]["bestPlan"].is_null()
    });
    let r = api.call("DELETE", &job_path(&endless), Some(&acme), None);
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"]["cancelled"], true, "{}", r.json);
    let cancelled = wait_final(&a, &acme, &endless);
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert!(!cancelled["result"]["plan"].is_null(), "{cancelled}");
    // One key's window counts the requests of both replicas: what is
    // left goes down by one with every request, whichever replica takes
    // it (a new window may start midway: it starts again from the top).
    let fresh = a.key("initech");
    let mut left = Vec::new();
    for i in 0..100 {
        let server = if i % 2 == 0 { &a } else { &b };
        let r = server.get("/api/v2/visits", &fresh);
        let remaining: u64 = r
            .header("x-ratelimit-remaining")
            .and_then(|v| v.parse().ok())
            .expect("X-RateLimit-Remaining");
        if r.status == 429 {
            assert!(r.header("retry-after").is_some());
            assert_eq!(remaining, 0);
            break;
        }
        assert_eq!(r.status, 200, "{}", r.json);
        left.push(remaining);
    }
    assert!(left.len() < 100, "never refused: {left:?}");
    for pair in left.windows(2) {
        assert!(
            pair[1] + 1 == pair[0] || pair[1] == 39,
            "remaining went {} -> {}: {left:?}",
            pair[0],
            pair[1]
        );
    }
}
