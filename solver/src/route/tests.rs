//! Property tests of the route cache with soft limits and rush hours:
//! every insertion's price equals the checker's recomputed cost change,
//! and the cached cost of every route equals the checker's.

use proptest::prelude::*;

use super::RouteState;
use crate::checker::check;
use crate::model::{ArcCost, Objective, Problem};
use crate::random_instance::{random_problem, soften, with_rush_hours, Features};
use crate::solution::{Route, Solution};

/// The checker's cost of one route alone (travel, assignment, lateness,
/// overtime), or `None` when it breaks a rule.
fn checked_cost(problem: &Problem, route: &RouteState) -> Option<f64> {
    let solution = Solution {
        routes: vec![Route {
            vehicle: route.vehicle,
            visits: route.visits.clone(),
            break_position: route.break_position(problem),
        }],
        unassigned: (0..problem.n_visits())
            .filter(|v| !route.visits.contains(v))
            .collect(),
    };
    let report = check(problem, &solution);
    let relevant = report.violations.iter().all(|v| {
        matches!(
            v,
            crate::checker::Violation::RequiredNotServed { .. }
                | crate::checker::Violation::MissingSkills { .. }
                | crate::checker::Violation::VehicleNotAllowed { .. }
                | crate::checker::Violation::VehicleLockBroken { .. }
                | crate::checker::Violation::NotFirst { .. }
                | crate::checker::Violation::PrecedenceBroken { .. }
                | crate::checker::Violation::SequenceLockBroken { .. }
        )
    });
    relevant.then_some(report.distance + report.assignment_cost + report.soft_cost)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Routes grown by cheapest feasible insertion, on vehicles without a
    /// break: each insertion's price is the checker's cost change, each
    /// route's cached cost is the checker's, and an insertion the cache
    /// refuses is infeasible by the checker too.
    #[test]
    fn insertion_prices_match_the_checker(seed in any::<u64>(), n in 4usize..16, multi in any::<bool>(), timed in any::<bool>()) {
        let features = Features { multi_window: multi, ..Features::VRPTW };
        let mut problem = soften(&random_problem(seed, n, 2, features), seed, true);
        if timed {
            problem = with_rush_hours(&problem, seed);
        }
        let arcs = ArcCost::new(&Objective::default());
        for k in 0..problem.vehicles.len() {
            let mut route = RouteState::new(&problem, &arcs, k, Vec::new());
            for v in 0..problem.n_visits() {
                // Capacity is the callers' check, not the cache's.
                if route.load + problem.visits[v].demand > problem.vehicles[k].capacity {
                    continue;
                }
                let before = checked_cost(&problem, &route).unwrap_or(0.0);
                let mut best: Option<(f64, usize)> = None;
                for p in 0..=route.visits.len() {
                    let mut visits = route.visits.clone();
                    visits.insert(p, v);
                    let grown = RouteState::new(&problem, &arcs, k, visits);
                    let checked = checked_cost(&problem, &grown);
                    match route.insertion_delta(&problem, &arcs, v, p) {
                        Some(price) => {
                            let after = checked.ok_or_else(|| TestCaseError::fail(format!("{v} at {p}: priced but infeasible")))?;
                            prop_assert!((price - (after - before)).abs() < 1e-6, "{} at {}: price {} vs checker {}", v, p, price, after - before);
                            prop_assert!((grown.travel - after).abs() < 1e-6, "cached {} vs checker {}", grown.travel, after);
                            if best.is_none_or(|(b, _)| price < b) {
                                best = Some((price, p));
                            }
                        }
                        None => prop_assert!(checked.is_none(), "{} at {}: refused but feasible", v, p),
                    }
                }
                if let Some((_, p)) = best {
                    route.insert(&problem, &arcs, v, p);
                }
            }
        }
    }

    /// With breaks and working-time caps too, every route's cached cost
    /// is the checker's cost of the schedule the route reports.
    #[test]
    fn cached_route_costs_match_the_checker(seed in any::<u64>(), n in 4usize..16, timed in any::<bool>()) {
        let mut problem = soften(&random_problem(seed, n, 3, Features::ALL), seed, true);
        if timed {
            problem = with_rush_hours(&problem, seed);
        }
        let arcs = ArcCost::new(&Objective::default());
        for k in 0..problem.vehicles.len() {
            let mut route = RouteState::new(&problem, &arcs, k, Vec::new());
            for v in 0..problem.n_visits() {
                if route.load + problem.visits[v].demand > problem.vehicles[k].capacity {
                    continue;
                }
                let p = (0..=route.visits.len()).find(|&p| {
                    route.insertion_delta(&problem, &arcs, v, p).is_some()
                        && (!RouteState::needs_exact_check(&problem, k) || route.exact_insertion_ok(&problem, v, p))
                        && problem.compatible(k, v)
                });
                if let Some(p) = p {
                    route.insert(&problem, &arcs, v, p);
                    let checked = checked_cost(&problem, &route);
                    prop_assert!(checked.is_some(), "route {:?} infeasible", route.visits);
                    prop_assert!((route.travel - checked.unwrap_or(0.0)).abs() < 1e-6, "{:?}: cached {} vs checker {:?}", route.visits, route.travel, checked);
                }
            }
        }
    }
}
