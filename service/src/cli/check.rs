//! `ordo check`: verify a solution file with the independent checker.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use ordo_solver::model::Rounding;
use ordo_solver::{checker, io::solution_text};

use super::instance::{self, Format};

/// Arguments of `ordo check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Instance file.
    pub file: PathBuf,
    /// Solution file (`Route N : ids` lines).
    pub solution: PathBuf,
    /// Input format; detected from the content when omitted.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Distance convention of benchmark files.
    #[arg(long, default_value = "exact")]
    pub rounding: Rounding,
}

/// Runs `ordo check`; exit code 1 when the solution breaks a rule.
pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let problem = instance::load(&args.file, args.format, args.rounding)?;
    let text = std::fs::read_to_string(&args.solution)
        .with_context(|| format!("cannot read solution {}", args.solution.display()))?;
    let solution = solution_text::parse(&problem, &text, &args.solution.display().to_string())?;
    let report = checker::check(&problem, &solution);
    println!(
        "vehicles {} distance {:.4} travel_time {:.4} feasible {}",
        report.vehicles,
        report.distance,
        report.travel_time,
        report.is_feasible()
    );
    for v in &report.violations {
        println!("violation: {v}");
    }
    Ok(if report.is_feasible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
