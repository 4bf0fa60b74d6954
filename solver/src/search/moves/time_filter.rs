//! A fast necessary test of a proposal's time windows, shift and capacity,
//! run on every improving move before it is materialised.
//!
//! Most travel-improving moves break a time window; rejecting them here,
//! without building the new routes, is what keeps the scan cheap. The test
//! follows the proposal piece by piece on the cached bounds of
//! [`RouteState`](crate::route::RouteState) (forward earliest departures,
//! backward latest arrivals, as in Savelsbergh 1992): a prefix
//! of the target's own route starts from its cached earliest departure, a
//! suffix whose route ends like the target's is accepted by comparing the
//! arrival with its cached latest arrival, and anything in between (the
//! moved chain, at most three visits for relocate and swap) is walked visit
//! by visit. Relocate, swap, 2-opt* and SWAP* are therefore O(1) in the
//! route length; only a reversed or shifted middle stretch costs its length.
//!
//! It is a filter, not the authority: breaks, working-time limits,
//! eligibility and order rules are left to [`super::verify`], which also
//! re-checks every move the filter passes. Because those rules only add
//! constraints, a proposal this test rejects is infeasible.

use super::Proposal;
use crate::model::{Problem, Time, EPS};
use crate::search::state::SearchState;

/// Whether `proposal` can keep its windows, shift and capacity; `false`
/// means it certainly cannot.
pub fn may_be_feasible(problem: &Problem, state: &SearchState, proposal: &Proposal) -> bool {
    let target = &state.routes[proposal.target];
    let vehicle = &problem.vehicles[target.vehicle];
    let mut at = vehicle.start;
    let mut time: Time = vehicle.shift.earliest;
    let mut load: i64 = 0;
    // Checked on every improving move: walk the pieces without collecting.
    let mut pieces = proposal
        .pieces
        .iter()
        .filter(|p| !p.is_empty())
        .enumerate()
        .peekable();
    if pieces.peek().is_none() {
        return true;
    }
    while let Some((k, piece)) = pieces.next() {
        let source = &state.routes[piece.route];
        let last = pieces.peek().is_none();
        if k == 0 && piece.route == proposal.target && piece.start == 0 && !piece.reversed {
            // The target's own head: times are cached.
            time = source.departure(piece.end);
            load = source.load_between(0, piece.end);
            at = source.visit_location(piece.end - 1);
            continue;
        }
        let source_vehicle = &problem.vehicles[source.vehicle];
        if last
            && !piece.reversed
            && piece.end == source.visits.len()
            && source_vehicle.end == vehicle.end
            && source_vehicle.latest_end() == vehicle.latest_end()
        {
            // A tail that ends as the target's route ends: its latest
            // arrival bound holds for the target too.
            let first = source.visit_location(piece.start);
            let arrival = time + problem.leg_time(time, problem.duration(at, first));
            return arrival <= source.latest_arrival(piece.start + 1) + EPS
                && load + source.load_between(piece.start, piece.end) <= vehicle.capacity;
        }
        let visits = &source.visits[piece.start..piece.end];
        let mut walk = |v: usize| -> bool {
            let visit = &problem.visits[v];
            let arrival = time + problem.leg_time(time, problem.duration(at, visit.location));
            match visit.service_start(arrival) {
                Some(start) => {
                    time = start + visit.service;
                    at = visit.location;
                    load += visit.demand;
                    true
                }
                None => false,
            }
        };
        let walked = if piece.reversed {
            visits.iter().rev().all(|&v| walk(v))
        } else {
            visits.iter().all(|&v| walk(v))
        };
        if !walked {
            return false;
        }
    }
    let end = vehicle.end.unwrap_or(at);
    let back = time + problem.leg_time(time, problem.duration(at, end));
    load <= vehicle.capacity && back <= vehicle.latest_end() + EPS
}
