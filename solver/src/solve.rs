//! The solver's entry point: the pipeline from construction to search.

use crate::construction;
use crate::model::Problem;
use crate::search;
use crate::solution::Solution;

pub use crate::model::{Objective, ObjectiveKind};
pub use crate::params::{Progress, SolveParams, Stop};
pub use crate::solution::total_distance;

/// Solves `problem`: construction, then search until `stop`.
pub fn solve(problem: &Problem, params: &SolveParams, stop: &Stop) -> Solution {
    solve_with_progress(problem, params, stop, &mut |_| {})
}

/// Like [`solve`], calling `progress` whenever the best solution improves.
pub fn solve_with_progress(
    problem: &Problem,
    params: &SolveParams,
    stop: &Stop,
    progress: &mut dyn FnMut(&Progress),
) -> Solution {
    let start = crate::phase::timed("construction", || {
        construction::regret_insertion(problem, &params.objective)
    });
    progress(&Progress {
        fraction: 0.0,
        vehicles: start.vehicles_used(),
        distance: total_distance(problem, &start),
        best: start.clone(),
    });
    search::improve(problem, params, stop, &start, progress)
}
