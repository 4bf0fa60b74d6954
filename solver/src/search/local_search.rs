//! The local-search loop: for each visit `u` in random order and each of
//! its nearest neighbours `v` (granular neighbourhood), try every operator
//! of [`super::moves`]; apply the first improving move that keeps every
//! rule, and repeat until no move improves.

use rand::seq::SliceRandom;
use rand::Rng;

use super::context::SearchContext;
use super::moves::{
    self, quick, relocate, swap, swap_star, time_filter, two_opt, two_opt_star, Position, Proposals,
};
use super::state::SearchState;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;

/// Neighbours tried per visit.
const GRANULARITY: usize = 20;

/// Improves `state` to a local optimum of the granular neighbourhood,
/// scanning the visits of the routes flagged in `dirty` (all routes when
/// `None`); routes changed by a move are flagged in turn, so untouched
/// parts of a large solution are not re-scanned.
pub fn local_search(
    ctx: &SearchContext,
    state: &mut SearchState,
    rng: &mut impl Rng,
    dirty: Option<&[bool]>,
) {
    let (problem, arcs, neighbours, stop) = (ctx.problem, &ctx.arcs, &ctx.neighbours, &ctx.stop);
    let mut position = positions(problem, state);
    let mut dirty: Vec<bool> = match dirty {
        Some(d) => d.to_vec(),
        None => vec![true; state.routes.len()],
    };
    dirty.resize(state.routes.len(), true);
    let mut improved = true;
    while improved {
        improved = false;
        let mut order: Vec<usize> = state
            .routes
            .iter()
            .zip(&dirty)
            .filter(|(_, &d)| d)
            .flat_map(|(route, _)| route.visits.iter().copied())
            .collect();
        dirty.iter_mut().for_each(|d| *d = false);
        order.shuffle(rng);
        for (step, &u) in order.iter().enumerate() {
            if step % 128 == 0 && stop.should_stop() {
                state.drop_empty_routes();
                return;
            }
            let Some(pu) = position[u] else { continue };
            let applied = neighbours
                .of(u)
                .take(GRANULARITY)
                .find_map(|v| position[v].and_then(|pv| try_pair(problem, arcs, state, pu, pv)));
            if let Some(changed) = applied {
                improved = true;
                position = positions(problem, state);
                for r in changed {
                    dirty[r] = true;
                }
            }
        }
    }
    state.drop_empty_routes();
}

/// A move improves when it saves more than this.
const IMPROVING: f64 = -1e-7;
/// Rounding allowance between a quick price and the general one: a move
/// quick-priced at or above `IMPROVING + QUICK_SLACK` cannot improve.
const QUICK_SLACK: f64 = 1e-6;

/// Tries every operator on `(u, v)`; applies the first improving, valid
/// one and returns the routes it changed.
fn try_pair(
    problem: &Problem,
    arcs: &ArcCost,
    state: &mut SearchState,
    u: Position,
    v: Position,
) -> Option<Vec<usize>> {
    let route_len = |r: usize| state.routes[r].visits.len();
    // The first improving move that keeps every rule wins; later
    // operators are not even generated once one is found. Relocate and
    // swap are priced from the routes' caches first, and only the rare
    // move so priced as improving is built.
    let mut found: Option<Vec<(usize, RouteState)>> = None;
    let mut consider = |quick: Option<f64>, make: &dyn Fn() -> Option<Proposals>| {
        if found.is_some() || quick.is_some_and(|d| d >= IMPROVING + QUICK_SLACK) {
            return;
        }
        let Some(proposals) = make() else { return };
        let delta = moves::delta(problem, arcs, state, &proposals);
        if delta < IMPROVING
            && proposals
                .iter()
                .all(|p| time_filter::may_be_feasible(problem, state, p))
        {
            found = moves::verify(problem, arcs, state, &moves::Move { proposals, delta });
        }
    };
    let relocate_to = |len: usize, reversed: bool, after: usize| {
        let chain = quick::Chain {
            start: u,
            len,
            reversed,
        };
        quick::relocate_delta(problem, arcs, state, chain, v.route, after)
    };
    for len in 1..=3 {
        for reversed in [false, true] {
            if reversed && len == 1 {
                continue;
            }
            consider(relocate_to(len, reversed, v.index + 1), &|| {
                relocate::proposals(u, v, len, reversed, route_len)
            });
            if v.index == 0 {
                let quick = if u.route == v.route {
                    None
                } else {
                    relocate_to(len, reversed, 0)
                };
                consider(quick, &|| {
                    relocate::to_front(u, v.route, len, reversed, route_len)
                });
            } else {
                let before_v = Position {
                    route: v.route,
                    index: v.index - 1,
                };
                consider(relocate_to(len, reversed, v.index), &|| {
                    relocate::proposals(u, before_v, len, reversed, route_len)
                });
            }
        }
    }
    for (a, b) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        consider(quick::swap_delta(problem, arcs, state, u, v, a, b), &|| {
            swap::proposals(u, v, a, b, route_len)
        });
    }
    consider(None, &|| two_opt_star::proposals(u, v, route_len));
    consider(None, &|| two_opt::proposals(u, v, route_len));
    consider(None, &|| swap_star::proposals(problem, arcs, state, u, v));
    let routes = found?;
    let changed = routes.iter().map(|(r, _)| *r).collect();
    moves::apply(state, routes);
    Some(changed)
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
