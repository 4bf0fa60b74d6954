//! Rush-hour travel through the plan format: a leg inside a band of
//! factor 0.6 takes 1/0.6 as long, a leg crossing a band's edge follows
//! the first-in-first-out travel-time function, and bad bands are refused
//! naming the field. Every plan goes through the independent checker.

mod support;

use ordo_solver::plan::{plan, translate, IssueCode, PlanError, PlanRequest, PlanResult};
use ordo_solver::{checker, Stop};
use serde_json::{json, Value};

/// One driver leaving at `earliest`, `leg` seconds (table) from one visit
/// with no window, on a supplied table; `bands` as `speedProfile`.
fn one_leg(earliest: f64, leg: f64, bands: Value) -> Value {
    json!({
        "date": "2026-11-23",
        "drivers": [{"id": "d1", "start": {"lat": 57.0, "lng": -2.0}, "end": {"lat": 57.0, "lng": -2.0},
                     "shift": {"earliest": earliest, "latest": 86000}}],
        "visits": [{"_id": "v", "lat": 57.1, "lng": -2.1, "duration": 600}],
        "options": {"iterations": 20, "threads": 1,
                    "travel": {"model": "matrix", "durations": [[0, 0, leg], [0, 0, leg], [leg, leg, 0]],
                               "speedProfile": bands}}
    })
}

fn run(request: &Value) -> Result<PlanResult, PlanError> {
    let request = PlanRequest::from_json(&request.to_string())?;
    let result = plan(
        &request,
        &Stop::after(std::time::Duration::from_secs(20)),
        &mut |_| {},
    )?;
    let translation = translate(&request)?;
    let report = checker::check(
        &translation.problem,
        &support::to_solution(&translation, &result),
    );
    assert!(report.is_feasible(), "{:?}", report.violations);
    let travel: f64 = result.routes.iter().map(|r| r.travel_time).sum();
    assert!(
        (travel - report.travel_time).abs() < 1e-6,
        "result {travel} vs checker {}",
        report.travel_time
    );
    Ok(result)
}

fn morning() -> Value {
    json!([{"from": 25200, "to": 34200, "factor": 0.6}, {"from": 57600, "to": 64800, "factor": 0.5}])
}

#[test]
fn a_morning_leg_under_a_0_6_factor_takes_1_over_0_6_as_long() {
    let result = run(&one_leg(28_800.0, 600.0, morning())).expect("valid");
    let stop = &result.routes[0].stops[0];
    assert!(
        (stop.arrival - (28_800.0 + 1000.0)).abs() < 1e-6,
        "{}",
        stop.arrival
    );
    // Back from 30,400, still in the band: another 1,000 s.
    assert!(
        (result.routes[0].end - 31_400.0).abs() < 1e-6,
        "{}",
        result.routes[0].end
    );
    let midday = run(&one_leg(40_000.0, 600.0, morning())).expect("valid");
    assert!((midday.routes[0].stops[0].arrival - 40_600.0).abs() < 1e-6);
}

#[test]
fn a_leg_crossing_a_band_edge_follows_the_fifo_function() {
    // Leaving at 33,600: 600 s at 0.6 cover 360 s of the 1,200 s leg, the
    // other 840 s run at full speed after 34,200.
    let result = run(&one_leg(33_600.0, 1200.0, morning())).expect("valid");
    let arrival = result.routes[0].stops[0].arrival;
    assert!((arrival - 35_040.0).abs() < 1e-6, "{arrival}");
    // Leaving a little later never arrives earlier.
    let later = run(&one_leg(33_700.0, 1200.0, morning())).expect("valid");
    assert!(later.routes[0].stops[0].arrival >= arrival);
}

#[test]
fn bad_bands_name_their_field() {
    let cases = [
        (
            json!([{"from": 100, "to": 50, "factor": 1}]),
            "speedProfile[0]",
        ),
        (
            json!([{"from": 0, "to": 50, "factor": 0}]),
            "speedProfile[0]",
        ),
        (
            json!([{"from": 0, "to": 50, "factor": 1}, {"from": 40, "to": 90, "factor": 1}]),
            "speedProfile[1]",
        ),
        (
            json!([{"from": 100, "to": 150, "factor": 1}, {"from": 0, "to": 50, "factor": 1}]),
            "speedProfile[1]",
        ),
        (
            json!([{"from": 0, "to": 50, "factor": "fast"}]),
            "speedProfile[0].factor",
        ),
    ];
    for (bands, field) in cases {
        match run(&one_leg(28_800.0, 600.0, bands.clone())) {
            Err(PlanError::Invalid(found)) => assert!(
                found.iter().any(|i| i.record == "options.travel"
                    && i.issue.field == field
                    && matches!(i.issue.code, IssueCode::OutOfRange | IssueCode::InvalidType)),
                "{bands}: {found:?}"
            ),
            other => panic!("{bands}: expected an error, got {other:?}"),
        }
    }
}

#[test]
fn a_profile_alone_in_travel_keeps_the_default_model() {
    let mut request = one_leg(28_800.0, 600.0, morning());
    request["options"]["travel"] = json!({"speedProfile": morning()});
    let request = PlanRequest::from_json(&request.to_string()).expect("reads");
    let translation = translate(&request).expect("geodesic by default, with the profile");
    let profile = translation.problem.speed_profile().expect("profile kept");
    assert_eq!(profile.bands().len(), 2);
}
