//! Soft windows, overtime and route caps through the plan format: a visit
//! that fits only late is served late with a lateness allowance and left
//! out without; overtime is taken only when it serves a visit or saves
//! more than it costs; `maxVisits` and `maxDistance` hold and name
//! themselves as reasons; bad values are refused naming the field. Every
//! plan goes through the independent checker.

mod support;

use ordo_solver::plan::{
    plan, translate, IssueCode, PlanError, PlanRequest, PlanResult, ReasonCode,
};
use ordo_solver::{checker, Stop};
use serde_json::{json, Value};

/// Travel on a supplied table: drivers' starts, drivers' ends, visits.
fn request(drivers: Value, visits: Value, durations: Value, options: Value) -> Value {
    let mut options = options;
    options["travel"] = json!({"model": "matrix", "durations": durations});
    options["iterations"] = json!(50);
    options["threads"] = json!(1);
    json!({"date": "2026-11-23", "drivers": drivers, "visits": visits, "options": options})
}

fn run(request: &Value) -> Result<PlanResult, PlanError> {
    let request = PlanRequest::from_json(&request.to_string())?;
    let stop = Stop::after(std::time::Duration::from_secs(20));
    let result = plan(&request, &stop, &mut |_| {})?;
    let translation = translate(&request)?;
    let report = checker::check(
        &translation.problem,
        &support::to_solution(&translation, &result),
    );
    assert!(report.is_feasible(), "{:?}", report.violations);
    let late: f64 = result
        .routes
        .iter()
        .flat_map(|r| &r.stops)
        .filter_map(|s| s.late_seconds)
        .sum();
    assert!(
        (late - report.late_seconds).abs() < 1e-6,
        "stops {late} vs checker {}",
        report.late_seconds
    );
    Ok(result)
}

fn driver(id: &str, earliest: f64, latest: f64) -> Value {
    json!({"id": id, "start": {"lat": 57.0, "lng": -2.0}, "end": {"lat": 57.0, "lng": -2.0},
           "shift": {"earliest": earliest, "latest": latest}})
}

/// One driver leaving at 08:00, an hour from the visit, whose window
/// closes ten minutes before the earliest arrival.
fn ten_minutes_late(options: Value) -> Value {
    let durations = json!([[0, 0, 3600], [0, 0, 3600], [3600, 3600, 0]]);
    let visits = json!([{"_id": "boiler", "lat": 57.1, "lng": -2.1, "duration": 600,
        "time_windows": [{"earliest": 28800, "latest": 31800}]}]);
    request(
        json!([driver("d1", 28800.0, 61200.0)]),
        visits,
        durations,
        options,
    )
}

#[test]
fn a_visit_that_fits_only_late_is_served_late_with_soft_windows() {
    let soft = run(&ten_minutes_late(
        json!({"lateness": {"maxSeconds": 1800, "costPerSecond": 1}}),
    ))
    .expect("valid");
    assert_eq!(soft.summary.served, 1);
    let stop = &soft.routes[0].stops[0];
    assert_eq!(stop.service_start, 32_400.0);
    assert_eq!(stop.late_seconds, Some(600.0));
    assert_eq!(soft.summary.late_seconds, Some(600.0));

    let hard = run(&ten_minutes_late(json!({}))).expect("valid");
    assert_eq!(hard.summary.served, 0);
    assert_eq!(hard.unassigned[0].reason, ReasonCode::TimeWindowUnreachable);
    assert_eq!(
        hard.summary.late_seconds, None,
        "no soft limit: no lateness fields"
    );

    let too_strict = run(&ten_minutes_late(
        json!({"lateness": {"maxSeconds": 300, "costPerSecond": 1}}),
    ))
    .expect("valid");
    assert_eq!(
        too_strict.summary.served, 0,
        "five minutes allowed are not ten"
    );
}

/// Driver `near` (an hour from the visit, shift ending ten minutes too
/// early for the round trip) may work overtime at `cost` per second;
/// driver `far` (almost two hours away) has all day.
fn overtime_day(cost: f64, with_far: bool) -> Value {
    let mut near = driver("near", 28800.0, 36000.0);
    near["shift"]["overtime"] = json!({"maxSeconds": 900, "costPerSecond": cost});
    let mut drivers = vec![near];
    if with_far {
        drivers.push(driver("far", 0.0, 86000.0));
    }
    // Locations: starts, ends, then the visit.
    let durations = if with_far {
        json!([
            [0, 10000, 0, 10000, 3600],
            [10000, 0, 10000, 0, 7000],
            [0, 10000, 0, 10000, 3600],
            [10000, 0, 10000, 0, 7000],
            [3600, 7000, 3600, 7000, 0]
        ])
    } else {
        json!([[0, 0, 3600], [0, 0, 3600], [3600, 3600, 0]])
    };
    let visits = json!([{"_id": "v", "lat": 57.1, "lng": -2.1, "duration": 600}]);
    request(json!(drivers), visits, durations, json!({}))
}

#[test]
fn overtime_serves_a_visit_that_fits_no_shift_otherwise() {
    let result = run(&overtime_day(2.0, false)).expect("valid");
    assert_eq!(result.summary.served, 1);
    assert_eq!(result.routes[0].overtime_seconds, Some(600.0));
    assert_eq!(result.summary.overtime_seconds, Some(600.0));
    let mut hard = overtime_day(2.0, false);
    hard["drivers"][0]["shift"]
        .as_object_mut()
        .unwrap()
        .remove("overtime");
    let hard = run(&hard).expect("valid");
    assert_eq!(hard.summary.served, 0);
    assert_eq!(hard.unassigned[0].reason, ReasonCode::TimeWindowUnreachable);
}

#[test]
fn overtime_is_taken_only_when_it_saves_more_than_it_costs() {
    // Cheap overtime (600 s at 0.001) beats the far driver's extra travel.
    let cheap = run(&overtime_day(0.001, true)).expect("valid");
    assert_eq!(cheap.routes.len(), 1);
    assert_eq!(cheap.routes[0].driver_id, "near");
    assert_eq!(cheap.routes[0].overtime_seconds, Some(600.0));
    // Dear overtime (600 s at 1000) costs more than driving from afar.
    let dear = run(&overtime_day(1000.0, true)).expect("valid");
    assert_eq!(dear.routes.len(), 1);
    assert_eq!(dear.routes[0].driver_id, "far");
    assert_eq!(dear.summary.overtime_seconds, Some(0.0));
}

/// Three visits ten minutes from one driver and each other.
fn three_visits(limits: Value) -> Value {
    let mut d = driver("d1", 28800.0, 61200.0);
    for (k, v) in limits.as_object().unwrap() {
        d[k] = v.clone();
    }
    let n = 5;
    let durations: Vec<Vec<f64>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| if a == b || a + b == 1 { 0.0 } else { 600.0 })
                .collect()
        })
        .collect();
    let visits: Vec<Value> = (0..3)
        .map(|i| json!({"_id": format!("v{i}"), "lat": 57.1, "lng": -2.1, "duration": 300}))
        .collect();
    request(json!([d]), json!(visits), json!(durations), json!({}))
}

#[test]
fn max_visits_and_max_distance_hold_and_name_themselves() {
    let capped = run(&three_visits(json!({"maxVisits": 2}))).expect("valid");
    assert_eq!(capped.summary.served, 2);
    assert_eq!(capped.unassigned.len(), 1);
    assert_eq!(capped.unassigned[0].reason, ReasonCode::MaxVisits);

    // Distances equal durations on this table: a round trip is 1,200 m.
    let short = run(&three_visits(json!({"maxDistance": 1000}))).expect("valid");
    assert_eq!(short.summary.served, 0);
    assert!(short
        .unassigned
        .iter()
        .all(|u| u.reason == ReasonCode::MaxDistance));

    let two_legs = run(&three_visits(json!({"maxDistance": 1800}))).expect("valid");
    assert_eq!(two_legs.summary.served, 2, "out, across, back: 1,800 m");
    assert!(two_legs.routes[0].distance <= 1800.0);
}

fn issues(request: &Value) -> Vec<(String, String, IssueCode)> {
    match run(request) {
        Err(PlanError::Invalid(found)) => found
            .into_iter()
            .map(|i| (i.record, i.issue.field, i.issue.code))
            .collect(),
        other => panic!("expected invalid fields, got {other:?}"),
    }
}

#[test]
fn bad_soft_limits_and_caps_name_their_field() {
    let mut r = ten_minutes_late(json!({"lateness": {"maxSeconds": 600, "costPerSecond": -1}}));
    r["visits"][0]["lateness"] = json!({"maxSeconds": -5, "costPerSecond": 1});
    r["drivers"][0]["shift"]["overtime"] = json!({"maxSeconds": 60});
    r["drivers"][0]["maxVisits"] = json!(-1);
    r["drivers"][0]["maxDistance"] = json!("far");
    let found = issues(&r);
    let has = |field: &str, code: IssueCode| found.iter().any(|(_, f, c)| f == field && *c == code);
    assert!(
        has("lateness.costPerSecond", IssueCode::OutOfRange),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, f, _)| r == "options" && f == "lateness.costPerSecond"),
        "{found:?}"
    );
    assert!(
        has("lateness.maxSeconds", IssueCode::OutOfRange),
        "{found:?}"
    );
    assert!(
        has("shift.overtime.costPerSecond", IssueCode::Required),
        "{found:?}"
    );
    assert!(has("maxVisits", IssueCode::OutOfRange), "{found:?}");
    assert!(has("maxDistance", IssueCode::InvalidType), "{found:?}");
}
