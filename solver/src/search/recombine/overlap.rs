//! Turns the routes the covering MILP picked into a search state: one
//! vehicle per route, and every visit covered more than once kept in one
//! route only.
//!
//! A doubly covered visit stays in the route where it is cheapest to serve
//! (where taking it out would save the least) and leaves the others. Leaving a route never makes the route
//! dearer when travel obeys the triangle inequality (the DIMACS truncation
//! may break it by a rounding step, which the caller's final comparison
//! absorbs), and never breaks a time window, since every later arrival
//! only gets earlier. Field rules are not so kind (a route that loses its
//! visit in progress, a break that no longer fits its window), so every
//! route is re-verified: [`SearchState::from_solution`] takes visits off a
//! route that breaks a rule, and the caller re-inserts them.

use super::pool::RoutePool;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;
use crate::search::state::SearchState;
use crate::solution::{Route, Solution};

/// Builds the state serving the pool routes `chosen`, with overlaps
/// removed; visits no chosen route serves are unassigned.
pub fn assemble(
    problem: &Problem,
    arcs: &ArcCost,
    pool: &RoutePool,
    chosen: &[usize],
) -> SearchState {
    let mut routes = place_on_vehicles(problem, arcs, pool, chosen);
    let mut covers: Vec<Vec<usize>> = vec![Vec::new(); problem.n_visits()];
    for (r, route) in routes.iter().enumerate() {
        for &v in &route.visits {
            covers[v].push(r);
        }
    }
    for (visit, holders) in covers.iter().enumerate() {
        if holders.len() < 2 {
            continue;
        }
        let saving = |r: usize| removal_saving(problem, arcs, &routes[r], visit);
        let keep = holders
            .iter()
            .copied()
            .map(|r| (r, saving(r)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(r, _)| r);
        for &r in holders {
            if Some(r) != keep {
                routes[r].visits.retain(|&v| v != visit);
                routes[r].refresh(problem, arcs);
            }
        }
    }
    let mut served = vec![false; problem.n_visits()];
    for route in &routes {
        for &v in &route.visits {
            served[v] = true;
        }
    }
    let solution = Solution {
        routes: routes
            .iter()
            .filter(|r| !r.visits.is_empty())
            .map(|r| Route {
                vehicle: r.vehicle,
                visits: r.visits.clone(),
                // The state built from it schedules its own breaks.
                break_position: None,
            })
            .collect(),
        unassigned: (0..problem.n_visits()).filter(|&v| !served[v]).collect(),
    };
    SearchState::from_solution(problem, arcs, &solution)
}

/// Puts each chosen route on a distinct vehicle of its class, preferring
/// the vehicle it was seen on. The MILP's class caps guarantee a free one.
fn place_on_vehicles(
    problem: &Problem,
    arcs: &ArcCost,
    pool: &RoutePool,
    chosen: &[usize],
) -> Vec<RouteState> {
    let routes = pool.routes();
    let mut used = vec![false; problem.vehicles.len()];
    let mut vehicle_of: Vec<Option<usize>> = vec![None; chosen.len()];
    for (i, &c) in chosen.iter().enumerate() {
        let k = routes[c].vehicle;
        if !used[k] {
            used[k] = true;
            vehicle_of[i] = Some(k);
        }
    }
    for (i, &c) in chosen.iter().enumerate() {
        if vehicle_of[i].is_none() {
            let class = routes[c].class;
            let free = (0..problem.vehicles.len()).find(|&k| !used[k] && pool.class_of(k) == class);
            if let Some(k) = free {
                used[k] = true;
                vehicle_of[i] = Some(k);
            }
        }
    }
    chosen
        .iter()
        .zip(vehicle_of)
        .filter_map(|(&c, k)| {
            k.map(|k| RouteState::new(problem, arcs, k, routes[c].visits.clone()))
        })
        .collect()
}

/// Travel saved by taking `visit` out of `route`.
fn removal_saving(problem: &Problem, arcs: &ArcCost, route: &RouteState, visit: usize) -> f64 {
    let visits: Vec<usize> = route
        .visits
        .iter()
        .copied()
        .filter(|&v| v != visit)
        .collect();
    route.travel - RouteState::new(problem, arcs, route.vehicle, visits).travel
}
