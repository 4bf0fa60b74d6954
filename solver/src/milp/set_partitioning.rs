//! Picks the best combination of enumerated routes with a MILP.
//!
//! One binary per column (a route of a vehicle class over a visit set).
//! Each visit is covered at most once, exactly once when required; each
//! class uses at most as many routes as it has vehicles. The lexicographic
//! objective is solved in stages, each fixing the optimum of the previous
//! one: unserved visits of priority 1, then 2, ...; then vehicles (under
//! the hierarchical objective); then travel. Staging keeps every objective
//! in a well-scaled range, where one weighted sum would not be.

use good_lp::{
    constraint, variable, Expression, ProblemVariables, Solution as _, SolverModel, Variable,
};

#[cfg(feature = "highs")]
use good_lp::highs as backend;
#[cfg(not(feature = "highs"))]
use good_lp::microlp as backend;

use super::routes::Columns;
use super::MilpError;
use crate::model::{Objective, ObjectiveKind, Problem};
use crate::params::Stop;
use crate::solution::{Route, Solution};

/// Selects the optimal columns and returns the solution.
pub fn select(
    problem: &Problem,
    objective: &Objective,
    columns: &Columns,
    stop: &Stop,
) -> Result<Solution, MilpError> {
    let n = problem.n_visits();
    let covering: Vec<Vec<usize>> = (0..n)
        .map(|i| {
            (0..columns.columns.len())
                .filter(|&c| columns.columns[c].visits.contains(&i))
                .collect()
        })
        .collect();
    if problem
        .visits
        .iter()
        .enumerate()
        .any(|(i, v)| v.required && covering[i].is_empty())
    {
        return Err(MilpError::Infeasible);
    }
    let mut tiers: Vec<u8> = problem
        .visits
        .iter()
        .filter(|v| !v.required)
        .map(|v| v.priority)
        .collect();
    tiers.sort_unstable();
    tiers.dedup();

    // Stage objectives, each as (coefficient per column, constant).
    let unserved = |tier: u8| -> (Vec<f64>, f64) {
        let members: Vec<usize> = (0..n)
            .filter(|&i| !problem.visits[i].required && problem.visits[i].priority == tier)
            .collect();
        let coef = columns
            .columns
            .iter()
            .map(|c| -(c.visits.iter().filter(|v| members.contains(v)).count() as f64))
            .collect();
        (coef, members.len() as f64)
    };
    let mut stages: Vec<(Vec<f64>, f64)> = tiers.iter().map(|&t| unserved(t)).collect();
    if objective.kind == ObjectiveKind::Hierarchical {
        stages.push((vec![1.0; columns.columns.len()], 0.0));
    }
    stages.push((columns.columns.iter().map(|c| c.cost).collect(), 0.0));

    let mut fixed: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut chosen: Vec<bool> = Vec::new();
    for (coef, constant) in &stages {
        if stop.should_stop() {
            return Err(MilpError::TimeLimit);
        }
        let (values, optimum) = solve_stage(problem, columns, &covering, coef, &fixed)?;
        fixed.push((coef.clone(), optimum - constant * 0.0));
        chosen = values;
        let _ = constant;
    }
    let mut next_vehicle = vec![0usize; columns.classes.len()];
    let mut routes = Vec::new();
    let mut served = vec![false; n];
    for (c, column) in columns.columns.iter().enumerate() {
        if !chosen[c] {
            continue;
        }
        let class = &columns.classes[column.class];
        let vehicle = class[next_vehicle[column.class]];
        next_vehicle[column.class] += 1;
        for &v in &column.visits {
            served[v] = true;
        }
        routes.push(Route {
            vehicle,
            visits: column.visits.clone(),
            break_position: column.break_position,
        });
    }
    routes.sort_by_key(|r| r.vehicle);
    Ok(Solution {
        routes,
        unassigned: (0..n).filter(|&v| !served[v]).collect(),
    })
}

/// Minimises `coef · x` under the covering rules and earlier stages'
/// optima; returns the chosen columns and the optimum.
fn solve_stage(
    problem: &Problem,
    columns: &Columns,
    covering: &[Vec<usize>],
    coef: &[f64],
    fixed: &[(Vec<f64>, f64)],
) -> Result<(Vec<bool>, f64), MilpError> {
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = (0..columns.columns.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let dot = |c: &[f64]| -> Expression { x.iter().zip(c).map(|(&v, &k)| k * v).sum() };
    let mut model = vars.minimise(dot(coef)).using(backend);
    for (i, cols) in covering.iter().enumerate() {
        let cover: Expression = cols.iter().map(|&c| x[c]).sum();
        model = if problem.visits[i].required {
            model.with(constraint!(cover == 1))
        } else {
            model.with(constraint!(cover <= 1))
        };
    }
    for (k, class) in columns.classes.iter().enumerate() {
        let used: Expression = columns
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.class == k)
            .map(|(i, _)| x[i])
            .sum();
        model = model.with(constraint!(used <= class.len() as f64));
    }
    for (c, optimum) in fixed {
        // A little slack so rounding in the solver cannot make it infeasible.
        let tolerance = 1e-6 * optimum.abs().max(1.0);
        model = model.with(constraint!(dot(c) <= *optimum + tolerance));
    }
    let solution = model.solve().map_err(|e| match e {
        good_lp::ResolutionError::Infeasible => MilpError::Infeasible,
        other => MilpError::Solver(other.to_string()),
    })?;
    let values: Vec<bool> = x.iter().map(|&v| solution.value(v) > 0.5).collect();
    let optimum = values
        .iter()
        .zip(coef)
        .filter(|(&on, _)| on)
        .map(|(_, &k)| k)
        .sum();
    Ok((values, optimum))
}
