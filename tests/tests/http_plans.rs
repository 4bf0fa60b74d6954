//! Plan jobs of `ordo serve`: from POST to applied serviceOrder (checked
//! feasible), a visit changed while solving is a conflict and keeps its
//! values, cancelling keeps the best plan, and a restart keeps the data
//! and finished jobs.

use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

/// A server with a generated day stored for `company`; returns the key and date.
fn seeded(server: &Server, company: &str, visits: usize, drivers: usize) -> (String, String) {
    let key = server.key(company);
    let (date, visit_records, driver_records) = generated_day(visits, drivers, 7);
    let r = server.call(
        "POST",
        "/api/v2/drivers",
        Some(&key),
        Some(&json!(driver_records)),
    );
    assert_eq!(r.json["meta"]["recordsInserted"], drivers, "{}", r.json);
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&key),
        Some(&json!(visit_records)),
    );
    assert_eq!(r.json["meta"]["recordsInserted"], visits, "{}", r.json);
    (key, date)
}

fn submit(server: &Server, key: &str, body: Value) -> String {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    assert_eq!(r.json["data"]["status"], "queued");
    let id = r.json["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v2/plans/{id}").as_str())
    );
    id
}

fn status(job: &Value) -> &str {
    job["data"]["status"].as_str().unwrap_or_default()
}

fn stops(plan: &Value) -> Vec<(String, String, u64)> {
    plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["stops"].as_array().unwrap().iter().map(move |s| {
                (
                    s["visitId"].as_str().unwrap().to_string(),
                    r["driverId"].as_str().unwrap().to_string(),
                    s["serviceOrder"].as_u64().unwrap(),
                )
            })
        })
        .collect()
}

#[test]
fn a_plan_job_applies_service_order_and_survives_a_restart() {
    let mut server = Server::start(&[]);
    let (key, date) = seeded(&server, "acme", 30, 4);
    let id = submit(
        &server,
        &key,
        json!({"date": date, "iterations": "300", "timeLimitSeconds": 30, "apply": true}),
    );
    let path = format!("/api/v2/plans/{id}");
    let job = server.wait_for(&path, &key, |j| !matches!(status(j), "queued" | "solving"));
    let data = &job["data"];
    assert_eq!(data["status"], "done", "{job}");
    let result = &data["result"];
    assert_eq!(
        result["feasible"], true,
        "checker: {}",
        result["violations"]
    );
    assert_eq!(result["applied"], true);
    assert_eq!(result["conflicts"], json!([]));
    let planned = stops(&result["plan"]);
    assert!(planned.len() >= 20, "served {}", planned.len());
    assert_eq!(result["appliedVisits"].as_u64(), Some(planned.len() as u64));
    assert_eq!(
        result["plan"]["summary"]["visits"].as_u64().unwrap(),
        planned.len() as u64 + result["plan"]["unassigned"].as_array().unwrap().len() as u64
    );
    assert_eq!(data["progress"]["fraction"], 1.0);
    assert_eq!(data["bestPlan"], result["plan"]);
    // The planned service start is published as `eta` for later re-routes.
    let starts: std::collections::HashMap<String, f64> = result["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap().iter())
        .map(|s| {
            (
                s["visitId"].as_str().unwrap().to_string(),
                s["serviceStart"].as_f64().unwrap(),
            )
        })
        .collect();
    for (visit_id, driver, order) in &planned {
        let v = server.get(&format!("/api/v2/visits/{visit_id}"), &key).json["data"].clone();
        assert_eq!(
            (v["driverId"].as_str(), v["serviceOrder"].as_u64()),
            (Some(driver.as_str()), Some(*order)),
            "{visit_id}"
        );
        assert_eq!(
            v["eta"].as_f64(),
            starts.get(visit_id).copied(),
            "{visit_id}"
        );
        assert_eq!(v["modifyUser"], "ordo-plan");
    }
    server.call(
        "PUT",
        "/api/v2/drivers/drv-000/location",
        Some(&key),
        Some(&json!({"location": "57.1,-2.1", "submitted_at": 5})),
    );

    // Restart on the same database: data, keys, locations and the job stay.
    server.restart();
    assert_eq!(
        server.get("/api/v2/visits", &key).json["meta"]["totalRecords"],
        30
    );
    assert_eq!(
        server.get("/api/v2/drivers", &key).json["meta"]["totalRecords"],
        4
    );
    assert_eq!(
        server.get("/api/v2/drivers/drv-000/location", &key).json["data"]["location"],
        "57.1,-2.1"
    );
    let (visit_id, driver, order) = &planned[0];
    let v = server.get(&format!("/api/v2/visits/{visit_id}"), &key).json["data"].clone();
    assert_eq!(
        (v["driverId"].as_str(), v["serviceOrder"].as_u64()),
        (Some(driver.as_str()), Some(*order))
    );
    let again = server.get(&path, &key);
    assert_eq!(again.json["data"]["status"], "done");
    assert_eq!(again.json["data"]["result"], *result);
}

#[test]
fn a_visit_changed_while_solving_is_a_conflict_and_keeps_its_values() {
    let server = Server::start(&["--rate-limit", "100000"]);
    let (key, date) = seeded(&server, "acme", 30, 4);
    let id = submit(
        &server,
        &key,
        json!({"date": date, "timeLimitSeconds": 4, "apply": true}),
    );
    let path = format!("/api/v2/plans/{id}");
    // Once solving, the plan has read the visits: change every other one.
    server.wait_for(&path, &key, |j| status(j) != "queued");
    let visits = server.get("/api/v2/visits", &key).json["data"]
        .as_array()
        .unwrap()
        .clone();
    let mut changed = std::collections::HashMap::new();
    for v in visits.iter().step_by(2) {
        let doc_id = v["_id"].as_str().unwrap().to_string();
        let r = server.call(
            "PUT",
            &format!("/api/v2/visits/{doc_id}"),
            Some(&key),
            Some(&json!({"obs": "customer called: gate code 1234"})),
        );
        assert_eq!(r.status, 200);
        changed.insert(doc_id, (v["driverId"].clone(), v["serviceOrder"].clone()));
    }
    let job = server.wait_for(&path, &key, |j| !matches!(status(j), "queued" | "solving"));
    assert_eq!(status(&job), "done", "{job}");
    let result = &job["data"]["result"];
    assert_eq!(result["feasible"], true);
    let planned = stops(&result["plan"]);
    let conflicts: Vec<&str> = result["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["reason"], "modified after the plan started");
            c["visitId"].as_str().unwrap()
        })
        .collect();
    let expected: Vec<&str> = planned
        .iter()
        .map(|(v, _, _)| v.as_str())
        .filter(|v| changed.contains_key(*v))
        .collect();
    assert!(!expected.is_empty(), "no changed visit was planned");
    let (mut got, mut want) = (conflicts.clone(), expected.clone());
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        result["appliedVisits"].as_u64(),
        Some((planned.len() - expected.len()) as u64)
    );
    for (visit_id, driver, order) in &planned {
        let v = server.get(&format!("/api/v2/visits/{visit_id}"), &key).json["data"].clone();
        match changed.get(visit_id) {
            Some((old_driver, old_order)) => {
                assert_eq!(
                    (&v["driverId"], &v["serviceOrder"]),
                    (old_driver, old_order),
                    "{visit_id} was overwritten"
                );
                assert_eq!(v["obs"], "customer called: gate code 1234");
            }
            None => assert_eq!(
                (v["driverId"].as_str(), v["serviceOrder"].as_u64()),
                (Some(driver.as_str()), Some(*order))
            ),
        }
    }
}

#[test]
fn cancelling_keeps_the_best_plan() {
    let server = Server::start(&[]);
    let (key, date) = seeded(&server, "acme", 150, 8);
    let id = submit(
        &server,
        &key,
        json!({"date": date, "timeLimitSeconds": 120, "apply": true}),
    );
    let path = format!("/api/v2/plans/{id}");
    let running = server.wait_for(&path, &key, |j| !j["data"]["bestPlan"].is_null());
    assert_eq!(status(&running), "solving", "{running}");
    assert!(running["data"]["progress"]["served"].as_u64().unwrap() > 0);
    let r = server.call("DELETE", &path, Some(&key), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json["meta"]["cancelled"], true);
    let job = server.wait_for(&path, &key, |j| status(j) != "solving");
    let data = &job["data"];
    assert_eq!(data["status"], "cancelled", "{job}");
    assert_eq!(data["result"]["feasible"], true);
    assert_eq!(data["result"]["applied"], false);
    assert!(!stops(&data["result"]["plan"]).is_empty());
    assert_eq!(data["bestPlan"], data["result"]["plan"]);
    // Nothing was written to the visits.
    let visits = server.get("/api/v2/visits?pagination=0", &key).json["data"]
        .as_array()
        .unwrap()
        .clone();
    assert!(visits.iter().all(|v| v["modifyUser"].is_null()));
    let again = server.call("DELETE", &path, Some(&key), None);
    assert_eq!(again.json["meta"]["cancelled"], false);
}

#[test]
fn plan_jobs_fail_with_a_reason_when_the_day_is_empty() {
    let server = Server::start(&[]);
    let (key, _) = seeded(&server, "acme", 5, 1);
    let id = submit(
        &server,
        &key,
        json!({"date": "2030-01-01", "timeLimitSeconds": 1}),
    );
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), &key, |j| {
        status(j) == "failed"
    });
    assert_eq!(job["data"]["error"], "no visits on 2030-01-01 to plan");
}
