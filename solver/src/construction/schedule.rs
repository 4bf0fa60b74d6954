//! A route under construction with forward and backward time bounds, so
//! that inserting one visit is checked in O(1) even with several windows.
//!
//! `departure[p]` is the earliest departure from node `p` (node 0 is the
//! start, nodes `1..=m` the visits). `latest_arrival[p]` is the latest
//! arrival at node `p` that keeps the rest of the route feasible (node
//! `m + 1` is the end), following solver-notes section 2:
//! `LA_i = max over windows w with e_w + s_i + t <= LA_next of
//! min(l_w, LA_next - s_i - t)`.

use crate::model::{Problem, Time, EPS};

/// One route during construction.
#[derive(Debug, Clone)]
pub struct InsertionRoute {
    /// Vehicle index.
    pub vehicle: usize,
    /// Visit indices in order.
    pub visits: Vec<usize>,
    /// Sum of demands.
    pub load: i64,
    departure: Vec<Time>,
    latest_arrival: Vec<Time>,
}

impl InsertionRoute {
    /// An empty route of `vehicle`.
    pub fn new(problem: &Problem, vehicle: usize) -> Self {
        let mut route = Self {
            vehicle,
            visits: Vec::new(),
            load: 0,
            departure: Vec::new(),
            latest_arrival: Vec::new(),
        };
        route.refresh(problem);
        route
    }

    /// Location of node `p` (0 = start, `m + 1` = end).
    fn location(&self, problem: &Problem, p: usize) -> usize {
        let vehicle = &problem.vehicles[self.vehicle];
        if p == 0 {
            vehicle.start
        } else if p <= self.visits.len() {
            problem.visits[self.visits[p - 1]].location
        } else {
            // An open route ends where its last visit is.
            vehicle.end.unwrap_or_else(|| self.location(problem, p - 1))
        }
    }

    /// Recomputes the forward and backward bounds after a change.
    pub fn refresh(&mut self, problem: &Problem) {
        let m = self.visits.len();
        let vehicle = &problem.vehicles[self.vehicle];
        self.departure.clear();
        self.departure.push(vehicle.shift.earliest);
        for p in 1..=m {
            let visit = &problem.visits[self.visits[p - 1]];
            let from = self.location(problem, p - 1);
            let arrival = self.departure[p - 1] + problem.duration(from, visit.location);
            let start = visit.service_start(arrival).unwrap_or(Time::INFINITY);
            self.departure.push(start + visit.service);
        }
        self.latest_arrival.clear();
        self.latest_arrival.resize(m + 2, Time::NEG_INFINITY);
        self.latest_arrival[m + 1] = vehicle.shift.latest;
        for p in (1..=m).rev() {
            let visit = &problem.visits[self.visits[p - 1]];
            let to = self.location(problem, p + 1);
            let tail = problem.duration(visit.location, to) + visit.service;
            self.latest_arrival[p] = latest_arrival_at(
                problem,
                self.visits[p - 1],
                tail,
                self.latest_arrival[p + 1],
            );
        }
        self.latest_arrival[0] = vehicle.shift.earliest;
        self.load = self.visits.iter().map(|&v| problem.visits[v].demand).sum();
    }

    /// Whether the current route is time-feasible.
    pub fn is_feasible(&self) -> bool {
        let m = self.visits.len();
        (1..=m + 1).all(|p| self.departure_or_arrival_ok(p))
    }

    fn departure_or_arrival_ok(&self, p: usize) -> bool {
        self.departure[p - 1].is_finite() && self.latest_arrival[p] > Time::NEG_INFINITY
    }

    /// Cost change (weighted travel plus the visit's assignment cost on
    /// this vehicle) and feasibility of inserting `visit` between node `p`
    /// and node `p + 1`; `None` when infeasible (time or capacity).
    pub fn insertion_delta(
        &self,
        problem: &Problem,
        visit: usize,
        p: usize,
        distance_weight: f64,
        time_weight: f64,
    ) -> Option<f64> {
        let v = &problem.visits[visit];
        if self.load + v.demand > problem.vehicles[self.vehicle].capacity {
            return None;
        }
        if !self.position_allowed(problem, visit, p) {
            return None;
        }
        let prev = self.location(problem, p);
        let arrival = self.departure[p] + problem.duration(prev, v.location);
        let start = v.service_start(arrival)?;
        // Appending to an open route: the new visit becomes the end.
        let open_tail = p == self.visits.len() && problem.vehicles[self.vehicle].end.is_none();
        let (d, t, next_travel) = if open_tail {
            (
                problem.distance(prev, v.location),
                problem.duration(prev, v.location),
                0.0,
            )
        } else {
            let next = self.location(problem, p + 1);
            (
                problem.distance(prev, v.location) + problem.distance(v.location, next)
                    - problem.distance(prev, next),
                problem.duration(prev, v.location) + problem.duration(v.location, next)
                    - problem.duration(prev, next),
                problem.duration(v.location, next),
            )
        };
        if start + v.service + next_travel > self.latest_arrival[p + 1] + EPS {
            return None;
        }
        Some(distance_weight * d + time_weight * t + problem.assignment_cost(visit, self.vehicle))
    }

    /// Order rules: the fixed head (in progress, frozen) goes first,
    /// precedence visits before regular ones, locked sequences keep their
    /// ranks.
    fn position_allowed(&self, problem: &Problem, visit: usize, p: usize) -> bool {
        let v = &problem.visits[visit];
        let pinned = self
            .visits
            .iter()
            .take_while(|&&w| problem.visits[w].must_be_first)
            .count();
        let leading = self
            .visits
            .iter()
            .take_while(|&&w| problem.visits[w].precedence || problem.visits[w].must_be_first)
            .count();
        if v.must_be_first {
            if p > pinned {
                return false;
            }
        } else if p < pinned || v.precedence && p > leading || !v.precedence && p < leading {
            return false;
        }
        if let Some(rank) = v.sequence_lock {
            let rank_of = |&w: &usize| problem.visits[w].sequence_lock;
            let before_ok = self.visits[..p]
                .iter()
                .filter_map(rank_of)
                .all(|r| r <= rank);
            let after_ok = self.visits[p..]
                .iter()
                .filter_map(rank_of)
                .all(|r| r >= rank);
            return before_ok && after_ok;
        }
        true
    }

    /// Inserts `visit` after node `p` and refreshes the bounds.
    pub fn insert(&mut self, problem: &Problem, visit: usize, p: usize) {
        self.visits.insert(p, visit);
        self.refresh(problem);
    }
}

/// Latest arrival at `visit` such that service (plus `tail`, the service
/// and travel to the next node) reaches the next node by `next_latest`.
fn latest_arrival_at(problem: &Problem, visit: usize, tail: Time, next_latest: Time) -> Time {
    problem.visits[visit]
        .windows
        .iter()
        .filter(|w| w.earliest + tail <= next_latest + EPS)
        .map(|w| w.latest.min(next_latest - tail))
        .fold(Time::NEG_INFINITY, Time::max)
}
