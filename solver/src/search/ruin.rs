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

use super::cost::ArcCost;
use super::neighbours::Neighbours;
use super::route_state::RouteState;
use super::state::SearchState;
use crate::model::Problem;

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

/// Removes strings from `state`; returns the removed visits.
pub fn string_removal(
    problem: &Problem,
    arcs: &ArcCost,
    neighbours: &Neighbours,
    params: &RuinParams,
    state: &mut SearchState,
    rng: &mut impl Rng,
) -> Vec<usize> {
    let served = state.served();
    if served == 0 || state.routes.is_empty() {
        return Vec::new();
    }
    let average_len = served as f64 / state.routes.len() as f64;
    let max_len = params.max_string.min(average_len).max(1.0);
    let max_strings = (4.0 * params.average_removed / (1.0 + max_len) - 1.0).max(1.0);
    let strings = rng.gen_range(1.0..max_strings + 1.0).floor() as usize;

    let route_of = state.route_index(problem.n_visits());
    let seed = loop {
        let v = rng.gen_range(0..problem.n_visits());
        if route_of[v] != usize::MAX {
            break v;
        }
    };
    let mut ruined: Vec<usize> = Vec::with_capacity(strings);
    let mut removed = Vec::new();
    for c in std::iter::once(seed).chain(neighbours.of(seed)) {
        if ruined.len() >= strings {
            break;
        }
        let r = route_of[c];
        if r == usize::MAX || ruined.contains(&r) {
            continue;
        }
        ruined.push(r);
        let route = state.route_mut(r);
        let len = route.visits.len();
        let at = route.visits.iter().position(|&v| v == c).unwrap_or(0);
        let cap = max_len.min(len as f64);
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
    for &r in &ruined {
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
    removed
}

/// A random start of a window of `size` inside `0..len` that covers `at`.
fn window_start(at: usize, size: usize, len: usize, rng: &mut impl Rng) -> usize {
    let lowest = (at + 1).saturating_sub(size);
    let highest = at.min(len - size);
    rng.gen_range(lowest..=highest.max(lowest))
}
