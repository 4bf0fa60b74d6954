//! Local-search moves, one operator per file, all described the same way:
//! each changed route becomes a concatenation of pieces of current routes
//! ([`Piece`]), so a move's cost change is computed in O(number of pieces)
//! from cached prefix travel, whatever the operator (PyVRP's "proposal"
//! idea). Only moves that improve are then materialised and checked
//! exactly, so the rare check may cost O(route) without slowing the scan.
//! With soft limits a proposal's lateness and overtime cost is added
//! ([`proposal_soft_cost`]): O(pieces) plus the visits the schedule's
//! shift reaches before waiting absorbs it.

pub mod quick;
pub mod relocate;
pub mod swap;
pub mod swap_star;
pub mod time_filter;
pub mod two_opt;
pub mod two_opt_star;

use smallvec::SmallVec;

use super::state::SearchState;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;

/// Visits `start..end` of route `route`, possibly reversed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Piece {
    /// Index of the source route in the state.
    pub route: usize,
    /// First visit index.
    pub start: usize,
    /// One past the last visit index.
    pub end: usize,
    /// Whether the piece is traversed backwards.
    pub reversed: bool,
}

impl Piece {
    /// A forward piece.
    pub fn forward(route: usize, start: usize, end: usize) -> Self {
        Self {
            route,
            start,
            end,
            reversed: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// The pieces of a proposal: at most four for every operator, kept inline
/// because the local search builds millions of them and the allocations
/// were a sixth of its time.
pub type Pieces = SmallVec<[Piece; 4]>;

/// A changed route: route `target`'s vehicle drives the pieces in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Route whose vehicle drives it (and whose slot it replaces).
    pub target: usize,
    /// The pieces, in driving order.
    pub pieces: Pieces,
}

/// The one or two changed routes of a move, inline.
pub type Proposals = SmallVec<[Proposal; 2]>;

/// A move: one or two changed routes and the travel change.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    /// The changed routes.
    pub proposals: Proposals,
    /// New travel minus old travel (vehicle fixed costs included when a
    /// route empties).
    pub delta: f64,
}

/// Weighted travel of a proposal plus the assignment costs of its visits
/// on the target's vehicle, in O(pieces) (O(length) for reversed pieces on
/// an asymmetric matrix, and for pieces of routes holding visits published
/// on another vehicle).
pub fn proposal_travel(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    proposal: &Proposal,
) -> f64 {
    let route = &state.routes[proposal.target];
    let vehicle = &problem.vehicles[route.vehicle];
    let mut at = vehicle.start;
    let mut travel = 0.0;
    let mut any = false;
    for piece in proposal.pieces.iter().filter(|p| !p.is_empty()) {
        let source = &state.routes[piece.route];
        // The source route's cached locations: reading each visit's
        // record instead was a cache miss per piece end.
        let (first, last) = if piece.reversed {
            (piece.end - 1, piece.start)
        } else {
            (piece.start, piece.end - 1)
        };
        travel += arcs.arc(problem, at, source.visit_location(first));
        travel += if piece.reversed && !problem.travel.is_symmetric() {
            let visits = &source.visits[piece.start..piece.end];
            visits
                .windows(2)
                .map(|w| {
                    arcs.arc(
                        problem,
                        problem.visits[w[1]].location,
                        problem.visits[w[0]].location,
                    )
                })
                .sum()
        } else {
            source.inner_travel(piece.start, piece.end)
        };
        travel += source.piece_assignment(problem, route.vehicle, piece.start, piece.end);
        at = source.visit_location(last);
        any = true;
    }
    if !any {
        return 0.0;
    }
    if let Some(end) = vehicle.end {
        travel += arcs.arc(problem, at, end);
    }
    travel
}

/// Lateness plus overtime cost of a proposal's earliest schedule (the
/// schedule [`RouteState`] caches), or infinity when a visit cannot be
/// reached in time. The target's own head comes from its cache; a tail
/// that ends where the target's route ends is followed only until it
/// departs a visit when its own route did, after which that route's
/// cached costs hold.
pub fn proposal_soft_cost(problem: &Problem, state: &SearchState, proposal: &Proposal) -> f64 {
    let target = &state.routes[proposal.target];
    let vehicle = &problem.vehicles[target.vehicle];
    let mut at = vehicle.start;
    let mut time = vehicle.shift.earliest;
    let mut cost = 0.0;
    let pieces: Pieces = proposal
        .pieces
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect();
    let Some(last_piece) = pieces.len().checked_sub(1) else {
        return 0.0;
    };
    for (k, piece) in pieces.iter().enumerate() {
        let source = &state.routes[piece.route];
        if k == 0 && piece.route == proposal.target && piece.start == 0 && !piece.reversed {
            time = source.departure(piece.end);
            cost = source.prefix_soft(piece.end);
            at = source.visit_location(piece.end - 1);
            continue;
        }
        let same_end = k == last_piece
            && !piece.reversed
            && piece.end == source.visits.len()
            && problem.vehicles[source.vehicle].end == vehicle.end;
        let visits = &source.visits[piece.start..piece.end];
        let n = visits.len();
        for i in 0..n {
            let (index, v) = if piece.reversed {
                (piece.end - 1 - i, visits[n - 1 - i])
            } else {
                (piece.start + i, visits[i])
            };
            let visit = &problem.visits[v];
            let base = problem.duration(at, visit.location);
            let Some(service) = visit.serve(time + problem.leg_time(time, base)) else {
                return f64::INFINITY;
            };
            cost += visit.lateness_cost(service.late);
            time = service.start + visit.service;
            at = visit.location;
            if same_end && (time - source.departure(index + 1)).abs() <= 1e-9 {
                // Waiting absorbed the shift: the rest runs as cached.
                let m = source.visits.len();
                let end = source.departure(m + 1);
                return cost + source.prefix_soft(m) - source.prefix_soft(index + 1)
                    + vehicle.overtime_cost(end);
            }
        }
    }
    let end = vehicle.end.unwrap_or(at);
    cost + vehicle.overtime_cost(time + problem.leg_time(time, problem.duration(at, end)))
}

/// Travel change of replacing the target routes by the proposals; an
/// emptied route also saves its vehicle's fixed cost.
pub fn delta(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    proposals: &[Proposal],
) -> f64 {
    proposals
        .iter()
        .map(|p| {
            let old = &state.routes[p.target];
            let mut new = proposal_travel(problem, arcs, state, p);
            if problem.has_soft_costs() {
                new += proposal_soft_cost(problem, state, p);
            }
            let emptied = p.pieces.iter().all(Piece::is_empty);
            new - old.travel
                - if emptied {
                    arcs.vehicle(problem, old.vehicle)
                } else {
                    0.0
                }
        })
        .sum()
}

/// The visit list a proposal describes.
pub fn materialise(state: &SearchState, proposal: &Proposal) -> Vec<usize> {
    let mut visits = Vec::new();
    for piece in &proposal.pieces {
        let slice = &state.routes[piece.route].visits[piece.start..piece.end.max(piece.start)];
        if piece.reversed {
            visits.extend(slice.iter().rev());
        } else {
            visits.extend_from_slice(slice);
        }
    }
    visits
}

/// Materialises and checks every proposal; returns the new routes when all
/// of them keep every rule. With soft limits the move must also still
/// improve on the routes' exact costs: the proposal walk leaves a
/// vehicle's break out of the schedule, so its lateness is an estimate
/// there.
pub fn verify(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    mv: &Move,
) -> Option<Vec<(usize, RouteState)>> {
    let routes: Vec<(usize, RouteState)> = mv
        .proposals
        .iter()
        .map(|p| {
            let vehicle = state.routes[p.target].vehicle;
            let route = RouteState::new(problem, arcs, vehicle, materialise(state, p));
            route.is_feasible(problem).then_some((p.target, route))
        })
        .collect::<Option<_>>()?;
    if problem.has_soft_costs() && exact_delta(problem, arcs, state, &routes) >= -1e-7 {
        return None;
    }
    Some(routes)
}

/// The cost change of replacing target routes by `routes`, from the new
/// routes' own (exact) costs.
fn exact_delta(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    routes: &[(usize, RouteState)],
) -> f64 {
    routes
        .iter()
        .map(|(target, route)| {
            let old = &state.routes[*target];
            let emptied = if route.visits.is_empty() {
                arcs.vehicle(problem, old.vehicle)
            } else {
                0.0
            };
            route.travel - old.travel - emptied
        })
        .sum()
}

/// Applies verified routes; emptied routes are dropped by the caller.
pub fn apply(state: &mut SearchState, routes: Vec<(usize, RouteState)>) {
    for (target, route) in routes {
        state.routes[target] = std::sync::Arc::new(route);
    }
}

/// Where a visit is: route index and position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Route index.
    pub route: usize,
    /// Index in the route's visits.
    pub index: usize,
}

#[cfg(test)]
mod tests;
