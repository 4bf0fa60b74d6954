//! Serving a left-out visit in place of less important ones.
//!
//! Priority is lexicographic: one more visit of priority p served is worth
//! any number of visits of lower priority left out. A search step cannot
//! find such a trade by itself: it rejects every step that leaves a visit
//! out, and on a full day the trade needs the less important visits out
//! before the important one fits. This repair makes the trade explicitly:
//! on a route that may serve the visit, only the visits of its priority or
//! higher (and the fixed head) stay, the visit goes in at its cheapest
//! place, and the others go back wherever they fit, most important first.

use super::placement::{apply, cheapest_place, with_reduced_route};
use super::state::SearchState;
use crate::model::{ArcCost, Cost, Objective, Problem};

/// The best state that serves `v` on some route in place of visits of
/// lower priority than `v`'s, or `None` when no route can take `v` even
/// beside its visits of `v`'s priority or higher alone. `v` must be left
/// out in `state` (not in its unassigned list).
pub fn serve_instead(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    v: usize,
) -> Option<SearchState> {
    let priority = problem.visits[v].priority;
    // Only the tiers and travel are compared (the objective's kind does
    // not matter: every candidate serves `v` and differs below its tier).
    let objective = Objective::default();
    let mut best: Option<(Cost, SearchState)> = None;
    for r in 0..state.routes.len() {
        let route = &state.routes[r];
        if !problem.may_serve(route.vehicle, v) {
            continue;
        }
        let (kept, mut evicted): (Vec<usize>, Vec<usize>) = route.visits.iter().partition(|&&w| {
            let visit = &problem.visits[w];
            visit.priority <= priority || visit.must_be_first
        });
        if evicted.is_empty() {
            continue;
        }
        let Some(mut trial) = with_reduced_route(problem, arcs, state, r, kept, v) else {
            continue;
        };
        evicted.sort_by_key(|&w| (problem.visits[w].priority, w));
        for w in evicted {
            match cheapest_place(problem, arcs, &trial, w) {
                Some((_, place)) => apply(problem, arcs, &mut trial, w, place),
                None => trial.unassigned.push(w),
            }
        }
        let cost = trial.cost(problem, arcs, &objective);
        if best.as_ref().is_none_or(|(c, _)| cost.better_than(c)) {
            best = Some((cost, trial));
        }
    }
    best.map(|(_, s)| s)
}
