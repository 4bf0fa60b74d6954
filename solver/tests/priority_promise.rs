//! The priority promise on random over-full days: no visit is left out
//! while some driver could serve it in place of at most two visits of
//! lower priority, at any search budget.
//!
//! Every left-out visit is checked by the brute-force search of
//! `promise/mod.rs` (every driver, every set of at most two lower-priority
//! visits taken out, every insertion position, every break position),
//! which judges candidate routes with the independent checker only. The
//! days have several windows per visit, skills, allowed drivers,
//! precedence visits, visits in progress, breaks and working-time limits
//! (whose just-in-time start makes a shorter route sometimes infeasible
//! where a longer one is not, so taking every lower-priority visit out at
//! once is not enough).

mod promise;

use ordo_solver::checker::check;
use ordo_solver::{solve, SolveParams, Stop};
use proptest::prelude::*;
use std::time::Duration;

/// Solves `problem` on one thread with a budget of `iterations` stop checks
/// (32 search steps each), so each case is reproducible.
fn solve_with_budget(
    problem: &ordo_solver::model::Problem,
    iterations: u64,
    seed: u64,
) -> ordo_solver::solution::Solution {
    let params = SolveParams {
        time_limit: Duration::from_secs(600),
        seed,
        threads: 1,
        iterations: Some(iterations),
        ..SolveParams::default()
    };
    solve(problem, &params, &Stop::after(params.time_limit))
}

fn assert_promise_kept(seed: u64, n: usize, m: usize, iterations: u64) {
    check_promise(promise::overfull_day(seed, n, m), seed, iterations);
}

/// The day with soft windows and overtime on about half its visits and
/// drivers: lateness and overtime costs never outweigh a served visit.
fn assert_promise_kept_soft(seed: u64, n: usize, m: usize, iterations: u64) {
    let day = promise::overfull_day(seed, n, m);
    check_promise(
        ordo_solver::random_instance::soften(&day, seed, false),
        seed,
        iterations,
    );
}

fn check_promise(problem: ordo_solver::model::Problem, seed: u64, iterations: u64) {
    let solution = solve_with_budget(&problem, iterations, seed);
    let report = check(&problem, &solution);
    assert!(
        report.is_feasible(),
        "day {seed}: the checker rejects the plan: {:?}",
        report.violations
    );
    assert!(
        !solution.unassigned.is_empty(),
        "day {seed} is not over-full; the test would prove nothing"
    );
    let broken = promise::broken_promises(&problem, &solution);
    assert!(
        broken.is_empty(),
        "day {seed} ({iterations} checks): {} left-out visits fit in place of lower-priority ones, first: {:?} (priority {}, ejecting priorities {:?})",
        broken.len(),
        broken[0],
        problem.visits[broken[0].visit].priority,
        broken[0]
            .ejected
            .iter()
            .map(|&w| problem.visits[w].priority)
            .collect::<Vec<_>>()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn no_left_out_visit_fits_in_place_of_lower_priority_ones(
        seed in 0u64..1_000_000,
        m in 2usize..5,
        per_driver in 10usize..16,
        iterations in prop_oneof![Just(1u64), Just(10), Just(100)],
    ) {
        assert_promise_kept(seed, m * per_driver, m, iterations);
    }

    #[test]
    fn no_left_out_visit_fits_in_place_of_lower_priority_ones_with_soft_limits(
        seed in 0u64..1_000_000,
        m in 2usize..5,
        per_driver in 10usize..16,
        iterations in prop_oneof![Just(1u64), Just(10), Just(100)],
    ) {
        assert_promise_kept_soft(seed, m * per_driver, m, iterations);
    }
}

/// The smallest budget: the search barely runs, so the promise rests on
/// the repair alone.
#[test]
fn the_promise_holds_straight_after_construction() {
    for seed in 1..=8 {
        assert_promise_kept(seed, 45, 3, 1);
    }
}
