//! The exact backend: optimal solutions of small instances, to certify the
//! heuristic and to serve `ordo solve --backend milp`.
//!
//! Two steps. [`routes`] enumerates, for every class of identical vehicles,
//! the cheapest feasible route over every subset of visits (a labelling
//! dynamic programme with dominance; its own route simulation, independent
//! of the search). [`set_partitioning`] then picks the best combination of
//! routes with a MILP through good_lp (HiGHS with the `highs` feature,
//! the pure-Rust microlp otherwise), solving the lexicographic objective
//! in stages: unserved visits tier by tier, then vehicles (hierarchical),
//! then travel.

pub mod routes;
pub mod set_partitioning;

use thiserror::Error;

use crate::model::{Objective, Problem};
use crate::params::Stop;
use crate::solution::Solution;

/// Largest instance the exact backend accepts.
pub const MAX_VISITS: usize = 20;
/// Labels the route enumeration may create before giving up.
pub const MAX_LABELS: usize = 4_000_000;

/// Why the exact backend could not answer.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum MilpError {
    /// Too many visits for exact solution.
    #[error("the exact backend handles at most {limit} visits; this instance has {visits} (use the heuristic backend)")]
    TooLarge {
        /// Visits in the instance.
        visits: usize,
        /// The limit.
        limit: usize,
    },
    /// The route enumeration grew past its budget.
    #[error("too many feasible partial routes (over {0}) to enumerate; use the heuristic backend")]
    TooManyRoutes(usize),
    /// The time limit ran out.
    #[error("the time limit ran out before the exact backend finished")]
    TimeLimit,
    /// The MILP solver failed.
    #[error("MILP solver: {0}")]
    Solver(String),
    /// Required visits cannot all be served.
    #[error("no solution serves every required visit")]
    Infeasible,
}

/// Solves `problem` to optimality under `objective`.
pub fn solve_exact(
    problem: &Problem,
    objective: &Objective,
    stop: &Stop,
) -> Result<Solution, MilpError> {
    if problem.n_visits() > MAX_VISITS {
        return Err(MilpError::TooLarge {
            visits: problem.n_visits(),
            limit: MAX_VISITS,
        });
    }
    let columns = routes::enumerate(problem, objective, stop)?;
    set_partitioning::select(problem, objective, &columns, stop)
}

#[cfg(test)]
mod tests;
