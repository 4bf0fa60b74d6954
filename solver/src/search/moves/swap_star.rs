//! SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source
//! implementation and SWAP* neighborhood"): exchange `u` (route A) and `v`
//! (route B), each re-inserted at its cheapest position in the other route
//! rather than in the other's place.
//!
//! Positions are chosen on travel cost alone by one scan of each route;
//! the caller computes the exact delta of the resulting proposals and
//! checks feasibility only when it improves.

use super::{Piece, Position, Proposal};
use crate::model::Problem;
use crate::search::cost::ArcCost;
use crate::search::state::SearchState;

/// The SWAP* proposals for `(u, v)` in different routes.
pub fn proposals(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    u: Position,
    v: Position,
) -> Option<Vec<Proposal>> {
    let (a, b) = (u.route, v.route);
    if a == b {
        return None;
    }
    let u_visit = state.routes[a].visits[u.index];
    let v_visit = state.routes[b].visits[v.index];
    let into_a = cheapest_gap(problem, arcs, state, a, u.index, v_visit);
    let into_b = cheapest_gap(problem, arcs, state, b, v.index, u_visit);
    Some(vec![
        rebuilt(
            state,
            a,
            u.index,
            into_a,
            Piece::forward(b, v.index, v.index + 1),
        ),
        rebuilt(
            state,
            b,
            v.index,
            into_b,
            Piece::forward(a, u.index, u.index + 1),
        ),
    ])
}

/// Gap of route `r` without its visit at `skip` where `visit` is cheapest:
/// returned as the number of remaining visits before the gap.
fn cheapest_gap(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    r: usize,
    skip: usize,
    visit: usize,
) -> usize {
    let route = &state.routes[r];
    let vehicle = &problem.vehicles[route.vehicle];
    let remaining: Vec<usize> = route
        .visits
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != skip)
        .map(|(_, &w)| problem.visits[w].location)
        .collect();
    let loc = problem.visits[visit].location;
    let mut best = (f64::INFINITY, 0);
    for gap in 0..=remaining.len() {
        let prev = if gap == 0 {
            vehicle.start
        } else {
            remaining[gap - 1]
        };
        let next = if gap < remaining.len() {
            Some(remaining[gap])
        } else {
            vehicle.end
        };
        let cost = arcs.arc(problem, prev, loc)
            + next.map_or(0.0, |n| {
                arcs.arc(problem, loc, n) - arcs.arc(problem, prev, n)
            });
        if cost < best.0 {
            best = (cost, gap);
        }
    }
    best.1
}

/// Route `r` without its visit at `skip`, with `insert` placed after `gap`
/// of the remaining visits.
fn rebuilt(state: &SearchState, r: usize, skip: usize, gap: usize, insert: Piece) -> Proposal {
    let len = state.routes[r].visits.len();
    // Remaining visit index `gap` maps to route index `gap` before the
    // skipped visit and `gap + 1` after it.
    let at = if gap <= skip { gap } else { gap + 1 };
    let pieces = if at <= skip {
        vec![
            Piece::forward(r, 0, at),
            insert,
            Piece::forward(r, at, skip),
            Piece::forward(r, skip + 1, len),
        ]
    } else {
        vec![
            Piece::forward(r, 0, skip),
            Piece::forward(r, skip + 1, at),
            insert,
            Piece::forward(r, at, len),
        ]
    };
    Proposal { target: r, pieces }
}
