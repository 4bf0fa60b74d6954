//! The re-plan's start: the published plan repaired to the new situation.
//!
//! Each vehicle's published visits (those whose `reassignment` names it)
//! are replayed in published order, the fixed head (in progress, frozen)
//! first by locked rank; a visit that would break a rule of the route as
//! it stands (a window the late driver can no longer reach, the shift's
//! end) is set aside rather than the whole tail being dropped. Closed and
//! skipped visits never reached the model. The set-aside visits, new
//! visits and visits of drivers no longer in the request are then inserted
//! greedily, most important first, at their cheapest feasible place
//! (driver-change cost included), or stay unassigned.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::{ArcCost, Problem};
use crate::route::RouteState;
use crate::search::neighbours::Neighbours;
use crate::search::recreate::{greedy_insert, RecreateParams};
use crate::search::SearchState;
use crate::solution::Solution;
use crate::solve::Objective;

/// Nearest visits considered when inserting the leftovers.
const NEIGHBOURS: usize = 40;

/// The published plan of `problem`, repaired, with every other visit
/// inserted where it fits; `rank` gives each visit's place in its
/// published day.
pub fn warm_start(
    problem: &Problem,
    objective: &Objective,
    seed: u64,
    rank: impl Fn(usize) -> u32,
) -> Solution {
    let arcs = ArcCost::new(objective);
    let m = problem.vehicles.len();
    let mut published: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut pool = Vec::new();
    for (v, visit) in problem.visits.iter().enumerate() {
        match visit.reassignment.map(|r| r.vehicle).or(visit.vehicle_lock) {
            Some(k) if k < m => published[k].push(v),
            _ => pool.push(v),
        }
    }
    let mut state = SearchState {
        routes: Vec::new(),
        unassigned: Vec::new(),
        unservable: Vec::new(),
        vehicle_used: vec![false; m],
    };
    for (k, mut visits) in published.into_iter().enumerate() {
        // The head first (in progress has locked rank 0), then the
        // published order.
        visits.sort_by_key(|&v| {
            let visit = &problem.visits[v];
            (
                !visit.must_be_first,
                visit.sequence_lock.unwrap_or_else(|| rank(v)),
            )
        });
        let mut route = RouteState::new(problem, &arcs, k, Vec::with_capacity(visits.len()));
        for v in visits {
            route.visits.push(v);
            route.refresh(problem, &arcs);
            if !route.is_feasible(problem) {
                route.visits.pop();
                route.refresh(problem, &arcs);
                pool.push(v);
            }
        }
        if !route.visits.is_empty() {
            state.vehicle_used[k] = true;
            state.push_route(route);
        }
    }
    let neighbours = Neighbours::new(problem, NEIGHBOURS);
    let params = RecreateParams {
        blink_rate: 0.0,
        max_routes: m,
        prefer_existing: false,
        left_out_first: false,
        rejects_short_steps: false,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    greedy_insert(
        problem,
        &arcs,
        &neighbours,
        &params,
        &mut state,
        pool,
        &mut rng,
    );
    state.to_solution(problem)
}
