//! Exact cost changes of relocate and swap read straight from the routes'
//! caches, without building the move's proposals.
//!
//! The local search prices every operator on every neighbour pair, and
//! nearly all of them do not improve: building their proposals and
//! walking the pieces ([`super::delta`]) read each route's start and end
//! arcs and copied the pieces around for nothing. These functions read
//! only the arcs a move adds (two or three table cells) and take the arcs
//! it removes from the routes' cache; the search builds proposals only for
//! the moves they price as improving. They return `None` for the cases
//! they leave to the general path: degenerate moves, a move that empties
//! a route (its vehicle's fixed cost), a reversed chain on an asymmetric
//! table.
//!
//! With soft limits a move's lateness and overtime cost depends on the
//! schedule, which only [`super::delta`] follows. The price here is then a
//! lower bound: the travel change minus the lateness and overtime the
//! changed routes pay now (no move can save more than that). The search
//! uses these prices only to skip moves that cannot improve, so the bound
//! keeps it exact, and on the many routes that pay no lateness it is
//! tight.

use super::Position;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;
use crate::search::state::SearchState;

/// Weighted cost of driving from location `from` to node `node` of
/// `route` (0 to the end of an open route, which is not driven).
#[inline]
fn arc_to_node(
    problem: &Problem,
    arcs: &ArcCost,
    route: &RouteState,
    from: usize,
    node: usize,
) -> f64 {
    if node == route.visits.len() + 1 && problem.vehicles[route.vehicle].end.is_none() {
        0.0
    } else {
        arcs.arc(problem, from, route.node_location(node))
    }
}

/// A chain of visits a relocate moves: `len` visits from `start`, put
/// down reversed or not.
#[derive(Debug, Clone, Copy)]
pub struct Chain {
    /// Position of the chain's first visit in its route.
    pub start: Position,
    /// Number of visits.
    pub len: usize,
    /// Whether the chain is put down in reverse order.
    pub reversed: bool,
}

/// Cost change of moving `chain` to
/// just after node `after` of route `target` (node 0 is the start, node
/// `i + 1` the visit at index `i`): the move of
/// [`super::relocate::proposals`] and [`super::relocate::to_front`].
pub fn relocate_delta(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    chain: Chain,
    target: usize,
    after: usize,
) -> Option<f64> {
    let Chain {
        start: u,
        len,
        reversed,
    } = chain;
    let a = &state.routes[u.route];
    let m = a.visits.len();
    let (i, end) = (u.index, u.index + len);
    if end > m || (reversed && !problem.travel.is_symmetric()) {
        return None;
    }
    // Chain nodes are i + 1 ..= end.
    let (first, last) = if reversed {
        (a.visit_location(end - 1), a.visit_location(i))
    } else {
        (a.visit_location(i), a.visit_location(end - 1))
    };
    let removed_links = a.next_arc(i) + a.next_arc(end);
    if target != u.route {
        if len == m {
            return None;
        }
        let b = &state.routes[target];
        if after > b.visits.len() {
            return None;
        }
        let closed = arc_to_node(problem, arcs, a, a.node_location(i), end + 1);
        let opened = arcs.arc(problem, b.node_location(after), first)
            + arc_to_node(problem, arcs, b, last, after + 1)
            - b.next_arc(after);
        let assignment = a.piece_assignment(problem, b.vehicle, i, end)
            - a.piece_assignment(problem, a.vehicle, i, end);
        let soft = a.soft_cost + b.soft_cost;
        return Some(closed - removed_links + opened + assignment - soft);
    }
    // Same route: the target node must lie outside the chain and not just
    // before it.
    if (i..=end).contains(&after) {
        return None;
    }
    let closed = arc_to_node(problem, arcs, a, a.node_location(i), end + 1);
    let opened = arcs.arc(problem, a.node_location(after), first)
        + arc_to_node(problem, arcs, a, last, after + 1)
        - a.next_arc(after);
    Some(closed - removed_links + opened - a.soft_cost)
}

/// Cost change of exchanging the `len_u` visits from `u` with the `len_v`
/// visits from `v` in another route: the move of
/// [`super::swap::proposals`].
pub fn swap_delta(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    u: Position,
    v: Position,
    len_u: usize,
    len_v: usize,
) -> Option<f64> {
    if u.route == v.route {
        return None;
    }
    let (a, b) = (&state.routes[u.route], &state.routes[v.route]);
    let (i, i_end) = (u.index, u.index + len_u);
    let (j, j_end) = (v.index, v.index + len_v);
    if i_end > a.visits.len() || j_end > b.visits.len() {
        return None;
    }
    // Each chain's inner arcs move with it: only the four links change.
    let into_a = arcs.arc(problem, a.node_location(i), b.visit_location(j))
        + arc_to_node(problem, arcs, a, b.visit_location(j_end - 1), i_end + 1)
        - a.next_arc(i)
        - a.next_arc(i_end);
    let into_b = arcs.arc(problem, b.node_location(j), a.visit_location(i))
        + arc_to_node(problem, arcs, b, a.visit_location(i_end - 1), j_end + 1)
        - b.next_arc(j)
        - b.next_arc(j_end);
    let assignment = a.piece_assignment(problem, b.vehicle, i, i_end)
        - a.piece_assignment(problem, a.vehicle, i, i_end)
        + b.piece_assignment(problem, a.vehicle, j, j_end)
        - b.piece_assignment(problem, b.vehicle, j, j_end);
    Some(into_a + into_b + assignment - a.soft_cost - b.soft_cost)
}
