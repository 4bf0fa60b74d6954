//! Dispatcher re-routing end to end: a generated day is published, the
//! clock moves to 11:00, something happens (a late driver, an ill driver,
//! an urgent visit, a lock that can no longer hold), and the re-plan must
//! pass the independent checker, keep what has happened, and change
//! little compared with planning the rest of the day from scratch.

use std::collections::HashMap;

use ordo_solver::checker::CheckReport;
use ordo_solver::plan::generate::GenerateParams;
use ordo_solver::plan::generate_reroute::{generate_reroute, RerouteParams};
use ordo_solver::plan::{
    plan_and_check, BoolLike, ChangeKind, PlanRequest, PlanResult, ReasonCode,
};
use ordo_solver::Stop;
use serde_json::json;

const NOW: f64 = 39600.0;

/// A published day of 80 visits and 8 drivers, advanced to 11:00 (one
/// driver an hour late, one urgent visit), with a fixed search budget.
fn scenario(seed: u64) -> PlanRequest {
    sized_scenario(seed, 80, 8, NOW)
}

fn sized_scenario(seed: u64, visits: usize, drivers: usize, at: f64) -> PlanRequest {
    let day = GenerateParams {
        visits,
        drivers,
        seed,
    };
    let mut request = generate_reroute(&RerouteParams {
        plan_iterations: 500,
        ..RerouteParams::new(day, at)
    })
    .expect("generated scenario plans");
    fixed_budget(&mut request);
    request
}

fn fixed_budget(request: &mut PlanRequest) {
    request.options.iterations = Some(400.0.into());
    request.options.time_limit_seconds = Some(30.0.into());
    request.options.threads = Some(1.0.into());
}

fn is(flag: &Option<BoolLike>) -> bool {
    flag.as_ref().is_some_and(|b| b.value().unwrap_or(false))
}

fn id(v: &ordo_solver::plan::VisitRequest) -> String {
    v.doc_id.clone().unwrap_or_default()
}

/// Plans and asserts what every re-plan must keep: a checker-valid
/// solution, closed and skipped visits nowhere, visits in progress first
/// with their driver, nothing else starting before `now`.
fn replan(request: &PlanRequest) -> PlanResult {
    let now = request
        .now
        .as_ref()
        .map_or(NOW, |n| n.value().unwrap_or(NOW));
    let (result, report): (PlanResult, CheckReport) = plan_and_check(
        request,
        &Stop::after(std::time::Duration::from_secs(60)),
        &mut |_| {},
    )
    .expect("re-route plans");
    assert!(report.is_feasible(), "{:?}", report.violations);
    let mut first_of: HashMap<&str, &str> = HashMap::new();
    let mut served: HashMap<&str, (&str, f64)> = HashMap::new();
    for route in &result.routes {
        first_of.insert(&route.driver_id, &route.stops[0].visit_id);
        for stop in &route.stops {
            served.insert(&stop.visit_id, (&route.driver_id, stop.service_start));
        }
    }
    let unassigned: Vec<&str> = result
        .unassigned
        .iter()
        .map(|u| u.visit_id.as_str())
        .collect();
    for v in &request.visits {
        let vid = id(v);
        if is(&v.closed) || is(&v.skipped) {
            assert!(!served.contains_key(vid.as_str()), "closed {vid} planned");
            assert!(!unassigned.contains(&vid.as_str()), "closed {vid} reported");
        } else if is(&v.in_progress) {
            let driver = v.driver_id.as_deref().unwrap_or_default();
            assert_eq!(
                first_of.get(driver),
                Some(&vid.as_str()),
                "in progress {vid}"
            );
        } else if let Some((_, start)) = served.get(vid.as_str()) {
            assert!(*start >= now - 1e-6, "{vid} starts at {start}, before now");
        }
    }
    result
}

fn changes(result: &PlanResult) -> ordo_solver::plan::ChangeSummary {
    result
        .summary
        .changes
        .clone()
        .expect("a re-route reports changes")
}

/// The same input planned from scratch: no warm start, no disruption cost.
fn from_scratch(request: &PlanRequest) -> PlanResult {
    let mut scratch = request.clone();
    scratch.options.warm_start = Some(BoolLike::Bool(false));
    scratch.options.disruption = Some(
        serde_json::from_value(json!({"driverChange": 0, "sequenceChange": 0, "etaShift": 0}))
            .expect("valid disruption"),
    );
    replan(&scratch)
}

#[test]
fn late_driver_restarts_late_and_hands_over_little() {
    let request = scenario(11);
    let late = request
        .drivers
        .iter()
        .find(|d| d.current.is_some())
        .expect("the scenario has a late driver");
    let result = replan(&request);
    if let Some(route) = result.routes.iter().find(|r| r.driver_id == late.id) {
        let free_from = NOW + 3600.0;
        for stop in route.stops.iter().skip(1) {
            assert!(
                stop.arrival >= free_from - 1e-6,
                "{stop:?} before {free_from}"
            );
        }
    }
    let c = changes(&result);
    assert!(
        c.driver * 10 <= result.summary.visits,
        "{} driver changes of {} visits",
        c.driver,
        result.summary.visits
    );
}

/// 200 visits, 20 drivers, re-planned at 10:00: the re-route moves far
/// fewer visits to another driver, and changes fewer visits overall, than
/// planning the same rest of the day from scratch.
#[test]
fn reroute_changes_far_fewer_visits_than_planning_from_scratch() {
    for seed in [21, 22] {
        let request = sized_scenario(seed, 200, 20, 36000.0);
        let c = changes(&replan(&request));
        let scratch = changes(&from_scratch(&request));
        eprintln!("seed {seed}: re-route {c:?}, from scratch {scratch:?}");
        assert!(
            c.driver * 2 <= scratch.driver && c.changed_visits < scratch.changed_visits,
            "seed {seed}: re-route changed {c:?}, from scratch {scratch:?}"
        );
    }
}

#[test]
fn ill_driver_visits_are_reassigned_or_reported() {
    let mut request = scenario(12);
    // The driver with the most visits still to do goes home: removed
    // from the request, their visit in progress handed back.
    let mut open: HashMap<String, usize> = HashMap::new();
    for v in &request.visits {
        if let (Some(d), false) = (&v.driver_id, is(&v.closed) || is(&v.skipped)) {
            *open.entry(d.clone()).or_default() += 1;
        }
    }
    let ill = open
        .into_iter()
        .max_by_key(|(d, n)| (*n, d.clone()))
        .map(|(d, _)| d)
        .expect("published visits");
    request.drivers.retain(|d| d.id != ill);
    for v in &mut request.visits {
        if v.driver_id.as_deref() == Some(ill.as_str()) {
            v.in_progress = Some(BoolLike::Bool(false));
        }
    }
    let result = replan(&request);
    assert!(result.routes.iter().all(|r| r.driver_id != ill));
    let change_of: HashMap<&str, &Vec<ChangeKind>> = result
        .changes
        .iter()
        .map(|c| (c.visit_id.as_str(), &c.kinds))
        .collect();
    let unassigned: Vec<&str> = result
        .unassigned
        .iter()
        .map(|u| u.visit_id.as_str())
        .collect();
    let mut theirs = 0;
    for v in &request.visits {
        if v.driver_id.as_deref() != Some(ill.as_str()) || is(&v.closed) || is(&v.skipped) {
            continue;
        }
        theirs += 1;
        let vid = id(v);
        let kinds = change_of
            .get(vid.as_str())
            .expect("every visit of the ill driver changes");
        if unassigned.contains(&vid.as_str()) {
            assert!(kinds.contains(&ChangeKind::Unassigned));
        } else {
            assert!(kinds.contains(&ChangeKind::Driver), "{vid}: {kinds:?}");
        }
    }
    assert!(theirs > 0);
    // Only the ill driver's visits needed a new driver (plus a few trades).
    let c = changes(&result);
    assert!(c.driver <= theirs + result.summary.visits / 10, "{c:?}");
}

/// Over a few scenarios (one can need more trades than another, and
/// serving more important visits may take them), the urgent visit is
/// served within three hours and only a tenth of the visits change driver.
#[test]
fn urgent_priority_one_visit_is_served_with_few_changes() {
    let (mut driver_changes, mut visits) = (0, 0);
    for seed in [13, 14, 15] {
        let request = scenario(seed);
        let result = replan(&request);
        let urgent = result
            .routes
            .iter()
            .flat_map(|r| &r.stops)
            .find(|s| s.visit_id == "URGENT-0001")
            .expect("the urgent visit is served");
        assert!(urgent.service_start >= NOW && urgent.service_start <= NOW + 3.0 * 3600.0);
        let c = changes(&result);
        assert!(c.added >= 1);
        driver_changes += c.driver;
        visits += result.summary.visits;
    }
    assert!(
        driver_changes * 10 <= visits,
        "{driver_changes} of {visits}"
    );
}

#[test]
fn driver_locks_keep_published_visits_with_their_driver() {
    let mut request = scenario(14);
    for d in &mut request.drivers {
        d.lock = Some("keepDriver".into());
    }
    let result = replan(&request);
    let moved: Vec<_> = result
        .changes
        .iter()
        .filter(|c| c.kinds.contains(&ChangeKind::Driver))
        .filter(|c| {
            request
                .drivers
                .iter()
                .any(|d| Some(&d.id) == c.old_driver_id.as_ref())
        })
        .collect();
    assert!(moved.is_empty(), "{moved:?}");
}

#[test]
fn frozen_stops_keep_driver_and_place() {
    let mut request = scenario(15);
    let until = NOW + 5400.0;
    request.freeze_until = Some(until.into());
    let result = replan(&request);
    let unassigned: HashMap<&str, ReasonCode> = result
        .unassigned
        .iter()
        .map(|u| (u.visit_id.as_str(), u.reason))
        .collect();
    let mut frozen = 0;
    for route in &result.routes {
        // The driver's frozen stops, in published order, right after the
        // visit in progress (if any).
        let mut expected: Vec<(f64, String)> = request
            .visits
            .iter()
            .filter(|v| v.driver_id.as_deref() == Some(route.driver_id.as_str()))
            .filter(|v| !is(&v.closed) && !is(&v.skipped) && !is(&v.in_progress))
            .filter(|v| {
                v.eta
                    .as_ref()
                    .is_some_and(|e| e.value().unwrap_or(f64::MAX) < until)
            })
            .filter(|v| !unassigned.contains_key(id(v).as_str()))
            .map(|v| {
                (
                    v.service_order
                        .as_ref()
                        .map_or(0.0, |o| o.value().unwrap_or(0.0)),
                    id(v),
                )
            })
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0));
        let in_progress = request.visits.iter().any(|v| {
            is(&v.in_progress) && v.driver_id.as_deref() == Some(route.driver_id.as_str())
        });
        let head: Vec<&str> = route
            .stops
            .iter()
            .skip(usize::from(in_progress))
            .take(expected.len())
            .map(|s| s.visit_id.as_str())
            .collect();
        let expected: Vec<&str> = expected.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(head, expected, "driver {}", route.driver_id);
        frozen += expected.len();
    }
    assert!(frozen > 0, "the horizon froze nothing");
}

/// Two drivers; d1's locked 11:00-11:30 visit is out of reach once d1 is
/// free only at 13:00. It is reported, not moved to d2; the rest is planned.
#[test]
fn locked_visit_that_became_infeasible_is_reported() {
    let driver = |id: &str, current: serde_json::Value| {
        json!({"id": id, "skills": ["Plumber"], "start": {"lat": 57.15, "lng": -2.10},
               "end": {"lat": 57.15, "lng": -2.10}, "shift": {"earliest": 28800, "latest": 61200},
               "current": current})
    };
    let visit = |id: &str, driver: &str, order: u32, eta: f64, extra: serde_json::Value| {
        let mut v = json!({"_id": id, "lat": 57.16, "lng": -2.12, "duration": 1800,
            "required_skills": ["Plumber"], "driverId": driver, "serviceOrder": order, "eta": eta,
            "time_windows": [{"earliest": 28800, "latest": 61200}]});
        if let (Some(v), serde_json::Value::Object(extra)) = (v.as_object_mut(), extra) {
            v.extend(extra);
        }
        v
    };
    let mut request: PlanRequest = serde_json::from_value(json!({
        "date": "2026-11-23", "mode": "reroute", "now": NOW,
        "drivers": [driver("d1", json!({"at": NOW + 7200.0})), driver("d2", json!(null))],
        "visits": [
            visit("a", "d1", 1, 30000.0, json!({"closed": true})),
            visit("b", "d1", 2, 39700.0, json!({"lock": "locked",
                "time_windows": [{"earliest": 39600, "latest": 41400}]})),
            visit("c", "d1", 3, 42000.0, json!({})),
            visit("e", "d2", 1, 40000.0, json!({})),
        ],
    }))
    .expect("valid request");
    fixed_budget(&mut request);
    let result = replan(&request);
    let b = result
        .unassigned
        .iter()
        .find(|u| u.visit_id == "b")
        .expect("the locked visit is reported");
    assert_eq!(b.reason, ReasonCode::LockInfeasible);
    assert!(b.detail.contains("11:00-11:30"), "{}", b.detail);
    assert!(b.detail.contains("expected arrival 13:"), "{}", b.detail);
    assert_eq!(result.summary.served, 2);
    let c = changes(&result);
    assert_eq!(c.unassigned, 1);
}

#[test]
fn reroute_request_errors_name_the_field() {
    let base = |extra: serde_json::Value| {
        let mut r = json!({"date": "2026-11-23", "mode": "reroute", "now": NOW,
            "drivers": [{"id": "d1", "start": {"lat": 57.1, "lng": -2.1},
                         "shift": {"earliest": 28800, "latest": 61200}}],
            "visits": [{"_id": "v1", "lat": 57.1, "lng": -2.1, "driverId": "d1"}]});
        if let (Some(r), serde_json::Value::Object(extra)) = (r.as_object_mut(), extra) {
            r.extend(extra);
        }
        let request: PlanRequest = serde_json::from_value(r).expect("valid JSON");
        ordo_solver::plan::translate(&request)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert!(base(json!({})).is_ok());
    let err = base(json!({"now": null})).unwrap_err();
    assert!(err.contains("now"), "{err}");
    let err = base(json!({"mode": "replan"})).unwrap_err();
    assert!(err.contains("mode"), "{err}");
    let err = base(json!({"visits": [{"_id": "v1", "lat": 57.1, "lng": -2.1, "lock": "frozen"}]}))
        .unwrap_err();
    assert!(err.contains("visits[0] (_id v1): lock"), "{err}");
    let err = base(json!({"options": {"disruption": {"driverChange": -1}}})).unwrap_err();
    assert!(err.contains("options.disruption: driverChange"), "{err}");
}
