//! The priority promise, checked by brute force: "never leave a visit of
//! priority p unserved to serve visits of lower priority".
//!
//! Shared by the property test (`tests/priority_promise.rs`) and the
//! measuring example (`examples/priority_promise.rs`). It uses nothing of
//! the search: every candidate route is judged by the independent checker
//! alone, so a bug in the search's insertion or schedule code cannot hide
//! a broken promise here.

#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ordo_solver::checker::{check, Violation};
use ordo_solver::model::{
    Break, DenseMatrix, Euclidean, Problem, ProblemBuilder, Rounding, SkillSet, TimeWindow,
    Vehicle, Visit,
};
use ordo_solver::solution::{Route, Solution};

/// A left-out visit that a route could serve after all.
#[derive(Debug, Clone, PartialEq)]
pub struct Witness {
    /// The left-out visit.
    pub visit: usize,
    /// The vehicle whose route could take it.
    pub vehicle: usize,
    /// The visits of lower priority it would replace (at most two).
    pub ejected: Vec<usize>,
    /// The route that serves it, checked feasible.
    pub route: Route,
}

/// Every left-out visit of `solution` that some vehicle could serve in
/// place of at most two visits of lower priority (larger number), its
/// other visits kept in their order. Visits in progress (`must_be_first`)
/// and required visits are never ejected.
pub fn broken_promises(problem: &Problem, solution: &Solution) -> Vec<Witness> {
    let relaxed = without_breaks(problem);
    solution
        .unassigned
        .iter()
        .filter_map(|&v| witness(problem, &relaxed, solution, v))
        .collect()
}

/// The first route found that serves `v` in place of at most two visits
/// of lower priority, if any.
pub fn witness(
    problem: &Problem,
    relaxed: &Problem,
    solution: &Solution,
    v: usize,
) -> Option<Witness> {
    let priority = problem.visits[v].priority;
    for k in 0..problem.vehicles.len() {
        if !route_ok(problem, &Route::new(k, vec![v]), Rules::Eligibility) {
            continue;
        }
        let current: Vec<usize> = solution
            .routes
            .iter()
            .find(|r| r.vehicle == k)
            .map(|r| r.visits.clone())
            .unwrap_or_default();
        let ejectable: Vec<usize> = (0..current.len())
            .filter(|&i| {
                let w = &problem.visits[current[i]];
                w.priority > priority && !w.must_be_first && !w.required
            })
            .collect();
        for out in subsets_up_to_two(&ejectable) {
            let rest: Vec<usize> = (0..current.len())
                .filter(|i| !out.contains(i))
                .map(|i| current[i])
                .collect();
            for position in 0..=rest.len() {
                let mut visits = rest.clone();
                visits.insert(position, v);
                if let Some(route) = feasible_route(problem, relaxed, k, visits) {
                    return Some(Witness {
                        visit: v,
                        vehicle: k,
                        ejected: out.iter().map(|&i| current[i]).collect(),
                        route,
                    });
                }
            }
        }
    }
    None
}

/// `problem` with every break removed: a route the relaxed problem
/// rejects breaks a rule wherever its break goes (a break only ever
/// delays what follows it, and an early break only moves the start of
/// working time earlier), so only the routes it accepts are tried with
/// every break position.
pub fn without_breaks(problem: &Problem) -> Problem {
    let mut relaxed = problem.clone();
    for vehicle in &mut relaxed.vehicles {
        vehicle.lunch_break = None;
    }
    relaxed
}

fn subsets_up_to_two(items: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for (a, &i) in items.iter().enumerate() {
        out.push(vec![i]);
        for &j in &items[a + 1..] {
            out.push(vec![i, j]);
        }
    }
    out
}

/// The route of `visits` on `k` with a break position the checker
/// accepts, if one exists.
fn feasible_route(
    problem: &Problem,
    relaxed: &Problem,
    k: usize,
    visits: Vec<usize>,
) -> Option<Route> {
    let mut route = Route::new(k, visits);
    if !route_ok(relaxed, &route, Rules::All) {
        return None;
    }
    if problem.vehicles[k].lunch_break.is_none() {
        return Some(route);
    }
    (0..=route.visits.len()).find_map(|p| {
        route.break_position = Some(p);
        route_ok(problem, &route, Rules::All).then(|| route.clone())
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Rules {
    /// Only who may serve the visit (skills, allowed vehicles, locks).
    Eligibility,
    All,
}

/// Whether the checker finds nothing wrong with `route` alone (the other
/// visits being nowhere is not this route's business).
fn route_ok(problem: &Problem, route: &Route, rules: Rules) -> bool {
    let alone = Solution {
        routes: vec![route.clone()],
        unassigned: Vec::new(),
    };
    check(problem, &alone)
        .violations
        .iter()
        .all(|v| match rules {
            Rules::All => matches!(
                v,
                Violation::MissingFromOutput { .. } | Violation::RequiredNotServed { .. }
            ),
            Rules::Eligibility => !matches!(
                v,
                Violation::MissingSkills { .. }
                    | Violation::VehicleNotAllowed { .. }
                    | Violation::VehicleLockBroken { .. }
            ),
        })
}

/// A random over-full day on a plane, with asymmetric travel times: `n`
/// visits for `m` drivers who can serve perhaps two thirds of them. One to three windows per visit,
/// priorities 1-10, skills, allowed drivers, precedence visits, one visit
/// in progress per driver now and then, lunch breaks and working-time
/// limits.
pub fn overfull_day(seed: u64, n: usize, m: usize) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let horizon = 600.0;
    let mut coords = vec![(50.0, 50.0)];
    coords.extend((0..n).map(|_| {
        (
            rng.gen_range(0.0..100.0f64).round(),
            rng.gen_range(0.0..100.0f64).round(),
        )
    }));
    // Road-like travel: times are straight-line distance times a factor
    // drawn for each direction of each pair, so A to B differs from B to
    // A and a detour through a third place is sometimes quicker (the
    // triangle inequality fails, as on rounded or real road tables).
    let distance = DenseMatrix::from_model(&Euclidean {
        coords: coords.clone(),
        rounding: Rounding::Exact,
    });
    let places = coords.len();
    let mut distances = Vec::with_capacity(places * places);
    let mut durations = Vec::with_capacity(places * places);
    for a in 0..places {
        for b in 0..places {
            let d = distance.distance(a, b);
            distances.push(d);
            durations.push((d * rng.gen_range(1.0..1.4f64)).round());
        }
    }
    let travel = DenseMatrix::from_tables(places, distances, Some(durations));
    let mut b = ProblemBuilder::new(format!("overfull-{seed}"), travel);
    for k in 0..m {
        let mut skills = SkillSet::from_ids([0]);
        if rng.gen_bool(0.5) {
            skills.insert(1);
        }
        b.vehicle(Vehicle {
            id: format!("d{k}"),
            start: 0,
            end: rng.gen_bool(0.8).then_some(0),
            shift: TimeWindow::new(0.0, horizon),
            capacity: rng.gen_range(30..60),
            skills,
            fixed_cost: 0.0,
            max_working_time: rng
                .gen_bool(0.5)
                .then(|| rng.gen_range(300.0..500.0f64).round()),
            limits: Default::default(),
            lunch_break: rng.gen_bool(0.6).then(|| Break {
                window: TimeWindow::new(200.0, 300.0),
                duration: 30.0,
            }),
        });
    }
    let in_progress: Vec<Option<usize>> = (0..m).map(|_| rng.gen_bool(0.3).then_some(0)).collect();
    for i in 1..=n {
        let mut windows = Vec::new();
        let mut open: f64 = rng.gen_range(0.0..300.0f64).round();
        for _ in 0..rng.gen_range(1..=3) {
            let close = (open + rng.gen_range(30.0..150.0f64)).round();
            if close > horizon - 20.0 {
                break;
            }
            windows.push(TimeWindow::new(open, close));
            open = (close + rng.gen_range(20.0..120.0f64)).round();
        }
        if windows.is_empty() {
            windows.push(TimeWindow::new(0.0, horizon - 20.0));
        }
        let mut visit = Visit::new(
            format!("v{i}"),
            i,
            rng.gen_range(15.0..60.0f64).round(),
            rng.gen_range(1..6),
            windows[0],
        );
        visit.windows = windows;
        visit.required = false;
        visit.priority = rng.gen_range(1..=10);
        if rng.gen_bool(0.25) {
            visit.skills = SkillSet::from_ids([1]);
        }
        if rng.gen_bool(0.1) {
            let a = rng.gen_range(0..m);
            visit.allowed_vehicles = Some(vec![a, (a + 1) % m]);
        }
        visit.precedence = rng.gen_bool(0.1);
        if let Some(k) = (0..m).find(|&k| in_progress[k] == Some(0) && i == k + 1) {
            // The driver is at this visit now: it heads their day.
            visit.must_be_first = true;
            visit.vehicle_lock = Some(k);
            visit.skills = SkillSet::new();
            visit.allowed_vehicles = None;
            visit.windows = vec![TimeWindow::new(0.0, horizon - 20.0)];
        }
        b.visit(visit);
    }
    b.build()
        .unwrap_or_else(|e| panic!("over-full day {seed} invalid: {e}"))
}
