//! Route minimisation for the hierarchical objective (SISR's fleet
//! minimisation, Christiaens & Vanden Berghe 2020, section 5).
//!
//! Remove the shortest route, then run ruin-and-recreate with the fleet
//! capped one below the current count. Visits left out are tracked with
//! "absence" counters: a candidate is accepted when it leaves fewer visits
//! out, or visits that were absent less often (the hard ones get inserted
//! first over time). When the pool empties, the smaller fleet is the new
//! best and the next route is attacked.

use rand::Rng;

use super::context::SearchContext;
use super::recreate::{greedy_insert, RecreateParams};
use super::ruin::string_removal;
use super::state::SearchState;

/// Iterations without fewer visits left out before a target is abandoned.
const STALL_ITERATIONS: u64 = 20_000;

/// Tries to serve everything with fewer routes until `should_stop`.
/// Returns the best complete state (as given when nothing improved).
pub fn minimise_fleet(
    ctx: &SearchContext,
    start: SearchState,
    blink_rate: f64,
    rng: &mut impl Rng,
    should_stop: &mut dyn FnMut() -> bool,
    on_best: &mut dyn FnMut(&SearchState),
) -> SearchState {
    let problem = ctx.problem;
    let mut best = start;
    if !best.unassigned.is_empty() {
        return best;
    }
    let capacity = problem
        .vehicles
        .iter()
        .map(|k| k.capacity)
        .max()
        .unwrap_or(1)
        .max(1);
    let demand: i64 = problem.visits.iter().map(|v| v.demand).sum();
    let lower_bound = (demand as f64 / capacity as f64).ceil() as usize;
    let mut absence = vec![0u64; problem.n_visits()];
    'targets: while best.routes.len() > lower_bound.max(1) {
        let target = best.routes.len() - 1;
        let mut current = best.clone();
        let smallest = (0..current.routes.len())
            .min_by_key(|&r| (current.routes[r].visits.len(), r))
            .unwrap_or(0);
        let route = current.routes.swap_remove(smallest);
        current.vehicle_used[route.vehicle] = false;
        current.unassigned.extend_from_slice(&route.visits);
        let params = RecreateParams {
            blink_rate,
            max_routes: target,
            prefer_existing: true,
            left_out_first: false,
            rejects_short_steps: false,
        };
        let absence_sum = |s: &SearchState, absence: &[u64]| -> u64 {
            s.unassigned.iter().map(|&v| absence[v]).sum()
        };
        let mut iteration: u64 = 0;
        let mut fewest_left = current.unassigned.len();
        let mut last_progress: u64 = 0;
        loop {
            if iteration.is_multiple_of(16) && should_stop() {
                break 'targets;
            }
            // A target that has made no headway for long is most likely
            // below the optimum fleet: leave the time to the distance phase.
            if iteration - last_progress > STALL_ITERATIONS {
                break 'targets;
            }
            iteration += 1;
            let mut candidate = current.clone();
            let removed = string_removal(
                problem,
                &ctx.arcs,
                &ctx.neighbours,
                &ctx.ruin,
                &mut candidate,
                rng,
            );
            greedy_insert(
                problem,
                &ctx.arcs,
                &ctx.neighbours,
                &params,
                &mut candidate,
                removed,
                rng,
            );
            if candidate.unassigned.len() < current.unassigned.len()
                || absence_sum(&candidate, &absence) < absence_sum(&current, &absence)
            {
                current = candidate;
            }
            for &v in &current.unassigned {
                absence[v] += 1;
            }
            if current.unassigned.len() < fewest_left {
                fewest_left = current.unassigned.len();
                last_progress = iteration;
            }
            if current.unassigned.is_empty() {
                best = current;
                on_best(&best);
                continue 'targets;
            }
        }
    }
    best
}
