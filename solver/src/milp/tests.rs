//! Exact results on tiny instances: checker-valid, and never worse than
//! any solution the heuristic finds.

use super::*;
use crate::checker::check;
use crate::model::ArcCost;
use crate::random_instance::{random_problem, Features};
use crate::search::state::SearchState;
use std::time::Duration;

#[test]
fn exact_solutions_pass_the_checker_and_bound_the_heuristic() {
    for seed in 0..12u64 {
        let problem = random_problem(seed, 8, 2, Features::ALL);
        let objective = Objective::default();
        let stop = Stop::after(Duration::from_secs(60));
        let exact =
            solve_exact(&problem, &objective, &stop).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let report = check(&problem, &exact);
        assert!(report.is_feasible(), "seed {seed}: {:?}", report.violations);
        let arcs = ArcCost::new(&objective);
        let heuristic = crate::solve(
            &problem,
            &crate::SolveParams {
                iterations: Some(300),
                seed,
                ..Default::default()
            },
            &stop,
        );
        let e =
            SearchState::from_solution(&problem, &arcs, &exact).cost(&problem, &arcs, &objective);
        let h = SearchState::from_solution(&problem, &arcs, &heuristic)
            .cost(&problem, &arcs, &objective);
        assert!(
            !h.better_than(&e),
            "seed {seed}: heuristic {h:?} beats the optimum {e:?}"
        );
    }
}

#[test]
fn rejects_large_instances_clearly() {
    let problem = random_problem(1, MAX_VISITS + 1, 2, Features::VRPTW);
    let err = solve_exact(
        &problem,
        &Objective::default(),
        &Stop::after(Duration::from_secs(1)),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MilpError::TooLarge {
            visits: MAX_VISITS + 1,
            limit: MAX_VISITS
        }
    );
    assert!(err.to_string().contains("at most 20 visits"));
}
