//! A generated 10,000-visit day (issue 23), planned with a small iteration
//! budget: the first plan and the final plan pass the independent
//! checker, the first plan leaves out no visit that a simple insertion
//! into one of its routes could serve (checked by the checker on a sample
//! of the left-out visits), and the search never serves less than the
//! first plan, tier by tier.

use std::time::Duration;

use ordo_solver::checker::{self, CheckReport};
use ordo_solver::construction::regret_insertion;
use ordo_solver::model::Problem;
use ordo_solver::plan::generate::{generate, GenerateParams};
use ordo_solver::plan::{translate, NumberLike};
use ordo_solver::solution::{Route, Solution};
use ordo_solver::solve::solve;
use ordo_solver::Stop;

/// Left-out visits of the first plan tried against every route.
const SAMPLED: usize = 12;

#[test]
fn ten_thousand_visits_plan_and_pass_the_checker() {
    let mut request = generate(GenerateParams {
        visits: 10_000,
        drivers: 500,
        seed: 5,
    });
    request.options.iterations = Some(NumberLike::exact(40));
    request.options.threads = Some(NumberLike::exact(2));
    let stop = Stop::after(Duration::from_secs(3600));
    let params = request.options.solve_params(&stop).expect("valid options");
    let translation = translate(&request).expect("a generated day is valid");
    let problem = &translation.problem;
    assert!(problem.n_visits() > 9_000, "{}", problem.n_visits());

    let first = regret_insertion(problem, &params.objective);
    let first_report = checker::check(problem, &first);
    assert!(first_report.is_feasible(), "{:?}", first_report.violations);
    assert!(first.routes.len() > 100 && first.unassigned.len() < problem.n_visits() / 2);
    let step = (first.unassigned.len() / SAMPLED).max(1);
    for &v in first.unassigned.iter().step_by(step).take(SAMPLED) {
        assert!(
            !fits_by_simple_insertion(problem, &first, v),
            "visit {v} was left out of the first plan although a route could take it"
        );
    }

    let last = solve(problem, &params, &stop);
    let last_report = checker::check(problem, &last);
    assert!(last_report.is_feasible(), "{:?}", last_report.violations);
    assert!(
        not_worse(&last_report, &first_report),
        "{:?} against the first plan's {:?}",
        last_report.unserved_by_priority,
        first_report.unserved_by_priority
    );
}

/// Whether some route of `solution` passes the checker with `visit`
/// inserted at some position (checked on the route's own subproblem, so
/// each trial reads one route, not the day).
fn fits_by_simple_insertion(problem: &Problem, solution: &Solution, visit: usize) -> bool {
    solution.routes.iter().any(|route| {
        let mut visits = route.visits.clone();
        visits.push(visit);
        let sub = problem.restricted(&visits, &[route.vehicle]);
        let m = route.visits.len();
        (0..=m).any(|p| {
            let mut order: Vec<usize> = (0..m).collect();
            order.insert(p, m);
            let trial = Solution {
                routes: vec![Route {
                    vehicle: 0,
                    visits: order,
                    break_position: None,
                }],
                unassigned: Vec::new(),
            };
            placed_break_feasible(&sub, trial)
        })
    })
}

/// Whether `trial` is feasible with its break (if any) at some position.
fn placed_break_feasible(sub: &Problem, trial: Solution) -> bool {
    if sub.vehicles[0].lunch_break.is_none() {
        return checker::check(sub, &trial).is_feasible();
    }
    let m = trial.routes[0].visits.len();
    (0..=m).any(|b| {
        let mut with_break = trial.clone();
        with_break.routes[0].break_position = Some(b);
        checker::check(sub, &with_break).is_feasible()
    })
}

/// Whether `a` leaves out no more visits than `b`, compared tier by tier
/// from priority 1 (the search's lexicographic order).
fn not_worse(a: &CheckReport, b: &CheckReport) -> bool {
    a.unserved_by_priority <= b.unserved_by_priority
}
