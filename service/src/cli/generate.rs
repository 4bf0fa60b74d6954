//! `ordo generate`: writes a realistic field-service plan request.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use ordo_solver::plan::generate::{generate, GenerateParams};
use ordo_solver::plan::generate_reroute::{generate_reroute, RerouteParams};

/// Arguments of `ordo generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of visits.
    #[arg(long, default_value_t = 60)]
    pub visits: usize,
    /// Number of drivers.
    #[arg(long, default_value_t = 6)]
    pub drivers: usize,
    /// Seed: same arguments, same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write a re-route of the day instead: plan it (the published plan),
    /// then move the clock to this time (seconds from midnight): finished
    /// visits closed, current ones in progress, one driver an hour late,
    /// one urgent priority-1 visit.
    #[arg(long)]
    pub reroute_at: Option<f64>,
    /// Where to write the request (standard output when omitted).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `ordo generate`.
pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    anyhow::ensure!(args.drivers >= 1, "--drivers must be at least 1");
    let day = GenerateParams {
        visits: args.visits,
        drivers: args.drivers,
        seed: args.seed,
    };
    let request = match args.reroute_at {
        Some(at) => generate_reroute(&RerouteParams::new(day, at))?,
        None => generate(day),
    };
    let json = serde_json::to_string_pretty(&request)? + "\n";
    match &args.out {
        Some(path) => std::fs::write(path, json)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}
