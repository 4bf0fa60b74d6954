//! `ordo bench`: solve a set of benchmark instances, check every solution,
//! and compare with best-known solutions. Plan requests (JSON) among the
//! files get their own table ([`super::bench_plan`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ordo_solver::model::Rounding;
use ordo_solver::solve::{solve_with_progress, ObjectiveKind};
use ordo_solver::{checker, Stop};

use super::bench_plan::{self, PlanBenchOptions};
use super::instance;
use super::search_args::SearchArgs;
use crate::bench::bks::{self, BksTable};
use crate::bench::report::{self, RunResult};

/// Arguments of `ordo bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Instance files, or folders whose `*.txt` files are all run.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Reading and search of every instance.
    #[command(flatten)]
    pub search: SearchArgs,
    /// Best-known solutions; default: `bks.csv` beside the instances or one
    /// folder up.
    #[arg(long)]
    pub bks: Option<PathBuf>,
    /// Also write the per-instance results as CSV.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Plan requests: seconds at which the best plan so far is compared
    /// with the final one (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "1,10")]
    pub checkpoints: Vec<f64>,
}

/// Runs `ordo bench`; exit code 1 when any solution is infeasible.
pub fn run(args: BenchArgs) -> Result<ExitCode> {
    args.search.check(false)?;
    let (plans, files): (Vec<PathBuf>, Vec<PathBuf>) = collect_files(&args.paths)?
        .into_iter()
        .partition(|f| f.extension().is_some_and(|e| e == "json"));
    let plans_ok = run_plans(&args, &plans)?;
    if files.is_empty() {
        return Ok(if plans_ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let convention = match (args.search.objective, args.search.rounding) {
        (ObjectiveKind::Hierarchical, _) => Some("hierarchical"),
        (ObjectiveKind::Distance, Rounding::Dimacs) => Some("dimacs"),
        (ObjectiveKind::Distance, Rounding::Exact) => None,
    };
    let bks_path = args
        .bks
        .clone()
        .or_else(|| files.first().and_then(|f| bks::find_beside(f)));
    let table = match (convention, &bks_path) {
        (Some(c), Some(p)) => BksTable::read(p, c)?,
        _ => BksTable::default(),
    };
    if convention.is_none() {
        eprintln!("note: no BKS convention matches --objective distance --rounding exact; gaps are not shown");
    }

    let bar = progress_bar(files.len());
    let mut runs = Vec::with_capacity(files.len());
    for file in &files {
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        bar.set_message(name.clone());
        let problem = instance::load(file, None, args.search.rounding)?;
        let params = args.search.params();
        let started = Instant::now();
        let mut first_solution: Option<f64> = None;
        let solution = solve_with_progress(
            &problem,
            &params,
            &Stop::after(params.time_limit),
            &mut |p| {
                if first_solution.is_none() && p.best.unassigned.is_empty() {
                    first_solution = Some(started.elapsed().as_secs_f64());
                }
            },
        );
        let seconds = started.elapsed().as_secs_f64();
        let check = checker::check(&problem, &solution);
        runs.push(RunResult {
            customers: problem.n_visits(),
            vehicles: check.vehicles,
            distance: check.distance,
            bks: table.get(&name),
            seconds,
            first_solution: first_solution.unwrap_or(seconds),
            feasible: check.is_feasible(),
            instance: name,
        });
        bar.inc(1);
    }
    bar.finish_and_clear();

    print!("{}", report::instance_table(&runs));
    println!();
    print!("{}", report::summary_table(&report::summaries(&runs)));
    if let Some(path) = &args.csv {
        std::fs::write(path, report::csv(&runs))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(if plans_ok && runs.iter().all(|r| r.feasible) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs the plan requests among the files and prints their table; false
/// when any plan breaks a rule.
fn run_plans(args: &BenchArgs, plans: &[PathBuf]) -> Result<bool> {
    if plans.is_empty() {
        return Ok(true);
    }
    anyhow::ensure!(
        args.checkpoints.iter().all(|c| c.is_finite() && *c > 0.0),
        "--checkpoints must be positive numbers of seconds"
    );
    let mut checkpoints = args.checkpoints.clone();
    checkpoints.sort_by(f64::total_cmp);
    checkpoints.dedup();
    let options = PlanBenchOptions {
        time_limit: args.search.time_limit,
        seed: args.search.seed,
        threads: args.search.threads,
        iterations: args.search.iterations,
        checkpoints: checkpoints.clone(),
    };
    let bar = progress_bar(plans.len());
    let mut runs = Vec::with_capacity(plans.len());
    for file in plans {
        bar.set_message(file.display().to_string());
        runs.push(bench_plan::run_one(file, &options)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    print!("{}", bench_plan::table(&runs, &checkpoints));
    println!();
    Ok(runs.iter().all(|r| r.last.is_feasible()))
}

/// A progress bar on a terminal, hidden otherwise.
fn progress_bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// The instance files named by `paths` (folders expand to their `*.txt`).
fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot list {}", path.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| is_instance(p))
                .collect();
            found.sort();
            if found.is_empty() {
                bail!(
                    "{}: no instance files (*.txt, *.json) in this folder",
                    path.display()
                );
            }
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("{}: no such file or folder", path.display());
        }
    }
    Ok(files)
}

fn is_instance(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt" || e == "json")
}
