//! The last step of a re-plan: put each route's published visits back in
//! their published order where the search reordered them for a gain
//! smaller than the order and ETA changes cost.
//!
//! The search costs driver changes exactly but not order changes (see the
//! module notes of [`super`]), so a route may come out reordered to save a
//! little travel. For each route, the visits it kept from its driver's
//! published day (outside the fixed head) are re-sorted by published rank
//! in the slots they occupy, new visits staying where they are; the route
//! is taken when it keeps every rule and the whole plan scores better.

use std::cmp::Ordering;

use super::super::situation::Replan;
use super::changes::compare;
use crate::checker::check;
use crate::model::{ArcCost, Problem};
use crate::plan::request::PlanRequest;
use crate::plan::translation::Translation;
use crate::route::RouteState;
use crate::solution::{Route, Solution};
use crate::solve::Objective;

/// A plan's score: unserved visits per priority, then travel plus every
/// disruption cost; infeasible plans lose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    unserved: [usize; 10],
    cost: f64,
    feasible: bool,
}

impl Score {
    /// Scores `solution` of `translation.problem` against the published plan.
    pub fn of(
        request: &PlanRequest,
        translation: &Translation,
        replan: &Replan,
        objective: &Objective,
        solution: &Solution,
    ) -> Self {
        let report = check(&translation.problem, solution);
        let disruption =
            compare(request, translation, replan, solution).order_and_eta_cost(&replan.weights);
        Self {
            unserved: report.unserved_by_priority,
            cost: objective.travel_time_weight * report.travel_time
                + objective.distance_weight * report.distance
                + report.assignment_cost
                + disruption,
            feasible: report.is_feasible(),
        }
    }

    /// Whether `self` is strictly better than `other`.
    pub fn better_than(&self, other: &Self) -> bool {
        if self.feasible != other.feasible {
            return self.feasible;
        }
        match self.unserved.cmp(&other.unserved) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.cost < other.cost - 1e-9,
        }
    }
}

/// Route `route` with its kept published visits (those `rank` knows, out
/// of the fixed head) in published order, or `None` when already so.
fn in_published_order(
    problem: &Problem,
    route: &Route,
    rank: &impl Fn(usize, usize) -> Option<u32>,
) -> Option<Vec<usize>> {
    let slots: Vec<usize> = (0..route.visits.len())
        .filter(|&p| {
            let v = route.visits[p];
            !problem.visits[v].must_be_first && rank(v, route.vehicle).is_some()
        })
        .collect();
    let mut kept: Vec<usize> = slots.iter().map(|&p| route.visits[p]).collect();
    if kept
        .windows(2)
        .all(|w| rank(w[0], route.vehicle) <= rank(w[1], route.vehicle))
    {
        return None;
    }
    kept.sort_by_key(|&v| rank(v, route.vehicle));
    let mut visits = route.visits.clone();
    for (&p, v) in slots.iter().zip(kept) {
        visits[p] = v;
    }
    Some(visits)
}

/// Restores the published order route by route where it scores better;
/// `rank(v, k)` is visit `v`'s published rank when it was published on
/// vehicle `k`.
pub fn restore_published_order(
    request: &PlanRequest,
    translation: &Translation,
    replan: &Replan,
    objective: &Objective,
    solution: &mut Solution,
    rank: impl Fn(usize, usize) -> Option<u32>,
) {
    let problem = &translation.problem;
    let arcs = ArcCost::new(objective);
    let mut score = Score::of(request, translation, replan, objective, solution);
    for r in 0..solution.routes.len() {
        let Some(visits) = in_published_order(problem, &solution.routes[r], &rank) else {
            continue;
        };
        let vehicle = solution.routes[r].vehicle;
        let state = RouteState::new(problem, &arcs, vehicle, visits);
        if !state.is_feasible(problem) {
            continue;
        }
        let mut candidate = solution.clone();
        candidate.routes[r] = Route {
            vehicle,
            break_position: state.break_position(problem),
            visits: state.visits,
        };
        let candidate_score = Score::of(request, translation, replan, objective, &candidate);
        if candidate_score.better_than(&score) {
            *solution = candidate;
            score = candidate_score;
        }
    }
}
