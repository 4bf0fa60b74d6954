//! One small instance per unassigned reason code, asserting the code.

mod support;

use ordo_solver::plan::{plan, translate, PlanRequest, PlanResult, ReasonCode};
use ordo_solver::{checker, Stop};
use serde_json::{json, Value};

/// One Plumber driver in territory T1, 08:00-17:00 with a lunch break.
fn request(visits: Vec<Value>) -> PlanRequest {
    serde_json::from_value(json!({
        "date": "2026-11-23",
        "visits": visits,
        "drivers": [{
            "id": "d1", "name": "Liam", "skills": ["Plumber"], "vehicleId": "van-1",
            "capacity": 100, "territories": ["T1"],
            "start": {"lat": 57.15, "lng": -2.10}, "end": {"lat": 57.15, "lng": -2.10},
            "shift": {"earliest": 28800, "latest": 61200},
            "break": {"earliest": 43200, "latest": 46800, "duration": 1800}
        }],
        "options": {"timeLimitSeconds": 1, "iterations": 200}
    }))
    .expect("test request is valid JSON")
}

fn visit(id: &str, extra: Value) -> Value {
    let mut v = json!({
        "_id": id, "lat": 57.16, "lng": -2.12, "duration": 1800,
        "time_windows": [{"earliest": 30600, "latest": 43200}],
        "required_skills": ["Plumber"], "territory": "T1", "priority": 3
    });
    if let (Some(v), Value::Object(extra)) = (v.as_object_mut(), extra) {
        v.extend(extra);
    }
    v
}

/// Plans, checks the result with the checker, and returns it.
fn planned(request: &PlanRequest) -> PlanResult {
    let result = plan(
        request,
        &Stop::after(std::time::Duration::from_secs(1)),
        &mut |_| {},
    )
    .expect("request is valid");
    let translation = translate(request).expect("request is valid");
    let solution = support::to_solution(&translation, &result);
    let report = checker::check(&translation.problem, &solution);
    assert!(report.is_feasible(), "{:?}", report.violations);
    result
}

fn reason_of(result: &PlanResult, id: &str) -> ReasonCode {
    result
        .unassigned
        .iter()
        .find(|u| u.visit_id == id)
        .unwrap_or_else(|| panic!("{id} is not unassigned: {result:?}"))
        .reason
}

fn assert_reason(extra: Value, expected: ReasonCode) {
    let result = planned(&request(vec![visit("ok", json!({})), visit("x", extra)]));
    assert_eq!(reason_of(&result, "x"), expected);
    assert_eq!(result.summary.served, 1, "the plain visit is still served");
}

#[test]
fn missing_location() {
    assert_reason(
        json!({"lat": null, "lng": "n/a"}),
        ReasonCode::MissingLocation,
    );
}

#[test]
fn no_driver_with_skills() {
    assert_reason(
        json!({"required_skills": ["Plumber", "Electrician"]}),
        ReasonCode::NoDriverWithSkills,
    );
}

#[test]
fn not_allowed_vehicle() {
    assert_reason(
        json!({"allowed_vehicles": ["van-9"]}),
        ReasonCode::NotAllowedVehicle,
    );
}

#[test]
fn allowed_vehicles_match_vehicle_or_driver_id() {
    let result = planned(&request(vec![
        visit("a", json!({"allowed_vehicles": ["van-1"]})),
        visit("b", json!({"allowed_vehicles": ["d1"], "time_windows": []})),
    ]));
    assert_eq!(result.summary.served, 2, "{result:?}");
}

#[test]
fn outside_territory() {
    assert_reason(json!({"territory": "T2"}), ReasonCode::OutsideTerritory);
}

#[test]
fn over_capacity() {
    assert_reason(json!({"demand": 101}), ReasonCode::OverCapacity);
}

#[test]
fn longer_than_shift() {
    assert_reason(
        json!({"duration": 40000, "time_windows": []}),
        ReasonCode::LongerThanShift,
    );
}

#[test]
fn time_window_unreachable() {
    // Closes before the shift starts.
    assert_reason(
        json!({"time_windows": [{"earliest": 21600, "latest": 25200}]}),
        ReasonCode::TimeWindowUnreachable,
    );
    // Reachable, but the driver could not be back by the end of the shift.
    assert_reason(
        json!({"lat": 56.0, "lng": -4.0, "time_windows": []}),
        ReasonCode::TimeWindowUnreachable,
    );
}

#[test]
fn no_room_leaves_out_the_lower_priority() {
    let long = |id: &str, priority: &str| {
        visit(
            id,
            json!({"duration": 14400, "priority": priority, "time_windows": []}),
        )
    };
    // Each fits the day alone; two fit together (with the break), not three.
    let result = planned(&request(vec![
        long("low", "7"),
        long("high", "2"),
        long("mid", "3"),
    ]));
    assert_eq!(reason_of(&result, "low"), ReasonCode::NoRoom);
    assert_eq!(result.summary.served, 2);
    let brk = result.routes[0].lunch_break.as_ref().expect("break placed");
    assert!((43200.0..=46800.0).contains(&brk.start));
    assert_eq!(result.summary.unassigned_by_priority.get("7"), Some(&1));
}
