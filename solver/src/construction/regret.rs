//! Regret-2 parallel insertion, by priority tier (Potvin & Rousseau 1993).
//!
//! Within a tier, the visit whose best and second-best insertion (over
//! open routes) differ most goes first: it has the most to lose by
//! waiting. Only when no remaining visit of the tier fits any open route is
//! a new route opened, seeded with the remaining visit farthest from its
//! vehicle's start, which keeps the fleet small. Visits in progress (and
//! frozen stops) open their driver's route before any tier.
//!
//! Drivers who set out from a place of their own (a field day: each from
//! home) have their routes open from the start when an extra route costs
//! nothing, so a visit goes to a driver living near it. Opening them one
//! by one around the visit farthest from every start suits one depot, but
//! on a field day it scattered each driver's day over the region: on the
//! bundled 2,000-visit day it gave 1.41M s of travel with 195 servable
//! visits left out, against 0.88M s and 82 with the routes open.

use crate::model::{ArcCost, Objective, ObjectiveKind, Problem, VehicleClass};
use crate::route::{simulate, RouteState};
use crate::solution::{Route, Solution};

/// Best and second-best insertion of one visit into one route.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) cost: f64,
    pub(super) position: usize,
}

/// Builds a first solution; visits that fit nowhere are left unassigned.
pub fn whole_regret_insertion(problem: &Problem, objective: &Objective) -> Solution {
    let n = problem.n_visits();
    let mut vehicle_open = vec![false; problem.vehicles.len()];
    let mut unassigned = Vec::new();

    let mut tiers: Vec<u8> = problem.visits.iter().map(|v| v.priority).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let arcs = ArcCost::new(objective);
    let mut routes = open_heads(problem, &arcs, &mut vehicle_open, &mut unassigned);
    // best[r][v]: cheapest insertion of visit v into route r.
    let mut best: Vec<Vec<Option<Candidate>>> = vec![vec![None; n]; routes.len()];

    for k in own_start_vehicles(problem, objective) {
        if !vehicle_open[k] {
            vehicle_open[k] = true;
            routes.push(RouteState::new(problem, &arcs, k, Vec::new()));
            best.push(vec![None; n]);
        }
    }
    for tier in tiers {
        let mut pending: Vec<usize> = (0..n)
            .filter(|&v| problem.visits[v].priority == tier && !problem.visits[v].must_be_first)
            .collect();
        for r in 0..routes.len() {
            for &v in &pending {
                best[r][v] = cheapest(problem, &arcs, &routes[r], v);
            }
        }
        while !pending.is_empty() {
            let chosen = most_regretted(&best, &pending);
            match chosen {
                Some((i, r, p, _)) => {
                    let v = pending.swap_remove(i);
                    routes[r].insert(problem, &arcs, v, p);
                    for &w in &pending {
                        best[r][w] = cheapest(problem, &arcs, &routes[r], w);
                    }
                }
                None => {
                    // Nothing fits an open route: seed a new one with the
                    // visit farthest from the depot, or give up on visits
                    // that no free vehicle can serve alone.
                    let (i, &seed) = pending
                        .iter()
                        .enumerate()
                        .max_by(|a, b| {
                            seed_score(problem, *a.1).total_cmp(&seed_score(problem, *b.1))
                        })
                        .expect("pending is not empty");
                    pending.swap_remove(i);
                    match open_route(problem, &arcs, &mut vehicle_open, seed) {
                        Some(route) => {
                            routes.push(route);
                            best.push(vec![None; n]);
                            let r = routes.len() - 1;
                            for &w in &pending {
                                best[r][w] = cheapest(problem, &arcs, &routes[r], w);
                            }
                        }
                        None => unassigned.push(seed),
                    }
                }
            }
        }
    }
    into_solution(problem, routes, unassigned)
}

/// The routes opened by the fixed heads (visits in progress, frozen
/// stops), placed first whatever their priority: they pin the start of
/// their driver's route. A head of several visits goes in by locked rank
/// into the route it opened; heads that fit nowhere are `unassigned`.
pub(super) fn open_heads(
    problem: &Problem,
    arcs: &ArcCost,
    vehicle_open: &mut [bool],
    unassigned: &mut Vec<usize>,
) -> Vec<RouteState> {
    let mut routes: Vec<RouteState> = Vec::new();
    let mut heads: Vec<usize> = (0..problem.n_visits())
        .filter(|&v| problem.visits[v].must_be_first)
        .collect();
    heads.sort_by_key(|&v| (problem.visits[v].sequence_lock, problem.visits[v].priority));
    for v in heads {
        let open = routes
            .iter()
            .position(|r| problem.visits[v].vehicle_lock == Some(r.vehicle));
        if let Some(r) = open {
            match cheapest(problem, arcs, &routes[r], v) {
                Some(c) => routes[r].insert(problem, arcs, v, c.position),
                None => unassigned.push(v),
            }
            continue;
        }
        match open_route(problem, arcs, vehicle_open, v) {
            Some(route) => routes.push(route),
            None => unassigned.push(v),
        }
    }
    routes
}

/// The pending visit whose best insertion (over open routes) beats its
/// second best by the most, as (index in `pending`, route, position,
/// regret); a visit with one option left has infinite regret, and ties go
/// to the earlier pending visit. `None` when no visit fits anywhere.
fn most_regretted(
    best: &[Vec<Option<Candidate>>],
    pending: &[usize],
) -> Option<(usize, usize, usize, f64)> {
    pending
        .iter()
        .enumerate()
        .filter_map(|(i, &v)| {
            let mut first: Option<(f64, usize, usize)> = None;
            let mut second = f64::INFINITY;
            for (r, row) in best.iter().enumerate() {
                if let Some(c) = row[v] {
                    match first {
                        Some((f, _, _)) if c.cost >= f => second = second.min(c.cost),
                        _ => {
                            if let Some((f, _, _)) = first {
                                second = second.min(f);
                            }
                            first = Some((c.cost, r, c.position));
                        }
                    }
                }
            }
            first.map(|(f, r, p)| {
                let regret = if second.is_finite() {
                    second - f
                } else {
                    1e15 - f
                };
                (i, r, p, regret)
            })
        })
        .max_by(|a, b| a.3.total_cmp(&b.3).then(b.0.cmp(&a.0)))
}

/// Vehicles whose start no other vehicle shares, when a used vehicle
/// costs nothing (none under the vehicles-first objective): their empty
/// routes are worth opening before any visit is placed. Starts are
/// compared by place, not by location number: a plan gives every driver
/// a location of their own, also when several drivers leave one office.
pub(super) fn own_start_vehicles(problem: &Problem, objective: &Objective) -> Vec<usize> {
    if objective.kind == ObjectiveKind::Hierarchical || objective.vehicle_cost > 0.0 {
        return Vec::new();
    }
    let same_place = |a: usize, b: usize| {
        a == b || (problem.distance(a, b) <= 0.0 && problem.distance(b, a) <= 0.0)
    };
    let shared = |k: usize| {
        let start = problem.vehicles[k].start;
        (0..problem.vehicles.len()).any(|j| j != k && same_place(problem.vehicles[j].start, start))
    };
    (0..problem.vehicles.len())
        .filter(|&k| problem.vehicles[k].fixed_cost <= 0.0 && !shared(k))
        .collect()
}

/// Seeds far from every start first (Solomon's I1 rule).
fn seed_score(problem: &Problem, visit: usize) -> f64 {
    let loc = problem.visits[visit].location;
    problem
        .vehicles
        .iter()
        .map(|k| problem.distance(k.start, loc))
        .fold(f64::INFINITY, f64::min)
}

/// Cheapest feasible position of `visit` in `route`, if any.
pub(super) fn cheapest(
    problem: &Problem,
    arcs: &ArcCost,
    route: &RouteState,
    visit: usize,
) -> Option<Candidate> {
    if !problem.compatible(route.vehicle, visit)
        || problem.visits[visit]
            .vehicle_lock
            .is_some_and(|k| k != route.vehicle)
        || route.load + problem.visits[visit].demand > problem.vehicles[route.vehicle].capacity
    {
        return None;
    }
    let mut candidates: Vec<Candidate> = (0..=route.visits.len())
        .filter_map(|p| {
            route
                .insertion_delta(problem, arcs, visit, p)
                .map(|cost| Candidate { cost, position: p })
        })
        .collect();
    if !RouteState::needs_exact_check(problem, route.vehicle) {
        return candidates
            .into_iter()
            .min_by(|a, b| a.cost.total_cmp(&b.cost));
    }
    // The O(1) test ignores the break and the working-time cap: confirm
    // the cheapest positions by simulation, cheapest first.
    candidates.sort_by(|a, b| a.cost.total_cmp(&b.cost));
    candidates
        .into_iter()
        .find(|c| route.exact_insertion_ok(problem, visit, c.position))
}

/// Opens a route on the cheapest free vehicle that can serve `seed` alone.
pub(super) fn open_route(
    problem: &Problem,
    arcs: &ArcCost,
    vehicle_open: &mut [bool],
    seed: usize,
) -> Option<RouteState> {
    // The seed's vehicle is chosen on distance alone, whatever the objective.
    let distance = ArcCost::new(&Objective::default());
    let lock = problem.visits[seed].vehicle_lock;
    let mut chosen: Option<(f64, RouteState)> = None;
    let mut seen_classes: Vec<VehicleClass> = Vec::new();
    for (k, vehicle) in problem.vehicles.iter().enumerate() {
        if vehicle_open[k] || lock.is_some_and(|l| l != k) || !problem.compatible(k, seed) {
            continue;
        }
        // Identical vehicles (benchmark fleets) need only one try.
        let class = VehicleClass::of(problem, k);
        if vehicle.skills.is_empty() && seen_classes.contains(&class) {
            continue;
        }
        seen_classes.push(class);
        let empty = RouteState::new(problem, arcs, k, Vec::new());
        let alone_feasible = || simulate(problem, k, [seed]).is_some();
        let fits = problem.visits[seed].demand <= vehicle.capacity;
        if let Some(cost) = empty
            .insertion_delta(problem, &distance, seed, 0)
            .filter(|_| fits && alone_feasible())
        {
            let cost = cost + vehicle.fixed_cost;
            if chosen.as_ref().is_none_or(|(c, _)| cost < *c) {
                chosen = Some((cost, empty));
            }
        }
    }
    let (_, mut route) = chosen?;
    vehicle_open[route.vehicle] = true;
    route.insert(problem, arcs, seed, 0);
    Some(route)
}

/// The built routes as a solution (the left-out visits in order), each
/// route's break placed by a full simulation: every route was confirmed by
/// one, so a break position exists whenever the vehicle has a break.
pub(super) fn into_solution(
    problem: &Problem,
    routes: Vec<RouteState>,
    mut unassigned: Vec<usize>,
) -> Solution {
    unassigned.sort_unstable();
    Solution {
        routes: routes
            .into_iter()
            .map(|r| Route {
                break_position: simulate(problem, r.vehicle, r.visits.iter().copied())
                    .and_then(|s| s.break_position),
                vehicle: r.vehicle,
                visits: r.visits,
            })
            .collect(),
        unassigned,
    }
}
