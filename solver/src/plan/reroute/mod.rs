//! Dispatcher re-routing (`mode: "reroute"`): a new plan for the rest of
//! the day that respects what has happened and changes the published plan
//! as little as needed.
//!
//! - [`situation`] reads the re-plan from the request (now, freeze horizon,
//!   disruption weights, the published plan, locks, where drivers are);
//! - [`rules`] turns it into model fields: drivers restart where they are,
//!   visits in progress and frozen stops form a fixed route head
//!   (`must_be_first` with `sequence_lock` ranks), `locked` visits keep
//!   driver and order (`vehicle_lock` + `sequence_lock`), `keepDriver`
//!   ones their driver, and every published visit carries its published
//!   vehicle with the driver-change cost (`Visit::reassignment`), which
//!   every O(1) evaluation of the search includes;
//! - [`warm_start`] repairs the published plan into the search's start;
//! - [`changes`] compares a plan with the published one (driver, order,
//!   ETA), for the result and for the final choice.
//!
//! Sequence and ETA changes are not in the search's O(1) evaluations (an
//! order change is not a local property of a route): the warm start keeps
//! the published order, the search departs from it only for travel or
//! served visits, and the final plan is the better, once order and ETA
//! changes are costed, of the search's best and the repaired published
//! plan ([`solve`]).

pub mod changes;
mod rules;
mod situation;
mod warm_start;

use std::cmp::Ordering;

pub use changes::{compare, Comparison};
pub use rules::{Restart, VisitRule};
pub use situation::{is_reroute, LockLevel, Replan, Weights};
pub use warm_start::warm_start;

use super::request::PlanRequest;
use super::translate::Translation;
use crate::checker::check;
use crate::construction::regret_insertion;
use crate::search;
use crate::solution::Solution;
use crate::solve::{Progress, SolveParams, Stop};

/// Re-plans `translation` (of a re-route `request`): warm start (or
/// construction when `warmStart` is false), search until `stop`, then the
/// least disruptive of the search's best and the start.
pub fn solve(
    request: &PlanRequest,
    translation: &Translation,
    replan: &Replan,
    params: &SolveParams,
    stop: &Stop,
    progress: &mut dyn FnMut(&Progress),
) -> Solution {
    let problem = &translation.problem;
    let start = if replan.warm_start {
        warm_start(problem, &params.objective, params.seed, |v| {
            replan.published_rank[translation.request_index[v]]
        })
    } else {
        regret_insertion(problem, &params.objective)
    };
    progress(&Progress {
        fraction: 0.0,
        vehicles: start.vehicles_used(),
        distance: crate::solve::total_distance(problem, &start),
        best: start.clone(),
    });
    let best = search::improve(problem, params, stop, &start, progress);
    let score = |s: &Solution| {
        let report = check(problem, s);
        let disruption =
            compare(request, translation, replan, s).order_and_eta_cost(&replan.weights);
        let travel = params.objective.travel_time_weight * report.travel_time
            + params.objective.distance_weight * report.distance
            + report.assignment_cost;
        (
            report.unserved_by_priority,
            travel + disruption,
            report.is_feasible(),
        )
    };
    let (a, b) = (score(&best), score(&start));
    let start_better = b.2
        && match b.0.cmp(&a.0) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => b.1 < a.1 - 1e-9,
        };
    if start_better {
        start
    } else {
        best
    }
}
