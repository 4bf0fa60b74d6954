//! The result of a solve: one route per used vehicle and the visits left out.
//!
//! Schedule semantics (implemented independently by the checker and by the
//! search): a route departs its vehicle's start location no earlier than the
//! shift start; at each visit, service starts at the earliest moment inside
//! one of its windows at or after arrival (waiting is allowed); after the
//! last visit the vehicle travels to its end location (if any) and must
//! arrive by the shift end (or, for open routes, finish the last service by
//! then). A break, when the vehicle has one and the route is used, is taken
//! at `break_position` (after that many visits), starting no earlier than
//! the moment the driver is free and inside the break window. Working time
//! is measured from the just-in-time departure (no waiting at the first
//! visit) to the end of the route.

use serde::{Deserialize, Serialize};

/// The ordered visits of one vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Index of the vehicle.
    pub vehicle: usize,
    /// Indices of the visits, in service order.
    pub visits: Vec<usize>,
    /// Where the vehicle's break is taken: after this many visits.
    pub break_position: Option<usize>,
}

impl Route {
    /// A route without a break.
    pub fn new(vehicle: usize, visits: Vec<usize>) -> Self {
        Self {
            vehicle,
            visits,
            break_position: None,
        }
    }
}

/// Routes plus the visits that were not served.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    /// Non-empty routes, at most one per vehicle.
    pub routes: Vec<Route>,
    /// Visits served by no route.
    pub unassigned: Vec<usize>,
}

impl Solution {
    /// Number of routes that serve at least one visit.
    pub fn vehicles_used(&self) -> usize {
        self.routes.iter().filter(|r| !r.visits.is_empty()).count()
    }
}

/// Total travel distance of a solution.
pub fn total_distance(problem: &crate::model::Problem, solution: &Solution) -> f64 {
    solution
        .routes
        .iter()
        .filter(|r| !r.visits.is_empty())
        .map(|r| {
            let vehicle = &problem.vehicles[r.vehicle];
            let mut at = vehicle.start;
            let mut d = 0.0;
            for &v in &r.visits {
                let loc = problem.visits[v].location;
                d += problem.distance(at, loc);
                at = loc;
            }
            if let Some(end) = vehicle.end {
                d += problem.distance(at, end);
            }
            d
        })
        .sum()
}
