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

mod date;
pub mod defaults;
mod error;
mod fields;
pub mod generate;
pub mod generate_reroute;
mod lenient;
mod reasons;
mod report;
mod request;
pub mod reroute;
mod result;
mod situation;
mod spatial_order;
mod translate;
mod translation;
mod valid_driver;
mod valid_visit;

pub use date::{time_zone, PlanDate};
pub use error::{FieldIssue, IssueCode, PlanError, RecordIssue};
pub use lenient::{BoolLike, IdLike, NumberLike};
pub use request::{
    BreakRequest, CurrentPosition, DisruptionRequest, DriverRequest, InvalidVisits, PlanOptions,
    PlanRequest, PointRequest, ShiftRequest, SoftLimitRequest, SpeedBandRequest, TravelRequest,
    VisitRequest, WindowRequest,
};
pub use result::{
    BreakResult, ChangeKind, ChangeSummary, PlanResult, ReasonCode, RouteResult, StopResult,
    Summary, UnassignedVisit, VisitChange,
};
pub use translate::translate;
pub use translation::{visit_identity, Eligibility, LeftOut, Translation};
pub use valid_driver::check_driver;
pub use valid_visit::{check_visit, check_visit_record, read_visit};

use std::time::{Duration, Instant};

use crate::checker::{check, CheckReport};
use crate::solve::{solve_with_progress, Objective, ObjectiveKind, SolveParams, Stop};

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
        let field = "timeLimitSeconds";
        let seconds = match &self.time_limit_seconds {
            Some(t) => fields::number(field, t).map_err(|i| options_error(vec![i]))?,
            None => defaults::TIME_LIMIT_SECONDS,
        };
        Duration::try_from_secs_f64(seconds).map_err(|_| {
            let problem = format!("must be a non-negative number of seconds, got {seconds}");
            PlanError::field("options", field, IssueCode::OutOfRange, problem)
        })
    }

    /// Solver parameters from the options, with the time limit bounded by
    /// `stop` (benchmarks drive the solve themselves with these); on
    /// error, every bad option.
    pub fn solve_params(&self, stop: &Stop) -> Result<SolveParams, PlanError> {
        let mut issues = fields::Collect::default();
        let mut whole = |field: &str, value: &Option<NumberLike>, default: u64| match value {
            Some(v) => match fields::whole(field, v) {
                Ok(v) if v < 0 => {
                    let problem = format!("must be >= 0, got {v}");
                    issues
                        .0
                        .push(FieldIssue::new(field, IssueCode::OutOfRange, problem));
                    default
                }
                Ok(v) => v as u64,
                Err(issue) => {
                    issues.0.push(issue);
                    default
                }
            },
            None => default,
        };
        // Every bit of the seed: a seed sent as text is exact over all of
        // u64, where the i64/f64 path of `whole` would refuse it.
        let seed = match self.seed.as_ref().map(NumberLike::whole_u64) {
            Some(Ok(seed)) => seed,
            _ => whole("seed", &self.seed, defaults::SEED),
        };
        let threads = whole("threads", &self.threads, default_threads() as u64).max(1) as usize;
        let iterations = self
            .iterations
            .as_ref()
            .map(|_| whole("iterations", &self.iterations, 0));
        let distance_weight = match &self.distance_weight {
            Some(w) => match fields::number("distanceWeight", w) {
                Ok(w) if w >= 0.0 => w,
                _ => {
                    let issue =
                        FieldIssue::new("distanceWeight", IssueCode::OutOfRange, "must be >= 0");
                    issues.0.push(issue);
                    defaults::DISTANCE_WEIGHT
                }
            },
            None => defaults::DISTANCE_WEIGHT,
        };
        let time_limit = match self.time_limit() {
            Ok(limit) => limit,
            Err(e) => {
                issues.0.extend(e.issues().iter().map(|i| i.issue.clone()));
                Duration::ZERO
            }
        };
        issues.finish(()).map_err(options_error)?;
        Ok(SolveParams {
            time_limit: time_limit.min(stop.remaining()),
            seed,
            objective: Objective {
                kind: ObjectiveKind::Distance,
                vehicle_cost: 0.0,
                distance_weight,
                travel_time_weight: 1.0,
            },
            threads,
            iterations,
            recombine: self.recombine.unwrap_or(true),
        })
    }
}

/// The error of these issues of `options`.
fn options_error(issues: Vec<FieldIssue>) -> PlanError {
    let mut all = error::Issues::default();
    all.extend("options", issues);
    all.into_result(())
        .err()
        .unwrap_or(PlanError::Model("no issue".into()))
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
    // Both are checked before either error is returned, so the answer
    // lists every issue of the request.
    let (params, translation) = match (request.options.solve_params(stop), translate(request)) {
        (Ok(params), Ok(translation)) => (params, translation),
        (Err(PlanError::Invalid(mut first)), Err(PlanError::Invalid(rest))) => {
            first.extend(rest);
            return Err(PlanError::Invalid(first));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
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
