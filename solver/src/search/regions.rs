//! Regional parallel search for large instances: the routes are split
//! into as many regions as there are threads, each region is annealed on
//! its own (a [`crate::model::Problem::restricted`] subproblem sharing the
//! travel table)
//! for one round, and the regions' best routes are put back together.
//! The next round draws new borders, so no visit stays cut off from its
//! neighbours.
//!
//! Why: ruin-and-recreate is local, so on a day of hundreds of routes two
//! searches on disjoint regions lose little against one search on the
//! whole, and they use every core, where independent whole searches only
//! give a best of several. A region's result is never worse than its
//! start, so the whole never gets worse either.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::annealing::{anneal, Annealing, Phase};
use super::context::SearchContext;
use super::make_room::make_room;
use super::neighbours::Neighbours;
use super::recreate::RecreateParams;
use super::state::SearchState;
use super::NEIGHBOURS;
use crate::model::Problem;
use crate::route::RouteState;
use crate::solution::{Route, Solution};

/// Below this many visits the threads run independent whole searches:
/// on 500-visit field days regions lost to a best of two (borders and
/// the fixed costs of a round weigh more on fewer routes).
pub const MIN_VISITS: usize = 1000;
/// Rounds per run when the budget is counted in iterations.
const ROUNDS: u64 = 10;
/// A round lasts this share of the budget (shorter rounds restart from
/// the day's best more often but did not pay: 0.3 s rounds gave 635.8k s
/// against 635.0k with 1 s on 10 s field-2000 runs)...
const ROUND_SHARE: f64 = 0.1;
/// ...but at least this many seconds (fixed costs of a round: the
/// subproblems, their neighbour lists and a first local search)...
const MIN_ROUND_SECONDS: f64 = 0.5;
/// ...and at most this many (borders must move now and then).
const MAX_ROUND_SECONDS: f64 = 5.0;

/// One region: routes of the current best, with their vehicles, a share
/// of the free vehicles and the left-out visits closest to it.
#[derive(Debug, Default)]
struct Region {
    routes: Vec<usize>,
    vehicles: Vec<usize>,
    unassigned: Vec<usize>,
}

/// Anneals `start` region by region on `regions` threads until
/// `should_stop`, each round a share of `run`'s phase (the start polished
/// in the first round when `run` says so); `on_best` sees the whole after
/// every round that improved it.
pub fn anneal_in_regions(
    ctx: &SearchContext,
    start: SearchState,
    run: &Annealing,
    regions: usize,
    rng: &mut impl Rng,
    should_stop: &mut dyn FnMut() -> bool,
    on_best: &mut dyn FnMut(&SearchState),
) -> SearchState {
    let phase = run.phase;
    let problem = ctx.problem;
    let mut best = start;
    let mut best_cost = best.cost(problem, &ctx.arcs, ctx.objective);
    let round_seconds = (phase.seconds * ROUND_SHARE).clamp(MIN_ROUND_SECONDS, MAX_ROUND_SECONDS);
    let checks_per_round = phase.iterations.map(|n| (n / ROUNDS).max(1));
    let mut round: u64 = 0;
    while !should_stop() {
        let round_started = std::time::Instant::now();
        let round_cpu = crate::phase::process_cpu_seconds();
        let split = crate::phase::timed("region split", || split(ctx, &best, regions, rng));
        let seeds: Vec<u64> = split.iter().map(|_| rng.gen()).collect();
        let slice = match checks_per_round {
            Some(n) => Slice::Checks {
                count: n,
                offset: round * n,
            },
            None => Slice::Seconds(round_seconds),
        };
        // Later rounds start from routes that already passed a local
        // search: a full one per round was a twentieth of a 10 s run, and
        // the steps reach the new borders anyway.
        let round_run = Annealing {
            polish_start: run.polish_start && round == 0,
            ..*run
        };
        let parts: Vec<Vec<Route>> = crate::phase::timed("region search", || {
            split
                .par_iter()
                .zip(seeds)
                .map(|(region, seed)| search_region(ctx, &best, region, &round_run, slice, seed))
                .collect()
        });
        round += 1;
        let mut candidate = crate::phase::timed("reassemble", || reassemble(ctx, &best, parts));
        crate::phase::timed("left-out handling", || {
            make_room(problem, &ctx.arcs, &mut candidate)
        });
        let cost = candidate.cost(problem, &ctx.arcs, ctx.objective);
        tracing::debug!(
            target: "ordo::phase",
            phase = "regional round",
            round,
            seconds = round_started.elapsed().as_secs_f64(),
            cpu_seconds = crate::phase::process_cpu_seconds() - round_cpu
        );
        if cost.better_than(&best_cost) {
            best = candidate;
            best_cost = cost;
            on_best(&best);
        }
        if checks_per_round.is_some() && round >= ROUNDS {
            break;
        }
    }
    best
}

/// How long a region searches in one round.
#[derive(Debug, Clone, Copy)]
enum Slice {
    /// Wall-clock seconds (the global stop still applies).
    Seconds(f64),
    /// Stop checks, `offset` of them done in earlier rounds.
    Checks { count: u64, offset: u64 },
}

/// Anneals one region for one round of `run` (its recreate capped to the
/// region); returns its best routes, in the whole problem's numbering.
fn search_region(
    ctx: &SearchContext,
    best: &SearchState,
    region: &Region,
    run: &Annealing,
    slice: Slice,
    seed: u64,
) -> Vec<Route> {
    let (recreate, phase) = (&run.recreate, run.phase);
    let problem = ctx.problem;
    let Some((sub, visits, start)) =
        crate::phase::timed("subproblem", || subproblem(problem, best, region))
    else {
        return Vec::new();
    };
    let (stop, checks, offset) = match slice {
        Slice::Seconds(s) => (
            ctx.stop.sooner(std::time::Duration::from_secs_f64(s)),
            None,
            0,
        ),
        Slice::Checks { count, offset } => (ctx.stop.clone(), Some(count), offset),
    };
    let sub_ctx = SearchContext {
        problem: &sub,
        arcs: ctx.arcs,
        objective: ctx.objective,
        neighbours: Neighbours::new(&sub, NEIGHBOURS),
        ruin: ctx.ruin,
        stop: stop.clone(),
        regional: true,
    };
    let capped = recreate.max_routes < problem.vehicles.len();
    let sub_recreate = RecreateParams {
        left_out_first: true,
        max_routes: if capped {
            region.routes.len()
        } else {
            sub.vehicles.len()
        },
        ..*recreate
    };
    let state = SearchState::from_solution(&sub, &ctx.arcs, &start);
    let mut left = checks;
    let mut should_stop = || match left.as_mut() {
        Some(0) => true,
        Some(n) => {
            *n -= 1;
            false
        }
        None => stop.should_stop(),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sub_run = Annealing {
        recreate: sub_recreate,
        phase: Phase {
            done: phase.done + offset,
            ..phase
        },
        polish_start: run.polish_start,
    };
    let found = anneal(
        &sub_ctx,
        state,
        &sub_run,
        None,
        &mut rng,
        &mut should_stop,
        &mut |_, _| {},
    );
    found
        .to_solution(&sub)
        .routes
        .into_iter()
        .map(|r| Route {
            vehicle: region.vehicles[r.vehicle],
            visits: r.visits.iter().map(|&i| visits[i]).collect(),
            break_position: r.break_position,
        })
        .collect()
}

/// The region as a problem of its own: its visits (its routes' and the
/// left-out ones near it) and vehicles, in local numbering; the global
/// index of each local visit; and the region's routes as its start.
/// `None` when the region has no visit.
fn subproblem(
    problem: &Problem,
    best: &SearchState,
    region: &Region,
) -> Option<(Problem, Vec<usize>, Solution)> {
    let mut visits: Vec<usize> = region
        .routes
        .iter()
        .flat_map(|&r| best.routes[r].visits.iter().copied())
        .collect();
    visits.extend_from_slice(&region.unassigned);
    if visits.is_empty() {
        return None;
    }
    let sub = problem.restricted(&visits, &region.vehicles);
    let mut local_visit = vec![usize::MAX; problem.n_visits()];
    for (i, &v) in visits.iter().enumerate() {
        local_visit[v] = i;
    }
    let mut local_vehicle = vec![usize::MAX; problem.vehicles.len()];
    for (k, &g) in region.vehicles.iter().enumerate() {
        local_vehicle[g] = k;
    }
    let start = Solution {
        routes: region
            .routes
            .iter()
            .map(|&r| {
                let route = &best.routes[r];
                Route {
                    vehicle: local_vehicle[route.vehicle],
                    visits: route.visits.iter().map(|&v| local_visit[v]).collect(),
                    // The state built from it schedules its own breaks.
                    break_position: None,
                }
            })
            .collect(),
        unassigned: region.unassigned.iter().map(|&v| local_visit[v]).collect(),
    };
    Some((sub, visits, start))
}

/// The whole state of the regions' routes; visits no region serves are
/// unassigned (a region's cost never exceeds its start's, so neither does
/// the whole's).
fn reassemble(ctx: &SearchContext, best: &SearchState, parts: Vec<Vec<Route>>) -> SearchState {
    let problem = ctx.problem;
    let routes: Vec<Route> = parts.into_iter().flatten().collect();
    let mut served = vec![false; problem.n_visits()];
    for r in &routes {
        for &v in &r.visits {
            served[v] = true;
        }
    }
    debug_assert!(best.unservable.iter().all(|&v| !served[v]));
    let solution = Solution {
        routes,
        unassigned: (0..problem.n_visits()).filter(|&v| !served[v]).collect(),
    };
    SearchState::from_solution(problem, &ctx.arcs, &solution)
}

/// Splits the routes of `state` into `count` regions of near equal route
/// counts by recursive bisection around two far-apart routes, the first
/// drawn at random; then hands out the free vehicles and the left-out
/// visits (to the region of their nearest served neighbour, or of the
/// vehicle they are locked to).
fn split(
    ctx: &SearchContext,
    state: &SearchState,
    count: usize,
    rng: &mut impl Rng,
) -> Vec<Region> {
    let problem = ctx.problem;
    let centre = |r: usize| {
        let visits = &state.routes[r].visits;
        problem.visits[visits[visits.len() / 2]].location
    };
    let mut groups = vec![(0..state.routes.len()).collect::<Vec<usize>>()];
    while groups.len() < count {
        // Bisect the largest group.
        let Some((largest, _)) = groups.iter().enumerate().max_by_key(|(_, g)| g.len()) else {
            break;
        };
        if groups[largest].len() < 2 {
            break;
        }
        let group = groups.swap_remove(largest);
        let a = centre(group[rng.gen_range(0..group.len())]);
        let b = group
            .iter()
            .map(|&r| centre(r))
            .max_by(|&x, &y| problem.distance(a, x).total_cmp(&problem.distance(a, y)))
            .unwrap_or(a);
        let mut ranked: Vec<(f64, usize)> = group
            .iter()
            .map(|&r| {
                let c = centre(r);
                (problem.distance(a, c) - problem.distance(b, c), r)
            })
            .collect();
        ranked.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let half = ranked.len() / 2;
        groups.push(ranked[..half].iter().map(|&(_, r)| r).collect());
        groups.push(ranked[half..].iter().map(|&(_, r)| r).collect());
    }
    let mut regions: Vec<Region> = groups
        .into_iter()
        .map(|routes| Region {
            vehicles: routes.iter().map(|&r| state.routes[r].vehicle).collect(),
            routes,
            unassigned: Vec::new(),
        })
        .collect();
    let mut region_of_vehicle = vec![usize::MAX; problem.vehicles.len()];
    for (g, region) in regions.iter().enumerate() {
        for &r in &region.routes {
            region_of_vehicle[state.routes[r].vehicle] = g;
        }
    }
    let free = (0..problem.vehicles.len()).filter(|&k| !state.vehicle_used[k]);
    for (i, k) in free.enumerate() {
        let g = i % regions.len();
        region_of_vehicle[k] = g;
        regions[g].vehicles.push(k);
    }
    let route_of = state.route_index(problem.n_visits());
    for &v in &state.unassigned {
        let g = match problem.visits[v].vehicle_lock {
            Some(k) => region_of_vehicle[k],
            None => nearest_able_region(ctx, state, &route_of, &region_of_vehicle, v)
                .unwrap_or(v % regions.len()),
        };
        regions[g].unassigned.push(v);
    }
    regions
}

/// The region of the nearest served neighbour of `v` whose vehicle could
/// serve it (eligible, and able to reach it in its shift), else of any
/// vehicle that could: a visit handed to a region without such a driver
/// would stay out for the whole round.
fn nearest_able_region(
    ctx: &SearchContext,
    state: &SearchState,
    route_of: &[usize],
    region_of_vehicle: &[usize],
    v: usize,
) -> Option<usize> {
    let problem = ctx.problem;
    let able = |k: usize| {
        problem.may_serve(k, v) && RouteState::alone_delta(problem, &ctx.arcs, k, v).is_some()
    };
    ctx.neighbours
        .of(v)
        .filter(|&w| route_of[w] != usize::MAX)
        .map(|w| state.routes[route_of[w]].vehicle)
        .find(|&k| able(k))
        .or_else(|| (0..problem.vehicles.len()).find(|&k| able(k)))
        .map(|k| region_of_vehicle[k])
}
