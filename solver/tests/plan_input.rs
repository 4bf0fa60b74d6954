//! Plan request input handling: lenient numbers and booleans, closed and
//! in-progress visits, and bad input rejected with the record and field.

mod support;

use ordo_solver::plan::{
    plan, translate, IssueCode, PlanError, PlanRequest, PlanResult, ReasonCode,
};
use ordo_solver::{checker, Stop};
use serde_json::{json, Value};

fn base(visits: Value) -> Value {
    json!({
        "date": "2026-11-23",
        "visits": visits,
        "drivers": [
            {"id": "d1", "skills": ["Plumber"], "start": {"lat": 57.15, "lng": -2.10},
             "end": {"lat": 57.15, "lng": -2.10}, "shift": {"earliest": 28800, "latest": 61200}},
            {"id": "d2", "skills": ["Plumber"], "start": {"lat": "57.2", "lng": "-2.2"},
             "shift": {"earliest": "28800", "latest": "61200"}, "maxWorkingTime": "30000"}
        ],
        "options": {"iterations": "200"}
    })
}

fn run(request: &Value) -> Result<PlanResult, PlanError> {
    let request: PlanRequest = PlanRequest::from_json(&request.to_string())?;
    let result = plan(
        &request,
        &Stop::after(std::time::Duration::from_secs(1)),
        &mut |_| {},
    )?;
    let translation = translate(&request)?;
    let report = checker::check(
        &translation.problem,
        &support::to_solution(&translation, &result),
    );
    assert!(report.is_feasible(), "{:?}", report.violations);
    Ok(result)
}

fn error_text(request: &Value) -> String {
    match run(request) {
        Ok(result) => panic!("expected an error, got {result:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn strings_for_numbers_and_booleans() {
    let result = run(&base(json!([
        {"_id": "a", "id": 1, "lat": "57.16", "lng": "-2.12", "duration": "1800", "priority": "3",
         "time_windows": [{"earliest": "30600", "latest": "43200"}], "closed": "0"},
        {"_id": "b", "id": "2", "lat": 57.17, "lng": -2.13, "priority": "not checked", "closed": "1"},
        {"id": 3, "lat": 57.17, "lng": -2.14, "skipped": 1},
        {"id": 4, "lat": 57.18, "lng": -2.15, "precedencePriorityVisit": "1"}
    ])))
    .expect("lenient request is accepted");
    assert_eq!(result.summary.excluded, 2, "closed \"1\" and skipped 1");
    assert_eq!(result.summary.visits, 2);
    assert_eq!(result.summary.served, 2);
    let ids: Vec<&str> = result
        .routes
        .iter()
        .flat_map(|r| r.stops.iter().map(|s| s.visit_id.as_str()))
        .collect();
    assert!(ids.contains(&"a") && ids.contains(&"4"), "{ids:?}");
    assert_eq!(result.summary.served_by_priority.get("3"), Some(&1));
}

#[test]
fn in_progress_stays_first_with_its_driver() {
    let result = run(&base(json!([
        {"_id": "near", "lat": 57.151, "lng": -2.101, "priority": 1},
        {"_id": "busy", "driverId": "d2", "inProgress": "1", "lat": 57.3, "lng": -2.4, "priority": 9}
    ])))
    .expect("valid");
    let route = result
        .routes
        .iter()
        .find(|r| r.driver_id == "d2")
        .expect("d2 has a route");
    assert_eq!(route.stops[0].visit_id, "busy");
    assert_eq!(route.stops[0].service_order, 1);
}

#[test]
fn bad_values_name_record_and_field() {
    let cases = [
        (
            json!({"_id": "abc", "lat": 57.1, "lng": -2.1, "priority": "high"}),
            "visits[0] (_id abc): priority",
        ),
        (
            json!({"_id": "abc", "lat": 57.1, "lng": -2.1, "priority": 11}),
            "priority: must be 1..10",
        ),
        (
            json!({"_id": "abc", "lat": 57.1, "lng": -2.1, "duration": -5}),
            "visits[0] (_id abc): duration",
        ),
        (
            json!({"id": 7, "lat": 57.1, "lng": -2.1,
                "time_windows": [{"earliest": 100, "latest": 50}]}),
            "visits[0] (id 7): time_windows[0]",
        ),
        (
            json!({"_id": "abc", "lat": 57.1, "lng": -2.1, "closed": "maybe"}),
            "visits[0] (_id abc): closed",
        ),
        (
            json!({"_id": "abc", "lat": 57.1, "lng": -2.1, "inProgress": true, "driverId": "ghost"}),
            "visits[0] (_id abc): driverId",
        ),
        (json!({"lat": 57.1, "lng": -2.1}), "visits[0]: _id"),
    ];
    for (visit, expected) in cases {
        let text = error_text(&base(json!([visit])));
        assert!(
            text.contains(expected),
            "{text:?} should contain {expected:?}"
        );
    }
}

#[test]
fn bad_drivers_options_and_shapes_are_errors_not_panics() {
    let mut request = base(json!([]));
    request["drivers"][1]["shift"]["latest"] = json!(1000);
    assert!(error_text(&request).contains("drivers[1] (id d2): shift"));

    let mut request = base(json!([]));
    request["drivers"][0]["start"]["lat"] = json!(123);
    assert!(error_text(&request).contains("drivers[0] (id d1): start"));

    let mut request = base(json!([]));
    request["date"] = json!("2026-02-30");
    assert!(error_text(&request).contains("date"));

    let mut request = base(json!([{"_id": "a"}]));
    request["options"] = json!({"travel": {"model": "matrix", "durations": [[0, 1], [1, 0]]}});
    assert!(error_text(&request).contains("options.travel: durations: needs 5 rows"));

    let mut request = base(json!([]));
    request["options"] = json!({"timeLimitSeconds": "-1"});
    assert!(error_text(&request).contains("timeLimitSeconds"));
    request["options"] = json!({"timeLimitSeconds": 1e300});
    assert!(error_text(&request).contains("timeLimitSeconds"));

    let request = json!({"date": "2026-11-23", "visits": "none"});
    assert!(error_text(&request).contains("invalid plan JSON"));
    assert!(PlanRequest::from_json("not json").is_err());
}

#[test]
fn supplied_matrix_is_used() {
    // Locations: d1 start, d2 start, d1 end, d2 end, then the visit.
    let mut request = base(json!([{"_id": "a", "duration": 600}]));
    let row = |v: f64| vec![v; 5];
    let mut durations = vec![row(100.0); 5];
    for (i, r) in durations.iter_mut().enumerate() {
        r[i] = 0.0;
    }
    request["options"]["travel"] = json!({"model": "matrix", "durations": durations});
    let result = run(&request).expect("valid");
    let route = &result.routes[0];
    assert_eq!(
        route.travel_time,
        if route.driver_id == "d1" {
            200.0
        } else {
            100.0
        }
    );
    assert_eq!(
        route.distance, route.travel_time,
        "distances default to durations"
    );
}

#[test]
fn every_bad_field_of_a_request_is_listed_with_its_code() {
    let mut request = base(json!([
        {"_id": "a", "lat": 57.1, "lng": -2.1, "demand": "lots", "priority": 11},
        {"_id": "b", "lat": 57.1, "lng": -2.1, "time_windows": [{"earliest": 9, "latest": 1}]},
        {"_id": "c", "lat": 57.1, "lng": -2.1, "closed": 1, "demand": "stale, ignored"},
        {"_id": "a", "lat": 57.1, "lng": -2.1}
    ]));
    request["drivers"][1]["shift"]["latest"] = json!(1000);
    request["options"]["seed"] = json!(-1);
    let request = PlanRequest::from_json(&request.to_string()).expect("JSON");
    let stop = Stop::after(std::time::Duration::from_secs(1));
    let error = plan(&request, &stop, &mut |_| {}).unwrap_err();
    let found: Vec<(String, String, IssueCode)> = error
        .issues()
        .iter()
        .map(|i| (i.record.clone(), i.issue.field.clone(), i.issue.code))
        .collect();
    let expected = [
        ("options", "seed", IssueCode::OutOfRange),
        ("drivers[1] (id d2)", "shift", IssueCode::WindowOrder),
        ("visits[0] (_id a)", "priority", IssueCode::OutOfRange),
        ("visits[0] (_id a)", "demand", IssueCode::InvalidType),
        (
            "visits[1] (_id b)",
            "time_windows[0]",
            IssueCode::WindowOrder,
        ),
        ("visits[3] (_id a)", "_id", IssueCode::Duplicate),
    ];
    let expected: Vec<(String, String, IssueCode)> = expected
        .iter()
        .map(|(r, f, c)| (r.to_string(), f.to_string(), *c))
        .collect();
    assert_eq!(found, expected);
    let text = error.to_string();
    assert!(text.starts_with("6 invalid fields:"), "{text}");
    assert!(
        text.contains("visits[0] (_id a): demand: expected a number, got \"lots\" [INVALID_TYPE]")
    );
}

#[test]
fn unusable_visits_are_unassigned_when_the_request_says_so() {
    let mut request = base(json!([
        {"_id": "ok", "lat": 57.16, "lng": -2.12},
        {"_id": "lots", "lat": 57.16, "lng": -2.12, "demand": "lots", "priority": 2},
        {"_id": "ghost", "lat": 57.17, "lng": -2.13, "inProgress": true, "driverId": "nobody"},
        {"_id": "shape", "lat": 57.17, "lng": -2.13, "time_windows": "mornings"}
    ]));
    request["options"]["invalidVisits"] = json!("unassign");
    let result = run(&request).expect("planned despite the bad records");
    assert_eq!(result.summary.served, 1);
    assert_eq!(result.summary.visits, 4);
    let reason = |id: &str| {
        let u = result.unassigned.iter().find(|u| u.visit_id == id);
        u.map(|u| (u.reason, u.detail.clone())).expect(id)
    };
    let (code, detail) = reason("lots");
    assert_eq!(code, ReasonCode::InvalidRecord);
    assert!(detail.starts_with("demand: expected a number"), "{detail}");
    assert_eq!(result.summary.unassigned_by_priority.get("2"), Some(&1));
    assert_eq!(reason("ghost").0, ReasonCode::DriverNotInPlan);
    let (code, detail) = reason("shape");
    assert_eq!(code, ReasonCode::InvalidRecord);
    assert!(
        detail.starts_with("time_windows: expected an array"),
        "{detail}"
    );
}
