//! Route recombination: a set-covering MILP over a pool of good routes
//! seen during the annealing picks the cheapest combination that still
//! serves every visit, and the search continues from it when it beats the
//! best solution.
//!
//! The annealing offers the routes of every accepted candidate within
//! [`OFFER_WITHIN`] of the best ([`pool`]); a few times
//! per run ([`Schedule`]) the pool, refreshed with the best solution's
//! routes, goes to the MILP ([`mod@select`]) with the best solution as its
//! starting point; overlaps are removed ([`overlap`]), visits a repair
//! took off are re-inserted, a local search polishes the result, and it
//! replaces the best only when strictly better. Routes from different
//! solutions thus combine in a way ruin-and-recreate rarely finds.

mod overlap;
pub mod pool;
mod select;

use std::time::{Duration, Instant};

use rand::Rng;

use super::context::SearchContext;
use super::local_search::local_search;
use super::recreate::{greedy_insert, RecreateParams};
use super::state::SearchState;
use crate::model::{Cost, ObjectiveKind};
use pool::RoutePool;
use select::{select, Cover};

/// Routes the pool holds: dozens of solutions' worth of alternatives on
/// 200 visits, small enough for microlp. Measured on R1_2_1 (30 s): pools
/// of 1100-1500 routes made microlp hit its time limit in a third of the
/// calls; up to 1000 it answered in 0.03-0.3 s.
pub const POOL_CAPACITY: usize = 1000;
/// Accepted candidates whose travel is within this fraction of the best
/// feed the pool. Polished candidates only (those within 1% that get a
/// local search) left the pool at about 20 routes for the first third of
/// the run, too few to recombine.
pub const OFFER_WITHIN: f64 = 0.02;
/// Recombinations per run.
pub const ROUNDS: u64 = 10;
/// Share of the search time one MILP call may take.
const MILP_SHARE: f64 = 0.03;
/// Longest MILP call in iteration-budget mode, where there is no time
/// budget to take a share of; a call that hits it makes the run depend on
/// the clock, which a pool this size does not in practice.
const ITERATION_MODE_MILP_LIMIT: Duration = Duration::from_secs(5);
/// Below this time left, a MILP call is not worth starting.
const MIN_MILP_TIME: Duration = Duration::from_millis(20);

/// When recombination runs.
#[derive(Debug, Clone, Copy)]
pub enum Schedule {
    /// At even shares of a search phase measured by the clock, the last one
    /// early enough for its MILP to finish.
    Clock {
        /// When the phase started.
        started: Instant,
        /// Seconds the phase may run.
        seconds: f64,
    },
    /// Every `every` ticks of an iteration budget (the annealing takes one
    /// tick per `annealing::CHECK_EVERY` iterations).
    Iterations {
        /// Budget ticks between two recombinations.
        every: u64,
    },
}

/// The pool and schedule of one search thread.
#[derive(Debug, Clone)]
pub struct Recombination {
    pool: RoutePool,
    schedule: Schedule,
    round: u64,
}

impl Recombination {
    /// An empty pool for `problem`, recombined on `schedule`.
    pub fn new(problem: &crate::model::Problem, schedule: Schedule) -> Self {
        Self {
            pool: RoutePool::new(problem, POOL_CAPACITY),
            schedule,
            round: 0,
        }
    }

    /// Adds a good solution's routes to the pool.
    pub fn offer(&mut self, ctx: &SearchContext, state: &SearchState) {
        self.pool.offer(ctx.problem, &ctx.arcs, state);
    }

    /// Whether a candidate of cost `cost`, accepted by the annealing, is
    /// good enough for its routes to enter the pool.
    pub fn worth_offering(cost: &Cost, best: &Cost) -> bool {
        cost.cmp_before_travel(best) != std::cmp::Ordering::Greater
            && cost.travel <= best.travel * (1.0 + OFFER_WITHIN)
    }

    /// Whether a recombination is due after `ticks` budget ticks of the
    /// phase (ignored on the clock schedule).
    pub fn due(&self, ticks: u64) -> bool {
        if self.round >= ROUNDS {
            return false;
        }
        let next = (self.round + 1) as f64 / ROUNDS as f64;
        match self.schedule {
            Schedule::Clock { started, seconds } => {
                // The last round moves forward so that its MILP ends in time.
                let at = next.min(1.0 - 1.5 * MILP_SHARE);
                started.elapsed().as_secs_f64() >= at * seconds
            }
            Schedule::Iterations { every } => ticks >= every * (self.round + 1),
        }
    }

    /// Recombines the pool with `best`; returns the new best state and
    /// cost when strictly better than `best`.
    pub fn recombine(
        &mut self,
        ctx: &SearchContext,
        recreate: &RecreateParams,
        best: &SearchState,
        best_cost: &Cost,
        rng: &mut impl Rng,
    ) -> Option<(SearchState, Cost)> {
        self.round += 1;
        let budget = match self.schedule {
            Schedule::Clock { seconds, .. } => Duration::from_secs_f64(MILP_SHARE * seconds),
            Schedule::Iterations { .. } => ITERATION_MODE_MILP_LIMIT,
        };
        let time_limit = budget.min(ctx.stop.remaining());
        if time_limit < MIN_MILP_TIME {
            return None;
        }
        let found = recombine_once(ctx, recreate, &mut self.pool, best, time_limit, rng);
        let cost = found.cost(ctx.problem, &ctx.arcs, ctx.objective);
        cost.better_than(best_cost).then_some((found, cost))
    }
}

/// One recombination of `pool` seeded with `best`: the best combination
/// found within `time_limit`, polished, or `best` itself when that is not
/// better. Never worse than `best`.
pub fn recombine_once(
    ctx: &SearchContext,
    recreate: &RecreateParams,
    pool: &mut RoutePool,
    best: &SearchState,
    time_limit: Duration,
    rng: &mut impl Rng,
) -> SearchState {
    let problem = ctx.problem;
    pool.offer(problem, &ctx.arcs, best);
    let incumbent: Vec<usize> = best.routes.iter().filter_map(|r| pool.find(r)).collect();
    let mut required = vec![false; problem.n_visits()];
    for route in &best.routes {
        for &v in &route.visits {
            required[v] = true;
        }
    }
    let max_routes = match ctx.objective.kind {
        ObjectiveKind::Hierarchical => recreate.max_routes.min(best.routes.len()),
        ObjectiveKind::Distance => recreate.max_routes,
    };
    let cover = Cover {
        required: &required,
        max_routes,
        incumbent: &incumbent,
        time_limit,
    };
    let Some(chosen) = select(pool, &cover) else {
        return best.clone();
    };
    let mut found = overlap::assemble(problem, &ctx.arcs, pool, &chosen);
    // Visits a repair took off, and any the best solution left out.
    let capped = RecreateParams {
        blink_rate: 0.0,
        max_routes,
        ..*recreate
    };
    greedy_insert(
        problem,
        &ctx.arcs,
        &ctx.neighbours,
        &capped,
        &mut found,
        Vec::new(),
        rng,
    );
    local_search(ctx, &mut found, rng, None);
    let before = best.cost(problem, &ctx.arcs, ctx.objective);
    let after = found.cost(problem, &ctx.arcs, ctx.objective);
    if after.better_than(&before) {
        found
    } else {
        best.clone()
    }
}

#[cfg(test)]
mod tests;
