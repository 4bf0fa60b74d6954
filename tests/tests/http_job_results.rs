//! What a plan job shows besides its plan, against a real `ordo serve`:
//! its times as the visits document writes dates, local to the company's
//! zone across the 2026 daylight-saving changes in Europe/London (issue
//! 19, point 8), and the stored drivers the planner cannot use, left out
//! and reported while the rest is planned (issue 19, point 5).

use std::collections::HashSet;
use std::process::Command;

use ordo_e2e::ordo_bin;
use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

/// A key of a new company in `zone`.
fn key_in_zone(server: &Server, company: &str, zone: &str) -> String {
    let out = Command::new(ordo_bin())
        .args([
            "keys",
            "create",
            "--company",
            company,
            "--time-zone",
            zone,
            "--db",
        ])
        .arg(server.db())
        .output()
        .expect("run ordo keys create");
    assert!(out.status.success(), "ordo keys create failed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace().last().expect("a key").to_string()
}

/// Posts a plan job and waits for its end; returns `data`.
fn finished_job(server: &Server, key: &str, body: &Value) -> Value {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(body));
    assert_eq!(r.status, 202, "{}", r.json);
    let id = r.json["data"]["id"].as_str().expect("job id").to_string();
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    });
    job["data"].clone()
}

/// One driver and one visit on `date`, planned; returns the job's id.
fn one_job(server: &Server, key: &str, date: &str) -> String {
    let driver =
        json!([{"id": "d1", "start": "57.1,-2.1", "shift": {"earliest": 21600, "latest": 72000}}]);
    let r = server.call("POST", "/api/v2/drivers", Some(key), Some(&driver));
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    let visit = json!([{"id": "v1", "date": date, "lat": 57.1, "lng": -2.1,
                        "address": "A", "city": "X", "duration": 600}]);
    let r = server.call("POST", "/api/v2/visits", Some(key), Some(&visit));
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    let job = finished_job(server, key, &json!({"date": date, "iterations": 10}));
    assert_eq!(job["status"], "done", "{job}");
    job["id"].as_str().expect("id").to_string()
}

/// Epoch milliseconds of a UTC instant written `2026-03-29T00:59:59Z`.
fn ms(utc: &str) -> i64 {
    utc.parse::<jiff::Timestamp>()
        .expect("an instant")
        .as_millisecond()
}

#[test]
fn job_times_are_local_wall_times_of_the_company_across_daylight_saving() {
    let mut server = Server::start(&[]);
    let london = key_in_zone(&server, "acme", "Europe/London");
    let utc = key_in_zone(&server, "globex", "UTC");
    let spring = one_job(&server, &london, "2026-03-29");
    let autumn = one_job(&server, &london, "2026-10-25");
    let elsewhere = one_job(&server, &utc, "2026-03-29");

    // A live job: its times are the stored instants in London's zone.
    let data = server.get(&format!("/api/v2/plans/{spring}"), &london).json["data"].clone();
    if server.skip_unless_sqlite("rewrites job times in the SQLite file") {
        return;
    }
    let db = rusqlite::Connection::open(server.db()).expect("open the database");
    let stored: Vec<i64> = db
        .query_row(
            "SELECT created_at, started_at, finished_at FROM plan_jobs WHERE id = ?1",
            [&spring],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?]),
        )
        .expect("the job's row");
    let zone = jiff::tz::TimeZone::get("Europe/London").expect("zone");
    for (name, millis) in ["createdAt", "startedAt", "finishedAt"].iter().zip(&stored) {
        let local = jiff::Timestamp::from_millisecond(*millis)
            .expect("instant")
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string();
        assert_eq!(data[*name], local, "{name}: {data}");
    }

    // Known instants on both sides of each change, written into the rows.
    server.stop();
    let set = |id: &str, created: &str, started: &str, finished: &str| {
        db.execute(
            "UPDATE plan_jobs SET created_at = ?2, started_at = ?3, finished_at = ?4 WHERE id = ?1",
            rusqlite::params![id, ms(created), ms(started), ms(finished)],
        )
        .expect("set the times");
    };
    // 01:00 UTC on 29 March: the clocks go from 01:00 GMT to 02:00 BST.
    set(
        &spring,
        "2026-03-29T00:59:59Z",
        "2026-03-29T01:00:00Z",
        "2026-03-29T12:00:00Z",
    );
    // 01:00 UTC on 25 October: back from 02:00 BST to 01:00 GMT, so 01:30
    // local happens twice.
    set(
        &autumn,
        "2026-10-25T00:30:00Z",
        "2026-10-25T01:30:00Z",
        "2026-10-25T12:00:00Z",
    );
    set(
        &elsewhere,
        "2026-03-29T00:59:59Z",
        "2026-03-29T01:00:00Z",
        "2026-03-29T12:00:00Z",
    );
    server.restart();

    let times = |id: &str, key: &str| {
        let r = server.get(&format!("/api/v2/plans/{id}"), key);
        assert_eq!(r.status, 200, "{}", r.json);
        let d = &r.json["data"];
        [
            d["createdAt"].clone(),
            d["startedAt"].clone(),
            d["finishedAt"].clone(),
        ]
    };
    assert_eq!(
        times(&spring, &london),
        [
            json!("2026-03-29 00:59:59"),
            json!("2026-03-29 02:00:00"),
            json!("2026-03-29 13:00:00")
        ]
    );
    assert_eq!(
        times(&autumn, &london),
        [
            json!("2026-10-25 01:30:00"),
            json!("2026-10-25 01:30:00"),
            json!("2026-10-25 12:00:00")
        ]
    );
    // The same instants for a company in UTC.
    assert_eq!(
        times(&elsewhere, &utc),
        [
            json!("2026-03-29 00:59:59"),
            json!("2026-03-29 01:00:00"),
            json!("2026-03-29 12:00:00")
        ]
    );
}

/// A day of three drivers; the second is broken in the database and a
/// fourth row that is not JSON at all is added, as an older version or a
/// hand edit could leave them.
fn day_with_broken_drivers(server: &mut Server, key: &str) -> (String, Vec<String>, usize) {
    let (date, visits, drivers) = generated_day(30, 3, 7);
    let r = server.call("POST", "/api/v2/drivers", Some(key), Some(&json!(drivers)));
    assert_eq!(r.json["meta"]["recordsInserted"], 3, "{}", r.json);
    let r = server.call("POST", "/api/v2/visits", Some(key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    let ids: Vec<String> = drivers
        .iter()
        .map(|d| d["id"].as_str().expect("driver id").to_string())
        .collect();
    server.stop();
    if let Some(mut pg) = server.database().postgres_client() {
        let changed = pg
            .execute(
                "UPDATE drivers SET record = jsonb_set(record::jsonb, '{shift}', '\"all day\"')::text
                 WHERE erp_id = $1",
                &[&ids[1]],
            )
            .expect("break the driver");
        assert_eq!(changed, 1);
        pg.execute(
            "INSERT INTO drivers (company_id, doc_id, erp_id, version, record)
             SELECT company_id, 'garbled-doc', 'garbled', 1, '{\"id\": \"garbled\", \"shift\":'
             FROM drivers WHERE erp_id = $1",
            &[&ids[0]],
        )
        .expect("add a garbled row");
        server.restart();
        return (date, ids, visits.len());
    }
    let db = rusqlite::Connection::open(server.db()).expect("open the database");
    let changed = db
        .execute(
            "UPDATE drivers SET record = json_set(record, '$.shift', 'all day') WHERE erp_id = ?1",
            [&ids[1]],
        )
        .expect("break the driver");
    assert_eq!(changed, 1);
    db.execute(
        "INSERT INTO drivers (company_id, doc_id, erp_id, version, record)
         SELECT company_id, 'garbled-doc', 'garbled', 1, '{\"id\": \"garbled\", \"shift\":'
         FROM drivers WHERE erp_id = ?1",
        [&ids[0]],
    )
    .expect("add a garbled row");
    server.restart();
    (date, ids, visits.len())
}

#[test]
fn a_stored_invalid_driver_is_left_out_and_reported_and_the_rest_planned() {
    let mut server = Server::start(&[]);
    let key = server.key("acme");
    let (date, ids, visits) = day_with_broken_drivers(&mut server, &key);

    let job = finished_job(
        &server,
        &key,
        &json!({"date": date, "iterations": 200, "timeLimitSeconds": 30}),
    );
    assert_eq!(job["status"], "done", "{job}");
    let result = &job["result"];
    assert_eq!(result["feasible"], true, "{}", result["violations"]);
    assert_eq!(result["violations"], json!([]));
    let skipped = result["skippedDrivers"].as_array().expect("skippedDrivers");
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert_eq!(skipped[0]["id"], ids[1].as_str());
    assert_eq!(skipped[0]["code"], "INVALID_RECORD");
    assert_eq!(skipped[0]["field"], "shift", "{}", skipped[0]);
    assert!(skipped[0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("shift: "));
    assert_eq!(skipped[1]["id"], "garbled");
    assert_eq!(skipped[1]["code"], "INVALID_RECORD");
    assert!(skipped[1]["detail"].as_str().unwrap().contains("not JSON"));

    // The other two drivers plan the day: every visit is served by one of
    // them or has a planning reason, none is INVALID_RECORD.
    let plan = &result["plan"];
    let used: HashSet<&str> = plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .filter(|r| !r["stops"].as_array().expect("stops").is_empty())
        .map(|r| r["driverId"].as_str().expect("driverId"))
        .collect();
    assert!(!used.is_empty(), "{plan}");
    assert!(
        used.iter().all(|d| *d == ids[0] || *d == ids[2]),
        "{used:?}"
    );
    let served: usize = plan["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["stops"].as_array().unwrap().len())
        .sum();
    let unassigned = plan["unassigned"].as_array().expect("unassigned");
    assert!(
        unassigned.iter().all(|u| u["reason"] != "INVALID_RECORD"),
        "{plan}"
    );
    let excluded = plan["summary"]["excluded"].as_u64().unwrap_or(0) as usize;
    assert_eq!(served + unassigned.len() + excluded, visits, "{plan}");

    // Asked for by name, the broken driver is reported the same way.
    let body = json!({"date": date, "driverIds": [ids[1], ids[2]], "iterations": 50});
    let job = finished_job(&server, &key, &body);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["result"]["feasible"], true);
    assert_eq!(job["result"]["skippedDrivers"][0]["id"], ids[1].as_str());
}
