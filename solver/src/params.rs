//! The parameters a solve runs under (budget, seed, threads), when it stops,
//! and the progress it reports: a leaf that construction, search, the MILP
//! backend and plan translation import, so the entry point in
//! [`mod@crate::solve`] can sit above them all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::model::Objective;
use crate::solution::Solution;

/// Everything a solve needs beyond the problem.
#[derive(Debug, Clone)]
pub struct SolveParams {
    /// Wall-clock budget.
    pub time_limit: Duration,
    /// Seed of every random choice: same seed and input, same output.
    pub seed: u64,
    /// The objective.
    pub objective: Objective,
    /// Number of parallel searches.
    pub threads: usize,
    /// Stop after this many search iterations per thread instead of by the
    /// clock: with it, results depend only on the seed and thread count.
    pub iterations: Option<u64>,
    /// Recombine the routes of good solutions with a set-covering MILP a
    /// few times per search (see `search::recombine`).
    pub recombine: bool,
}

impl Default for SolveParams {
    fn default() -> Self {
        Self {
            time_limit: Duration::from_secs(10),
            seed: 1,
            objective: Objective::default(),
            threads: 1,
            iterations: None,
            recombine: true,
        }
    }
}

/// When to stop: a deadline and a flag that another thread may raise.
#[derive(Debug, Clone)]
pub struct Stop {
    deadline: Instant,
    cancelled: Arc<AtomicBool>,
}

impl Stop {
    /// Stops after `limit` from now.
    pub fn after(limit: Duration) -> Self {
        Self {
            deadline: Instant::now() + limit,
            cancelled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A handle that cancels this stop (and its clones) when raised.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancelled)
    }

    /// Whether the search should stop now.
    pub fn should_stop(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    /// This stop, or `limit` from now if that comes first; cancelling
    /// either cancels both.
    pub fn sooner(&self, limit: Duration) -> Self {
        Self {
            deadline: self.deadline.min(Instant::now() + limit),
            cancelled: Arc::clone(&self.cancelled),
        }
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }
}

/// A snapshot reported while the search runs.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Fraction of the time budget used, 0..=1.
    pub fraction: f64,
    /// Best solution so far.
    pub best: Solution,
    /// Its vehicles.
    pub vehicles: usize,
    /// Its distance.
    pub distance: f64,
}
