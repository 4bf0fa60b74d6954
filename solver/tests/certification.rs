//! Certification: on small instances the heuristic must reach the exact
//! optimum found by the MILP backend.
//!
//! 50 random field instances (8-10 visits, 2-3 drivers, one or two windows,
//! skills, allowed vehicles, locks, precedence, breaks, working-time
//! limits, optional visits with priorities) and Solomon instances cut to
//! their first 12 customers. Every solution of both backends goes through
//! the checker. A failure names the instance and the gap.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ordo_solver::checker::check;
use ordo_solver::io::solomon;
use ordo_solver::milp::{solve_exact, MilpError};
use ordo_solver::model::{ArcCost, Cost, Problem, ProblemBuilder, Rounding};
use ordo_solver::random_instance::{random_problem, Features};
use ordo_solver::search::state::SearchState;
use ordo_solver::solution::Solution;
use ordo_solver::solve::ObjectiveKind;
use ordo_solver::{solve, Objective, SolveParams, Stop};

fn cost(problem: &Problem, objective: &Objective, solution: &Solution) -> Cost {
    let arcs = ArcCost::new(objective);
    SearchState::from_solution(problem, &arcs, solution).cost(problem, &arcs, objective)
}

/// Compares both backends on one instance; returns a failure message.
fn certify(name: &str, problem: &Problem, objective: Objective, seed: u64) -> Option<String> {
    let stop = Stop::after(Duration::from_secs(120));
    let started = Instant::now();
    let params = SolveParams {
        iterations: Some(6000),
        seed,
        objective,
        ..SolveParams::default()
    };
    let exact = match solve_exact(problem, &objective, &stop) {
        Ok(s) => s,
        // Proven infeasible: the heuristic must not claim otherwise.
        Err(MilpError::Infeasible) => {
            let heuristic = solve(problem, &params, &stop);
            return check(problem, &heuristic).is_feasible().then(|| {
                format!(
                    "{name}: exact backend says infeasible, heuristic found a feasible solution"
                )
            });
        }
        Err(e) => return Some(format!("{name}: exact backend failed: {e}")),
    };
    let exact_seconds = started.elapsed().as_secs_f64();
    let report = check(problem, &exact);
    if !report.is_feasible() {
        return Some(format!(
            "{name}: exact solution breaks {:?}",
            report.violations
        ));
    }
    let heuristic = solve(problem, &params, &stop);
    let report = check(problem, &heuristic);
    if !report.is_feasible() {
        return Some(format!(
            "{name}: heuristic solution breaks {:?}",
            report.violations
        ));
    }
    let (e, h) = (
        cost(problem, &objective, &exact),
        cost(problem, &objective, &heuristic),
    );
    eprintln!(
        "{name}: {} visits, optimum {:.3} proved in {exact_seconds:.2}s, heuristic {:.3}",
        problem.n_visits(),
        e.travel,
        h.travel
    );
    if e.better_than(&h) {
        let gap = 100.0 * (h.travel - e.travel) / e.travel.max(1e-9);
        return Some(format!(
            "{name}: heuristic misses the optimum: unserved {:?} vs {:?}, vehicles {} vs {}, travel gap {gap:.4}%",
            h.unserved, e.unserved, h.vehicles, e.vehicles
        ));
    }
    if h.better_than(&e) {
        return Some(format!(
            "{name}: heuristic beats the 'optimum': the exact backend is wrong"
        ));
    }
    None
}

#[test]
fn heuristic_matches_milp_optimum_on_random_field_instances() {
    let mut failures = Vec::new();
    for seed in 0..50u64 {
        let n = 8 + (seed % 3) as usize;
        let m = 2 + (seed % 2) as usize;
        let features = Features {
            multi_window: seed % 2 == 0,
            rules: seed % 3 != 0,
            breaks: seed % 4 == 1,
            optional: seed % 5 != 2,
        };
        let problem = random_problem(1000 + seed, n, m, features);
        let kind = if seed % 3 == 0 {
            ObjectiveKind::Hierarchical
        } else {
            ObjectiveKind::Distance
        };
        let objective = Objective {
            kind,
            ..Objective::default()
        };
        failures.extend(certify(
            &format!("random-{}", 1000 + seed),
            &problem,
            objective,
            seed,
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of 50 failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn datasets() -> Option<PathBuf> {
    let dir = std::env::var_os("ORDO_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets"));
    if dir.join("solomon").is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: public datasets not found at {}", dir.display());
        None
    }
}

/// The first `k` customers of a Solomon instance, with its fleet.
fn cut(problem: &Problem, k: usize) -> Problem {
    let mut b = ProblemBuilder::new(format!("{}-{k}", problem.name), (*problem.travel).clone());
    for v in &problem.vehicles {
        b.vehicle(v.clone());
    }
    for v in &problem.visits[..k] {
        b.visit(v.clone());
    }
    b.build()
        .unwrap_or_else(|e| panic!("cut of {}: {e}", problem.name))
}

#[test]
fn heuristic_matches_milp_optimum_on_cut_solomon_instances() {
    let Some(dir) = datasets() else { return };
    let mut failures = Vec::new();
    for name in ["C101", "R101", "R105", "R109", "RC101", "RC105", "RC106"] {
        let path = dir.join("solomon").join(format!("{name}.txt"));
        let full = solomon::read_file(&path, Rounding::Dimacs).unwrap_or_else(|e| panic!("{e}"));
        for k in [12, 15] {
            let problem = cut(&full, k);
            for kind in [ObjectiveKind::Distance, ObjectiveKind::Hierarchical] {
                let objective = Objective {
                    kind,
                    ..Objective::default()
                };
                failures.extend(certify(
                    &format!("{name}-{k}-{kind:?}"),
                    &problem,
                    objective,
                    7,
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
