//! Property tests: every operator's O(1) delta equals the travel (plus
//! the re-plan's assignment costs, plus lateness and overtime costs)
//! recomputed by the checker after applying the move.

use proptest::prelude::*;

use super::*;
use crate::checker::check;
use crate::construction::regret_insertion;
use crate::model::Objective;
use crate::random_instance::{
    publish_random_plan, random_problem, soften, with_rush_hours, Features,
};

fn all_moves(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    u: Position,
    v: Position,
) -> Vec<Proposals> {
    let len = |r: usize| state.routes[r].visits.len();
    let mut out = Vec::new();
    for l in 1..=3 {
        for rev in [false, true] {
            out.extend(relocate::proposals(u, v, l, rev, len));
            out.extend(relocate::to_front(u, v.route, l, rev, len));
        }
    }
    for (a, b) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        out.extend(swap::proposals(u, v, a, b, len));
    }
    out.extend(two_opt_star::proposals(u, v, len));
    out.extend(two_opt::proposals(u, v, len));
    out.extend(swap_star::proposals(problem, arcs, state, u, v));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// On symmetric and asymmetric tables (road matrices): a reversed
    /// piece (2-opt, reversed Or-opt chains) is priced in its new
    /// direction, and the checker recomputes with the same table.
    #[test]
    fn deltas_match_recomputed_travel(
        seed in any::<u64>(),
        n in 6usize..20,
        replan in any::<bool>(),
        asymmetric in any::<bool>(),
    ) {
        let mut problem = random_problem(seed, n, 3, Features::ALL);
        if replan {
            publish_random_plan(&mut problem, seed);
        }
        if asymmetric {
            made_asymmetric(&mut problem);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        let cost = |s: &SearchState| {
            let report = check(&problem, &s.to_solution(&problem));
            report.distance + report.assignment_cost
        };
        let before = cost(&state);
        let pos = every_position(&state);
        for &u in &pos {
            for &v in &pos {
                for proposals in all_moves(&problem, &arcs, &state, u, v) {
                    let d = delta(&problem, &arcs, &state, &proposals);
                    let mut after = state.clone();
                    let routes: Vec<(usize, RouteState)> = proposals
                        .iter()
                        .map(|p| (p.target, RouteState::new(&problem, &arcs, state.routes[p.target].vehicle, materialise(&state, p))))
                        .collect();
                    // Every visit appears exactly once after the move.
                    let mut seen: Vec<usize> = routes.iter().flat_map(|(_, r)| r.visits.clone()).collect();
                    let mut expected: Vec<usize> = proposals.iter().flat_map(|p| state.routes[p.target].visits.clone()).collect();
                    seen.sort_unstable();
                    expected.sort_unstable();
                    prop_assert_eq!(seen, expected);
                    apply(&mut after, routes);
                    after.drop_empty_routes();
                    let recomputed = cost(&after) - before;
                    prop_assert!((d - recomputed).abs() < 1e-6, "{:?}: delta {} vs {}", proposals, d, recomputed);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With soft windows, overtime and caps on, every feasible proposal's
    /// delta equals the checker's recomputed travel, assignment, lateness
    /// and overtime cost. Without breaks the proposal walk is exact; with
    /// them it leaves the break out (an estimate), and the routes' own
    /// costs, which [`verify`] compares, are exact.
    #[test]
    fn soft_deltas_match_the_checker(seed in any::<u64>(), n in 6usize..20, breaks in any::<bool>(), timed in any::<bool>()) {
        let features = Features { breaks, ..Features::ALL };
        let mut problem = soften(&random_problem(seed, n, 3, features), seed, true);
        if timed {
            problem = with_rush_hours(&problem, seed);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        let cost = |s: &SearchState| {
            let report = check(&problem, &s.to_solution(&problem));
            prop_assert!(report.is_feasible(), "{:?}", report.violations);
            Ok(report.distance + report.assignment_cost + report.soft_cost)
        };
        let before = cost(&state)?;
        let cached: f64 = state.routes.iter().map(|r| r.travel).sum();
        prop_assert!((cached - before).abs() < 1e-6, "cached {} vs checker {}", cached, before);
        for proposals in every_proposal(&problem, &arcs, &state) {
            let routes: Option<Vec<(usize, RouteState)>> = proposals
                .iter()
                .map(|p| {
                    let route = RouteState::new(&problem, &arcs, state.routes[p.target].vehicle, materialise(&state, p));
                    route.is_feasible(&problem).then_some((p.target, route))
                })
                .collect();
            let Some(routes) = routes else { continue };
            let d = delta(&problem, &arcs, &state, &proposals);
            let exact = exact_delta(&problem, &arcs, &state, &routes);
            let mut after = state.clone();
            apply(&mut after, routes);
            after.drop_empty_routes();
            let recomputed = cost(&after)? - before;
            prop_assert!((exact - recomputed).abs() < 1e-6, "{:?}: routes' delta {} vs checker {}", proposals, exact, recomputed);
            if !breaks {
                prop_assert!((d - recomputed).abs() < 1e-6, "{:?}: delta {} vs checker {}", proposals, d, recomputed);
            }
        }
    }
}

/// The position of every served visit.
fn every_position(state: &SearchState) -> Vec<Position> {
    state
        .routes
        .iter()
        .enumerate()
        .flat_map(|(route, r)| (0..r.visits.len()).map(move |index| Position { route, index }))
        .collect()
}

/// Every proposal of every operator for every pair of served visits.
fn every_proposal(problem: &Problem, arcs: &ArcCost, state: &SearchState) -> Vec<Proposals> {
    let pos = every_position(state);
    let mut out = Vec::new();
    for &u in &pos {
        for &v in &pos {
            out.extend(all_moves(problem, arcs, state, u, v));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The filter is a necessary condition: it never rejects a move whose
    /// materialised routes keep every rule.
    #[test]
    fn time_filter_never_rejects_a_feasible_move(seed in any::<u64>(), n in 6usize..20, timed in any::<bool>()) {
        let mut problem = random_problem(seed, n, 3, Features::ALL);
        if timed {
            problem = soften(&with_rush_hours(&problem, seed), seed, true);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        for proposals in every_proposal(&problem, &arcs, &state) {
            let mv = Move { proposals: proposals.clone(), delta: 0.0 };
            if verify(&problem, &arcs, &state, &mv).is_some() {
                for p in &proposals {
                    prop_assert!(time_filter::may_be_feasible(&problem, &state, p), "{:?}", p);
                }
            }
        }
    }

    /// With windows (one or two per visit), shift and capacity as the only
    /// rules, the filter is exact: it agrees with a full recomputation of
    /// the new route.
    #[test]
    fn time_filter_matches_full_recomputation(
        seed in any::<u64>(),
        n in 6usize..20,
        multi in any::<bool>(),
        timed in any::<bool>(),
        asymmetric in any::<bool>(),
    ) {
        let features = Features { multi_window: multi, ..Features::VRPTW };
        let mut problem = random_problem(seed, n, 3, features);
        if asymmetric {
            made_asymmetric(&mut problem);
        }
        if timed {
            problem = with_rush_hours(&problem, seed);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        for proposals in every_proposal(&problem, &arcs, &state) {
            for p in &proposals {
                let vehicle = state.routes[p.target].vehicle;
                let full = RouteState::new(&problem, &arcs, vehicle, materialise(&state, p));
                prop_assert_eq!(
                    time_filter::may_be_feasible(&problem, &state, p),
                    full.visits.is_empty() || full.bounds_feasible(&problem),
                    "{:?}", p
                );
            }
        }
    }
}

/// `problem` with a travel table that differs by direction (longer from a
/// higher location number to a lower one), so the quick prices meet
/// asymmetric arcs.
fn made_asymmetric(problem: &mut Problem) {
    let n = problem.travel.len();
    let table: Vec<f64> = (0..n * n)
        .map(|c| problem.travel.distance(c / n, c % n) + if c / n > c % n { 3.0 } else { 0.0 })
        .collect();
    problem.travel = std::sync::Arc::new(crate::model::DenseMatrix::from_tables(n, table, None));
}

/// The quick price of every relocate and swap the local search tries on
/// `(u, v)`, with the general proposals it stands for.
fn quick_priced(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    u: Position,
    v: Position,
) -> Vec<(Option<f64>, Option<Proposals>)> {
    let len = |r: usize| state.routes[r].visits.len();
    let mut out = Vec::new();
    for l in 1..=3 {
        for rev in [false, true] {
            let chain = quick::Chain {
                start: u,
                len: l,
                reversed: rev,
            };
            out.push((
                quick::relocate_delta(problem, arcs, state, chain, v.route, v.index + 1),
                relocate::proposals(u, v, l, rev, len),
            ));
            if v.index == 0 {
                out.push((
                    quick::relocate_delta(problem, arcs, state, chain, v.route, 0),
                    relocate::to_front(u, v.route, l, rev, len),
                ));
            } else {
                let before = Position {
                    route: v.route,
                    index: v.index - 1,
                };
                out.push((
                    quick::relocate_delta(problem, arcs, state, chain, v.route, v.index),
                    relocate::proposals(u, before, l, rev, len),
                ));
            }
        }
    }
    for (a, b) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
        out.push((
            quick::swap_delta(problem, arcs, state, u, v, a, b),
            swap::proposals(u, v, a, b, len),
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The quick prices of relocate and swap equal the general delta of
    /// the same move (breaks, open routes, locks, re-plan costs and
    /// asymmetric tables included), and they price the common moves.
    #[test]
    fn quick_prices_match_general_delta(
        seed in any::<u64>(),
        n in 6usize..20,
        replan in any::<bool>(),
        asymmetric in any::<bool>(),
    ) {
        let mut problem = random_problem(seed, n, 3, Features::ALL);
        if replan {
            publish_random_plan(&mut problem, seed);
        }
        if asymmetric {
            made_asymmetric(&mut problem);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        let pos = every_position(&state);
        for &u in &pos {
            for &v in &pos {
                for (quick, proposals) in quick_priced(&problem, &arcs, &state, u, v) {
                    let Some(proposals) = proposals else { continue };
                    let d = delta(&problem, &arcs, &state, &proposals);
                    match quick {
                        Some(q) => prop_assert!((q - d).abs() < 1e-6, "{:?}: quick {} vs {}", proposals, q, d),
                        None => {
                            // Only moves that empty a route and reversed
                            // chains on an asymmetric table are left to
                            // the general path.
                            let empties = proposals.iter().any(|p| p.pieces.iter().all(|c| c.end <= c.start));
                            let reversed = proposals.iter().any(|p| p.pieces.iter().any(|c| c.reversed));
                            prop_assert!(empties || (reversed && asymmetric), "{:?} not priced", proposals);
                        }
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With soft limits the quick prices bound the general delta from
    /// below, so skipping a move they price as not improving is safe.
    #[test]
    fn quick_prices_bound_soft_deltas(seed in any::<u64>(), n in 6usize..20, timed in any::<bool>()) {
        let mut problem = soften(&random_problem(seed, n, 3, Features::ALL), seed, true);
        if timed {
            problem = with_rush_hours(&problem, seed);
        }
        let objective = Objective::default();
        let arcs = ArcCost::new(&objective);
        let state = SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
        let pos = every_position(&state);
        for &u in &pos {
            for &v in &pos {
                for (quick, proposals) in quick_priced(&problem, &arcs, &state, u, v) {
                    let (Some(quick), Some(proposals)) = (quick, proposals) else { continue };
                    let general = delta(&problem, &arcs, &state, &proposals);
                    prop_assert!(quick <= general + 1e-6, "{:?}: quick {} above {}", proposals, quick, general);
                }
            }
        }
    }
}
