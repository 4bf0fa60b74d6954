//! The SISR search loop: ruin, recreate, accept by simulated annealing on
//! the travel part of the lexicographic cost.
//!
//! The temperature falls geometrically from `T0` to `Tf` over the time
//! budget. Both are scaled by the mean arc cost of the start solution, so
//! the same schedule suits benchmark units and seconds of driving alike.

use std::cmp::Ordering;
use std::sync::Arc;
use std::time::Instant;

use rand::Rng;

use super::context::SearchContext;
use super::local_search::local_search;
use super::recombine::Recombination;
use super::recreate::{greedy_insert, RecreateParams};
use super::ruin::{left_out_removal, string_removal, Removal};
use super::state::SearchState;
use crate::model::Cost;
use crate::route::RouteState;

/// Candidates within this fraction above the best travel get a local
/// search...
const PROMISING: f64 = 0.01;
/// ...on solutions of up to this many routes; beyond, the margin shrinks
/// in proportion (about a tenth of one route's travel): a flat 1% let four
/// in five candidates of a 190-route day through, at 3/4 of the time.
const PROMISING_ROUTES: f64 = 10.0;
/// Start temperature, in mean arcs of the start solution.
const START_TEMPERATURE: f64 = 13.0;
/// Final temperature, in mean arcs: about SISR's published setting (1 on
/// Solomon distances); 0.13 cost 2% of travel on 10 s field-2000 runs.
const FINAL_TEMPERATURE: f64 = 0.03;
/// Start temperature of a regional search (few steps per visit, so less
/// time to cool down): 0.2% less travel than 13 on 10 s field-2000 runs.
const REGIONAL_START_TEMPERATURE: f64 = 3.0;
/// In a regional search, candidates get a local search only in this last
/// part of the schedule (hotter, the search wanders off before it pays
/// back): on 10 s field-2000 runs 0.6 gave 0.5% less travel than 0, and
/// 0.8 another 0.25%. Whole searches keep it throughout, where it paid.
const REGIONAL_LOCAL_SEARCH_FROM: f64 = 0.8;
/// Share of steps of a regional search, while some visit is left out,
/// whose ruin makes room for a most important left-out visit on the days
/// of drivers who may serve it ([`left_out_removal`]): 0.5% less travel on
/// 10 s field-2000 runs. Whole searches do without (on over-subscribed
/// re-routes it served fewer visits).
const LEFT_OUT_SEED: f64 = 0.1;
/// Iterations between two looks at the clock (or two ticks of an
/// iteration budget).
pub const CHECK_EVERY: u64 = 32;

/// The budget of one annealing phase, which places the temperature in the
/// schedule: by iterations when the run counts them (so the run depends
/// only on its seed), else by the clock.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    /// When the phase started.
    pub started: Instant,
    /// Seconds the phase may run.
    pub seconds: f64,
    /// Stop checks the phase may run (one per [`CHECK_EVERY`] iterations),
    /// when the run is bounded by a count.
    pub iterations: Option<u64>,
    /// Stop checks of the phase already run by earlier calls (a regional
    /// round continues the schedule of the whole phase).
    pub done: u64,
}

impl Phase {
    /// Share of the phase used after `iteration` iterations, 0..=1.
    fn fraction(&self, iteration: u64) -> f64 {
        let used = match self.iterations {
            Some(n) => {
                (self.done * CHECK_EVERY + iteration) as f64 / (n.max(1) * CHECK_EVERY) as f64
            }
            None => self.started.elapsed().as_secs_f64() / self.seconds.max(1e-9),
        };
        used.min(1.0)
    }
}

/// How one annealing run goes: its recreate, its budget, and whether a
/// full local search first takes the start to a local optimum (skip it
/// for a start that already is one).
#[derive(Debug, Clone, Copy)]
pub struct Annealing {
    /// Recreate parameters of every step.
    pub recreate: RecreateParams,
    /// The budget, which places the temperature.
    pub phase: Phase,
    /// Polish the start with a full local search first.
    pub polish_start: bool,
}

/// Runs SISR with annealing from `start` until `should_stop`; returns the
/// best state found. `on_best` sees every new best. With `recombination`,
/// good candidates feed its route pool and, when it is due, the search
/// jumps to its recombined solution if that beats the best.
pub fn anneal(
    ctx: &SearchContext,
    start: SearchState,
    run: &Annealing,
    mut recombination: Option<&mut Recombination>,
    rng: &mut impl Rng,
    should_stop: &mut dyn FnMut() -> bool,
    on_best: &mut dyn FnMut(&SearchState, &Cost),
) -> SearchState {
    let Annealing {
        recreate,
        phase,
        polish_start,
    } = run;
    let recreate = *recreate;
    let problem = ctx.problem;
    let mean_arc = mean_arc_cost(&start);
    let (start_temperature, local_search_from) = if ctx.regional {
        (REGIONAL_START_TEMPERATURE, REGIONAL_LOCAL_SEARCH_FROM)
    } else {
        (START_TEMPERATURE, 0.0)
    };
    let (t0, tf) = (start_temperature * mean_arc, FINAL_TEMPERATURE * mean_arc);
    let mut current = start;
    if *polish_start {
        local_search(ctx, &mut current, rng, None);
    }
    let mut current_cost = current.cost(problem, &ctx.arcs, ctx.objective);
    let mut best = current.clone();
    let mut best_cost = current_cost;
    let mut iteration: u64 = 0;
    let mut temperature = t0;
    let mut cold = false;
    loop {
        if iteration.is_multiple_of(CHECK_EVERY) {
            if should_stop() {
                break;
            }
            let fraction = phase.fraction(iteration);
            temperature = t0 * (tf / t0).powf(fraction);
            cold = fraction >= local_search_from;
            let ticks = iteration / CHECK_EVERY + 1;
            if let Some(r) = recombination.as_deref_mut().filter(|r| r.due(ticks)) {
                if let Some((state, cost)) = r.recombine(ctx, &recreate, &best, &best_cost, rng) {
                    best = state;
                    best_cost = cost;
                    current = best.clone();
                    current_cost = cost;
                    on_best(&best, &best_cost);
                }
            }
        }
        iteration += 1;
        let mut candidate = current.clone();
        ruin_and_recreate(ctx, &recreate, &mut candidate, rng);
        let mut cost = candidate.cost(problem, &ctx.arcs, ctx.objective);
        // Local search only on candidates close to the best (measured: far
        // better than on every candidate that improves the current one), and
        // only around the routes this step changed.
        let margin = PROMISING * (PROMISING_ROUTES / best.routes.len().max(1) as f64).min(1.0);
        if cost.cmp_before_travel(&best_cost) != Ordering::Greater
            && cost.travel < best_cost.travel * (1.0 + margin)
            && cold
        {
            let dirty = changed_routes(&current, &candidate);
            local_search(ctx, &mut candidate, rng, Some(&dirty));
            cost = candidate.cost(problem, &ctx.arcs, ctx.objective);
        }
        if accepts(&cost, &current_cost, temperature, rng) {
            if let Some(r) = recombination
                .as_deref_mut()
                .filter(|_| Recombination::worth_offering(&cost, &best_cost))
            {
                r.offer(ctx, &candidate);
            }
            if cost.better_than(&best_cost) {
                best = candidate.clone();
                best_cost = cost;
                on_best(&best, &best_cost);
            }
            current = candidate;
            current_cost = cost;
        }
    }
    best
}

/// One SISR step on `candidate`: a ruin (in a regional search with left-out
/// visits, now and then one that makes room for one of them, seated
/// first), then a greedy recreate.
fn ruin_and_recreate(
    ctx: &SearchContext,
    recreate: &RecreateParams,
    candidate: &mut SearchState,
    rng: &mut impl Rng,
) {
    let problem = ctx.problem;
    let focused = if ctx.regional && !candidate.unassigned.is_empty() && rng.gen_bool(LEFT_OUT_SEED)
    {
        left_out_removal(
            problem,
            &ctx.arcs,
            &ctx.neighbours,
            &ctx.ruin,
            candidate,
            rng,
        )
    } else {
        None
    };
    let (removed, first) = match focused {
        Some((removed, u)) => (removed, Some(u)),
        None => (
            string_removal(
                problem,
                &ctx.arcs,
                &ctx.neighbours,
                &ctx.ruin,
                candidate,
                rng,
            ),
            None,
        ),
    };
    greedy_insert(
        problem,
        &ctx.arcs,
        &ctx.neighbours,
        recreate,
        candidate,
        Removal { first, ..removed },
        rng,
    );
}

/// Simulated-annealing acceptance: better before travel always, worse
/// never, else travel within a random threshold at `temperature`.
fn accepts(cost: &Cost, current: &Cost, temperature: f64, rng: &mut impl Rng) -> bool {
    match cost.cmp_before_travel(current) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => {
            let threshold = -temperature * rng.gen::<f64>().max(1e-300).ln();
            cost.travel < current.travel + threshold
        }
    }
}

/// Flags the routes of `candidate` whose visits differ from the same
/// vehicle's route in `current`.
fn changed_routes(current: &SearchState, candidate: &SearchState) -> Vec<bool> {
    let mut by_vehicle: Vec<Option<&Arc<RouteState>>> = vec![None; current.vehicle_used.len()];
    for r in &current.routes {
        by_vehicle[r.vehicle] = Some(r);
    }
    candidate
        .routes
        .iter()
        .map(|r| !by_vehicle[r.vehicle].is_some_and(|c| Arc::ptr_eq(c, r) || c.visits == r.visits))
        .collect()
}

/// Mean weighted arc cost of a state's routes (1.0 when empty).
fn mean_arc_cost(state: &SearchState) -> f64 {
    let arcs: usize = state.routes.iter().map(|r| r.visits.len() + 1).sum();
    let travel: f64 = state.routes.iter().map(|r| r.travel).sum();
    if arcs == 0 || travel <= 0.0 {
        1.0
    } else {
        travel / arcs as f64
    }
}
