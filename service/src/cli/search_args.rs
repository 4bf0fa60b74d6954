//! The search flags that `ordo solve` and `ordo bench` share, and their one
//! conversion into [`SolveParams`].

use std::time::Duration;

use anyhow::Result;
use clap::Args;
use ordo_solver::model::Rounding;
use ordo_solver::solve::ObjectiveKind;
use ordo_solver::{Objective, SolveParams};

use super::Switch;

/// How each instance is read and searched.
#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Distance convention of benchmark files.
    #[arg(long, default_value = "exact")]
    pub rounding: Rounding,
    /// Wall-clock limit per instance in seconds (plan JSON: overrides its
    /// option).
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
    pub recombine: Switch,
}

impl SearchArgs {
    /// Checks the numbers clap cannot: a finite, non-negative vehicle cost
    /// and time limit (`ordo bench` also refuses a zero limit).
    pub fn check(&self, zero_time_ok: bool) -> Result<()> {
        anyhow::ensure!(
            self.vehicle_cost.is_finite() && self.vehicle_cost >= 0.0,
            "--vehicle-cost must be a non-negative number"
        );
        let t = self.time_limit;
        if zero_time_ok {
            anyhow::ensure!(
                t.is_finite() && t >= 0.0,
                "--time-limit must be a non-negative number of seconds"
            );
        } else {
            anyhow::ensure!(
                t.is_finite() && t > 0.0,
                "--time-limit must be a positive number of seconds"
            );
        }
        Ok(())
    }

    /// The solver parameters of a benchmark file (one thread unless told).
    pub fn params(&self) -> SolveParams {
        SolveParams {
            time_limit: Duration::from_secs_f64(self.time_limit),
            seed: self.seed,
            objective: Objective {
                kind: self.objective,
                vehicle_cost: self.vehicle_cost,
                ..Objective::default()
            },
            threads: self.threads.unwrap_or(1).max(1),
            iterations: self.iterations,
            recombine: self.recombine.is_on(),
        }
    }
}
