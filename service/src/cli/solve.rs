//! `ordo solve`: solve one instance, print a summary, write the routes.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use ordo_solver::solve::solve_with_progress;
use ordo_solver::{checker, io::solution_text, Stop};

use crate::render::progress::SolveProgress;
use crate::render::{self, Picture};

use super::instance::{self, Format};
use super::search_args::SearchArgs;

/// Arguments of `ordo solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// Instance file.
    pub file: PathBuf,
    /// Input format; detected from the content when omitted.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Reading and search.
    #[command(flatten)]
    pub search: SearchArgs,
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
    args.search.check(true)?;
    if instance::is_plan_json(&args.file, args.format)? {
        anyhow::ensure!(
            args.backend == Backend::Heuristic,
            "--backend milp reads benchmark files only; plan JSON is solved by the heuristic"
        );
        return super::solve_plan::run(&args);
    }
    let problem = instance::load(&args.file, args.format, args.search.rounding)?;
    let params = args.search.params();
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
