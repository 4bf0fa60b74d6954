//! The lexicographic objective of the search.
//!
//! Unserved visits are compared tier by tier (priority 1 first): one more
//! unserved visit of priority p is worse than any number of unserved visits
//! of priority > p, and worse than any travel. Then, for the hierarchical
//! objective, the number of vehicles; then the travel cost (weighted
//! distance and travel time plus fixed vehicle costs). Keeping the tiers as
//! counts, not as one huge float, keeps the travel part exact.

use std::cmp::Ordering;

use super::{Objective, ObjectiveKind};
use crate::model::Problem;

/// A solution's cost, compared lexicographically.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Unserved visits per priority (index 0 = priority 1).
    pub unserved: [u32; 10],
    /// Vehicles used; compared only under the hierarchical objective.
    pub vehicles: u32,
    /// Weighted travel plus fixed costs.
    pub travel: f64,
    hierarchical: bool,
}

impl Cost {
    /// The cost of nothing served and nothing travelled.
    pub fn zero(objective: &Objective) -> Self {
        Self {
            unserved: [0; 10],
            vehicles: 0,
            travel: 0.0,
            hierarchical: objective.kind == ObjectiveKind::Hierarchical,
        }
    }

    /// Compares everything before travel; `Equal` means travel decides.
    pub fn cmp_before_travel(&self, other: &Self) -> Ordering {
        self.unserved.cmp(&other.unserved).then_with(|| {
            if self.hierarchical {
                self.vehicles.cmp(&other.vehicles)
            } else {
                Ordering::Equal
            }
        })
    }

    /// Whether `self` is strictly better than `other`.
    pub fn better_than(&self, other: &Self) -> bool {
        match self.cmp_before_travel(other) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.travel < other.travel - 1e-9,
        }
    }
}

/// Travel cost of arcs and vehicles under an objective.
#[derive(Debug, Clone, Copy)]
pub struct ArcCost {
    distance_weight: f64,
    time_weight: f64,
    vehicle_cost: f64,
}

impl ArcCost {
    /// The weights of `objective`.
    pub fn new(objective: &Objective) -> Self {
        Self {
            distance_weight: objective.distance_weight,
            time_weight: objective.travel_time_weight,
            vehicle_cost: objective.vehicle_cost,
        }
    }

    /// Weighted cost of travelling from location `a` to `b`.
    #[inline]
    pub fn arc(&self, problem: &Problem, a: usize, b: usize) -> f64 {
        self.arc_and_duration(problem, a, b).0
    }

    /// Weighted cost and duration of travelling from `a` to `b`, from one
    /// read of the table.
    #[inline]
    pub fn arc_and_duration(&self, problem: &Problem, a: usize, b: usize) -> (f64, f64) {
        let (distance, duration) = problem.travel.leg(a, b);
        let cost = self.distance_weight * distance;
        if self.time_weight == 0.0 {
            (cost, duration)
        } else {
            (cost + self.time_weight * duration, duration)
        }
    }

    /// Cost of putting vehicle `k` on the road at all.
    pub fn vehicle(&self, problem: &Problem, k: usize) -> f64 {
        problem.vehicles[k].fixed_cost + self.vehicle_cost
    }
}
