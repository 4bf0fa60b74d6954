//! Tests of the construction's choice of routes.

use super::regret::own_start_vehicles;
use super::regret_insertion;
use crate::model::{
    DenseMatrix, Euclidean, Objective, ObjectiveKind, Problem, ProblemBuilder, Rounding, SkillSet,
    TimeWindow, Vehicle, Visit,
};

/// Where the second driver lives.
#[derive(Clone, Copy)]
enum SecondHome {
    /// At 100, the other end of the line.
    OwnPlace,
    /// At the first driver's location.
    SameLocation,
    /// At 0 like the first driver, under a location number of its own (as
    /// a plan numbers every driver's start).
    SamePlace,
}

/// Two drivers, the first living at 0, on a line with two visits near 0
/// and two near 100, days long enough for either driver to serve all four.
fn two_homes(second: SecondHome) -> Problem {
    let xs = [0.0, 100.0, 0.0, 5.0, 10.0, 90.0, 95.0];
    let travel = DenseMatrix::from_model(&Euclidean {
        coords: xs.iter().map(|&x| (x, 0.0)).collect(),
        rounding: Rounding::Exact,
    });
    let mut b = ProblemBuilder::new("homes", travel);
    for location in 3..7 {
        b.visit(Visit::new(
            location.to_string(),
            location,
            1.0,
            1,
            TimeWindow::new(0.0, 1_000.0),
        ));
    }
    let second_home = match second {
        SecondHome::OwnPlace => 1,
        SecondHome::SameLocation => 0,
        SecondHome::SamePlace => 2,
    };
    for (i, home) in [0, second_home].into_iter().enumerate() {
        b.vehicle(Vehicle {
            id: format!("driver-{i}"),
            start: home,
            end: Some(home),
            shift: TimeWindow::new(0.0, 1_000.0),
            capacity: 10,
            skills: SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time: None,
            limits: Default::default(),
            lunch_break: None,
        });
    }
    b.build().expect("valid")
}

/// The non-empty routes of the construction: vehicle and sorted visits.
fn routes(problem: &Problem, objective: &Objective) -> Vec<(usize, Vec<usize>)> {
    let solution = regret_insertion(problem, objective);
    assert!(solution.unassigned.is_empty());
    let mut routes: Vec<(usize, Vec<usize>)> = solution
        .routes
        .iter()
        .filter(|r| !r.visits.is_empty())
        .map(|r| {
            let mut visits = r.visits.clone();
            visits.sort_unstable();
            (r.vehicle, visits)
        })
        .collect();
    routes.sort_unstable();
    routes
}

/// Each driver gets the visits near home: opening routes one at a time
/// around the visit farthest from every start gave all four to one driver.
#[test]
fn drivers_from_their_own_homes_get_the_visits_near_home() {
    let problem = two_homes(SecondHome::OwnPlace);
    assert_eq!(
        routes(&problem, &Objective::default()),
        vec![(0, vec![0, 1]), (1, vec![2, 3])]
    );
}

/// With one depot, or under the vehicles-first objective, routes still
/// open only when nothing fits: one vehicle serves all four.
#[test]
fn a_shared_depot_or_vehicles_first_still_opens_routes_one_at_a_time() {
    let shared = two_homes(SecondHome::SameLocation);
    assert_eq!(routes(&shared, &Objective::default()).len(), 1);
    let vehicles_first = Objective {
        kind: ObjectiveKind::Hierarchical,
        ..Objective::default()
    };
    assert_eq!(
        routes(&two_homes(SecondHome::OwnPlace), &vehicles_first).len(),
        1
    );
}

/// Drivers leaving one office share their start even when the plan gave
/// each start its own location number.
#[test]
fn starts_are_shared_by_place_not_by_location_number() {
    let objective = Objective::default();
    assert_eq!(
        own_start_vehicles(&two_homes(SecondHome::OwnPlace), &objective),
        vec![0, 1]
    );
    for shared in [SecondHome::SameLocation, SecondHome::SamePlace] {
        assert!(own_start_vehicles(&two_homes(shared), &objective).is_empty());
    }
}
