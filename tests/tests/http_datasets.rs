//! The bundled days (`datasets/*.json`, plan format) load through the API
//! as they are, each into a company of its own, and plan: every visit and
//! driver stored without an error, the plan job `done`, the result passed
//! by the independent checker, every visit served or reported. And a batch
//! whose every record is refused says so in `meta`.

use ordo_e2e::server::Server;
use ordo_e2e::workspace_root;
use serde_json::{json, Value};

fn bundled_days() -> Vec<std::path::PathBuf> {
    let mut days: Vec<_> = std::fs::read_dir(workspace_root().join("datasets"))
        .expect("datasets folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    days.sort();
    days
}

#[test]
fn every_bundled_day_loads_through_the_api_and_plans() {
    let server = Server::start(&["--rate-limit", "1000000"]);
    let days = bundled_days();
    assert!(days.len() >= 4, "{days:?}");
    for path in days {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let day: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let key = server.key(&name);
        let (visits, drivers) = (&day["visits"], &day["drivers"]);
        let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(drivers));
        assert_eq!(r.json["meta"]["errors"], json!([]), "{name}: {}", r.json);
        assert_eq!(
            r.json["meta"]["recordsInserted"].as_u64(),
            drivers.as_array().map(|d| d.len() as u64),
            "{name}"
        );
        let r = server.call("POST", "/api/v2/visits", Some(&key), Some(visits));
        assert_eq!(r.status, 200, "{name}");
        let meta = &r.json["meta"];
        assert_eq!(meta["errors"], json!([]), "{name}: {}", meta["errors"][0]);
        assert_eq!(meta["recordsFailed"], 0, "{name}");
        let count = visits.as_array().unwrap().len() as u64;
        assert_eq!(meta["recordsInserted"].as_u64(), Some(count), "{name}");

        let date = day["date"].as_str().unwrap();
        let body = json!({"date": date, "iterations": 20, "timeLimitSeconds": 600});
        let r = server.call("POST", "/api/v2/plans", Some(&key), Some(&body));
        assert_eq!(r.status, 202, "{name}: {}", r.json);
        let id = r.json["data"]["id"].as_str().unwrap().to_string();
        let job = server.wait_for(&format!("/api/v2/plans/{id}"), &key, |j| {
            !j["data"]["finishedAt"].is_null()
        });
        let data = &job["data"];
        assert_eq!(data["status"], "done", "{name}: {}", data["error"]);
        let result = &data["result"];
        assert_eq!(result["feasible"], true, "{name}: {}", result["violations"]);
        let plan = &result["plan"];
        let served: u64 = plan["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["stops"].as_array().unwrap().len() as u64)
            .sum();
        let unassigned = plan["unassigned"].as_array().unwrap().len() as u64;
        assert!(served > 0, "{name}: nothing served");
        assert_eq!(
            plan["summary"]["visits"].as_u64(),
            Some(served + unassigned),
            "{name}"
        );
        eprintln!("{name}: {count} visits stored, {served} served, {unassigned} unassigned");
    }
}

#[test]
fn a_batch_with_every_record_refused_says_so() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let bad = json!([
        {"id": 1, "date": "2026-13-40", "driverId": "", "lat": 57.1, "lng": -2.1},
        {"id": 2, "date": "2026-11-23", "driverId": ""},
    ]);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&bad));
    assert_eq!(r.status, 200, "{}", r.json);
    let meta = &r.json["meta"];
    assert_eq!(meta["recordsInserted"], 0);
    assert_eq!(meta["recordsUpdated"], 0);
    assert_eq!(meta["recordsFailed"], 2);
    assert_eq!(
        meta["error"], "no record stored: all 2 were refused (see errors)",
        "{meta}"
    );
    let fields: Vec<&str> = meta["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    // Without coordinates, the address the document geocodes is required.
    assert_eq!(fields, ["date", "address", "city"], "{meta}");
    // One good record among them: stored, and no error line in meta.
    let mixed = json!([bad[0], {"id": 3, "date": "2026-11-23", "driverId": "",
                                "lat": 57.1, "lng": -2.1}]);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&mixed));
    let meta = &r.json["meta"];
    assert_eq!(
        (
            meta["recordsInserted"].as_u64(),
            meta["recordsFailed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert!(meta.get("error").is_none(), "{meta}");
}
