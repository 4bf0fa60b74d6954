//! The search: SISR ruin-and-recreate with simulated annealing, and route
//! minimisation for the hierarchical objective.
//!
//! Flow: a start solution (construction) is loaded into a [`SearchState`];
//! under the hierarchical objective, [`fleet::minimise_fleet`] first takes
//! part of the budget to remove routes; then [`annealing::anneal`] improves
//! the travel cost with the fleet capped. With several threads, independent
//! searches with derived seeds run under rayon and the best is kept.

mod annealing;
mod context;
mod evict;
mod fleet;
pub mod local_search;
mod make_room;
mod moves;
pub mod neighbours;
mod placement;
mod priority_repair;
pub mod recombine;
pub mod recreate;
pub(crate) mod regions;
pub mod ruin;
pub mod state;

use std::time::Instant;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

pub use state::SearchState;

use annealing::{anneal, Annealing, Phase};
pub use context::SearchContext;
use neighbours::Neighbours;
use recombine::{Recombination, Schedule};
use recreate::RecreateParams;
use ruin::RuinParams;

use crate::model::{ArcCost, ObjectiveKind, Problem};
use crate::params::{Progress, SolveParams, Stop};
use crate::solution::Solution;

/// Share of the budget given to route minimisation (hierarchical only).
const FLEET_SHARE: f64 = 0.4;
/// SISR's blink rate.
const BLINK_RATE: f64 = 0.01;
/// Nearest visits kept per visit.
const NEIGHBOURS: usize = 40;

/// Improves `start` until `stop` (or the iteration budget) and returns the
/// best solution found, reporting each new best through `progress`.
pub fn improve(
    problem: &Problem,
    params: &SolveParams,
    stop: &Stop,
    start: &Solution,
    progress: &mut dyn FnMut(&Progress),
) -> Solution {
    if problem.n_visits() == 0 {
        return start.clone();
    }
    let neighbours = crate::phase::timed("neighbours", || Neighbours::new(problem, NEIGHBOURS));
    let threads = params.threads.max(1);
    if threads == 1 || regional(problem, threads) {
        return run_one(
            problem,
            params,
            stop,
            start,
            &neighbours,
            params.seed,
            progress,
        );
    }
    let results: Vec<Solution> = (0..threads)
        .into_par_iter()
        .map(|t| {
            let seed = params.seed.wrapping_add(0x9E37_79B9 * t as u64);
            run_one(problem, params, stop, start, &neighbours, seed, &mut |_| {})
        })
        .collect();
    let arcs = ArcCost::new(&params.objective);
    let best = results
        .into_iter()
        .map(|s| {
            let cost = SearchState::from_solution(problem, &arcs, &s).cost(
                problem,
                &arcs,
                &params.objective,
            );
            (cost, s)
        })
        .reduce(|a, b| if b.0.better_than(&a.0) { b } else { a })
        .map(|(_, s)| s)
        .unwrap_or_else(|| start.clone());
    report(problem, params, stop, &best, progress);
    best
}

/// One search from `start` with its own `seed`: fleet minimisation first
/// under the hierarchical objective, then annealing (by regions on large
/// days), then room made for visits still left out.
fn run_one(
    problem: &Problem,
    params: &SolveParams,
    stop: &Stop,
    start: &Solution,
    neighbours: &Neighbours,
    seed: u64,
    progress: &mut dyn FnMut(&Progress),
) -> Solution {
    let ctx = SearchContext {
        problem,
        arcs: ArcCost::new(&params.objective),
        objective: &params.objective,
        neighbours: neighbours.clone(),
        ruin: RuinParams::default(),
        stop: stop.clone(),
        regional: false,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let budget = Budget {
        started: Instant::now(),
        total: params.time_limit.as_secs_f64(),
        stop,
    };
    let mut iterations_left = params.iterations;
    let mut state = SearchState::from_solution(problem, &ctx.arcs, start);
    let hierarchical = params.objective.kind == ObjectiveKind::Hierarchical;
    if hierarchical {
        let mut fleet_left = iterations_left.map(|n| (n as f64 * FLEET_SHARE) as u64);
        state = fleet::minimise_fleet(
            &ctx,
            state,
            BLINK_RATE,
            &mut rng,
            &mut || budget.spent(&mut fleet_left, budget.total * FLEET_SHARE),
            &mut |best| report(problem, params, stop, &best.to_solution(problem), progress),
        );
        iterations_left = iterations_left.map(|n| n - (n as f64 * FLEET_SHARE) as u64);
    }
    let run = Annealing {
        recreate: recreate_params(problem, &state, hierarchical),
        phase: Phase {
            started: Instant::now(),
            seconds: (budget.total - budget.started.elapsed().as_secs_f64()).max(1e-3),
            iterations: iterations_left,
            done: 0,
        },
        polish_start: true,
    };
    let mut recombination = params.recombine.then(|| recombination(problem, &run.phase));
    if regional(problem, params.threads) {
        let mut best = regions::anneal_in_regions(
            &ctx,
            state,
            &run,
            params.threads,
            &mut rng,
            &mut || budget.spent(&mut None, budget.total),
            &mut |best| report(problem, params, stop, &best.to_solution(problem), progress),
        );
        let repaired = crate::phase::timed("left-out handling", || {
            priority_repair::keep_priority_promise(problem, &ctx.arcs, &mut best)
        });
        if repaired > 0 {
            report(problem, params, stop, &best.to_solution(problem), progress);
        }
        return best.to_solution(problem);
    }
    let mut best = anneal(
        &ctx,
        state,
        &run,
        recombination.as_mut(),
        &mut rng,
        &mut || budget.spent(&mut iterations_left, budget.total),
        &mut |best, _| report(problem, params, stop, &best.to_solution(problem), progress),
    );
    let placed = crate::phase::timed("left-out handling", || {
        make_room::make_room(problem, &ctx.arcs, &mut best)
            + priority_repair::keep_priority_promise(problem, &ctx.arcs, &mut best)
    });
    if placed > 0 {
        report(problem, params, stop, &best.to_solution(problem), progress);
    }
    best.to_solution(problem)
}

/// The budget of one search: a count of stop checks when the run counts
/// iterations (so it depends only on its seed), else the clock.
struct Budget<'a> {
    started: Instant,
    /// Seconds of the whole search.
    total: f64,
    stop: &'a Stop,
}

impl Budget<'_> {
    /// Whether to stop now: when the run counts checks, after the last of
    /// `left` (spending one), else at `until` seconds or the overall stop.
    fn spent(&self, left: &mut Option<u64>, until: f64) -> bool {
        if let Some(n) = left {
            if *n == 0 {
                return true;
            }
            *n -= 1;
            return false;
        }
        self.stop.should_stop() || self.started.elapsed().as_secs_f64() >= until
    }
}

/// Recreate of the annealing: the fleet capped at what minimisation left
/// under the hierarchical objective, where existing routes come first.
fn recreate_params(problem: &Problem, state: &SearchState, hierarchical: bool) -> RecreateParams {
    let max_routes = if hierarchical {
        state.routes.len().max(1)
    } else {
        problem.vehicles.len()
    };
    RecreateParams {
        blink_rate: BLINK_RATE,
        max_routes,
        prefer_existing: hierarchical,
        left_out_first: false,
        rejects_short_steps: true,
    }
}

/// Route recombination over `phase`: at even shares of its checks, or of
/// its seconds.
fn recombination(problem: &Problem, phase: &Phase) -> Recombination {
    let schedule = match phase.iterations {
        Some(n) => Schedule::Iterations {
            every: (n / recombine::ROUNDS).max(1),
        },
        None => Schedule::Clock {
            started: phase.started,
            seconds: phase.seconds,
        },
    };
    Recombination::new(problem, schedule)
}

/// Whether the search runs by regions on `threads` threads: on large
/// instances, where it beats independent whole searches.
fn regional(problem: &Problem, threads: usize) -> bool {
    threads >= 2 && problem.n_visits() >= regions::MIN_VISITS
}

fn report(
    problem: &Problem,
    params: &SolveParams,
    stop: &Stop,
    best: &Solution,
    progress: &mut dyn FnMut(&Progress),
) {
    let total = params.time_limit.as_secs_f64().max(1e-9);
    let used = total - stop.remaining().as_secs_f64();
    progress(&Progress {
        fraction: (used / total).clamp(0.0, 1.0),
        vehicles: best.vehicles_used(),
        distance: crate::solution::total_distance(problem, best),
        best: best.clone(),
    });
}

#[cfg(test)]
mod tests;
