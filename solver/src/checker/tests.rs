//! Hand-built infeasible solutions: the checker must name each violation.

use super::*;
use crate::model::{
    Break, DenseMatrix, Euclidean, ProblemBuilder, Rounding, SkillSet, TimeWindow, Vehicle, Visit,
};
use crate::solution::Route;

/// Depot at 0; visits on a line at x = 10, 20, 30, 40; two vehicles.
fn line_problem(tweak: impl FnOnce(&mut Vec<Visit>, &mut Vec<Vehicle>)) -> Problem {
    let coords = vec![
        (0.0, 0.0),
        (10.0, 0.0),
        (20.0, 0.0),
        (30.0, 0.0),
        (40.0, 0.0),
    ];
    let travel = DenseMatrix::from_model(&Euclidean {
        coords,
        rounding: Rounding::Exact,
    });
    let mut visits: Vec<Visit> = (1..=4)
        .map(|i| Visit::new(i.to_string(), i, 5.0, 3, TimeWindow::new(0.0, 1000.0)))
        .collect();
    let mut vehicles: Vec<Vehicle> = (1..=2)
        .map(|k| Vehicle {
            id: format!("v{k}"),
            start: 0,
            end: Some(0),
            shift: TimeWindow::new(0.0, 1000.0),
            capacity: 10,
            skills: SkillSet::from_ids([0]),
            fixed_cost: 0.0,
            max_working_time: None,
            limits: Default::default(),
            lunch_break: None,
        })
        .collect();
    tweak(&mut visits, &mut vehicles);
    let mut b = ProblemBuilder::new("line", travel);
    for v in vehicles {
        b.vehicle(v);
    }
    for v in visits {
        b.visit(v);
    }
    b.build().unwrap()
}

fn solution(routes: Vec<(usize, Vec<usize>)>, unassigned: Vec<usize>) -> Solution {
    Solution {
        routes: routes.into_iter().map(|(k, v)| Route::new(k, v)).collect(),
        unassigned,
    }
}

fn has(report: &CheckReport, pred: impl Fn(&Violation) -> bool) -> bool {
    report.violations.iter().any(pred)
}

#[test]
fn feasible_solution_costs_are_recomputed() {
    let p = line_problem(|_, _| {});
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]),
    );
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.vehicles, 2);
    assert!((r.distance - (40.0 + 80.0)).abs() < 1e-9);
    assert!((r.travel_time - 120.0).abs() < 1e-9);
    // Route 1: 10 + 5 + 10 + 5 + 20 = 50; route 2: 30 + 5 + 10 + 5 + 40 = 90.
    assert!((r.working_time - 140.0).abs() < 1e-9);
}

#[test]
fn catches_capacity() {
    let p = line_problem(|_, _| {});
    let r = check(&p, &solution(vec![(0, vec![0, 1, 2, 3])], vec![]));
    assert!(has(&r, |v| matches!(
        v,
        Violation::Capacity {
            load: 12,
            capacity: 10,
            ..
        }
    )));
}

#[test]
fn catches_time_window_but_allows_waiting() {
    let p = line_problem(|visits, _| {
        visits[1].windows = vec![TimeWindow::new(0.0, 15.0)];
        visits[0].windows = vec![TimeWindow::new(100.0, 110.0)];
    });
    // Visit 0 first: wait until 100 (fine), then visit 1 at 115 > 15.
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]),
    );
    assert_eq!(
        r.violations,
        vec![Violation::TimeWindow {
            visit: 1,
            arrival: 115.0
        }]
    );
    assert!((r.waiting - 90.0).abs() < 1e-9);
}

#[test]
fn multiple_windows_pick_the_first_reachable() {
    let p = line_problem(|visits, _| {
        visits[0].windows = vec![TimeWindow::new(0.0, 5.0), TimeWindow::new(50.0, 60.0)];
    });
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]),
    );
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert!((r.waiting - 40.0).abs() < 1e-9);
}

#[test]
fn catches_shift_end_and_working_time() {
    let p = line_problem(|_, vehicles| {
        vehicles[1].shift = TimeWindow::new(0.0, 85.0);
        vehicles[0].max_working_time = Some(45.0);
    });
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]),
    );
    assert!(has(&r, |v| matches!(
        v,
        Violation::ShiftEnd { route: 1, .. }
    )));
    assert!(has(&r, |v| matches!(
        v,
        Violation::WorkingTime { route: 0, .. }
    )));
}

#[test]
fn catches_served_twice_missing_and_unknown() {
    let p = line_problem(|_, _| {});
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![1, 9])], vec![]),
    );
    assert!(has(&r, |v| *v == Violation::ServedTwice { visit: 1 }));
    assert!(has(&r, |v| *v == Violation::UnknownVisit { route: 1, visit: 9 }));
    assert!(has(&r, |v| *v == Violation::RequiredNotServed { visit: 2 }));
    assert!(has(&r, |v| *v == Violation::MissingFromOutput { visit: 3 }));
    let r = check(
        &p,
        &solution(vec![(0, vec![0]), (0, vec![1]), (5, vec![2])], vec![3, 0]),
    );
    assert!(has(&r, |v| *v == Violation::VehicleUsedTwice { vehicle: 0 }));
    assert!(has(&r, |v| matches!(
        v,
        Violation::UnknownVehicle { vehicle: 5, .. }
    )));
    assert!(has(&r, |v| *v == Violation::ServedAndUnassigned { visit: 0 }));
}

#[test]
fn optional_visits_may_be_left_out_when_listed() {
    let p = line_problem(|visits, _| {
        visits[3].required = false;
        visits[3].priority = 4;
    });
    let r = check(&p, &solution(vec![(0, vec![0, 1]), (1, vec![2])], vec![3]));
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.unserved_by_priority[3], 1);
}

#[test]
fn catches_skills_allowed_vehicles_and_locks() {
    let p = line_problem(|visits, vehicles| {
        visits[0].skills = SkillSet::from_ids([1]);
        vehicles[1].skills = SkillSet::from_ids([0, 1]);
        visits[2].allowed_vehicles = Some(vec![1]);
        visits[3].vehicle_lock = Some(1);
    });
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 2]), (1, vec![1, 3])], vec![]),
    );
    assert!(has(&r, |v| *v
        == Violation::MissingSkills {
            visit: 0,
            vehicle: 0
        }));
    assert!(has(&r, |v| *v
        == Violation::VehicleNotAllowed {
            visit: 2,
            vehicle: 0
        }));
    assert!(!has(&r, |v| matches!(
        v,
        Violation::VehicleLockBroken { .. }
    )));
    let r = check(
        &p,
        &solution(vec![(1, vec![0, 2]), (0, vec![1, 3])], vec![]),
    );
    assert!(has(&r, |v| *v
        == Violation::VehicleLockBroken {
            visit: 3,
            vehicle: 0
        }));
}

#[test]
fn catches_order_rules() {
    let p = line_problem(|visits, _| {
        visits[1].must_be_first = true;
        visits[2].precedence = true;
        visits[0].sequence_lock = Some(2);
        visits[3].sequence_lock = Some(1);
    });
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![3, 2])], vec![]),
    );
    assert!(has(&r, |v| *v
        == Violation::NotFirst {
            visit: 1,
            position: 1
        }));
    assert!(has(&r, |v| *v == Violation::PrecedenceBroken { visit: 2 }));
    let r = check(
        &p,
        &solution(vec![(0, vec![1, 0, 3]), (1, vec![2])], vec![]),
    );
    assert!(has(&r, |v| *v == Violation::SequenceLockBroken { visit: 3 }));
    let r = check(
        &p,
        &solution(vec![(0, vec![1, 3, 0]), (1, vec![2])], vec![]),
    );
    assert!(r.is_feasible(), "{:?}", r.violations);
}

#[test]
fn catches_break_rules() {
    let p = line_problem(|_, vehicles| {
        vehicles[0].lunch_break = Some(Break {
            window: TimeWindow::new(20.0, 28.0),
            duration: 30.0,
        });
    });
    let mut s = solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]);
    let r = check(&p, &s);
    assert!(has(&r, |v| *v == Violation::BreakMissing { route: 0 }));
    // After visit 0 the driver is free at 15 and waits until 20: fine.
    s.routes[0].break_position = Some(1);
    let r = check(&p, &s);
    assert!(r.is_feasible(), "{:?}", r.violations);
    // After both visits the driver is free at 30 > 28.
    s.routes[0].break_position = Some(2);
    assert!(has(&check(&p, &s), |v| matches!(
        v,
        Violation::BreakWindow { route: 0, .. }
    )));
    s.routes[0].break_position = Some(5);
    assert!(has(&check(&p, &s), |v| matches!(
        v,
        Violation::BreakMisplaced {
            route: 0,
            position: 5
        }
    )));
}

#[test]
fn checks_a_fixed_head_of_several_visits_and_costs_reassignments() {
    use crate::model::Reassignment;
    let p = line_problem(|visits, _| {
        // A re-plan: visits 0 and 1 are the frozen head of vehicle 0, in
        // that order; visit 2 was published on vehicle 0.
        for (v, rank) in [(0, 1), (1, 2)] {
            visits[v].must_be_first = true;
            visits[v].vehicle_lock = Some(0);
            visits[v].sequence_lock = Some(rank);
        }
        visits[2].reassignment = Some(Reassignment {
            vehicle: 0,
            cost: 7.0,
        });
    });
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1, 2]), (1, vec![3])], vec![]),
    );
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.assignment_cost, 0.0);
    // A free visit before the head.
    let r = check(
        &p,
        &solution(vec![(0, vec![2, 0, 1]), (1, vec![3])], vec![]),
    );
    assert!(has(&r, |v| *v
        == Violation::NotFirst {
            visit: 0,
            position: 1
        }));
    // The head out of its locked order.
    let r = check(&p, &solution(vec![(0, vec![1, 0])], vec![2, 3]));
    assert!(has(&r, |v| *v == Violation::SequenceLockBroken { visit: 0 }));
    // Visit 2 moved to vehicle 1 pays its reassignment cost.
    let r = check(
        &p,
        &solution(vec![(0, vec![0, 1]), (1, vec![2, 3])], vec![]),
    );
    assert!(r.is_feasible(), "{:?}", r.violations);
    assert_eq!(r.assignment_cost, 7.0);
}
