//! Placing one visit into a search state at its cheapest feasible place:
//! a position in a route (checked against every rule, breaks and working
//! time included) or a new route on a free vehicle. The repairs that run
//! between search rounds ([`super::make_room`], [`super::evict`]) place
//! visits one at a time with it.

use std::sync::Arc;

use super::recreate::{cheapest_new_route, FreeVehicles};
use super::state::SearchState;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;

/// Where a visit goes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    Existing { route: usize, position: usize },
    NewRoute { vehicle: usize },
}

/// The cheapest feasible place of `v` in `state`: a position in a route,
/// or a new route on a free vehicle.
pub(super) fn cheapest_place(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    v: usize,
) -> Option<(f64, Place)> {
    let mut best: Option<(f64, Place)> = None;
    for (r, route) in state.routes.iter().enumerate() {
        if let Some((delta, position)) = cheapest_position(problem, arcs, route, v) {
            if best.is_none_or(|(c, _)| delta < c) {
                best = Some((delta, Place::Existing { route: r, position }));
            }
        }
    }
    let beat = best.as_ref().map_or(f64::INFINITY, |(c, _)| *c);
    if let Some((cost, vehicle)) =
        cheapest_new_route(problem, arcs, &FreeVehicles::of(problem, state), v, beat)
    {
        if best.is_none_or(|(c, _)| cost < c) {
            best = Some((cost, Place::NewRoute { vehicle }));
        }
    }
    best
}

/// The cheapest position of `v` in `route` that keeps every rule.
pub(super) fn cheapest_position(
    problem: &Problem,
    arcs: &ArcCost,
    route: &RouteState,
    v: usize,
) -> Option<(f64, usize)> {
    let vehicle = route.vehicle;
    if !problem.may_serve(vehicle, v)
        || route.load + problem.visits[v].demand > problem.vehicles[vehicle].capacity
    {
        return None;
    }
    let mut candidates: Vec<(f64, usize)> = (0..=route.visits.len())
        .filter_map(|p| route.insertion_delta(problem, arcs, v, p).map(|d| (d, p)))
        .collect();
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
    let exact = RouteState::needs_exact_check(problem, vehicle);
    candidates
        .into_iter()
        .find(|&(_, p)| !exact || route.exact_insertion_ok(problem, v, p))
}

pub(super) fn apply(
    problem: &Problem,
    arcs: &ArcCost,
    state: &mut SearchState,
    v: usize,
    place: Place,
) {
    match place {
        Place::Existing { route, position } => {
            state.route_mut(route).insert(problem, arcs, v, position);
        }
        Place::NewRoute { vehicle } => {
            state.vehicle_used[vehicle] = true;
            state.push_route(RouteState::new(problem, arcs, vehicle, vec![v]));
        }
    }
}

/// `state` with route `r` serving only `kept` (in that order) plus `v` at
/// its cheapest place among them, or `None` when `kept` alone breaks a
/// rule or `v` fits nowhere in it. The repairs try such reduced routes
/// before placing the visits they took out.
pub(super) fn with_reduced_route(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    r: usize,
    kept: Vec<usize>,
    v: usize,
) -> Option<SearchState> {
    let mut reduced = RouteState::new(problem, arcs, state.routes[r].vehicle, kept);
    if !reduced.is_feasible(problem) {
        return None;
    }
    let (_, position) = cheapest_position(problem, arcs, &reduced, v)?;
    reduced.insert(problem, arcs, v, position);
    let mut trial = state.clone();
    trial.routes[r] = Arc::new(reduced);
    Some(trial)
}
