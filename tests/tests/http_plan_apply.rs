//! `POST /api/v2/plans/{id}/apply`: a finished plan job applied after it
//! ended. The visits then carry the plan; a visit edited in the ERP since
//! the job read the day makes it 409, naming the visit, and nothing is
//! written; applying twice is answered once and writes once; another
//! company's job and an unknown id are 404; a job not done is 409.

use std::collections::BTreeMap;

use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

/// A server with a generated day for company `acme`: the key and the date.
fn seeded(server: &Server) -> (String, String) {
    let key = server.key("acme");
    let (date, visits, drivers) = generated_day(30, 4, 11);
    for (path, records) in [("/api/v2/drivers", drivers), ("/api/v2/visits", visits)] {
        let r = server.call("POST", path, Some(&key), Some(&json!(records)));
        assert_eq!(r.status, 200, "{path}: {}", r.json);
        assert_eq!(r.json["meta"]["errors"], json!([]), "{path}: {}", r.json);
    }
    (key, date)
}

/// Submits a plan job and returns its id.
fn submit(server: &Server, key: &str, body: Value) -> String {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    r.json["data"]["id"].as_str().expect("job id").to_string()
}

/// Plans `date` without applying; returns the job id and its result
/// (checked feasible by the checker, not applied).
fn finished_plan(server: &Server, key: &str, date: &str) -> (String, Value) {
    let id = submit(server, key, json!({"date": date, "timeLimitSeconds": 0.5}));
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        j["data"]["status"] == "done"
    });
    let result = job["data"]["result"].clone();
    assert_eq!(
        result["feasible"], true,
        "checker: {}",
        result["violations"]
    );
    assert_eq!(result["applied"], false);
    assert!(
        result.get("readVisits").is_none(),
        "the versions kept for a later apply stay inside: {result}"
    );
    (id, result)
}

/// The day's visits by `_id`.
fn day(server: &Server, key: &str, date: &str) -> BTreeMap<String, Value> {
    let r = server.get(&format!("/api/v2/visits?date={date}"), key);
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["data"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| (v["_id"].as_str().expect("_id").to_string(), v.clone()))
        .collect()
}

/// `(visitId, driverId, serviceOrder, serviceStart)` of every planned stop.
fn stops(plan: &Value) -> Vec<(String, Value, Value, Value)> {
    let mut all = Vec::new();
    for route in plan["routes"].as_array().expect("routes") {
        for stop in route["stops"].as_array().expect("stops") {
            all.push((
                stop["visitId"].as_str().expect("visitId").to_string(),
                route["driverId"].clone(),
                stop["serviceOrder"].clone(),
                stop["serviceStart"].clone(),
            ));
        }
    }
    all
}

fn apply(server: &Server, key: &str, id: &str) -> ordo_e2e::server::Reply {
    server.call(
        "POST",
        &format!("/api/v2/plans/{id}/apply"),
        Some(key),
        None,
    )
}

#[test]
fn a_finished_plan_applies_once_and_the_visits_carry_it() {
    let server = Server::start(&[]);
    let (key, date) = seeded(&server);
    let (id, result) = finished_plan(&server, &key, &date);
    let planned = stops(&result["plan"]);
    assert!(!planned.is_empty(), "the plan serves visits");

    let r = apply(&server, &key, &id);
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"]["alreadyApplied"], false);
    assert_eq!(r.json["meta"]["appliedVisits"], planned.len());
    assert_eq!(r.json["data"]["result"]["applied"], true);
    assert_eq!(r.json["data"]["result"]["appliedVisits"], planned.len());
    assert_eq!(r.json["data"]["result"]["conflicts"], json!([]));
    assert!(r.json["data"]["result"].get("readVisits").is_none());

    let stored = day(&server, &key, &date);
    for (visit, driver, order, start) in &planned {
        let record = &stored[visit];
        assert_eq!(&record["driverId"], driver, "{record}");
        assert_eq!(&record["serviceOrder"], order, "{record}");
        assert_eq!(record["eta"].as_f64(), start.as_f64(), "{record}");
        assert!(record["customer"].is_string(), "fields kept: {record}");
    }

    // Again: the same answer, nothing written.
    let again = apply(&server, &key, &id);
    assert_eq!(again.status, 200, "{}", again.json);
    assert_eq!(again.json["meta"]["alreadyApplied"], true);
    assert_eq!(again.json["meta"]["appliedVisits"], 0);
    assert_eq!(again.json["data"]["result"]["applied"], true);
    assert_eq!(
        day(&server, &key, &date),
        stored,
        "a second apply writes nothing"
    );
    let job = server.get(&format!("/api/v2/plans/{id}"), &key);
    assert_eq!(job.json["data"]["result"]["appliedVisits"], planned.len());
}

#[test]
fn a_visit_edited_since_the_plan_read_the_day_refuses_the_whole_apply() {
    let server = Server::start(&[]);
    let (key, date) = seeded(&server);
    let (id, result) = finished_plan(&server, &key, &date);
    let planned = stops(&result["plan"]);
    let before = day(&server, &key, &date);

    // The ERP edits one planned visit (the last stop of the plan).
    let (edited, _, _, _) = planned.last().expect("a stop").clone();
    let erp_id = before[&edited]["id"].clone();
    let path = format!("/api/v2/visits/{}", erp_id.to_string().trim_matches('"'));
    let r = server.call(
        "PUT",
        &path,
        Some(&key),
        Some(&json!({"obs": "gate code 4711"})),
    );
    assert_eq!(r.status, 200, "{}", r.json);
    let after_edit = day(&server, &key, &date);

    let r = apply(&server, &key, &id);
    assert_eq!(r.status, 409, "{}", r.json);
    assert_eq!(r.json["data"], Value::Null);
    assert_eq!(r.json["meta"]["status"], 409);
    assert_eq!(r.json["meta"]["code"], "conflict");
    assert_eq!(
        r.json["meta"]["conflicts"],
        json!([{"visitId": edited, "id": erp_id, "reason": "modified after the plan started"}])
    );
    assert_eq!(
        day(&server, &key, &date),
        after_edit,
        "nothing written: every other visit is as it was"
    );
    assert_eq!(after_edit[&edited]["obs"], "gate code 4711");
    let job = server.get(&format!("/api/v2/plans/{id}"), &key);
    assert_eq!(job.json["data"]["result"]["applied"], false);
    // Still refused on a second try: the day did change.
    assert_eq!(apply(&server, &key, &id).status, 409);
}

#[test]
fn only_the_companys_own_done_jobs_can_be_applied() {
    let server = Server::start(&[]);
    let (key, date) = seeded(&server);
    let unknown = apply(&server, &key, "plan_doesnotexist");
    assert_eq!(unknown.status, 404, "{}", unknown.json);
    assert_eq!(unknown.json["meta"]["code"], "not_found");

    let (id, _) = finished_plan(&server, &key, &date);
    let other = server.key("globex");
    let foreign = apply(&server, &other, &id);
    assert_eq!(foreign.status, 404, "{}", foreign.json);
    let job = server.get(&format!("/api/v2/plans/{id}"), &key);
    assert_eq!(job.json["data"]["result"]["applied"], false, "untouched");

    // A job still solving, then cancelled: not done, not applied.
    let long = submit(&server, &key, json!({"date": date, "timeLimitSeconds": 60}));
    let path = format!("/api/v2/plans/{long}");
    server.wait_for(&path, &key, |j| j["data"]["status"] == "solving");
    let early = apply(&server, &key, &long);
    assert_eq!(early.status, 409, "{}", early.json);
    assert!(
        early.json["meta"]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("solving"),
        "{}",
        early.json
    );
    server.call("DELETE", &path, Some(&key), None);
    server.wait_for(&path, &key, |j| j["data"]["status"] == "cancelled");
    let cancelled = apply(&server, &key, &long);
    assert_eq!(cancelled.status, 409, "{}", cancelled.json);
    let stored = day(&server, &key, &date);
    assert!(
        stored.values().all(|v| v["eta"].is_null()),
        "nothing applied by the refused attempts"
    );
}
