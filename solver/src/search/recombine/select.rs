//! The recombination MILP: the cheapest set of pool routes that covers
//! every visit the incumbent serves, within the fleet.
//!
//! Set covering (each visit at least once) rather than partitioning: a
//! pool holds few routes that fit together exactly, so partitioning leaves
//! few feasible combinations beyond the incumbent, while covering lets two
//! overlapping routes combine; a visit covered twice is later taken out of
//! all routes but one ([`super::overlap`]). The incumbent's
//! routes are in the pool and are given to the solver as its starting
//! solution, so the answer, when there is one, is never dearer than the
//! incumbent. One binary per route; one cap per vehicle class; one cap on
//! all routes (the hierarchical objective's fleet).

use std::time::Duration;

use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution as _, SolverModel, Variable,
    WithInitialSolution, WithTimeLimit,
};

#[cfg(feature = "highs")]
use good_lp::highs as backend;
#[cfg(not(feature = "highs"))]
use good_lp::microlp as backend;

use super::pool::RoutePool;

/// What the MILP must respect.
#[derive(Debug, Clone)]
pub struct Cover<'a> {
    /// Visits that must be covered (those the incumbent serves).
    pub required: &'a [bool],
    /// Most routes in total.
    pub max_routes: usize,
    /// Pool indices of the incumbent's routes: the starting solution.
    pub incumbent: &'a [usize],
    /// Time the solver may take.
    pub time_limit: Duration,
}

/// The chosen pool routes (indices), or `None` when the solver found
/// nothing in time or failed.
pub fn select(pool: &RoutePool, cover: &Cover) -> Option<Vec<usize>> {
    let routes = pool.routes();
    let mut covering: Vec<Vec<usize>> = vec![Vec::new(); cover.required.len()];
    for (r, route) in routes.iter().enumerate() {
        for &v in &route.visits {
            covering[v].push(r);
        }
    }
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = routes
        .iter()
        .map(|_| vars.add(variable().binary()))
        .collect();
    let travel: Expression = x.iter().zip(routes).map(|(&v, r)| r.cost * v).sum();
    let start = (0..routes.len()).map(|r| {
        let on = cover.incumbent.contains(&r);
        (x[r], if on { 1.0 } else { 0.0 })
    });
    let mut model = vars
        .minimise(travel)
        .using(backend)
        .with_initial_solution(start.collect::<Vec<_>>())
        .with_time_limit(cover.time_limit.as_secs_f64().max(1e-3));
    for (v, cols) in covering.iter().enumerate() {
        if cover.required[v] {
            let covered: Expression = cols.iter().map(|&r| x[r]).sum();
            model = model.with(constraint!(covered >= 1));
        }
    }
    for (class, &size) in pool.class_sizes().iter().enumerate() {
        let used: Expression = (0..routes.len())
            .filter(|&r| routes[r].class == class)
            .map(|r| x[r])
            .sum();
        model = model.with(constraint!(used <= size as f64));
    }
    let all: Expression = x.iter().copied().sum();
    model = model.with(constraint!(all <= cover.max_routes as f64));
    let solution = model.solve().ok()?;
    Some(
        (0..routes.len())
            .filter(|&r| solution.value(x[r]) > 0.5)
            .collect(),
    )
}
