//! Greedy recreate with blinks (SISR): re-insert removed visits one by one,
//! each at its cheapest feasible position, skipping each candidate position
//! with a small probability so that repeated runs explore.
//!
//! Visits go in by priority tier (most important first, so they get the
//! room), and within a tier in a random, far-first, close-first or
//! largest-demand-first order. A visit that fits no open route opens a new
//! route on a free vehicle if the route cap allows, else stays unassigned.

use rand::seq::SliceRandom;
use rand::Rng;

use super::neighbours::Neighbours;
use super::ruin::Removal;
use super::state::SearchState;
use crate::model::{ArcCost, Problem, VehicleClass, EPS};
use crate::route::{NodeLink, RouteState};

/// Recreate parameters.
#[derive(Debug, Clone, Copy)]
pub struct RecreateParams {
    /// Probability of skipping a candidate position.
    pub blink_rate: f64,
    /// Maximum number of routes (the fleet size, or a hierarchical cap).
    pub max_routes: usize,
    /// Open a new route only when no open route can take the visit
    /// (hierarchical objective: vehicles before distance).
    pub prefer_existing: bool,
    /// Let the few left-out visits go in first now and then (see
    /// [`LEFT_OUT_FIRST`]); regional searches of large days only, where it
    /// was measured.
    pub left_out_first: bool,
    /// The caller rejects any step that serves less than the state did
    /// before the ruin (the annealing). Then, when that state served every
    /// visit it could, recreate inserts in SISR's orders alone, not
    /// priority tiers first (see [`greedy_insert`]), and gives up at
    /// the first visit that fits nowhere: the step is lost anyway. Not for
    /// placing new visits into a plan.
    pub rejects_short_steps: bool,
}

/// Share of recreates in which the few left-out visits go in before the
/// removed ones, whatever their priority. Otherwise a low-priority visit
/// that only a full day's driver may serve never gets in: the removed
/// visits of that day are more important, go back first, and fill it
/// again. If the removed ones then fit nowhere the step serves less and
/// is simply rejected. On 10 s field-2000 runs one such visit stayed out
/// for several rounds in four seeds of six without this, in one of six
/// with it.
const LEFT_OUT_FIRST: f64 = 0.5;
/// Up to this many unassigned visits are all retried on every recreate.
const RETRY_ALL_UNASSIGNED: usize = 24;
/// Beyond that, this many far-off unassigned visits are retried at random
/// besides those near the ruin.
const RETRY_FAR_UNASSIGNED: usize = 8;

/// Inserts `removed` (and tries the unassigned pool) into `state`, its
/// `first` visit, if any, before everything else.
pub fn greedy_insert(
    problem: &Problem,
    arcs: &ArcCost,
    neighbours: &Neighbours,
    params: &RecreateParams,
    state: &mut SearchState,
    removed: impl Into<Removal>,
    rng: &mut impl Rng,
) {
    let Removal {
        visits: mut removed,
        route_of,
        first,
    } = removed.into();
    let route_of = route_of.unwrap_or_else(|| state.route_index(problem.n_visits()));
    let ruined = removed.len();
    let kept = retry_unassigned(problem, neighbours, state, &mut removed, rng);
    let left_out: Vec<usize> = removed[ruined..].to_vec();
    // A search step that leaves any visit out is rejected whatever the
    // visit's priority, so when nothing was left out before the ruin the
    // tiers only stand in the way of SISR's orders: on 10 s field-2000
    // runs dropping them there lowered the 16-seed mean travel by 0.9%
    // (and by 0.6% at 60 s).
    let complete = left_out.is_empty() && kept.is_empty() && first.is_none();
    let tiered = !(params.rejects_short_steps && complete);
    sort_removed(problem, &mut removed, tiered, rng);
    if params.left_out_first
        && !left_out.is_empty()
        && left_out.len() <= RETRY_ALL_UNASSIGNED
        && rng.gen_bool(LEFT_OUT_FIRST)
    {
        removed.sort_by_key(|v| !left_out.contains(v));
    }
    if let Some(v) = first {
        removed.insert(0, v);
    }
    let mut scan = Scan {
        route_of,
        vehicle_of: state.routes.iter().map(|r| r.vehicle).collect(),
        free: FreeVehicles::of(problem, state),
        candidates: Vec::new(),
        tried: Vec::with_capacity(GRANULAR_VISITS),
    };
    // A fifth of the steps of a 10 s field-2000 run leave a visit out, so
    // finishing them was a tenth of the search's time spent for nothing.
    let give_up = params.rejects_short_steps && complete;
    let recreate = Recreate {
        problem,
        arcs,
        neighbours,
        params,
    };
    let mut visits = removed.into_iter();
    while let Some(v) = visits.next() {
        match best_insertion(&recreate, state, &mut scan, v, rng) {
            Some(Choice::Existing { route, position }) => {
                state.route_mut(route).insert(problem, arcs, v, position);
                scan.route_of[v] = route;
            }
            Some(Choice::NewRoute { vehicle }) => {
                scan.route_of[v] = state.routes.len();
                scan.vehicle_of.push(vehicle);
                scan.free.take(vehicle);
                state.vehicle_used[vehicle] = true;
                state.push_route(RouteState::new(problem, arcs, vehicle, vec![v]));
            }
            None if give_up => {
                state.unassigned.push(v);
                state.unassigned.extend(visits.by_ref());
            }
            None => state.unassigned.push(v),
        }
    }
    state.unassigned.extend(kept);
}

/// Moves the unassigned visits worth retrying into `removed` and returns
/// the others. A small pool is retried whole. A large one (a field day
/// with more visits than drivers can serve) is retried near the ruin,
/// where the slack is, plus a few visits at random: scanning every route
/// for hundreds of visits that fit nowhere made each step slow.
fn retry_unassigned(
    problem: &Problem,
    neighbours: &Neighbours,
    state: &mut SearchState,
    removed: &mut Vec<usize>,
    rng: &mut impl Rng,
) -> Vec<usize> {
    if state.unassigned.len() <= RETRY_ALL_UNASSIGNED {
        removed.append(&mut state.unassigned);
        return Vec::new();
    }
    let mut near = vec![false; problem.n_visits()];
    for &r in removed.iter() {
        for w in neighbours.of(r).take(GRANULAR_VISITS) {
            near[w] = true;
        }
    }
    let mut far = Vec::new();
    for v in state.unassigned.drain(..) {
        if near[v] {
            removed.push(v);
        } else {
            far.push(v);
        }
    }
    for _ in 0..RETRY_FAR_UNASSIGNED.min(far.len()) {
        let k = rng.gen_range(0..far.len());
        removed.push(far.swap_remove(k));
    }
    far
}

/// One of SISR's orders; with `tiered`, priority tiers first and the
/// order within each.
///
/// SISR's largest-demand-first order here puts the visits fewest drivers
/// may serve first, and the largest demand first among equals: like a
/// large demand, a rare skill leaves a visit few places, and once others
/// fill them it fits nowhere and the step is lost (a fifth of the steps
/// of a 10 s field-2000 run). There, where demands are far below
/// capacity, this lowered the 32-seed mean travel by 0.3%; where every
/// vehicle may serve every visit (benchmarks) the order is SISR's.
fn sort_removed(problem: &Problem, removed: &mut [usize], tiered: bool, rng: &mut impl Rng) {
    removed.shuffle(rng);
    let depot_distance = |v: usize| {
        let k = &problem.vehicles[0];
        problem.distance(k.start, problem.visits[v].location)
    };
    match rng.gen_range(0..11) {
        0..=3 => {}
        4..=7 => removed.sort_by_key(|&v| {
            (
                problem.drivers_for(v),
                std::cmp::Reverse(problem.visits[v].demand),
            )
        }),
        8..=9 => removed.sort_by(|&a, &b| depot_distance(b).total_cmp(&depot_distance(a))),
        _ => removed.sort_by(|&a, &b| depot_distance(a).total_cmp(&depot_distance(b))),
    }
    if tiered {
        removed.sort_by_key(|&v| problem.visits[v].priority);
    }
}

/// Above this many routes, recreate looks at neighbouring routes first.
const GRANULAR_ROUTES: usize = 12;
/// Nearest visits whose routes are tried first.
const GRANULAR_VISITS: usize = 30;

/// What one recreate reads: the problem, its costs and neighbours, and
/// the parameters.
struct Recreate<'a> {
    problem: &'a Problem,
    arcs: &'a ArcCost,
    neighbours: &'a Neighbours,
    params: &'a RecreateParams,
}

/// Pushes every position of `v` in route `r` that the O(1) bounds allow
/// (skipping each with the blink rate) as `(delta, r, position)`.
fn positions_in_route(
    recreate: &Recreate,
    state: &SearchState,
    r: usize,
    v: usize,
    out: &mut Vec<(f64, usize, usize)>,
    rng: &mut dyn rand::RngCore,
) {
    let Recreate { problem, arcs, .. } = *recreate;
    let blink_rate = recreate.params.blink_rate;
    let route = &state.routes[r];
    if !problem.compatible(route.vehicle, v)
        || problem.visits[v]
            .vehicle_lock
            .is_some_and(|k| k != route.vehicle)
        || route.load + problem.visits[v].demand > problem.vehicles[route.vehicle].capacity
    {
        return;
    }
    // The bounds below skip the positions the visit's windows rule out
    // without reading the travel table. Service cannot start before the
    // previous node's departure nor before the first window opens, and
    // must end before the next node's latest arrival.
    let visit = &problem.visits[v];
    let (earliest, closes) = (visit.earliest(), visit.latest());
    let positions = route.window_positions(earliest, visit.service, closes);
    if positions.is_empty() {
        return;
    }
    let mut until_blink = positions_before_blink(blink_rate, rng);
    let mut link = NodeLink::default();
    for p in positions {
        if until_blink == 0 {
            until_blink = positions_before_blink(blink_rate, rng);
            continue;
        }
        until_blink -= 1;
        let departure = route.departure(p);
        if departure.max(earliest) + visit.service > route.latest_arrival(p + 1) + EPS {
            continue;
        }
        if let Some(delta) = route.insertion_delta_along(problem, arcs, v, p, &mut link) {
            out.push((delta, r, p));
        }
    }
}

/// The cheapest of `candidates` that also passes the exact schedule
/// (breaks, working time) where its vehicle needs one. The candidates of
/// all routes are ranked together, so the exact check (a simulation of
/// the whole route) runs about once per visit, not once per route.
fn cheapest_exact(
    problem: &Problem,
    state: &SearchState,
    v: usize,
    candidates: &mut [(f64, usize, usize)],
) -> Option<(f64, usize, usize)> {
    let needs_exact = |r: usize| RouteState::needs_exact_check(problem, state.routes[r].vehicle);
    // Usually the cheapest passes (always, without exact checks), so
    // select rather than sort: the first of the cheapest each time (a
    // stable sort's order), a failed one struck off by an infinite cost.
    loop {
        let (i, &best) = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.0.is_finite())
            .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0))?;
        let (_, r, p) = best;
        if !needs_exact(r) || state.routes[r].exact_insertion_ok(problem, v, p) {
            return Some(best);
        }
        candidates[i].0 = f64::INFINITY;
    }
}

/// How many positions are tried before the next blink: geometric, so each
/// position blinks independently with `blink_rate`, at one random draw per
/// blink instead of one per position (the draws were a tenth of recreate).
fn positions_before_blink(blink_rate: f64, rng: &mut dyn rand::RngCore) -> usize {
    if blink_rate <= 0.0 {
        return usize::MAX;
    }
    let u: f64 = rng.gen::<f64>().max(f64::MIN_POSITIVE);
    let skips = (u.ln() / (1.0 - blink_rate.min(1.0 - 1e-12)).ln()).floor();
    if skips >= usize::MAX as f64 {
        usize::MAX
    } else {
        skips as usize
    }
}

/// The vehicles without a route, ascending, each with a number for its
/// class, so that opening a route tries each class once by comparing
/// numbers. Kept through a recreate: looking at every vehicle on every
/// insertion, to find the few free ones, was a fortieth of the search.
pub(super) struct FreeVehicles {
    /// `(vehicle, class)` pairs; equal classes have equal numbers.
    list: Vec<(usize, usize)>,
}

impl FreeVehicles {
    /// The vehicles of `state` without a route.
    pub(super) fn of(problem: &Problem, state: &SearchState) -> Self {
        let mut classes: Vec<VehicleClass> = Vec::new();
        let list = (0..problem.vehicles.len())
            .filter(|&k| !state.vehicle_used[k])
            .map(|k| {
                let class = VehicleClass::of(problem, k);
                let number = classes.iter().position(|c| *c == class).unwrap_or_else(|| {
                    classes.push(class);
                    classes.len() - 1
                });
                (k, number)
            })
            .collect();
        Self { list }
    }

    /// Vehicle `k` got a route.
    fn take(&mut self, k: usize) {
        self.list.retain(|&(f, _)| f != k);
    }
}

/// The cheapest free vehicle to open a route for `v` alone, with the cost
/// (travel plus the vehicle's fixed cost). Vehicles of one class are tried
/// once, except the visit's published vehicle, which alone costs nothing
/// to keep. Vehicles that cannot cost `beat` or less are not checked (the
/// caller has a place of that cost), so the answer may then be `None`.
pub(super) fn cheapest_new_route(
    problem: &Problem,
    arcs: &ArcCost,
    free: &FreeVehicles,
    v: usize,
    beat: f64,
) -> Option<(f64, usize)> {
    let mut best: Option<(f64, usize)> = None;
    let mut tried: Vec<usize> = Vec::new();
    let published = problem.visits[v].reassignment.map(|r| r.vehicle);
    for &(k, class) in &free.list {
        if !problem.may_serve(k, v) {
            continue;
        }
        if published != Some(k) {
            if tried.contains(&class) {
                continue;
            }
            tried.push(class);
        }
        // The drive out alone is a lower bound, read from the table: the
        // full check builds a route and, for drivers with a break,
        // simulates it, and on field days it rarely beats an open route.
        let bound = best.map_or(beat, |(c, _)| c.min(beat));
        let drive_out = arcs.arc(
            problem,
            problem.vehicles[k].start,
            problem.visits[v].location,
        );
        if drive_out + problem.assignment_cost(v, k) + arcs.vehicle(problem, k) > bound {
            continue;
        }
        if let Some(delta) = RouteState::alone_delta(problem, arcs, k, v) {
            let cost = delta + arcs.vehicle(problem, k);
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, k));
            }
        }
    }
    best
}

/// What a recreate keeps between its insertions: the route of each visit
/// (`usize::MAX` when none) and the vehicle of each route, kept beside the
/// state so that a scan of all routes skips the ineligible ones without
/// reading each route; the free vehicles; and the buffers of one
/// insertion, reused (their allocations were a tenth of the insertion's
/// time).
struct Scan {
    route_of: Vec<usize>,
    vehicle_of: Vec<usize>,
    free: FreeVehicles,
    candidates: Vec<(f64, usize, usize)>,
    tried: Vec<usize>,
}

enum Choice {
    Existing { route: usize, position: usize },
    NewRoute { vehicle: usize },
}

/// The cheapest feasible insertion of `v`, with blinks.
fn best_insertion(
    recreate: &Recreate,
    state: &SearchState,
    scan: &mut Scan,
    v: usize,
    rng: &mut impl Rng,
) -> Option<Choice> {
    let Recreate {
        problem,
        arcs,
        neighbours,
        params,
    } = *recreate;
    let Scan {
        route_of,
        vehicle_of,
        free,
        candidates,
        tried,
    } = scan;
    candidates.clear();
    tried.clear();
    let gather = |r: usize, out: &mut Vec<(f64, usize, usize)>, rng: &mut dyn rand::RngCore| {
        positions_in_route(recreate, state, r, v, out, rng);
    };
    // Granular first: only routes serving one of v's nearest visits; all
    // routes only when none of those can take it.
    let best = if state.routes.len() > GRANULAR_ROUTES {
        for w in neighbours.of(v).take(GRANULAR_VISITS) {
            let r = route_of[w];
            if r != usize::MAX && !tried.contains(&r) {
                tried.push(r);
                gather(r, candidates, rng);
            }
        }
        cheapest_exact(problem, state, v, candidates).or_else(|| {
            candidates.clear();
            let others = (0..state.routes.len())
                .filter(|&r| problem.compatible(vehicle_of[r], v) && !tried.contains(&r));
            for r in others {
                gather(r, candidates, rng);
            }
            cheapest_exact(problem, state, v, candidates)
        })
    } else {
        for r in 0..state.routes.len() {
            gather(r, candidates, rng);
        }
        cheapest_exact(problem, state, v, candidates)
    };
    let existing = best.map(|(cost, route, position)| (cost, Choice::Existing { route, position }));
    if state.routes.len() >= params.max_routes || (params.prefer_existing && existing.is_some()) {
        return existing.map(|(_, c)| c);
    }
    let beat = existing.as_ref().map_or(f64::INFINITY, |(c, _)| *c);
    let new_best = cheapest_new_route(problem, arcs, free, v, beat);
    match (existing, new_best) {
        (Some((c, choice)), Some((n, _))) if c <= n => Some(choice),
        (Some((_, choice)), None) => Some(choice),
        (_, Some((_, vehicle))) => Some(Choice::NewRoute { vehicle }),
        (None, None) => None,
    }
}
