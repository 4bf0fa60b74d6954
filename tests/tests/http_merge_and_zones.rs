//! What a plan writes survives the ERP's nightly re-sync (upserts merge
//! field by field), and local times follow the company's time zone across
//! the 2026 daylight-saving changes in Europe/London, against a real
//! `ordo serve`.

use std::collections::HashMap;
use std::process::Command;

use ordo_e2e::ordo_bin;
use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

fn finished(server: &Server, key: &str, body: Value) -> Value {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    let id = r.json["data"]["id"].as_str().unwrap().to_string();
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    });
    assert_eq!(job["data"]["status"], "done", "{job}");
    assert_eq!(job["data"]["result"]["feasible"], true, "{job}");
    job["data"].clone()
}

/// `id -> (driverId, serviceOrder, eta)` of every visit of `date`.
fn planned(server: &Server, key: &str, date: &str) -> HashMap<String, (Value, Value, Value)> {
    let r = server.get(&format!("/api/v2/visits?date={date}"), key);
    r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].to_string(),
                (
                    v["driverId"].clone(),
                    v["serviceOrder"].clone(),
                    v["eta"].clone(),
                ),
            )
        })
        .collect()
}

#[test]
fn a_resync_without_plan_fields_keeps_the_plan_and_sent_values_win() {
    let server = Server::start(&["--rate-limit", "100000"]);
    let key = server.key("acme");
    let (date, visits, drivers) = generated_day(12, 2, 5);
    server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["recordsInserted"], 12, "{}", r.json);
    finished(
        &server,
        &key,
        json!({"date": date, "iterations": 200, "timeLimitSeconds": 30, "apply": true}),
    );
    let before = planned(&server, &key, &date);
    let assigned = before.values().filter(|(d, _, _)| d != "").count();
    assert!(assigned >= 6, "{before:?}");

    // The nightly re-sync: the ERP's records without the plan's fields,
    // and a changed observation.
    let resync: Vec<Value> = visits
        .iter()
        .map(|v| {
            let mut v = v.clone();
            let obj = v.as_object_mut().unwrap();
            for plan_field in ["driverId", "serviceOrder", "eta"] {
                obj.remove(plan_field);
            }
            obj.insert("obs".into(), "gate code 1234".into());
            v
        })
        .collect();
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(resync)));
    assert_eq!(r.json["meta"]["recordsUpdated"], 12, "{}", r.json);
    assert_eq!(r.json["meta"]["errors"], json!([]));
    assert_eq!(planned(&server, &key, &date), before, "the plan survives");
    let one = &server
        .get(&format!("/api/v2/visits/{}", visits[0]["id"]), &key)
        .json["data"];
    assert_eq!(one["obs"], "gate code 1234");
    assert_eq!(one["lat"], visits[0]["lat"], "fields kept");

    // Sent, the ERP's values win.
    let mut mine = visits[0].clone();
    mine["driverId"] = json!("erp-driver");
    mine["serviceOrder"] = json!(42);
    mine["eta"] = json!(40_000);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!([mine])));
    assert_eq!(r.json["meta"]["recordsUpdated"], 1, "{}", r.json);
    let after = planned(&server, &key, &date);
    assert_eq!(
        after[&visits[0]["id"].to_string()],
        (json!("erp-driver"), json!(42), json!(40_000))
    );
    let listed = server.get("/api/v2/visits?driverId=erp-driver", &key);
    assert_eq!(
        listed.json["meta"]["totalRecords"], 1,
        "the index follows the merge"
    );
}

/// 08:00 UTC on 2026-03-29 (09:00 BST, the first day of summer time) and
/// 09:00 UTC on 2026-10-25 (09:00 GMT, the last change back).
const SPRING_0900_BST: i64 = 1_774_771_200_000;
const AUTUMN_0900_GMT: i64 = 1_792_918_800_000;

/// The service start of the day's one visit, re-routed at 06:00 with the
/// driver reporting from the visit's door at `submitted_at`.
fn start_after_report(
    server: &Server,
    key: &str,
    date: &str,
    submitted_at: i64,
    zone: Option<&str>,
) -> f64 {
    let driver =
        json!([{"id": "d1", "start": "57.1,-2.1", "shift": {"earliest": 21600, "latest": 72000}}]);
    server.call("POST", "/api/v2/drivers", Some(key), Some(&driver));
    let visit = json!([{"id": format!("v-{date}"), "date": date, "driverId": "", "docNo": "H-1",
        "customer": "C", "address": "A", "city": "X", "lat": 57.1, "lng": -2.1, "duration": 600,
        "time_windows": [{"earliest": 21600, "latest": 72000}]}]);
    let r = server.call("POST", "/api/v2/visits", Some(key), Some(&visit));
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    let r = server.call(
        "PUT",
        "/api/v2/drivers/d1/location",
        Some(key),
        Some(&json!({"location": "57.1,-2.1", "submitted_at": submitted_at})),
    );
    assert!(r.status == 204 || r.status == 200, "{}", r.json);
    let mut body = json!({"date": date, "mode": "reroute", "now": 21600, "iterations": 50, "timeLimitSeconds": 30});
    if let Some(zone) = zone {
        body["timeZone"] = json!(zone);
    }
    let job = finished(server, key, body);
    let stop = &job["result"]["plan"]["routes"][0]["stops"][0];
    stop["serviceStart"]
        .as_f64()
        .unwrap_or_else(|| panic!("{job}"))
}

#[test]
fn local_times_follow_the_company_zone_across_daylight_saving() {
    let server = Server::start(&[]);
    let out = Command::new(ordo_bin())
        .args([
            "keys",
            "create",
            "--company",
            "acme",
            "--time-zone",
            "Europe/London",
            "--db",
        ])
        .arg(server.db())
        .output()
        .unwrap();
    assert!(out.status.success());
    let key = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();

    // Summer time: the 08:00 UTC report is 09:00 local, so the driver is
    // free from 32,400 s (in UTC it would have been 28,800).
    assert_eq!(
        start_after_report(&server, &key, "2026-03-29", SPRING_0900_BST, None),
        32_400.0
    );
    // The request's own zone wins over the company's.
    assert_eq!(
        start_after_report(&server, &key, "2026-03-29", SPRING_0900_BST, Some("UTC")),
        28_800.0
    );
    // Back on GMT: 09:00 UTC is 09:00 local.
    assert_eq!(
        start_after_report(&server, &key, "2026-10-25", AUTUMN_0900_GMT, None),
        32_400.0
    );

    // A zone that does not exist is the request's 422, naming the field.
    let r = server.call(
        "POST",
        "/api/v2/plans",
        Some(&key),
        Some(&json!({"date": "2026-03-29", "timeZone": "Europe/Atlantis"})),
    );
    assert_eq!(r.status, 422, "{}", r.json);
    assert_eq!(r.json["meta"]["errors"][0]["field"], "timeZone");
}
