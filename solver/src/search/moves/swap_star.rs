//! SWAP* (Vidal 2022, "Hybrid genetic search for the CVRP: open-source
//! implementation and SWAP* neighborhood"): exchange `u` (route A) and `v`
//! (route B), each re-inserted at its cheapest position in the other route
//! rather than in the other's place.
//!
//! Positions are chosen on travel cost alone by one scan of each route;
//! the caller computes the exact delta of the resulting proposals and
//! checks feasibility only when it improves.

use smallvec::smallvec;

use super::{Piece, Position, Proposal, Proposals};
use crate::model::{ArcCost, Problem};
use crate::search::state::SearchState;

/// The SWAP* proposals for `(u, v)` in different routes.
pub fn proposals(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    u: Position,
    v: Position,
) -> Option<Proposals> {
    let (a, b) = (u.route, v.route);
    if a == b {
        return None;
    }
    let u_visit = state.routes[a].visits[u.index];
    let v_visit = state.routes[b].visits[v.index];
    let into_a = cheapest_gap(problem, arcs, state, a, u.index, v_visit);
    let into_b = cheapest_gap(problem, arcs, state, b, v.index, u_visit);
    Some(smallvec![
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
    let m = route.visits.len();
    let loc = problem.visits[visit].location;
    let symmetric = problem.travel.is_symmetric();
    // Walk the nodes of the route without `skip` once, pricing the gap
    // after each. The arc between two nodes is the route's cached one
    // unless the skipped visit lay between them; on a symmetric table the
    // link from the visit to a node is also the link into the next gap,
    // so each node's travel is read once.
    let mut best = (f64::INFINITY, 0);
    let mut prev = 0;
    let mut into = arcs.arc(problem, route.node_location(0), loc);
    let mut gap = 0;
    for node in 1..=m + 1 {
        if node == skip + 1 {
            continue;
        }
        let next_is_driven_end = node == m + 1 && problem.vehicles[route.vehicle].end.is_some();
        let cost = if node <= m || next_is_driven_end {
            let next = route.node_location(node);
            let out = arcs.arc(problem, loc, next);
            let direct = if node == prev + 1 {
                route.next_arc(prev)
            } else {
                arcs.arc(problem, route.node_location(prev), next)
            };
            let cost = into + out - direct;
            into = if symmetric {
                out
            } else {
                arcs.arc(problem, next, loc)
            };
            cost
        } else {
            into
        };
        if cost < best.0 {
            best = (cost, gap);
        }
        prev = node;
        gap += 1;
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
        smallvec![
            Piece::forward(r, 0, at),
            insert,
            Piece::forward(r, at, skip),
            Piece::forward(r, skip + 1, len),
        ]
    } else {
        smallvec![
            Piece::forward(r, 0, skip),
            Piece::forward(r, skip + 1, at),
            insert,
            Piece::forward(r, at, len),
        ]
    };
    Proposal { target: r, pieces }
}
