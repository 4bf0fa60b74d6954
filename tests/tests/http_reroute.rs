//! Re-routing through the API: a day planned and applied, then closed and
//! in-progress visits, a late driver's location and an urgent visit, and a
//! `mode: "reroute"` job that keeps what happened, serves the urgent
//! visit, moves few visits to another driver and applies the new plan.

use std::collections::HashMap;

use ordo_e2e::server::{generated_day, Server};
use ordo_solver::plan::PlanDate;
use serde_json::{json, Value};

/// 09:00, the moment of the re-plan.
const NOW: f64 = 32_400.0;

fn submit(server: &Server, key: &str, body: Value) -> String {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    r.json["data"]["id"].as_str().unwrap().to_string()
}

/// Waits for job `id` to finish; returns its data.
fn finished(server: &Server, key: &str, id: &str) -> Value {
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    });
    assert_eq!(job["data"]["status"], "done", "{job}");
    let result = &job["data"]["result"];
    assert_eq!(
        result["feasible"], true,
        "checker: {}",
        result["violations"]
    );
    job["data"].clone()
}

/// `(visitId, driverId)` of every stop, route by route in order.
fn routes(plan: &Value) -> HashMap<String, Vec<String>> {
    plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let stops = r["stops"].as_array().unwrap();
            let ids = stops
                .iter()
                .map(|s| s["visitId"].as_str().unwrap().to_string());
            (r["driverId"].as_str().unwrap().to_string(), ids.collect())
        })
        .collect()
}

fn driver_of(routes: &HashMap<String, Vec<String>>, visit: &str) -> Option<String> {
    routes
        .iter()
        .find(|(_, stops)| stops.iter().any(|s| s == visit))
        .map(|(d, _)| d.clone())
}

fn moved(plan: &Value) -> usize {
    plan["changes"].as_array().map_or(0, |changes| {
        changes
            .iter()
            .filter(|c| c["kinds"].as_array().unwrap().contains(&json!("driver")))
            .count()
    })
}

fn put(server: &Server, key: &str, path: &str, body: Value) {
    let r = server.call("PUT", path, Some(key), Some(&body));
    assert!(r.status == 200 || r.status == 204, "{path}: {}", r.json);
}

#[test]
fn a_reroute_job_keeps_the_day_and_serves_the_urgent_visit() {
    let server = Server::start(&["--rate-limit", "100000"]);
    let key = server.key("acme");
    let (date, visits, drivers) = generated_day(40, 5, 3);
    server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["recordsInserted"], 40, "{}", r.json);

    // The published plan.
    let id = submit(
        &server,
        &key,
        json!({"date": date, "iterations": 300, "timeLimitSeconds": 30, "apply": true}),
    );
    let published = routes(&finished(&server, &key, &id)["result"]["plan"]);

    // The morning: on the longest route the first visit is done and the
    // second in progress; on another the first is done. Another driver
    // reports only at 10:00 from their start: late.
    let mut by_length: Vec<(&String, &Vec<String>)> = published.iter().collect();
    by_length.sort_by_key(|(d, stops)| (std::cmp::Reverse(stops.len()), (*d).clone()));
    let (busy, busy_stops) = by_length[0];
    assert!(busy_stops.len() >= 3, "{published:?}");
    let (_, other_stops) = by_length[1];
    let (late, _) = by_length[2];
    let closed = [busy_stops[0].clone(), other_stops[0].clone()];
    let in_progress = busy_stops[1].clone();
    for visit in &closed {
        put(
            &server,
            &key,
            &format!("/api/v2/visits/{visit}"),
            json!({"closed": "1"}),
        );
    }
    put(
        &server,
        &key,
        &format!("/api/v2/visits/{in_progress}"),
        json!({"inProgress": true}),
    );
    let late_record = drivers.iter().find(|d| d["id"] == late.as_str()).unwrap();
    let midnight_ms = PlanDate::parse(&date).unwrap().midnight_unix_seconds() * 1000;
    put(
        &server,
        &key,
        &format!("/api/v2/drivers/{late}/location"),
        json!({"location": late_record["start"], "submitted_at": midnight_ms + 36_000_000}),
    );
    let urgent = json!([{"id": 990001, "date": date, "driverId": "", "docNo": "URGENT-1",
        "customer": "Burst pipe", "address": "2 High Street", "city": "Aberdeen",
        "lat": visits[0]["lat"], "lng": visits[0]["lng"], "priority": 1, "duration": 1800,
        "time_windows": [{"earliest": NOW, "latest": NOW + 3.0 * 3600.0}]}]);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&urgent));
    assert_eq!(r.json["meta"]["recordsInserted"], 1, "{}", r.json);
    let urgent_id = server.get("/api/v2/visits/990001", &key).json["data"]["_id"]
        .as_str()
        .unwrap()
        .to_string();

    // A re-route needs its time, and its fields are checked by name.
    let r = server.call(
        "POST",
        "/api/v2/plans",
        Some(&key),
        Some(&json!({"date": date, "mode": "reroute",
                     "disruption": {"driverChange": -5}, "drivers": [{"lock": "frozen"}]})),
    );
    assert_eq!(r.status, 422, "{}", r.json);
    let fields: Vec<&str> = r.json["meta"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "now",
            "disruption.driverChange",
            "drivers[0].id",
            "drivers[0].lock"
        ]
    );

    // An override must name a driver of the plan; the job says which.
    let unknown = submit(
        &server,
        &key,
        json!({"date": date, "mode": "reroute", "now": NOW, "drivers": [{"id": "drv-999"}]}),
    );
    let job = server.wait_for(&format!("/api/v2/plans/{unknown}"), &key, |j| {
        j["data"]["status"] == "failed"
    });
    assert_eq!(
        job["data"]["error"],
        "drivers[0].id: no driver drv-999 in this plan"
    );

    // The same rest of the day from scratch, for comparison (not applied).
    let scratch = submit(
        &server,
        &key,
        json!({"date": date, "mode": "reroute", "now": NOW, "warmStart": false,
               "disruption": {"driverChange": 0, "sequenceChange": 0, "etaShift": 0},
               "iterations": 300, "timeLimitSeconds": 30}),
    );
    let scratch = finished(&server, &key, &scratch);
    let moved_from_scratch = moved(&scratch["result"]["plan"]);

    let id = submit(
        &server,
        &key,
        json!({"date": date, "mode": "reroute", "now": NOW, "iterations": 300,
               "timeLimitSeconds": 30, "apply": true}),
    );
    let job = finished(&server, &key, &id);
    assert_eq!(job["params"]["mode"], "reroute");
    assert_eq!(job["params"]["now"], NOW);
    let result = &job["result"];
    let plan = &result["plan"];
    let now_routes = routes(plan);
    let planned: usize = now_routes.values().map(Vec::len).sum();

    for visit in &closed {
        assert_eq!(
            driver_of(&now_routes, visit),
            None,
            "closed {visit} planned"
        );
    }
    assert_eq!(
        now_routes[busy].first(),
        Some(&in_progress),
        "the visit in progress stays first with {busy}"
    );
    assert!(
        driver_of(&now_routes, &urgent_id).is_some(),
        "urgent visit not served: {}",
        plan["unassigned"]
    );
    // The late driver, free from 10:00 where they reported, starts no
    // service before then; everyone else none before `now`.
    for route in plan["routes"].as_array().unwrap() {
        let from = if route["driverId"] == late.as_str() {
            36_000.0
        } else {
            NOW
        };
        for stop in route["stops"].as_array().unwrap() {
            if stop["visitId"] != in_progress.as_str() {
                let start = stop["serviceStart"].as_f64().unwrap();
                assert!(
                    start >= from,
                    "{} starts at {start}: {stop}",
                    route["driverId"]
                );
            }
        }
    }
    let changes = plan["changes"].as_array().unwrap();
    let urgent_change = changes
        .iter()
        .find(|c| c["visitId"] == urgent_id.as_str())
        .unwrap_or_else(|| panic!("no change for the urgent visit: {changes:?}"));
    assert!(urgent_change["kinds"]
        .as_array()
        .unwrap()
        .contains(&json!("added")));
    assert_eq!(
        plan["summary"]["changes"]["added"], 1,
        "{}",
        plan["summary"]
    );
    let moved_now = moved(plan);
    assert_eq!(plan["summary"]["changes"]["driver"], moved_now);
    assert!(
        moved_now <= planned.div_ceil(10) && moved_now <= moved_from_scratch.max(1),
        "{moved_now} of {planned} visits change driver ({moved_from_scratch} from scratch)"
    );
    eprintln!(
        "re-route: {planned} planned, {moved_now} change driver ({moved_from_scratch} from \
         scratch); summary {}",
        plan["summary"]
    );

    // Applied: the visits carry the new plan.
    assert_eq!(result["applied"], true);
    assert_eq!(result["conflicts"], json!([]));
    assert_eq!(result["appliedVisits"].as_u64(), Some(planned as u64));
    for (driver, stops) in &now_routes {
        for visit in stops {
            let v = server.get(&format!("/api/v2/visits/{visit}"), &key).json["data"].clone();
            assert_eq!(v["driverId"], driver.as_str(), "{visit}");
            assert!(v["serviceOrder"].as_u64().is_some_and(|o| o > 0), "{v}");
        }
    }
    assert_eq!(
        server
            .get(&format!("/api/v2/visits/{urgent_id}"), &key)
            .json["data"]["modifyUser"],
        "ordo-plan"
    );
}
