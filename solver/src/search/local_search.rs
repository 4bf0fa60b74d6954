//! The local-search loop: for each visit `u` in random order and each of
//! its nearest neighbours `v` (granular neighbourhood), try every operator
//! of [`super::moves`]; apply the first improving move that keeps every
//! rule, and repeat until no move improves.

use rand::seq::SliceRandom;
use rand::Rng;

use super::cost::ArcCost;
use super::moves::{self, relocate, swap, two_opt, two_opt_star, Position, Proposal};
use super::neighbours::Neighbours;
use super::state::SearchState;
use crate::model::Problem;

/// Improves `state` to a local optimum of the granular neighbourhood.
pub fn local_search(
    problem: &Problem,
    arcs: &ArcCost,
    neighbours: &Neighbours,
    granularity: usize,
    state: &mut SearchState,
    rng: &mut impl Rng,
) {
    let mut position = positions(problem, state);
    let mut order: Vec<usize> = (0..problem.n_visits())
        .filter(|&v| position[v].is_some())
        .collect();
    let mut improved = true;
    while improved {
        improved = false;
        order.shuffle(rng);
        for &u in &order {
            let Some(pu) = position[u] else { continue };
            let applied = neighbours
                .of(u)
                .take(granularity)
                .any(|v| position[v].is_some_and(|pv| try_pair(problem, arcs, state, pu, pv)));
            if applied {
                improved = true;
                position = positions(problem, state);
            }
        }
    }
    state.drop_empty_routes();
}

/// Tries every operator on `(u, v)`; applies the first improving, valid one.
fn try_pair(
    problem: &Problem,
    arcs: &ArcCost,
    state: &mut SearchState,
    u: Position,
    v: Position,
) -> bool {
    let route_len = |r: usize| state.routes[r].visits.len();
    let mut candidates: Vec<Vec<Proposal>> = Vec::with_capacity(16);
    for len in 1..=3 {
        for reversed in [false, true] {
            if reversed && len == 1 {
                continue;
            }
            candidates.extend(relocate::proposals(u, v, len, reversed, route_len));
            let before_v = if v.index == 0 {
                relocate::to_front(u, v.route, len, reversed, route_len)
            } else {
                relocate::proposals(
                    u,
                    Position {
                        route: v.route,
                        index: v.index - 1,
                    },
                    len,
                    reversed,
                    route_len,
                )
            };
            candidates.extend(before_v);
        }
    }
    for (a, b) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        candidates.extend(swap::proposals(u, v, a, b, route_len));
    }
    candidates.extend(two_opt_star::proposals(u, v, route_len));
    candidates.extend(two_opt::proposals(u, v, route_len));
    for proposals in candidates {
        let delta = moves::delta(problem, arcs, state, &proposals);
        if delta < -1e-7 {
            let mv = moves::Move { proposals, delta };
            if let Some(routes) = moves::verify(problem, arcs, state, &mv) {
                moves::apply(state, routes);
                return true;
            }
        }
    }
    false
}

/// Route and index of every served visit.
fn positions(problem: &Problem, state: &SearchState) -> Vec<Option<Position>> {
    let mut at = vec![None; problem.n_visits()];
    for (route, r) in state.routes.iter().enumerate() {
        for (index, &v) in r.visits.iter().enumerate() {
            at[v] = Some(Position { route, index });
        }
    }
    at
}
