//! The solver's entry point: parameters, stopping, progress, and the
//! pipeline from construction to search.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::construction;
use crate::model::Problem;
use crate::search;
use crate::solution::Solution;

/// What the search minimises, after serving visits by priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ObjectiveKind {
    /// Total distance only (DIMACS convention).
    #[default]
    Distance,
    /// Vehicles first, then distance (classic Solomon tables).
    Hierarchical,
}

impl std::str::FromStr for ObjectiveKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "distance" => Ok(Self::Distance),
            "hierarchical" => Ok(Self::Hierarchical),
            other => Err(format!(
                "unknown objective '{other}': use distance or hierarchical"
            )),
        }
    }
}

/// Weights of the travel objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Objective {
    /// Distance-only or vehicles-first.
    pub kind: ObjectiveKind,
    /// Cost per used vehicle, on top of each vehicle's own fixed cost.
    pub vehicle_cost: f64,
    /// Weight of one unit of distance.
    pub distance_weight: f64,
    /// Weight of one unit of travel time.
    pub travel_time_weight: f64,
}

impl Default for Objective {
    fn default() -> Self {
        Self {
            kind: ObjectiveKind::Distance,
            vehicle_cost: 0.0,
            distance_weight: 1.0,
            travel_time_weight: 0.0,
        }
    }
}

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

/// Solves `problem`: construction, then search until `stop`.
pub fn solve(problem: &Problem, params: &SolveParams, stop: &Stop) -> Solution {
    solve_with_progress(problem, params, stop, &mut |_| {})
}

/// Like [`solve`], calling `progress` whenever the best solution improves.
pub fn solve_with_progress(
    problem: &Problem,
    params: &SolveParams,
    stop: &Stop,
    progress: &mut dyn FnMut(&Progress),
) -> Solution {
    let start = construction::regret_insertion(problem, &params.objective);
    progress(&Progress {
        fraction: 0.0,
        vehicles: start.vehicles_used(),
        distance: total_distance(problem, &start),
        best: start.clone(),
    });
    search::improve(problem, params, stop, &start, progress)
}

/// Total travel distance of a solution.
pub fn total_distance(problem: &Problem, solution: &Solution) -> f64 {
    solution
        .routes
        .iter()
        .filter(|r| !r.visits.is_empty())
        .map(|r| {
            let vehicle = &problem.vehicles[r.vehicle];
            let mut at = vehicle.start;
            let mut d = 0.0;
            for &v in &r.visits {
                let loc = problem.visits[v].location;
                d += problem.distance(at, loc);
                at = loc;
            }
            if let Some(end) = vehicle.end {
                d += problem.distance(at, end);
            }
            d
        })
        .sum()
}
