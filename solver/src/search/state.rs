//! The mutable solution the search works on: routes with cached bounds,
//! the unassigned pool, and a visit-to-route index.
//!
//! Unserved visits that no vehicle could serve even on an otherwise empty
//! day (no eligible driver, a window nobody reaches) are set aside once,
//! when a state is loaded: they still count in the cost, but recreate
//! never tries them again. On field days they can be a third of the pool,
//! and trying them crowded out the visits that lacked only room.

use std::sync::Arc;

use crate::model::{ArcCost, Cost, Objective, Problem, VehicleClass};
use crate::route::RouteState;
use crate::solution::{Route, Solution};

/// Search-side solution.
#[derive(Debug, Clone)]
pub struct SearchState {
    /// Non-empty routes (emptied routes are dropped and free their
    /// vehicle). Shared between clones until one of them changes a route:
    /// a search step copies the state but changes only a few routes, and
    /// copying all of a 200-route day each step took a tenth of the time.
    pub routes: Vec<Arc<RouteState>>,
    /// Visits served by no route that could fit somewhere.
    pub unassigned: Vec<usize>,
    /// Visits no vehicle can serve even alone; never retried.
    pub unservable: Vec<usize>,
    /// Whether each vehicle has a route.
    pub vehicle_used: Vec<bool>,
}

impl SearchState {
    /// Loads a [`Solution`], repairing routes that break a rule (a warm
    /// start from an outdated plan, or a construction that ignored a rule):
    /// visits are taken off the route's end until it is feasible, and go to
    /// the unassigned pool for the search to re-insert.
    pub fn from_solution(problem: &Problem, arcs: &ArcCost, solution: &Solution) -> Self {
        let mut vehicle_used = vec![false; problem.vehicles.len()];
        let mut unassigned = solution.unassigned.clone();
        let mut routes = Vec::new();
        for r in solution.routes.iter().filter(|r| !r.visits.is_empty()) {
            if vehicle_used[r.vehicle] {
                unassigned.extend_from_slice(&r.visits);
                continue;
            }
            let mut route = RouteState::new(problem, arcs, r.vehicle, r.visits.clone());
            while !route.visits.is_empty() && !route.is_feasible(problem) {
                if let Some(v) = route.visits.pop() {
                    unassigned.push(v);
                }
                route.refresh(problem, arcs);
            }
            if !route.visits.is_empty() {
                vehicle_used[r.vehicle] = true;
                routes.push(Arc::new(route));
            }
        }
        let (unassigned, unservable) = unassigned
            .into_iter()
            .partition(|&v| fits_alone_anywhere(problem, arcs, v));
        Self {
            routes,
            unassigned,
            unservable,
            vehicle_used,
        }
    }

    /// The public solution, breaks placed.
    pub fn to_solution(&self, problem: &Problem) -> Solution {
        let mut unassigned = self.unassigned.clone();
        unassigned.extend_from_slice(&self.unservable);
        unassigned.sort_unstable();
        Solution {
            routes: self
                .routes
                .iter()
                .map(|r| Route {
                    vehicle: r.vehicle,
                    visits: r.visits.clone(),
                    break_position: r.break_position(problem),
                })
                .collect(),
            unassigned,
        }
    }

    /// The lexicographic cost, recomputed from the routes' cached travel.
    pub fn cost(&self, problem: &Problem, arcs: &ArcCost, objective: &Objective) -> Cost {
        let mut cost = Cost::zero(objective);
        for &v in self.unassigned.iter().chain(&self.unservable) {
            cost.unserved[usize::from(problem.visits[v].priority.clamp(1, 10)) - 1] += 1;
        }
        for r in &self.routes {
            cost.vehicles += 1;
            cost.travel += r.travel + arcs.vehicle(problem, r.vehicle);
        }
        cost
    }

    /// Route `r` for changing, copied first if another state shares it.
    pub fn route_mut(&mut self, r: usize) -> &mut RouteState {
        Arc::make_mut(&mut self.routes[r])
    }

    /// Adds a route.
    pub fn push_route(&mut self, route: RouteState) {
        self.routes.push(Arc::new(route));
    }

    /// Number of served visits.
    pub fn served(&self) -> usize {
        self.routes.iter().map(|r| r.visits.len()).sum()
    }

    /// Index of the route serving each visit (`usize::MAX` when unassigned).
    pub fn route_index(&self, n_visits: usize) -> Vec<usize> {
        let mut of = vec![usize::MAX; n_visits];
        for (r, route) in self.routes.iter().enumerate() {
            for &v in &route.visits {
                of[v] = r;
            }
        }
        of
    }

    /// Drops emptied routes and frees their vehicles.
    pub fn drop_empty_routes(&mut self) {
        let used = &mut self.vehicle_used;
        self.routes.retain(|r| {
            if r.visits.is_empty() {
                used[r.vehicle] = false;
                false
            } else {
                true
            }
        });
    }
}

/// Whether some vehicle could serve `v` on a day of its own. Vehicles that
/// differ only by name are tried once.
fn fits_alone_anywhere(problem: &Problem, arcs: &ArcCost, v: usize) -> bool {
    let mut tried: Vec<VehicleClass> = Vec::new();
    (0..problem.vehicles.len()).any(|k| {
        if !problem.may_serve(k, v) {
            return false;
        }
        let class = VehicleClass::of(problem, k);
        if tried.contains(&class) {
            return false;
        }
        tried.push(class);
        RouteState::alone_delta(problem, arcs, k, v).is_some()
    })
}
