//! Construction heuristics: a first feasible solution, fast.
//!
//! [`regret_insertion`] serves visits tier by tier in priority order, each
//! tier by regret-2 parallel insertion over the open routes, and opens a new
//! route (seeded with the hardest remaining visit) only when nothing fits;
//! drivers who start from a place of their own have their routes open from
//! the start when a used vehicle costs nothing.
//! Routes are the search's own [`RouteState`](crate::route::RouteState):
//! O(1) insertion checks from its cached bounds, and for drivers with a
//! break or a working-time cap a confirmation by the exact
//! [`simulate`](crate::route::simulate), which also places the break.
//! Days of more than [`LARGE_DAY`] visits weigh each visit against a few
//! nearby routes only ([`local_regret`]), which keeps the first plan of a
//! 10,000-visit day within a second or two.

mod local_regret;
mod regret;

pub use local_regret::local_regret_insertion;
pub use regret::whole_regret_insertion;

use crate::model::{Objective, Problem};
use crate::solution::Solution;

/// Above this many visits the construction weighs nearby routes only. At
/// and below it (every Solomon and Gehring-Homberger file) it weighs every
/// route, as it always did, so benchmark starts stay what they were.
pub const LARGE_DAY: usize = 1000;

/// Builds a first solution; visits that fit nowhere are left unassigned.
pub fn regret_insertion(problem: &Problem, objective: &Objective) -> Solution {
    if problem.n_visits() > LARGE_DAY {
        local_regret_insertion(problem, objective)
    } else {
        whole_regret_insertion(problem, objective)
    }
}

#[cfg(test)]
mod tests;
