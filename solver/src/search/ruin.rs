//! SISR ruin: remove strings of consecutive visits from adjacent routes
//! (Christiaens & Vanden Berghe 2020, "Slack induction by string removals
//! for vehicle routing problems").
//!
//! A seed visit is drawn at random; walking its neighbour list, each not yet
//! ruined route met loses one string (or a "split string" that keeps a
//! middle part) around the neighbour, until `k_s` routes are ruined. The
//! removed visits leave slack in several nearby routes at once, which the
//! greedy recreate then uses.

use rand::Rng;

use super::neighbours::Neighbours;
use super::state::SearchState;
use crate::model::{ArcCost, Problem};
use crate::route::RouteState;

/// SISR's ruin parameters.
#[derive(Debug, Clone, Copy)]
pub struct RuinParams {
    /// Average number of removed visits (`c̄`).
    pub average_removed: f64,
    /// Maximum string length (`L_max`).
    pub max_string: f64,
    /// Probability of a split string rather than a plain string.
    pub split_probability: f64,
}

impl Default for RuinParams {
    fn default() -> Self {
        Self {
            average_removed: 10.0,
            max_string: 10.0,
            split_probability: 0.5,
        }
    }
}

/// Visits a ruin took out, with the route of every visit after it
/// (`usize::MAX` when none): recreate needs that index too, and building
/// it a second time each step was a sixtieth of the search.
#[derive(Debug, Default)]
pub struct Removal {
    /// The removed visits.
    pub visits: Vec<usize>,
    /// Route of each visit of the problem, when known.
    pub route_of: Option<Vec<usize>>,
    /// A visit, neither removed nor in the pool, that recreate seats
    /// before everything else (the left-out visit this ruin made room for).
    pub first: Option<usize>,
}

impl From<Vec<usize>> for Removal {
    fn from(visits: Vec<usize>) -> Self {
        Self {
            visits,
            route_of: None,
            first: None,
        }
    }
}

/// Removes strings from `state`; returns the removed visits.
pub fn string_removal(
    problem: &Problem,
    arcs: &ArcCost,
    neighbours: &Neighbours,
    params: &RuinParams,
    state: &mut SearchState,
    rng: &mut impl Rng,
) -> Removal {
    let served = state.served();
    if served == 0 || state.routes.is_empty() {
        return Removal::default();
    }
    let shape = StringShape::new(params, state, rng);
    let route_of = state.route_index(problem.n_visits());
    let seed = loop {
        let v = rng.gen_range(0..problem.n_visits());
        if route_of[v] != usize::MAX {
            break v;
        }
    };
    let mut ruined: Vec<usize> = Vec::with_capacity(shape.strings);
    let mut removed = Vec::new();
    for c in std::iter::once(seed).chain(neighbours.of(seed)) {
        if ruined.len() >= shape.strings {
            break;
        }
        let r = route_of[c];
        if r == usize::MAX || ruined.contains(&r) {
            continue;
        }
        ruined.push(r);
        cut_string(state.route_mut(r), c, &shape, params, &mut removed, rng);
    }
    let routes_before = state.routes.len();
    settle(problem, arcs, state, &ruined, &mut removed);
    indexed(problem, state, routes_before, route_of, removed)
}

/// Removes strings around a left-out visit from routes whose vehicle may
/// serve it, nearest first; returns the removed visits and the left-out
/// visit (taken out of the pool), which recreate should insert first.
/// Picks among the most important left-out visits; `None` when none is
/// left out or no route may serve the one picked.
///
/// Why: a random seed makes room anywhere, and a left-out visit that
/// only a few drivers may serve needs it on their days. Plain steps
/// rarely give it: the removed visits, more important, go back first.
pub fn left_out_removal(
    problem: &Problem,
    arcs: &ArcCost,
    neighbours: &Neighbours,
    params: &RuinParams,
    state: &mut SearchState,
    rng: &mut impl Rng,
) -> Option<(Removal, usize)> {
    let top = state
        .unassigned
        .iter()
        .map(|&v| problem.visits[v].priority)
        .min()?;
    let tier: Vec<usize> = (0..state.unassigned.len())
        .filter(|&i| problem.visits[state.unassigned[i]].priority == top)
        .collect();
    let u = state.unassigned[tier[rng.gen_range(0..tier.len())]];
    let here = problem.visits[u].location;
    // Each eligible route with its visit nearest to u, nearest first.
    let mut eligible: Vec<(f64, usize, usize)> = state
        .routes
        .iter()
        .enumerate()
        .filter(|(_, route)| problem.may_serve(route.vehicle, u))
        .filter_map(|(r, route)| {
            route
                .visits
                .iter()
                .map(|&c| (problem.distance(here, problem.visits[c].location), r, c))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        })
        .collect();
    if eligible.is_empty() {
        return None;
    }
    eligible.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    state.unassigned.retain(|&v| v != u);
    let shape = StringShape::new(params, state, rng);
    let ruined: Vec<usize> = eligible.iter().take(shape.strings).map(|e| e.1).collect();
    let mut removed = Vec::new();
    for &(_, r, c) in eligible.iter().take(shape.strings) {
        cut_string(state.route_mut(r), c, &shape, params, &mut removed, rng);
    }
    // Nearby routes, eligible or not, lose a string too, so that what
    // came out of the eligible ones finds room.
    let route_of = state.route_index(problem.n_visits());
    let mut extra = Vec::new();
    for c in neighbours.of(u) {
        if extra.len() >= shape.strings {
            break;
        }
        let r = route_of[c];
        if r == usize::MAX || ruined.contains(&r) || extra.contains(&r) {
            continue;
        }
        extra.push(r);
        cut_string(state.route_mut(r), c, &shape, params, &mut removed, rng);
    }
    let all: Vec<usize> = ruined.into_iter().chain(extra).collect();
    let routes_before = state.routes.len();
    settle(problem, arcs, state, &all, &mut removed);
    Some((indexed(problem, state, routes_before, route_of, removed), u))
}

/// `removed` with the route index of `state`, given `route_of`, the index
/// of its `routes_before` routes from before those visits came out
/// (rebuilt if a route was dropped since, which renumbers the others).
fn indexed(
    problem: &Problem,
    state: &SearchState,
    routes_before: usize,
    mut route_of: Vec<usize>,
    removed: Vec<usize>,
) -> Removal {
    if state.routes.len() != routes_before {
        route_of = state.route_index(problem.n_visits());
    }
    for &v in &removed {
        route_of[v] = usize::MAX;
    }
    Removal {
        visits: removed,
        route_of: Some(route_of),
        first: None,
    }
}

/// How many strings one ruin cuts and how long they may be (SISR's
/// `k_s` and `l_s^max`).
struct StringShape {
    strings: usize,
    max_len: f64,
}

impl StringShape {
    fn new(params: &RuinParams, state: &SearchState, rng: &mut impl Rng) -> Self {
        let average_len = state.served() as f64 / state.routes.len().max(1) as f64;
        let max_len = params.max_string.min(average_len).max(1.0);
        let max_strings = (4.0 * params.average_removed / (1.0 + max_len) - 1.0).max(1.0);
        let strings = rng.gen_range(1.0..max_strings + 1.0).floor() as usize;
        Self { strings, max_len }
    }
}

/// Cuts one string (or a split string that keeps a middle part) around
/// visit `c` out of `route`, into `removed`.
fn cut_string(
    route: &mut RouteState,
    c: usize,
    shape: &StringShape,
    params: &RuinParams,
    removed: &mut Vec<usize>,
    rng: &mut impl Rng,
) {
    let len = route.visits.len();
    if len == 0 {
        return;
    }
    let at = route.visits.iter().position(|&v| v == c).unwrap_or(0);
    let cap = shape.max_len.min(len as f64);
    let l = (rng.gen_range(1.0..cap + 1.0).floor() as usize).clamp(1, len);
    if rng.gen_bool(params.split_probability) && l < len {
        // Split string: a window of l + m around c, keeping m in its middle.
        let m = rng.gen_range(1..=(len - l).min(l.max(1)));
        let total = l + m;
        let start = window_start(at, total, len, rng);
        let keep_from = start + rng.gen_range(0..=l);
        let window: Vec<usize> = route.visits[start..start + total].to_vec();
        let mut kept = Vec::with_capacity(len - l);
        kept.extend_from_slice(&route.visits[..start]);
        for (i, &v) in window.iter().enumerate() {
            if (keep_from..keep_from + m).contains(&(start + i)) {
                kept.push(v);
            } else {
                removed.push(v);
            }
        }
        kept.extend_from_slice(&route.visits[start + total..]);
        route.visits = kept;
    } else {
        let start = window_start(at, l, len, rng);
        removed.extend(route.visits.drain(start..start + l));
    }
}

/// Refreshes the ruined routes and drops the emptied ones.
fn settle(
    problem: &Problem,
    arcs: &ArcCost,
    state: &mut SearchState,
    ruined: &[usize],
    removed: &mut Vec<usize>,
) {
    for &r in ruined {
        let route = state.route_mut(r);
        route.refresh(problem, arcs);
        // With several windows or a working-time limit, taking visits out
        // can make a route worse (an earlier window opens, and the day
        // starts earlier); such a route loses more visits until it holds.
        if RouteState::needs_exact_check(problem, route.vehicle) {
            while !route.visits.is_empty() && !route.is_feasible(problem) {
                removed.extend(route.visits.pop());
                route.refresh(problem, arcs);
            }
        }
    }
    state.drop_empty_routes();
}

/// A random start of a window of `size` inside `0..len` that covers `at`.
fn window_start(at: usize, size: usize, len: usize, rng: &mut impl Rng) -> usize {
    let lowest = (at + 1).saturating_sub(size);
    let highest = at.min(len - size);
    rng.gen_range(lowest..=highest.max(lowest))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::checker::check;
    use crate::model::Objective;
    use crate::model::{
        DenseMatrix, Euclidean, ProblemBuilder, Rounding, SkillSet, TimeWindow, Vehicle, Visit,
    };
    use crate::search::recreate::{greedy_insert, RecreateParams};
    use crate::solution::{Route, Solution};

    /// Driver `a`'s day is full of two important visits that driver `b`
    /// may serve too; a low-priority visit only `a` may serve is left out.
    fn full_day() -> (Problem, Solution) {
        let travel = DenseMatrix::from_model(&Euclidean {
            coords: vec![(0.0, 0.0), (10.0, 0.0)],
            rounding: Rounding::Exact,
        });
        let mut builder = ProblemBuilder::new("full-day", travel);
        for id in ["w1", "w2"] {
            let mut w = Visit::new(id, 1, 30.0, 1, TimeWindow::new(0.0, 100.0));
            w.priority = 1;
            builder.visit(w);
        }
        let mut x = Visit::new("x", 1, 30.0, 1, TimeWindow::new(0.0, 100.0));
        x.priority = 10;
        x.required = false;
        x.allowed_vehicles = Some(vec![0]);
        builder.visit(x);
        for id in ["a", "b"] {
            builder.vehicle(Vehicle {
                id: id.into(),
                start: 0,
                end: Some(0),
                shift: TimeWindow::new(0.0, 100.0),
                capacity: 10,
                skills: SkillSet::new(),
                fixed_cost: 0.0,
                max_working_time: None,
                limits: Default::default(),
                lunch_break: None,
            });
        }
        let problem = builder.build().expect("valid");
        let start = Solution {
            routes: vec![Route {
                vehicle: 0,
                visits: vec![0, 1],
                break_position: None,
            }],
            unassigned: vec![2],
        };
        (problem, start)
    }

    #[test]
    fn a_left_out_visit_gets_room_on_the_day_of_its_only_driver() {
        let (problem, start) = full_day();
        let arcs = ArcCost::new(&Objective::default());
        let neighbours = Neighbours::new(&problem, 40);
        let recreate = RecreateParams {
            blink_rate: 0.0,
            max_routes: 2,
            prefer_existing: false,
            left_out_first: false,
            rejects_short_steps: false,
        };
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut state = SearchState::from_solution(&problem, &arcs, &start);
            let ruin = RuinParams::default();
            let (removed, first) =
                left_out_removal(&problem, &arcs, &neighbours, &ruin, &mut state, &mut rng)
                    .expect("a visit is left out and driver a may serve it");
            assert_eq!(first, 2, "the left-out visit is the one to seat");
            assert!(state.unassigned.is_empty(), "it left the pool");
            assert!(!removed.visits.is_empty(), "room was made on a's day");
            greedy_insert(
                &problem,
                &arcs,
                &neighbours,
                &recreate,
                &mut state,
                Removal {
                    first: Some(first),
                    ..removed
                },
                &mut rng,
            );
            let solution = state.to_solution(&problem);
            assert!(solution.unassigned.is_empty(), "seed {seed}: all served");
            assert!(check(&problem, &solution).is_feasible());
            let route_of_x = solution.routes.iter().find(|r| r.visits.contains(&2));
            assert_eq!(route_of_x.map(|r| r.vehicle), Some(0));
        }
    }

    #[test]
    fn nothing_is_removed_for_a_visit_no_route_may_serve() {
        let (problem, mut start) = full_day();
        start.routes[0].vehicle = 1;
        let arcs = ArcCost::new(&Objective::default());
        let neighbours = Neighbours::new(&problem, 40);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        let ruin = RuinParams::default();
        let focused = left_out_removal(&problem, &arcs, &neighbours, &ruin, &mut state, &mut rng);
        assert!(focused.is_none());
        assert_eq!(state.unassigned, vec![2]);
        assert_eq!(state.served(), 2);
    }
}
