//! Property tests: the search's incremental evaluations against the
//! independent checker's full re-simulation.

use proptest::prelude::*;

use crate::checker::check;
use crate::construction::regret_insertion;
use crate::model::{ArcCost, Objective, ObjectiveKind, Problem};
use crate::params::{SolveParams, Stop};
use crate::random_instance::{publish_random_plan, random_problem, Features};
use crate::route;
use crate::route::RouteState;
use crate::solution::{Route, Solution};

const NO_BREAKS: Features = Features {
    multi_window: true,
    rules: true,
    breaks: false,
    optional: true,
};

/// A solution holding only `route`; every other visit is unassigned.
fn lone_route(
    problem: &Problem,
    vehicle: usize,
    visits: Vec<usize>,
    break_position: Option<usize>,
) -> Solution {
    let unassigned = (0..problem.n_visits())
        .filter(|v| !visits.contains(v))
        .collect();
    Solution {
        routes: vec![Route {
            vehicle,
            visits,
            break_position,
        }],
        unassigned,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// For every route, visit and position: the O(1) insertion check says
    /// feasible exactly when the checker accepts the new route, and its
    /// delta equals the recomputed distance difference; every feasible
    /// position lies in the range recreate scans.
    #[test]
    fn insertion_delta_matches_checker(seed in any::<u64>(), n in 6usize..16, m in 2usize..4, replan in any::<bool>()) {
        let mut problem = random_problem(seed, n, m, NO_BREAKS);
        if replan {
            publish_random_plan(&mut problem, seed);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let start = regret_insertion(&problem, &objective);
        for route in &start.routes {
            let state = RouteState::new(&problem, &arcs, route.vehicle, route.visits.clone());
            let before = check(&problem, &lone_route(&problem, route.vehicle, route.visits.clone(), None));
            prop_assert!(before.is_feasible(), "{:?}", before.violations);
            for v in 0..n {
                if route.visits.contains(&v)
                    || !problem.compatible(route.vehicle, v)
                    || problem.visits[v].vehicle_lock.is_some_and(|k| k != route.vehicle)
                {
                    continue;
                }
                for p in 0..=route.visits.len() {
                    let mut visits = route.visits.clone();
                    visits.insert(p, v);
                    let after = check(&problem, &lone_route(&problem, route.vehicle, visits, None));
                    let delta = state.insertion_delta(&problem, &arcs, v, p);
                    let fits = delta.is_some() && state.load + problem.visits[v].demand <= problem.vehicles[route.vehicle].capacity;
                    prop_assert_eq!(fits, after.is_feasible(), "visit {} at {}: {:?}", v, p, after.violations);
                    let visit = &problem.visits[v];
                    let range = state.window_positions(visit.earliest(), visit.service, visit.latest());
                    prop_assert!(delta.is_none() || range.contains(&p), "feasible {} outside {:?}", p, range);
                    if let Some(d) = delta {
                        let recomputed = after.distance + after.assignment_cost
                            - before.distance - before.assignment_cost;
                        prop_assert!((d - recomputed).abs() < 1e-6, "{} vs {}", d, recomputed);
                    }
                }
            }
        }
    }

    /// A route's own feasibility test (used on warm starts and on every
    /// materialised move) agrees with the checker, also on routes that end
    /// after the shift and for vehicles without a break or working-time cap.
    #[test]
    fn route_feasibility_matches_checker(seed in any::<u64>(), n in 4usize..12, breaks in any::<bool>(), shift_end in 150.0f64..600.0) {
        let features = if breaks { Features::ALL } else { NO_BREAKS };
        let mut problem = random_problem(seed, n, 2, features);
        // Shifts that end early, so that routes end after them.
        for vehicle in &mut problem.vehicles {
            vehicle.shift.latest = shift_end.round();
        }
        let arcs = ArcCost::new(&Objective::default());
        let order: Vec<usize> = (0..n).collect();
        for vehicle in 0..2 {
            for len in 1..=n.min(7) {
                for window in order.windows(len) {
                    let route = RouteState::new(&problem, &arcs, vehicle, window.to_vec());
                    let report = check(&problem, &lone_route(&problem, vehicle, window.to_vec(), route.break_position(&problem)));
                    prop_assert_eq!(route.is_feasible(&problem), report.is_feasible(), "{:?}: {:?}", window, report.violations);
                }
            }
        }
    }

    /// Whenever the exact schedule accepts a route, the checker accepts it
    /// with the break where the schedule put it.
    #[test]
    fn exact_schedule_is_checker_valid(seed in any::<u64>(), n in 4usize..12) {
        let problem = random_problem(seed, n, 2, Features::ALL);
        let order: Vec<usize> = (0..n).collect();
        for vehicle in 0..2 {
            for len in 1..=n.min(6) {
                for window in order.windows(len) {
                    if let Some(s) = route::simulate(&problem, vehicle, window.iter().copied()) {
                        let visits = window.to_vec();
                        let report = check(&problem, &lone_route(&problem, vehicle, visits, s.break_position));
                        let ignored = |v: &crate::checker::Violation| matches!(v,
                            crate::checker::Violation::MissingSkills { .. }
                            | crate::checker::Violation::VehicleNotAllowed { .. }
                            | crate::checker::Violation::VehicleLockBroken { .. }
                            | crate::checker::Violation::PrecedenceBroken { .. });
                        let real: Vec<_> = report.violations.iter().filter(|v| !ignored(v)).collect();
                        prop_assert!(real.is_empty(), "{:?}", real);
                    }
                }
            }
        }
    }

    /// The exact schedule accepts a route iff the checker accepts it with
    /// the break in some gap (and the rules it leaves to others aside).
    #[test]
    fn exact_schedule_finds_a_break_whenever_one_exists(seed in any::<u64>(), n in 4usize..12, shift_end in 200.0f64..900.0) {
        let mut problem = random_problem(seed, n, 2, Features::ALL);
        for vehicle in &mut problem.vehicles {
            vehicle.shift.latest = shift_end.round();
        }
        let ignored = |v: &crate::checker::Violation| matches!(v,
            crate::checker::Violation::MissingSkills { .. }
            | crate::checker::Violation::VehicleNotAllowed { .. }
            | crate::checker::Violation::VehicleLockBroken { .. }
            | crate::checker::Violation::PrecedenceBroken { .. }
            | crate::checker::Violation::NotFirst { .. }
            | crate::checker::Violation::SequenceLockBroken { .. }
            | crate::checker::Violation::Capacity { .. });
        let order: Vec<usize> = (0..n).collect();
        for vehicle in 0..2 {
            let gaps: Vec<Option<usize>> = if problem.vehicles[vehicle].lunch_break.is_some() {
                (0..=n).map(Some).collect()
            } else {
                vec![None]
            };
            for len in 1..=n.min(6) {
                for window in order.windows(len) {
                    let some_gap = gaps.iter().filter(|g| g.is_none_or(|p| p <= len)).any(|&g| {
                        let report = check(&problem, &lone_route(&problem, vehicle, window.to_vec(), g));
                        report.violations.iter().all(ignored)
                    });
                    let load: i64 = window.iter().map(|&v| problem.visits[v].demand).sum();
                    let accepted = route::simulate(&problem, vehicle, window.iter().copied()).is_some();
                    prop_assert_eq!(accepted, some_gap && load <= problem.vehicles[vehicle].capacity, "{:?}", window);
                }
            }
        }
    }

    /// The whole search on instances with every rule: always checker-valid.
    #[test]
    fn search_results_pass_the_checker(seed in any::<u64>(), n in 5usize..25, m in 1usize..4, hierarchical in any::<bool>(), replan in any::<bool>()) {
        let mut problem = random_problem(seed, n, m, Features::ALL);
        if replan {
            publish_random_plan(&mut problem, seed);
        }
        let params = SolveParams {
            iterations: Some(300),
            seed,
            objective: Objective {
                kind: if hierarchical { ObjectiveKind::Hierarchical } else { ObjectiveKind::Distance },
                ..Objective::default()
            },
            ..SolveParams::default()
        };
        let solution = crate::solve(&problem, &params, &Stop::after(std::time::Duration::from_secs(60)));
        let report = check(&problem, &solution);
        prop_assert!(report.is_feasible(), "{:?}", report.violations);
    }
}

/// Same seed and iteration budget: same solution, even with threads.
#[test]
fn deterministic_for_seed_and_threads() {
    let problem = random_problem(7, 30, 4, Features::ALL);
    let params = SolveParams {
        iterations: Some(500),
        threads: 2,
        ..SolveParams::default()
    };
    let stop = || Stop::after(std::time::Duration::from_secs(60));
    let a = crate::solve(&problem, &params, &stop());
    let b = crate::solve(&problem, &params, &stop());
    assert_eq!(a, b);
}

/// With an iteration budget the temperature follows the iterations, not
/// the clock: a different time limit (not reached) gives the same result.
#[test]
fn iteration_budget_makes_the_clock_irrelevant() {
    let problem = random_problem(11, 40, 4, Features::VRPTW);
    let run = |seconds: u64| {
        let params = SolveParams {
            iterations: Some(2_000),
            time_limit: std::time::Duration::from_secs(seconds),
            ..SolveParams::default()
        };
        crate::solve(
            &problem,
            &params,
            &Stop::after(std::time::Duration::from_secs(3_600)),
        )
    };
    assert_eq!(run(1), run(3_600));
}

/// A depot at 0 and locations at `xs` on a line, `visits` among them, and
/// one vehicle working from 0 to 100 with capacity 10.
fn on_a_line(xs: &[f64], visits: Vec<crate::model::Visit>) -> Problem {
    use crate::model::{DenseMatrix, Euclidean, ProblemBuilder, Rounding, TimeWindow, Vehicle};
    let travel = DenseMatrix::from_model(&Euclidean {
        coords: std::iter::once(0.0)
            .chain(xs.iter().copied())
            .map(|x| (x, 0.0))
            .collect(),
        rounding: Rounding::Exact,
    });
    let mut b = ProblemBuilder::new("line", travel);
    for v in visits {
        b.visit(v);
    }
    b.vehicle(Vehicle {
        id: "v".into(),
        start: 0,
        end: Some(0),
        shift: TimeWindow::new(0.0, 100.0),
        capacity: 10,
        skills: crate::model::SkillSet::new(),
        fixed_cost: 0.0,
        max_working_time: None,
        limits: Default::default(),
        lunch_break: None,
    });
    b.build().expect("valid")
}

/// A route whose last visit fits its window but whose return misses the
/// end of the shift is infeasible, also for a vehicle without a break or
/// working-time cap (whose routes get no exact re-simulation).
#[test]
fn route_ending_after_the_shift_is_infeasible() {
    use crate::model::{TimeWindow, Visit};
    let problem = on_a_line(
        &[30.0],
        vec![Visit::new("1", 1, 50.0, 0, TimeWindow::new(0.0, 90.0))],
    );
    let arcs = ArcCost::new(&Objective::default());
    // Back at 30 + 50 + 30 = 110 > 100.
    let route = RouteState::new(&problem, &arcs, 0, vec![0]);
    assert!(!check(&problem, &lone_route(&problem, 0, vec![0], None)).is_feasible());
    assert!(!route.is_feasible(&problem));
}

/// A visit no vehicle can serve alone is set aside on load (never retried)
/// but still counts as unserved, in the cost and in the solution.
#[test]
fn visits_nobody_can_serve_are_set_aside_but_counted() {
    use super::state::SearchState;
    use crate::model::{TimeWindow, Visit};
    let problem = on_a_line(
        &[10.0, 20.0],
        vec![
            // Fits beside nothing else only if there is room: servable alone.
            Visit::new("fits", 1, 5.0, 0, TimeWindow::new(0.0, 100.0)),
            // Its window closes before anyone can get there.
            Visit::new("late", 2, 5.0, 0, TimeWindow::new(0.0, 15.0)),
        ],
    );
    let objective = Objective::default();
    let arcs = ArcCost::new(&objective);
    let empty = Solution {
        routes: Vec::new(),
        unassigned: vec![0, 1],
    };
    let state = SearchState::from_solution(&problem, &arcs, &empty);
    assert_eq!(state.unassigned, vec![0]);
    assert_eq!(state.unservable, vec![1]);
    assert_eq!(state.cost(&problem, &arcs, &objective).unserved[0], 2);
    assert_eq!(state.to_solution(&problem).unassigned, vec![0, 1]);
}

/// The regional search (large instance, two threads): every result passes
/// the checker, never serves fewer visits or costs more than its start,
/// and depends only on the seed under an iteration budget.
#[test]
fn regional_search_is_valid_reproducible_and_never_worse() {
    use super::state::SearchState;
    use crate::model::Cost;
    let problem = random_problem(23, super::regions::MIN_VISITS + 20, 60, Features::ALL);
    let objective = Objective::default();
    let params = SolveParams {
        iterations: Some(60),
        threads: 2,
        objective,
        ..SolveParams::default()
    };
    let stop = || Stop::after(std::time::Duration::from_secs(600));
    let start = regret_insertion(&problem, &objective);
    let run = || super::improve(&problem, &params, &stop(), &start, &mut |_| {});
    let found = run();
    assert_eq!(found, run());
    let report = check(&problem, &found);
    let broken: Vec<_> = report
        .violations
        .iter()
        .filter(|v| !matches!(v, crate::checker::Violation::RequiredNotServed { .. }))
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    let arcs = ArcCost::new(&objective);
    let cost = |s: &Solution| -> Cost {
        SearchState::from_solution(&problem, &arcs, s).cost(&problem, &arcs, &objective)
    };
    assert!(!cost(&start).better_than(&cost(&found)));
    assert!(cost(&found).better_than(&cost(&start)));
}

/// A new route goes only to a vehicle the visit's demand fits, even when
/// a smaller vehicle would be cheaper.
#[test]
fn a_new_route_respects_capacity() {
    use super::neighbours::Neighbours;
    use super::recreate::greedy_insert;
    use super::state::SearchState;
    use crate::model::{
        DenseMatrix, Euclidean, ProblemBuilder, Rounding, TimeWindow, Vehicle, Visit,
    };
    use rand::SeedableRng;
    let travel = DenseMatrix::from_model(&Euclidean {
        coords: vec![(0.0, 0.0), (10.0, 0.0), (10.0, 0.0)],
        rounding: Rounding::Exact,
    });
    let mut b = ProblemBuilder::new("capacity", travel);
    b.visit(Visit::new("big", 2, 1.0, 5, TimeWindow::new(0.0, 100.0)));
    for (id, start, capacity) in [("large", 0, 10), ("small-next-door", 1, 1)] {
        b.vehicle(Vehicle {
            id: id.into(),
            start,
            end: Some(start),
            shift: TimeWindow::new(0.0, 100.0),
            capacity,
            skills: crate::model::SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time: None,
            limits: Default::default(),
            lunch_break: None,
        });
    }
    let problem = b.build().expect("valid");
    let arcs = ArcCost::new(&Objective::default());
    let mut state = SearchState::from_solution(
        &problem,
        &arcs,
        &Solution {
            routes: Vec::new(),
            unassigned: Vec::new(),
        },
    );
    let params = plain_recreate(2, false);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let neighbours = Neighbours::new(&problem, 4);
    greedy_insert(
        &problem,
        &arcs,
        &neighbours,
        &params,
        &mut state,
        vec![0],
        &mut rng,
    );
    assert!(check(&problem, &state.to_solution(&problem)).is_feasible());
    assert_eq!(state.routes.len(), 1);
    assert_eq!(state.routes[0].vehicle, 0);
}

/// Recreate without blinks, new routes or left-out visits first, up to
/// `max_routes` routes.
fn plain_recreate(max_routes: usize, rejects_short_steps: bool) -> super::recreate::RecreateParams {
    super::recreate::RecreateParams {
        blink_rate: 0.0,
        max_routes,
        prefer_existing: false,
        left_out_first: false,
        rejects_short_steps,
    }
}

/// A search that rejects every step serving less gives up a recreate at
/// the first visit that fits nowhere, and leaves the rest out with it
/// (never losing one); other searches go on placing the rest.
#[test]
fn recreate_gives_up_a_lost_step_only_when_told() {
    use super::neighbours::Neighbours;
    use super::recreate::greedy_insert;
    use super::state::SearchState;
    use crate::model::{TimeWindow, Visit};
    use rand::SeedableRng;
    // Too long for the shift even alone; the other one fits. Both may be
    // left out, so that the checker judges the routes alone.
    let visits = [("too-long", 90.0), ("short", 10.0)].map(|(id, service)| {
        let mut visit = Visit::new(id, 1, service, 1, TimeWindow::new(0.0, 100.0));
        visit.required = false;
        visit
    });
    let problem = on_a_line(&[10.0], visits.to_vec());
    let arcs = ArcCost::new(&Objective::default());
    let neighbours = Neighbours::new(&problem, 1);
    let empty = Solution {
        routes: Vec::new(),
        unassigned: Vec::new(),
    };
    let mut gave_up = 0;
    for rejects_short_steps in [false, true] {
        let params = plain_recreate(1, rejects_short_steps);
        for seed in 0..40 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut state = SearchState::from_solution(&problem, &arcs, &empty);
            greedy_insert(
                &problem,
                &arcs,
                &neighbours,
                &params,
                &mut state,
                vec![0, 1],
                &mut rng,
            );
            let solution = state.to_solution(&problem);
            assert_eq!(solution.unassigned.len() + state.served(), 2, "none lost");
            assert!(solution.unassigned.contains(&0));
            if state.served() == 0 {
                assert!(rejects_short_steps, "seed {seed}: gave up untold");
                gave_up += 1;
            }
            assert!(check(&problem, &solution).is_feasible());
        }
    }
    assert!(gave_up > 0, "the long visit came first in some order");
}
