//! Tenancy of `ordo serve`: a company's key never reads, changes, deletes
//! or plans another company's visits, drivers or jobs.

use ordo_e2e::server::{generated_day, Server};
use serde_json::json;

#[test]
fn one_company_never_reaches_another() {
    let server = Server::start(&[]);
    let acme = server.key("acme");
    let globex = server.key("globex");
    let (date, visits, drivers) = generated_day(12, 2, 5);
    server.call("POST", "/api/v2/visits", Some(&acme), Some(&json!(visits)));
    server.call(
        "POST",
        "/api/v2/drivers",
        Some(&acme),
        Some(&json!(drivers)),
    );
    let first = server.get("/api/v2/visits", &acme).json["data"][0].clone();
    let (erp, doc_id) = (
        first["id"].to_string(),
        first["_id"].as_str().unwrap().to_string(),
    );
    let driver = drivers[0]["id"].as_str().unwrap();

    // Reads.
    assert_eq!(
        server.get("/api/v2/visits", &globex).json["meta"]["totalRecords"],
        0
    );
    assert_eq!(
        server.get("/api/v2/drivers", &globex).json["meta"]["totalRecords"],
        0
    );
    for path in [
        format!("/api/v2/visits/{erp}"),
        format!("/api/v2/visits/{doc_id}"),
        format!("/api/v2/visits?_id={doc_id}"),
        format!("/api/v2/drivers/{driver}"),
        format!("/api/v2/drivers/{driver}/location"),
    ] {
        let r = server.get(&path, &globex);
        assert!(
            r.status == 404 || r.json["meta"]["totalRecords"] == 0,
            "{path}: {}",
            r.json
        );
    }
    // Changes.
    for (method, path) in [
        ("PUT", format!("/api/v2/visits/{doc_id}")),
        ("DELETE", format!("/api/v2/visits/{erp}")),
        ("PUT", format!("/api/v2/drivers/{driver}")),
        ("PUT", format!("/api/v2/drivers/{driver}/location")),
    ] {
        let r = server.call(
            method,
            &path,
            Some(&globex),
            Some(&json!({"obs": "mine now", "location": "1,1"})),
        );
        assert_eq!(r.status, 404, "{method} {path}: {}", r.json);
    }
    // The same ERP id under another company is another visit.
    let mut copy = visits[0].clone();
    copy["obs"] = json!("globex's own");
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&globex),
        Some(&json!([copy])),
    );
    assert_eq!(
        (
            r.json["meta"]["recordsInserted"].as_u64(),
            r.json["meta"]["recordsUpdated"].as_u64()
        ),
        (Some(1), Some(0))
    );
    // A record claiming the other company is refused.
    let mut claim = visits[1].clone();
    claim["companyId"] = json!("acme");
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&globex),
        Some(&json!([claim])),
    );
    assert_eq!(r.json["meta"]["errors"][0]["field"], "companyId");
    let original = server.get(&format!("/api/v2/visits/{doc_id}"), &acme).json["data"].clone();
    assert!(original["obs"].is_null());
    assert_eq!(original["version"], 1);
    assert_eq!(
        server.get("/api/v2/visits", &acme).json["meta"]["totalRecords"],
        12
    );

    // Plans: globex has no drivers, so its plan of the day cannot use acme's.
    let r = server.call(
        "POST",
        "/api/v2/plans",
        Some(&globex),
        Some(&json!({"date": date, "timeLimitSeconds": 1, "apply": true})),
    );
    let path = format!("/api/v2/plans/{}", r.json["data"]["id"].as_str().unwrap());
    let job = server.wait_for(&path, &globex, |j| j["data"]["status"] == "failed");
    assert!(job["data"]["error"]
        .as_str()
        .unwrap()
        .starts_with("no drivers"));
    // acme's job is invisible to globex.
    let r = server.call(
        "POST",
        "/api/v2/plans",
        Some(&acme),
        Some(&json!({"date": date, "iterations": 50, "apply": false})),
    );
    let acme_job = format!("/api/v2/plans/{}", r.json["data"]["id"].as_str().unwrap());
    assert_eq!(server.get(&acme_job, &globex).status, 404);
    assert_eq!(
        server.call("DELETE", &acme_job, Some(&globex), None).status,
        404
    );
    let done = server.wait_for(&acme_job, &acme, |j| j["data"]["status"] == "done");
    let planned: Vec<&str> = done["data"]["result"]["plan"]["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["stops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["visitId"].as_str().unwrap())
        })
        .collect();
    let globex_ids: Vec<String> = server.get("/api/v2/visits", &globex).json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["_id"].as_str().unwrap().to_string())
        .collect();
    assert!(planned.iter().all(|p| !globex_ids.iter().any(|g| g == p)));
}
