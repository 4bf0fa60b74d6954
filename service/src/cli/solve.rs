//! `ordo solve`: solve one instance, print a summary, write the routes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use ordo_solver::model::Rounding;
use ordo_solver::solve::solve_with_progress;
use ordo_solver::solve::ObjectiveKind;
use ordo_solver::{checker, io::solution_text, Objective, SolveParams, Stop};

use crate::render::progress::SolveProgress;
use crate::render::{self, Picture};

use super::instance::{self, Format};

/// Arguments of `ordo solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Instance file.
    pub file: PathBuf,
    /// Input format; detected from the content when omitted.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Distance convention of benchmark files.
    #[arg(long, default_value = "exact")]
    pub rounding: Rounding,
    /// Wall-clock limit in seconds (plan JSON: overrides its option).
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Seed of the random choices.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// distance or hierarchical (vehicles first).
    #[arg(long, default_value = "distance")]
    pub objective: ObjectiveKind,
    /// Fixed cost added per used vehicle (on top of each vehicle's own).
    #[arg(long, default_value_t = 0.0)]
    pub vehicle_cost: f64,
    /// Parallel searches.
    /// Default: 1 on benchmark files (comparable runs), every core (up to
    /// 8) on plan requests.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Stop after this many search iterations (per thread) instead of by
    /// the clock, for results that depend only on the seed.
    #[arg(long)]
    pub iterations: Option<u64>,
    /// Recombine good routes with a set-covering MILP during the search.
    #[arg(long, value_enum, default_value = "on")]
    pub recombine: super::Switch,
    /// heuristic (search) or milp (exact; small benchmark instances only).
    #[arg(long, value_enum, default_value = "heuristic")]
    pub backend: Backend,
    /// Where to write the solution (standard output when omitted).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Plan requests: road travel from a router, `osrm=URL` (overrides
    /// the file's travel model).
    #[arg(long)]
    pub router: Option<String>,
    /// Also draw the routes as an SVG picture.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Also write the routes as GeoJSON.
    #[arg(long)]
    pub geojson: Option<PathBuf>,
}

/// Which engine solves the instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// Ruin-and-recreate with local search: any size, anytime.
    Heuristic,
    /// Route enumeration and a set-partitioning MILP: proven optimal, at
    /// most 20 visits.
    Milp,
}

/// Runs `ordo solve`; exit code 1 when the solution is infeasible.
pub fn run(args: SolveArgs) -> Result<ExitCode> {
    anyhow::ensure!(
        args.vehicle_cost.is_finite() && args.vehicle_cost >= 0.0,
        "--vehicle-cost must be a non-negative number"
    );
    anyhow::ensure!(
        args.time_limit.is_finite() && args.time_limit >= 0.0,
        "--time-limit must be a non-negative number of seconds"
    );
    if instance::is_plan_json(&args.file, args.format)? {
        anyhow::ensure!(
            args.backend == Backend::Heuristic,
            "--backend milp reads benchmark files only; plan JSON is solved by the heuristic"
        );
        return super::solve_plan::run(&args);
    }
    let problem = instance::load(&args.file, args.format, args.rounding)?;
    let params = SolveParams {
        time_limit: Duration::from_secs_f64(args.time_limit),
        seed: args.seed,
        objective: Objective {
            kind: args.objective,
            vehicle_cost: args.vehicle_cost,
            ..Objective::default()
        },
        threads: args.threads.unwrap_or(1).max(1),
        iterations: args.iterations,
        recombine: args.recombine.is_on(),
    };
    let started = Instant::now();
    let stop = Stop::after(params.time_limit);
    let bar = SolveProgress::new(params.time_limit);
    let total = problem.n_visits();
    let solution = match args.backend {
        Backend::Heuristic => solve_with_progress(&problem, &params, &stop, &mut |p| {
            let served = total - p.best.unassigned.len();
            bar.update(p.fraction, served, total, &format!("{:.1}", p.distance));
        }),
        Backend::Milp => ordo_solver::milp::solve_exact(&problem, &params.objective, &stop)?,
    };
    bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    let report = checker::check(&problem, &solution);
    let summary = format!(
        "instance {} vehicles {} distance {:.4} time {:.2}s feasible {}",
        problem.name,
        report.vehicles,
        report.distance,
        seconds,
        report.is_feasible()
    );
    let text = solution_text::write(&problem, &solution, &summary);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("{summary}");
        }
        None => {
            eprintln!("{summary}");
            print!("{text}");
        }
    }
    if args.svg.is_some() || args.geojson.is_some() {
        let text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
        let coords = render::solomon_coordinates(&text);
        let picture = Picture::from_solution(&problem, &solution, &coords);
        render::write_files(&picture, args.svg.as_deref(), args.geojson.as_deref())?;
    }
    for v in &report.violations {
        eprintln!("violation: {v}");
    }
    Ok(if report.is_feasible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
