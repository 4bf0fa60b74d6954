//! Field-service planning: a day of visits (the visits API's records) and
//! drivers in, timed routes and explained unassigned visits out.
//!
//! [`plan`] validates and translates a [`PlanRequest`] into a
//! [`crate::model::Problem`], runs [`crate::solve::solve_with_progress`]
//! minimising travel time (then distance, lightly weighted) after serving
//! visits by priority, and builds the [`PlanResult`]. A re-route request
//! (`mode: "reroute"`) goes through [`reroute`] instead: warm start from
//! the published plan, minimal disruption, and the changes in the result.
//! The JSON format is documented in `docs/plan-format.md`.

mod clock;
mod error;
pub mod generate;
pub mod generate_reroute;
mod lenient;
mod reasons;
mod report;
mod request;
pub mod reroute;
mod result;
mod spatial_order;
mod translate;

pub use clock::PlanDate;
pub use error::PlanError;
pub use lenient::{BoolLike, IdLike, NumberLike};
pub use request::{
    BreakRequest, CurrentPosition, DisruptionRequest, DriverRequest, LatLng, PlanOptions,
    PlanRequest, TravelRequest, VisitRequest, WindowRequest,
};
pub use result::{
    BreakResult, ChangeKind, ChangeSummary, PlanResult, ReasonCode, RouteResult, StopResult,
    Summary, UnassignedVisit, VisitChange,
};
pub use translate::{translate, Eligibility, Translation};

use std::time::{Duration, Instant};

use crate::checker::{check, CheckReport};
use crate::solve::{solve_with_progress, Objective, ObjectiveKind, SolveParams, Stop};

/// Default search budget when the request does not set one.
const DEFAULT_TIME_LIMIT: f64 = 5.0;
/// Default weight of one metre against one second of travel: travel time
/// decides, distance only breaks ties.
const DEFAULT_DISTANCE_WEIGHT: f64 = 0.001;

/// A snapshot while planning.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProgress {
    /// Fraction of the time budget used, 0..=1.
    pub fraction: f64,
    /// Visits served by the best plan so far.
    pub served: usize,
    /// Visits (in the model) left out by it.
    pub unassigned: usize,
    /// Its total distance in metres.
    pub distance: f64,
    /// The best plan so far as a result, only from [`plan_with_snapshots`]
    /// and at most once per its interval (building it costs a simulation
    /// of every route, too much for every improvement).
    pub best: Option<PlanResult>,
}

impl PlanOptions {
    /// The requested search budget (validated by [`plan`]).
    pub fn time_limit(&self) -> Result<Duration, PlanError> {
        let seconds = match &self.time_limit_seconds {
            Some(t) => t
                .value()
                .map_err(|p| PlanError::field("options", "timeLimitSeconds", p))?,
            None => DEFAULT_TIME_LIMIT,
        };
        Duration::try_from_secs_f64(seconds).map_err(|_| {
            PlanError::field(
                "options",
                "timeLimitSeconds",
                format!("must be a non-negative number of seconds, got {seconds}"),
            )
        })
    }

    /// Solver parameters from the options, with the time limit bounded by
    /// `stop` (benchmarks drive the solve themselves with these).
    pub fn solve_params(&self, stop: &Stop) -> Result<SolveParams, PlanError> {
        let whole = |field: &str, value: &Option<NumberLike>, default: i64| {
            let v = match value {
                Some(v) => v
                    .integer()
                    .map_err(|p| PlanError::field("options", field, p))?,
                None => default,
            };
            if v < 0 {
                return Err(PlanError::field("options", field, "must be >= 0"));
            }
            Ok(v as u64)
        };
        let distance_weight = match &self.distance_weight {
            Some(w) => w
                .value()
                .ok()
                .filter(|w| *w >= 0.0)
                .ok_or_else(|| PlanError::field("options", "distanceWeight", "must be >= 0"))?,
            None => DEFAULT_DISTANCE_WEIGHT,
        };
        Ok(SolveParams {
            time_limit: self.time_limit()?.min(stop.remaining()),
            seed: match &self.seed {
                Some(seed) => seed
                    .whole_u64()
                    .map_err(|p| PlanError::field("options", "seed", p))?,
                None => 1,
            },
            objective: Objective {
                kind: ObjectiveKind::Distance,
                vehicle_cost: 0.0,
                distance_weight,
                travel_time_weight: 1.0,
            },
            threads: whole("threads", &self.threads, default_threads() as i64)?.max(1) as usize,
            iterations: match &self.iterations {
                Some(_) => Some(whole("iterations", &self.iterations, 0)?),
                None => None,
            },
            recombine: self.recombine.unwrap_or(true),
        })
    }
}

/// Threads of a plan that does not say: every core, up to 8 (a plan is
/// one user's whole job; on large days the search splits into regions,
/// one per thread).
fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Plans the day of `request` until `stop`, reporting progress.
pub fn plan(
    request: &PlanRequest,
    stop: &Stop,
    progress: &mut dyn FnMut(&PlanProgress),
) -> Result<PlanResult, PlanError> {
    plan_and_check(request, stop, progress).map(|(result, _)| result)
}

/// Like [`plan`], also returning the independent checker's report on the
/// solution behind the result (for command-line and test use).
pub fn plan_and_check(
    request: &PlanRequest,
    stop: &Stop,
    progress: &mut dyn FnMut(&PlanProgress),
) -> Result<(PlanResult, CheckReport), PlanError> {
    plan_inner(request, stop, None, progress)
}

/// Like [`plan_and_check`], also giving the best plan so far
/// ([`PlanProgress::best`]) on the first report and then at most once per
/// `every`, so a caller can show it while the search goes on.
pub fn plan_with_snapshots(
    request: &PlanRequest,
    stop: &Stop,
    every: Duration,
    progress: &mut dyn FnMut(&PlanProgress),
) -> Result<(PlanResult, CheckReport), PlanError> {
    plan_inner(request, stop, Some(every), progress)
}

fn plan_inner(
    request: &PlanRequest,
    stop: &Stop,
    snapshot_every: Option<Duration>,
    progress: &mut dyn FnMut(&PlanProgress),
) -> Result<(PlanResult, CheckReport), PlanError> {
    let params = request.options.solve_params(stop)?;
    let translation = translate(request)?;
    let mut last_snapshot: Option<Instant> = None;
    let mut report_progress = |p: &crate::solve::Progress| {
        let due = match (snapshot_every, last_snapshot) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(every), Some(at)) => at.elapsed() >= every,
        };
        let best = if due {
            last_snapshot = Some(Instant::now());
            report::build_result(request, &translation, &p.best).ok()
        } else {
            None
        };
        progress(&PlanProgress {
            fraction: p.fraction,
            served: p.best.routes.iter().map(|r| r.visits.len()).sum(),
            unassigned: p.best.unassigned.len(),
            distance: p.distance,
            best,
        })
    };
    let solution = match &translation.replan {
        Some(replan) => reroute::solve(
            request,
            &translation,
            replan,
            &params,
            stop,
            &mut report_progress,
        ),
        None => solve_with_progress(&translation.problem, &params, stop, &mut report_progress),
    };
    let result = report::build_result(request, &translation, &solution)?;
    Ok((result, check(&translation.problem, &solution)))
}
