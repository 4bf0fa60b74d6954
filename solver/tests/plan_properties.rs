//! Property tests on random field instances: every plan passes the
//! independent checker, and priority dominance holds.
//!
//! Dominance, in a checkable form: for every visit `u` left out for lack
//! of room (priority `p`) and every driver `k` allowed to serve it, take
//! `k`'s route restricted to its visits in progress and its visits of
//! priority `p` or higher (order kept). Inserting `u` anywhere in that
//! restricted route, with the break anywhere, must break a rule (checked
//! by the checker). Otherwise `u` could have replaced the lower-priority
//! visits of `k`, and the plan would not be lexicographically best.
//! The instances use an unrounded geodesic matrix (so the triangle
//! inequality holds: removing visits never makes a route later) and no
//! working-time cap (whose just-in-time start is not monotone).

mod support;

use ordo_solver::plan::generate::{generate, GenerateParams};
use ordo_solver::plan::{plan, translate, PlanRequest, ReasonCode, TravelRequest};
use ordo_solver::solution::{Route, Solution};
use ordo_solver::{checker, Stop};
use proptest::prelude::*;

fn haversine_metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

/// Replaces geodesic travel by an unrounded matrix over the same points.
fn with_exact_matrix(mut request: PlanRequest) -> PlanRequest {
    let value = |n: &ordo_solver::plan::NumberLike| n.value().unwrap_or(0.0);
    let d = request.drivers.len();
    let mut points = vec![(0.0, 0.0); 2 * d + request.visits.len()];
    for (i, driver) in request.drivers.iter().enumerate() {
        points[i] = (value(&driver.start.lat), value(&driver.start.lng));
        let end = driver.end.as_ref().unwrap_or(&driver.start);
        points[d + i] = (value(&end.lat), value(&end.lng));
    }
    for (i, v) in request.visits.iter().enumerate() {
        if let (Some(lat), Some(lng)) = (&v.lat, &v.lng) {
            points[2 * d + i] = (value(lat), value(lng));
        }
    }
    let distances: Vec<Vec<f64>> = points
        .iter()
        .map(|&a| {
            points
                .iter()
                .map(|&b| 1.3 * haversine_metres(a, b))
                .collect()
        })
        .collect();
    let durations = distances
        .iter()
        .map(|row| row.iter().map(|m| m / (40.0 / 3.6)).collect())
        .collect();
    request.options.travel = Some(TravelRequest::Matrix {
        durations,
        distances: Some(distances),
    });
    request
}

/// A generated day with a short, iteration-bounded search.
fn instance(visits: usize, drivers: usize, seed: u64) -> PlanRequest {
    let mut request = generate(GenerateParams {
        visits,
        drivers,
        seed,
    });
    request.options.iterations = Some(300.0.into());
    request
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_passes_the_checker(visits in 1usize..80, drivers in 1usize..8, seed in 0u64..10_000) {
        let request = instance(visits, drivers, seed);
        let result = plan(&request, &Stop::after(std::time::Duration::from_secs(2)), &mut |_| {})
            .expect("generated requests are valid");
        let translation = translate(&request).expect("valid");
        let solution = support::to_solution(&translation, &result);
        let report = checker::check(&translation.problem, &solution);
        prop_assert!(report.is_feasible(), "{:?}", report.violations);
        prop_assert_eq!(
            result.summary.served + result.unassigned.len(),
            result.summary.visits
        );
        for route in &result.routes {
            let orders: Vec<usize> = route.stops.iter().map(|s| s.service_order).collect();
            prop_assert_eq!(orders, (1..=route.stops.len()).collect::<Vec<_>>());
            prop_assert!((report.distance - result.summary.distance).abs() < 1e-3);
        }
    }

    #[test]
    fn priority_dominance_when_not_all_fit(visits in 20usize..70, drivers in 1usize..4, seed in 0u64..10_000) {
        let mut request = with_exact_matrix(instance(visits, drivers, seed));
        for driver in &mut request.drivers {
            driver.max_working_time = None;
        }
        let result = plan(&request, &Stop::after(std::time::Duration::from_secs(2)), &mut |_| {})
            .expect("generated requests are valid");
        let translation = translate(&request).expect("valid");
        let problem = &translation.problem;
        let solution = support::to_solution(&translation, &result);
        prop_assert!(checker::check(problem, &solution).is_feasible());
        for u in result.unassigned.iter().filter(|u| u.reason == ReasonCode::NoRoom) {
            let Some(u) = problem.visits.iter().position(|v| v.id == u.visit_id) else {
                continue;
            };
            let p = problem.visits[u].priority;
            for k in 0..problem.vehicles.len() {
                if !problem.compatible(k, u) || problem.visits[u].vehicle_lock.is_some_and(|l| l != k) {
                    continue;
                }
                let kept: Vec<usize> = solution
                    .routes
                    .iter()
                    .find(|r| r.vehicle == k)
                    .map(|r| {
                        r.visits
                            .iter()
                            .copied()
                            .filter(|&v| problem.visits[v].priority <= p || problem.visits[v].must_be_first)
                            .collect()
                    })
                    .unwrap_or_default();
                for at in 0..=kept.len() {
                    let mut visits = kept.clone();
                    visits.insert(at, u);
                    let breaks: Vec<Option<usize>> = if problem.vehicles[k].lunch_break.is_some() {
                        (0..=visits.len()).map(Some).collect()
                    } else {
                        vec![None]
                    };
                    for break_position in breaks {
                        let trial = Solution {
                            routes: vec![Route { vehicle: k, visits: visits.clone(), break_position }],
                            unassigned: (0..problem.visits.len()).filter(|v| !visits.contains(v)).collect(),
                        };
                        prop_assert!(
                            !checker::check(problem, &trial).is_feasible(),
                            "visit {} (priority {}) fits driver {} at {} beside higher priorities",
                            u, p, k, at
                        );
                    }
                }
            }
        }
    }
}
