//! The schedule-dependent part of a route's cost and the hard caps, kept
//! apart from the bounds: the lateness and overtime of the earliest (or
//! simulated) schedule, an insertion's change of them followed only as
//! far as the push forward reaches, and the caps on visits and distance.

use super::super::schedule;
use super::RouteState;
use crate::model::{Problem, Service, Time};

impl RouteState {
    /// Lateness plus overtime cost of the route's schedule: the earliest
    /// schedule of the bounds, or, on a vehicle whose schedule is
    /// simulated (break, working-time cap), the simulated one.
    pub(super) fn schedule_soft_cost(&self, problem: &Problem) -> f64 {
        let m = self.visits.len();
        let vehicle = &problem.vehicles[self.vehicle];
        let bounds_cost =
            || self.prefix_soft(m) + vehicle.overtime_cost(self.nodes[m + 1].departure);
        if Self::needs_exact_check(problem, self.vehicle) {
            schedule::best_timeline(problem, self.vehicle, &self.visits)
                .map_or_else(bounds_cost, |t| t.soft_cost)
        } else {
            bounds_cost()
        }
    }

    /// Lateness cost of the visits before node `p` in the earliest
    /// schedule (node 0 is the start).
    #[inline]
    pub fn prefix_soft(&self, p: usize) -> f64 {
        self.prefix_soft.get(p).copied().unwrap_or(0.0)
    }

    /// Whether the route keeps its caps on visits and distance with
    /// `visit` at position `p`.
    pub(super) fn caps_admit(
        &self,
        problem: &Problem,
        visit: usize,
        p: usize,
        open_tail: bool,
    ) -> bool {
        let vehicle = &problem.vehicles[self.vehicle];
        let v = &problem.visits[visit];
        let prev = self.nodes[p].location;
        let added = if open_tail {
            problem.distance(prev, v.location)
        } else {
            let next = self.nodes[p + 1].location;
            let was_driven = p < self.visits.len() || vehicle.end.is_some() && p > 0;
            problem.distance(prev, v.location) + problem.distance(v.location, next)
                - if was_driven {
                    problem.distance(prev, next)
                } else {
                    0.0
                }
        };
        vehicle.within_caps(self.visits.len() + 1, self.distance + added)
    }

    /// Change of the lateness and overtime cost when `visit` starts
    /// service at `start` at position `p`, `next_travel` from node
    /// `p + 1`: the push forward followed until waiting absorbs it.
    pub(super) fn soft_insertion_delta(
        &self,
        problem: &Problem,
        visit: usize,
        p: usize,
        service: Service,
        next_travel: Time,
    ) -> f64 {
        let v = &problem.visits[visit];
        let vehicle = &problem.vehicles[self.vehicle];
        let m = self.visits.len();
        let mut delta = v.lateness_cost(service.late);
        let mut time = service.start + v.service + next_travel;
        for q in p + 1..=m {
            let node = &self.nodes[q];
            let old_cost = self.prefix_soft(q) - self.prefix_soft(q - 1);
            let w = &problem.visits[self.visits[q - 1]];
            let Some(service) = w.serve(time) else {
                return Time::INFINITY;
            };
            let departure = service.start + w.service;
            delta += w.lateness_cost(service.late) - old_cost;
            if departure <= node.departure {
                // Absorbed: from here on the schedule is the cached one.
                return delta;
            }
            let base = problem.duration(w.location, self.nodes[q + 1].location);
            time = departure + problem.leg_time(departure, base);
        }
        // An empty route has no end to pay overtime on.
        let old_overtime = if m == 0 {
            0.0
        } else {
            vehicle.overtime_cost(self.nodes[m + 1].departure)
        };
        delta + vehicle.overtime_cost(time) - old_overtime
    }
}
