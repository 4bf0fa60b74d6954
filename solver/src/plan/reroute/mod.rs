//! Dispatcher re-routing (`mode: "reroute"`): a new plan for the rest of
//! the day that respects what has happened and changes the published plan
//! as little as needed.
//!
//! - `plan/situation.rs` reads the re-plan from the request (now, freeze
//!   horizon, disruption weights, the published plan, locks, where drivers
//!   are);
//! - `rules` turns it into model fields: drivers restart where they are,
//!   visits in progress and frozen stops form a fixed route head
//!   (`must_be_first` with `sequence_lock` ranks), `locked` visits keep
//!   driver and order (`vehicle_lock` + `sequence_lock`), `keepDriver`
//!   ones their driver, and every published visit carries its published
//!   vehicle with the driver-change cost (`Visit::reassignment`), which
//!   every O(1) evaluation of the search includes;
//! - [`mod@warm_start`] repairs the published plan into the search's start;
//! - [`changes`] compares a plan with the published one (driver, order,
//!   ETA), for the result and for the final choice.
//!
//! Sequence and ETA changes are not in the search's O(1) evaluations (an
//! order change is not a local property of a route): the warm start keeps
//! the published order, the search departs from it only for travel or
//! served visits, `order` puts the published order back in each route
//! where the travel saved does not pay for the order and ETA changes, and
//! the final plan is the better, once they are costed, of that and the
//! repaired published plan ([`solve`]).

pub mod changes;
mod order;
mod rules;
mod warm_start;

pub use super::situation::{is_reroute, LockLevel, Replan, Weights};
pub use changes::{compare, Comparison};
pub use order::Score;
pub use rules::{Restart, VisitRule};
pub use warm_start::warm_start;

use super::request::PlanRequest;
use super::translation::Translation;
use crate::construction::regret_insertion;
use crate::search;
use crate::solution::Solution;
use crate::solve::{Progress, SolveParams, Stop};
use order::restore_published_order;

/// Re-plans `translation` (of a re-route `request`): warm start (or
/// construction when `warmStart` is false), search until `stop`, put the
/// published order back where that scores better, then the better of the
/// search's best and the start once every disruption is costed.
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
        distance: crate::solution::total_distance(problem, &start),
        best: start.clone(),
    });
    let mut best = search::improve(problem, params, stop, &start, progress);
    restore_published_order(
        request,
        translation,
        replan,
        &params.objective,
        &mut best,
        |v, k| {
            let i = translation.request_index[v];
            (replan.published_driver[i] == Some(k)).then_some(replan.published_rank[i])
        },
    );
    let score = |s: &Solution| Score::of(request, translation, replan, &params.objective, s);
    if score(&start).better_than(&score(&best)) {
        start
    } else {
        best
    }
}
