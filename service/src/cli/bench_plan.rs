//! `ordo bench` on field-service plan requests (JSON): how fast a first
//! complete plan appears and how close the plan is, at given checkpoints,
//! to the plan at the end of the budget.
//!
//! A plan is compared lexicographically as the search compares it: unserved
//! visits per priority tier first, then the weighted travel (seconds of
//! driving plus the request's distance weight per metre). A checkpoint whose
//! plan leaves more visits out shows that count instead of a gap.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ordo_solver::checker::{self, CheckReport};
use ordo_solver::plan::{self, NumberLike, PlanRequest};
use ordo_solver::solution::Solution;
use ordo_solver::solve::solve_with_progress;
use ordo_solver::Stop;

/// Options of a plan bench run, from the command line.
#[derive(Debug, Clone)]
pub struct PlanBenchOptions {
    /// Budget per plan.
    pub time_limit: f64,
    /// Seed.
    pub seed: u64,
    /// Parallel searches (`None`: the plan's own default).
    pub threads: Option<usize>,
    /// Iteration budget instead of the clock.
    pub iterations: Option<u64>,
    /// Seconds at which the best plan so far is recorded.
    pub checkpoints: Vec<f64>,
}

/// One checkpoint: the best plan held at that time.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// Seconds since the run started (file read included).
    pub at: f64,
    /// Its checker report.
    pub report: CheckReport,
}

/// The outcome of one plan request.
#[derive(Debug, Clone)]
pub struct PlanRun {
    /// File stem.
    pub name: String,
    /// Visits in the model (closed and skipped excluded).
    pub visits: usize,
    /// Seconds from reading the file to the first complete plan (every
    /// visit routed or left out with a reason).
    pub first_plan: f64,
    /// Best plans at the requested checkpoints (within the budget).
    pub checkpoints: Vec<Checkpoint>,
    /// The final plan's report.
    pub last: CheckReport,
    /// Distance weight of the request's objective.
    pub distance_weight: f64,
    /// Wall seconds of the whole run.
    pub seconds: f64,
}

impl PlanRun {
    fn weighted(&self, r: &CheckReport) -> f64 {
        r.travel_time + self.distance_weight * r.distance
    }

    /// Gap of a checkpoint's plan to the final plan in percent, or the
    /// number of extra unserved visits when it serves fewer.
    fn gap(&self, c: &Checkpoint) -> String {
        let extra: i64 = c
            .report
            .unserved_by_priority
            .iter()
            .zip(&self.last.unserved_by_priority)
            .map(|(a, b)| *a as i64 - *b as i64)
            .sum();
        if c.report.unserved_by_priority != self.last.unserved_by_priority && extra > 0 {
            return format!("+{extra} unserved");
        }
        let last = self.weighted(&self.last).max(1e-9);
        format!("{:.2}", 100.0 * (self.weighted(&c.report) - last) / last)
    }
}

/// Plans the request in `path` under `options`, recording checkpoints.
pub fn run_one(path: &Path, options: &PlanBenchOptions) -> Result<PlanRun> {
    let started = Instant::now();
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut request =
        PlanRequest::from_json(&text).with_context(|| format!("{}", path.display()))?;
    request.options.time_limit_seconds = Some(options.time_limit.into());
    request.options.seed = Some(NumberLike::exact(options.seed));
    if let Some(threads) = options.threads {
        request.options.threads = Some((threads.max(1) as f64).into());
    }
    request.options.iterations = options.iterations.map(|n| (n as f64).into());
    let stop = Stop::after(Duration::from_secs_f64(options.time_limit));
    let params = request
        .options
        .solve_params(&stop)
        .with_context(|| format!("{}", path.display()))?;
    let translation = ordo_solver::phase::timed("translate", || plan::translate(&request))
        .with_context(|| format!("{}", path.display()))?;
    let problem = &translation.problem;

    let mut first_plan: Option<f64> = None;
    let mut held: Option<Solution> = None;
    let mut pending = options.checkpoints.iter().copied().peekable();
    let mut recorded: Vec<(f64, Solution)> = Vec::new();
    let last = solve_with_progress(problem, &params, &stop, &mut |p| {
        let now = started.elapsed().as_secs_f64();
        first_plan.get_or_insert(now);
        // The plan held at checkpoint c is the last best reported before c.
        while let Some(c) = pending.next_if(|&c| c < now) {
            if let Some(best) = &held {
                recorded.push((c, best.clone()));
            }
        }
        held = Some(p.best.clone());
    });
    let seconds = started.elapsed().as_secs_f64();
    for c in pending.filter(|&c| c <= seconds) {
        recorded.push((c, last.clone()));
    }
    Ok(PlanRun {
        name: path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default(),
        visits: problem.n_visits(),
        first_plan: first_plan.unwrap_or(seconds),
        checkpoints: recorded
            .iter()
            .map(|(at, s)| Checkpoint {
                at: *at,
                report: checker::check(problem, s),
            })
            .collect(),
        last: checker::check(problem, &last),
        distance_weight: params.objective.distance_weight,
        seconds,
    })
}

/// The table of plan runs.
pub fn table(runs: &[PlanRun], checkpoints: &[f64]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "{:<16} {:>6} {:>6} {:>10} {:>9} {:>10} {:>8}",
        "plan", "visits", "served", "unserved", "travel h", "km", "first s"
    );
    for c in checkpoints {
        let _ = write!(out, " {:>14}", format!("gap@{c}s %"));
    }
    let _ = writeln!(out, " {:>7} {:>8}", "secs", "feasible");
    for run in runs {
        let unserved: usize = run.last.unserved_by_priority.iter().sum();
        let _ = write!(
            out,
            "{:<16} {:>6} {:>6} {:>10} {:>9.2} {:>10.1} {:>8.3}",
            run.name,
            run.visits,
            run.visits - unserved,
            unserved,
            run.last.travel_time / 3600.0,
            run.last.distance / 1000.0,
            run.first_plan
        );
        for c in checkpoints {
            let cell = run
                .checkpoints
                .iter()
                .find(|k| k.at == *c)
                .map_or_else(|| "-".to_string(), |k| run.gap(k));
            let _ = write!(out, " {cell:>14}");
        }
        let _ = writeln!(out, " {:>7.2} {:>8}", run.seconds, run.last.is_feasible());
    }
    out
}
