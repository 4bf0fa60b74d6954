//! `ordo serve` over HTTP: visits CRUD, pagination over 1,000 visits,
//! every filter of the visits document, upsert with bad records among
//! good ones, drivers and performer locations, and errors in the envelope.

use ordo_e2e::server::{generated_day, Server};
use serde_json::{json, Value};

fn visit(i: i64) -> Value {
    json!({
        "id": i,
        "date": if i % 2 == 0 { "2026-11-23" } else { "2026-11-24" },
        "driverId": format!("d{}", i % 5),
        "docNo": format!("H-{i:06}"),
        "customer": "The Green Sleeve", "address": "999 West High Street", "city": "INVERURIE",
        "lat": 57.0 + (i as f64) / 10_000.0, "lng": -2.0,
        "closed": if i % 10 == 0 { "1" } else { "0" },
        "confirmClose": i % 7 == 0,
        "inProgress": if i % 11 == 0 { 1 } else { 0 },
        "priority": (1 + i % 10).to_string(),
        "skipped": if i % 13 == 0 { "1" } else { "0" },
        "time_windows": [{"earliest": 30600, "latest": 64800}],
        "required_skills": ["Plumber"], "allowed_vehicles": [], "duration": 2100,
        "territory": "AB-Aberdeen", "precedencePriorityVisit": "0", "serviceOrder": 3,
        "subContractorIds": ["My Subcontractor"], "lines": [{"actionItem": true, "description": "Fix"}]
    })
}

fn total(server: &Server, key: &str, query: &str) -> u64 {
    let r = server.get(&format!("/api/v2/visits?{query}"), key);
    assert_eq!(r.status, 200, "{query}: {}", r.json);
    r.json["meta"]["totalRecords"].as_u64().unwrap()
}

#[test]
fn visits_crud_pagination_and_every_filter() {
    let server = Server::start(&["--rate-limit", "100000"]);
    let key = server.key("acme");
    let all: Vec<Value> = (1..=1000).map(visit).collect();
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(all)));
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"]["recordsInserted"], 1000);
    assert_eq!(r.json["meta"]["recordsUpdated"], 0);
    assert_eq!(r.json["meta"]["errors"], json!([]));

    // Pagination: 100 at a time until nothing remains.
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let r = server.get(&format!("/api/v2/visits?pagination={start}"), &key);
        let meta = &r.json["meta"];
        assert_eq!(meta["totalRecords"], 1000);
        let page = r.json["data"].as_array().unwrap();
        assert_eq!(meta["returnedRecords"].as_u64(), Some(page.len() as u64));
        assert!(page.len() <= 100);
        seen.extend(page.iter().map(|v| v["id"].as_i64().unwrap()));
        assert_eq!(
            meta["remainingRecords"].as_u64(),
            Some(1000 - seen.len() as u64)
        );
        if meta["remainingRecords"] == 0 {
            break;
        }
        start = meta["nextStart"].as_u64().unwrap();
        assert_eq!(start, seen.len() as u64);
    }
    assert_eq!(seen, (1..=1000).collect::<Vec<_>>());

    // Every field of the document round-trips, plus the server's own.
    let one = server.get("/api/v2/visits/17", &key);
    assert_eq!(one.status, 200);
    let v = &one.json["data"];
    for field in [
        "time_windows",
        "required_skills",
        "allowed_vehicles",
        "duration",
        "priority",
        "serviceOrder",
        "driverId",
        "lat",
        "lng",
        "territory",
        "lines",
        "subContractorIds",
    ] {
        assert_eq!(v[field], visit(17)[field], "{field}");
    }
    // Flags sent as "0", 1 or false read back in the document's GET shape.
    let flag = |sent: &Value| matches!(sent.to_string().as_str(), "\"1\"" | "1" | "true");
    for field in ["precedencePriorityVisit", "inProgress", "closed", "skipped"] {
        assert_eq!(v[field], json!(flag(&visit(17)[field])), "{field}");
    }
    assert_eq!(v["companyId"], "acme");
    assert_eq!(v["version"], 1);
    let doc_id = v["_id"].as_str().unwrap().to_string();
    assert_eq!(
        server.get(&format!("/api/v2/visits/{doc_id}"), &key).json["data"]["id"],
        17
    );

    // Every filter, alone and combined, against a count made here.
    let count = |f: &dyn Fn(&Value) -> bool| (1..=1000).map(visit).filter(|v| f(v)).count() as u64;
    let flag =
        |v: &Value, name: &str| matches!(v[name].to_string().as_str(), "\"1\"" | "1" | "true");
    assert_eq!(total(&server, &key, &format!("_id={doc_id}")), 1);
    assert_eq!(total(&server, &key, "id=17"), 1);
    assert_eq!(total(&server, &key, "date=2026-11-23"), 500);
    assert_eq!(total(&server, &key, "driverId=d3"), 200);
    assert_eq!(
        total(&server, &key, "docNo=H-0001"),
        count(&|v| v["docNo"].as_str().unwrap().contains("H-0001"))
    );
    assert_eq!(
        total(&server, &key, "docNo=h-00099"),
        10,
        "contains, ignoring case"
    );
    for (param, field) in [
        ("closed", "closed"),
        ("confirmClose", "confirmClose"),
        ("inProgress", "inProgress"),
        ("skipped", "skipped"),
    ] {
        let ones = count(&|v| flag(v, field));
        assert_eq!(total(&server, &key, &format!("{param}=1")), ones, "{param}");
        assert_eq!(
            total(&server, &key, &format!("{param}=0")),
            1000 - ones,
            "{param}"
        );
    }
    assert_eq!(total(&server, &key, "priority=3"), 100);
    assert_eq!(
        total(
            &server,
            &key,
            "date=2026-11-24&driverId=d1&closed=0&priority=2"
        ),
        count(&|v| v["date"] == "2026-11-24"
            && v["driverId"] == "d1"
            && !flag(v, "closed")
            && v["priority"] == "2")
    );
    let filtered = server.get("/api/v2/visits?date=2026-11-23&pagination=400", &key);
    assert_eq!(filtered.json["meta"]["returnedRecords"], 100);
    assert_eq!(filtered.json["meta"]["remainingRecords"], 0);

    // PUT changes what it sends and keeps the rest; the version moves.
    let r = server.call(
        "PUT",
        "/api/v2/visits/17",
        Some(&key),
        Some(&json!({"obs": "No parking", "priority": "2"})),
    );
    assert_eq!(
        (r.status, &r.json["meta"]["updatedRecords"]),
        (200, &json!(1))
    );
    let v = server.get("/api/v2/visits/17", &key).json["data"].clone();
    assert_eq!(
        (
            v["obs"].as_str(),
            v["priority"].as_str(),
            v["version"].as_i64()
        ),
        (Some("No parking"), Some("2"), Some(2))
    );
    assert_eq!(v["time_windows"], visit(17)["time_windows"]);
    let bad = server.call(
        "PUT",
        "/api/v2/visits/17",
        Some(&key),
        Some(&json!({"lat": "north"})),
    );
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json["meta"]["errors"][0]["field"], "lat");
    assert_eq!(
        server
            .call(
                "PUT",
                "/api/v2/visits/5000",
                Some(&key),
                Some(&json!({"obs": "x"}))
            )
            .status,
        404
    );

    // Upsert: updates by id, inserts new, reports the bad record by index, id and field.
    let mut changed = visit(1);
    changed["docNo"] = json!("H-CHANGED");
    let mut broken = visit(2000);
    broken["priority"] = json!(11);
    // Neither coordinates nor a city: the visit cannot be found.
    broken.as_object_mut().unwrap().remove("lat");
    broken.as_object_mut().unwrap().remove("city");
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&key),
        Some(&json!([changed, broken, visit(1001)])),
    );
    assert_eq!(r.status, 200);
    let meta = &r.json["meta"];
    assert_eq!(
        (
            meta["recordsInserted"].as_u64(),
            meta["recordsUpdated"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let errors = meta["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["priority", "city"]);
    assert!(errors
        .iter()
        .all(|e| e["error"] == 422 && e["index"] == 1 && e["id"] == "2000"));
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("visits[1] (id 2000): priority"));
    assert_eq!(
        server.get("/api/v2/visits/1", &key).json["data"]["docNo"],
        "H-CHANGED"
    );
    assert_eq!(server.get("/api/v2/visits/2000", &key).status, 404);
    assert_eq!(total(&server, &key, ""), 1001);

    // DELETE.
    let r = server.call("DELETE", "/api/v2/visits/1001", Some(&key), None);
    assert_eq!(
        (r.status, &r.json["meta"]["deletedRecords"]),
        (200, &json!(1))
    );
    assert_eq!(server.get("/api/v2/visits/1001", &key).status, 404);
    assert_eq!(
        server
            .call("DELETE", "/api/v2/visits/1001", Some(&key), None)
            .status,
        404
    );
}

#[test]
fn errors_come_in_the_envelope_with_their_status() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let bearer = format!("Bearer {key}");
    let check = |r: ordo_e2e::server::Reply, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.json);
        assert_eq!(r.json["meta"]["status"], status);
        assert_eq!(r.json["meta"]["code"], code);
        assert_eq!(r.json["data"], Value::Null);
    };
    check(
        server.call("GET", "/api/v2/visits", None, None),
        401,
        "unauthorized",
    );
    check(
        server.get("/api/v2/visits", "ordo_not-a-key"),
        401,
        "unauthorized",
    );
    assert_eq!(
        server
            .call("GET", &format!("/api/v2/visits?api_key={key}"), None, None)
            .status,
        200
    );
    check(
        server.raw(
            "POST",
            "/api/v2/visits",
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/json"),
            ],
            "[{\"id\": ",
        ),
        400,
        "bad_request",
    );
    check(
        server.raw(
            "POST",
            "/api/v2/visits",
            &[
                ("Authorization", &bearer),
                ("Content-Type", "application/json"),
            ],
            "42",
        ),
        422,
        "validation_failed",
    );
    check(
        server.raw(
            "PATCH",
            "/api/v2/visits/1",
            &[("Authorization", &bearer)],
            "",
        ),
        405,
        "method_not_allowed",
    );
    check(
        server.raw(
            "DELETE",
            "/api/v2/visits",
            &[("Authorization", &bearer)],
            "",
        ),
        405,
        "method_not_allowed",
    );
    check(
        server.raw(
            "GET",
            "/api/v2/visits",
            &[("Authorization", &bearer), ("Accept", "text/html")],
            "",
        ),
        406,
        "not_acceptable",
    );
    check(server.get("/api/v2/nothing", &key), 404, "not_found");
    check(server.get("/api/v2/visits/nope", &key), 404, "not_found");
    check(
        server.get("/api/v2/visits?pagination=ten", &key),
        400,
        "bad_request",
    );
    check(
        server.get("/api/v2/visits?closed=maybe", &key),
        400,
        "bad_request",
    );
    check(
        server.get("/api/v2/visits?date=2026-02-30", &key),
        400,
        "bad_request",
    );
    check(
        server.raw(
            "POST",
            "/api/v2/visits",
            &[("Authorization", &bearer), ("Content-Type", "text/xml")],
            "<v/>",
        ),
        415,
        "unsupported_media_type",
    );
    check(
        server.call(
            "POST",
            "/api/v2/plans",
            Some(&key),
            Some(&json!({"date": "tomorrow"})),
        ),
        422,
        "validation_failed",
    );
    check(
        server.get("/api/v2/plans/plan_missing", &key),
        404,
        "not_found",
    );
    let doc = server.call("GET", "/api/v2/openapi.json", None, None);
    assert_eq!(doc.status, 200);
    assert!(doc.json["paths"]["/api/v2/visits"]["get"].is_object());
    assert!(
        doc.json["components"]["schemas"]["Visit"]["properties"]["required_skills"].is_object()
    );
}

#[test]
fn drivers_and_performer_locations_in_every_format() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let (_, _, drivers) = generated_day(10, 4, 3);
    let mut batch = drivers.clone();
    batch.push(json!({"id": "bad", "start": "nowhere", "shift": {"earliest": 10, "latest": 5}}));
    let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(batch)));
    assert_eq!(r.json["meta"]["recordsInserted"], 4, "{}", r.json);
    let fields: Vec<&str> = r.json["meta"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["start", "shift"]);

    let id = drivers[0]["id"].as_str().unwrap();
    let d = server.get(&format!("/api/v2/drivers/{id}"), &key).json["data"].clone();
    for field in [
        "skills",
        "territories",
        "vehicleId",
        "shift",
        "start",
        "end",
        "break",
        "maxWorkingTime",
        "capacity",
    ] {
        assert_eq!(d[field], drivers[0][field], "{field}");
    }
    let listed = server.get("/api/v2/drivers", &key);
    assert_eq!(listed.json["meta"]["totalRecords"], 4);
    let skill = drivers[0]["skills"][0].as_str().unwrap();
    let with_skill = drivers
        .iter()
        .filter(|d| d["skills"].as_array().unwrap().iter().any(|s| s == skill))
        .count();
    assert_eq!(
        server
            .get(
                &format!("/api/v2/drivers?skill={}", skill.replace(' ', "%20")),
                &key
            )
            .json["meta"]["totalRecords"],
        with_skill
    );
    let vehicle = drivers[1]["vehicleId"].as_str().unwrap();
    assert_eq!(
        server
            .get(&format!("/api/v2/drivers?vehicleId={vehicle}"), &key)
            .json["meta"]["totalRecords"],
        1
    );

    let path = format!("/api/v2/drivers/{id}/location");
    assert_eq!(server.get(&path, &key).json["data"], Value::Null);
    for (n, location) in [
        json!("48.856181,2.3519511"),
        json!("(48.856181,2.3519511)"),
        json!({"x": 48.856181, "y": 2.3519511}),
        json!({"lat": 48.856181, "lon": 2.3519511}),
        json!({"lat": "48.856181", "lng": "2.3519511"}),
    ]
    .into_iter()
    .enumerate()
    {
        let at = 1_602_023_711_000_i64 + n as i64;
        let r = server.call(
            "PUT",
            &path,
            Some(&key),
            Some(&json!({"location": location, "submitted_at": at})),
        );
        assert_eq!(r.status, 204, "{location}: {}", r.json);
        let latest = server.get(&path, &key).json["data"].clone();
        assert_eq!(
            (latest["location"].as_str(), latest["submitted_at"].as_i64()),
            (Some("48.856181,2.3519511"), Some(at))
        );
    }
    // A batch, out of order: the latest submission wins; older ones do not overwrite it.
    let batch = json!({"data": [{"location": "2,1", "submitted_at": 1_700_000_000_002_i64},
                                {"location": "3,1", "submitted_at": 1_700_000_000_003_i64},
                                {"location": "1,1", "submitted_at": 1_700_000_000_001_i64}]});
    let r = server.call("PUT", &path, Some(&key), Some(&batch));
    assert_eq!(r.status, 200, "older reports are reported: {}", r.json);
    assert_eq!(r.json["meta"]["latest"], false);
    assert_eq!(server.get(&path, &key).json["data"]["location"], "3,1");
    let wrapped = json!({"data": {"location": "4,1", "submitted_at": 1_600_000_000_000_i64}});
    assert_eq!(
        server.call("PUT", &path, Some(&key), Some(&wrapped)).status,
        200
    );
    assert_eq!(server.get(&path, &key).json["data"]["location"], "3,1");
    let r = server.raw(
        "PUT",
        &format!("{path}?location=5,1"),
        &[("Authorization", &format!("Bearer {key}"))],
        "",
    );
    assert_eq!(r.status, 204);
    assert_eq!(server.get(&path, &key).json["data"]["location"], "5,1");
    let bad = server.call(
        "PUT",
        &path,
        Some(&key),
        Some(&json!({"data": [{"location": "1,1"}, {"location": "north"}]})),
    );
    assert_eq!(bad.status, 422);
    assert!(bad.json["meta"]["error"]
        .as_str()
        .unwrap()
        .starts_with("data[1]: location"));
    assert_eq!(
        server
            .call(
                "PUT",
                "/api/v2/drivers/ghost/location",
                Some(&key),
                Some(&json!({"location": "1,1"}))
            )
            .status,
        404
    );

    let r = server.call(
        "PUT",
        &format!("/api/v2/drivers/{id}"),
        Some(&key),
        Some(&json!({"skills": ["Electrician"]})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        server.get(&format!("/api/v2/drivers/{id}"), &key).json["data"]["skills"],
        json!(["Electrician"])
    );
    assert_eq!(
        server
            .call("DELETE", &format!("/api/v2/drivers/{id}"), Some(&key), None)
            .status,
        200
    );
    assert_eq!(server.get(&path, &key).status, 404);
}
