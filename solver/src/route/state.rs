//! A route with cached time bounds for O(1) insertion checks, used by
//! construction and search alike.
//!
//! `departure[p]` is the earliest departure from node `p` (node 0 is the
//! vehicle's start, nodes `1..=m` the visits); `latest_arrival[p]` is the
//! latest arrival at node `p` that keeps the rest of the route feasible
//! (node `m + 1` is the end), the forward and backward time slacks of
//! Savelsbergh (1992) extended to several windows per visit: the latest
//! arrival at a visit is the latest moment, over the windows from which
//! service and travel still reach the next node by its own latest arrival,
//! that such a window allows. Inserting a visit is then feasible for
//! windows, shift and capacity iff its service fits between `departure[p]`
//! and `latest_arrival[p + 1]`. Breaks and maximum working time are not in
//! the bounds (they only make times later, so the bounds stay a valid
//! filter); routes of vehicles with either get an exact re-simulation
//! ([`super::simulate`]) before a move is accepted.
//!
//! Soft limits widen the bounds: a window counts as open until its
//! `latest` plus the visit's lateness allowance, the shift until its end
//! plus the overtime allowance. What being late or working over costs is
//! part of the route's cost ([`RouteState::travel`]): the earliest
//! schedule (the one the bounds follow) is the route's schedule, and
//! `prefix_soft` caches its lateness cost node by node. Inserting a visit
//! pushes the later visits forward; the push is followed node by node
//! only until it is absorbed by waiting (a node departs when it did
//! before), after which the cached costs hold, as in Savelsbergh's
//! forward time slack (1992) and the duration segments of Vidal et al.
//! (2013). On a vehicle with a break, the bounds schedule leaves the
//! break out, so an insertion's lateness price is an estimate there; the
//! route's cost is the exact one of the simulated schedule once the
//! visit is in, and moves are accepted on those exact costs.

use std::ops::Range;

mod soft;

use super::schedule;
use crate::model::{ArcCost, Problem, Time, EPS};

/// The travel between a visit and one node of a route, kept by a scan of
/// insertion positions ([`RouteState::insertion_delta_along`]).
#[derive(Debug, Clone, Copy)]
pub struct NodeLink {
    node: usize,
    cost: f64,
    time: Time,
}

impl Default for NodeLink {
    fn default() -> Self {
        Self {
            node: usize::MAX,
            cost: 0.0,
            time: 0.0,
        }
    }
}

/// The cached values of one node of a route, side by side: an insertion
/// scan reads a node's departure, latest arrival, location and next arc
/// together, and one cache line then serves them all (eight parallel
/// arrays cost eight allocations per copied route and several cache
/// misses per node).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Node {
    /// Earliest departure from the node (at the end: earliest arrival).
    departure: Time,
    /// Latest arrival at the node that keeps the rest of the route
    /// feasible for windows and shift.
    latest_arrival: Time,
    /// Location (an open route ends where its last visit is).
    location: usize,
    /// Weighted cost of the arc to the next node as the route's travel
    /// counts it (0 when it is not driven: an empty route, the end of an
    /// open one, or from the end node).
    next_arc: f64,
    /// Weighted travel from the start to this node (the end node: to the
    /// last visit).
    prefix_travel: f64,
    /// Demand of the visits up to this node.
    prefix_load: i64,
    /// Assignment cost of the visits up to this node on the route's
    /// vehicle (published on another vehicle: moved).
    prefix_assign: f64,
    /// Reassignment cost of the visits up to this node that were
    /// published on any vehicle (their cost on a vehicle other than the
    /// published one).
    prefix_published: f64,
}

/// One route of the search state.
#[derive(Debug, Clone)]
pub struct RouteState {
    /// Vehicle index.
    pub vehicle: usize,
    /// Visits in service order.
    pub visits: Vec<usize>,
    /// Sum of demands.
    pub load: i64,
    /// Weighted travel cost of the route plus the assignment costs of its
    /// visits plus its lateness and overtime costs (without the vehicle's
    /// fixed cost): everything the objective weighs after the counts.
    pub travel: f64,
    /// Lateness plus overtime cost, the part of `travel` the schedule
    /// decides (0 unless the problem has soft limits).
    pub soft_cost: f64,
    /// Distance driven; kept only for vehicles with a distance cap.
    pub distance: f64,
    /// Lateness cost of the visits up to node `p` in the earliest
    /// schedule, nodes `0..=m`; empty without soft limits (kept apart
    /// from [`Node`], which fills one cache line exactly).
    prefix_soft: Vec<f64>,
    /// Nodes `0..=m + 1`: the start, the visits, the end.
    nodes: Vec<Node>,
    /// Visits published on a vehicle other than this route's: pieces of
    /// such routes may land back home, so their cost on another vehicle
    /// is summed visit by visit instead of from the prefixes.
    foreign: usize,
    /// Number of leading visits of the fixed head (`must_be_first`).
    pinned: usize,
    /// Number of leading visits that are in the head or precedence visits.
    leading: usize,
    has_sequence_lock: bool,
    /// Whether any order rule (in progress, precedence, locked sequence)
    /// concerns this route, so insertion must consult them.
    has_order_rules: bool,
}

impl RouteState {
    /// A route of `vehicle` serving `visits` in order.
    pub fn new(problem: &Problem, arcs: &ArcCost, vehicle: usize, visits: Vec<usize>) -> Self {
        let mut route = Self {
            vehicle,
            visits,
            load: 0,
            travel: 0.0,
            soft_cost: 0.0,
            distance: 0.0,
            prefix_soft: Vec::new(),
            nodes: Vec::new(),
            foreign: 0,
            pinned: 0,
            leading: 0,
            has_sequence_lock: false,
            has_order_rules: false,
        };
        route.refresh(problem, arcs);
        route
    }

    /// Whether the vehicle's routes need the exact schedule check.
    pub fn needs_exact_check(problem: &Problem, vehicle: usize) -> bool {
        let v = &problem.vehicles[vehicle];
        v.lunch_break.is_some() || v.max_working_time.is_some()
    }

    /// Weighted travel along the visits `from..to` (visit indices), i.e.
    /// the arcs inside that stretch.
    #[inline]
    pub fn inner_travel(&self, from: usize, to: usize) -> f64 {
        if to <= from + 1 {
            0.0
        } else {
            self.nodes[to].prefix_travel - self.nodes[from + 1].prefix_travel
        }
    }

    /// Cost of serving the visits `from..to` (visit indices) with vehicle
    /// `vehicle`: O(1) from the prefixes unless this route holds visits
    /// published on another vehicle, then O(to - from).
    #[inline]
    pub fn piece_assignment(
        &self,
        problem: &Problem,
        vehicle: usize,
        from: usize,
        to: usize,
    ) -> f64 {
        if to <= from {
            0.0
        } else if vehicle == self.vehicle {
            self.nodes[to].prefix_assign - self.nodes[from].prefix_assign
        } else if self.foreign == 0 {
            // Every published visit here was published on this route's
            // vehicle, so on another one each pays its full cost.
            self.nodes[to].prefix_published - self.nodes[from].prefix_published
        } else {
            self.visits[from..to]
                .iter()
                .map(|&v| problem.assignment_cost(v, vehicle))
                .sum()
        }
    }

    /// Assignment cost of the whole route on its own vehicle.
    #[inline]
    pub fn assignment(&self) -> f64 {
        self.nodes.last().map_or(0.0, |n| n.prefix_assign)
    }

    /// Earliest departure from node `p` (0 = the start).
    #[inline]
    pub fn departure(&self, p: usize) -> Time {
        self.nodes[p].departure
    }

    /// Latest arrival at node `p` that keeps the rest of the route
    /// feasible for windows and shift (node `m + 1` is the end).
    #[inline]
    pub fn latest_arrival(&self, p: usize) -> Time {
        self.nodes[p].latest_arrival
    }

    /// The insertion positions `p` whose neighbours leave room for a
    /// service of `service` starting in `earliest..=closes`: node `p`
    /// departs by `closes` and node `p + 1` may be reached after
    /// `earliest + service`. Both departures and latest arrivals only grow
    /// along a route, so the positions form one range, found by two
    /// binary searches instead of a scan (most positions of a route fail
    /// these bounds, and scanning them was a third of recreate's loop).
    pub fn window_positions(&self, earliest: Time, service: Time, closes: Time) -> Range<usize> {
        let m = self.visits.len();
        let first =
            self.nodes[1..=m + 1].partition_point(|n| n.latest_arrival + EPS < earliest + service);
        let end = self.nodes[..=m].partition_point(|n| n.departure <= closes + EPS);
        first..end.max(first)
    }

    /// Demand of visits `from..to` (visit indices).
    #[inline]
    pub fn load_between(&self, from: usize, to: usize) -> i64 {
        self.nodes[to].prefix_load - self.nodes[from].prefix_load
    }

    /// Location of node `p` (0 = start, `m + 1` = end; an open route ends
    /// where its last visit is).
    #[inline]
    pub fn location(&self, problem: &Problem, p: usize) -> usize {
        let vehicle = &problem.vehicles[self.vehicle];
        if p == 0 {
            vehicle.start
        } else if p <= self.visits.len() {
            problem.visits[self.visits[p - 1]].location
        } else {
            match vehicle.end {
                Some(end) => end,
                None => self.location(problem, p - 1),
            }
        }
    }

    /// Location of node `p` from the cache (0 = start, `m + 1` = end).
    #[inline]
    pub fn node_location(&self, p: usize) -> usize {
        self.nodes[p].location
    }

    /// Weighted cost of the arc from node `p` to node `p + 1` as the
    /// route's travel counts it.
    #[inline]
    pub fn next_arc(&self, p: usize) -> f64 {
        self.nodes[p].next_arc
    }

    /// Location of the visit at index `i` (node `i + 1`).
    #[inline]
    pub fn visit_location(&self, i: usize) -> usize {
        self.nodes[i + 1].location
    }

    /// Recomputes every cached value after the visit list changed.
    pub fn refresh(&mut self, problem: &Problem, arcs: &ArcCost) {
        let m = self.visits.len();
        let vehicle = &problem.vehicles[self.vehicle];
        let mut nodes = std::mem::take(&mut self.nodes);
        nodes.clear();
        nodes.push(Node {
            departure: vehicle.shift.earliest,
            location: vehicle.start,
            ..Node::default()
        });
        self.travel = 0.0;
        self.load = 0;
        self.foreign = 0;
        let soft = problem.has_soft_costs();
        let capped_distance = vehicle.limits.max_distance.is_some();
        self.distance = 0.0;
        let mut prefix_soft = std::mem::take(&mut self.prefix_soft);
        prefix_soft.clear();
        if soft {
            prefix_soft.push(0.0);
        }
        for p in 1..=m {
            let visit = &problem.visits[self.visits[p - 1]];
            let (assign, published) = match visit.reassignment {
                Some(r) if r.vehicle == self.vehicle => (0.0, r.cost),
                Some(r) => {
                    self.foreign += 1;
                    (r.cost, r.cost)
                }
                None => (0.0, 0.0),
            };
            let previous = nodes[p - 1];
            let (arc, duration) = arcs.arc_and_duration(problem, previous.location, visit.location);
            nodes[p - 1].next_arc = arc;
            self.travel += arc;
            self.load += visit.demand;
            if capped_distance {
                self.distance += problem.distance(previous.location, visit.location);
            }
            let arrival = previous.departure + problem.leg_time(previous.departure, duration);
            let service = visit.serve(arrival);
            let start = service.map_or(Time::INFINITY, |s| s.start);
            if soft {
                let late_cost = service.map_or(0.0, |s| visit.lateness_cost(s.late));
                prefix_soft.push(prefix_soft[p - 1] + late_cost);
            }
            nodes.push(Node {
                departure: start + visit.service,
                latest_arrival: Time::NEG_INFINITY,
                location: visit.location,
                next_arc: 0.0,
                prefix_travel: self.travel,
                prefix_load: self.load,
                prefix_assign: previous.prefix_assign + assign,
                prefix_published: previous.prefix_published + published,
            });
        }
        let last = nodes[m];
        let end = vehicle.end.unwrap_or(last.location);
        let (arc, duration) = arcs.arc_and_duration(problem, last.location, end);
        nodes.push(Node {
            departure: last.departure + problem.leg_time(last.departure, duration),
            latest_arrival: vehicle.latest_end(),
            location: end,
            next_arc: 0.0,
            ..last
        });
        let driven_end = m > 0 && vehicle.end.is_some();
        if driven_end {
            self.travel += arc;
            nodes[m].next_arc = arc;
            if capped_distance {
                self.distance += problem.distance(last.location, end);
            }
        }
        latest_arrivals(problem, &self.visits, &mut nodes);
        nodes[0].latest_arrival = vehicle.shift.earliest;
        self.nodes = nodes;
        self.prefix_soft = prefix_soft;
        self.travel += self.assignment();
        self.soft_cost = if soft && m > 0 {
            self.schedule_soft_cost(problem)
        } else {
            0.0
        };
        self.travel += self.soft_cost;
        self.pinned = self
            .visits
            .iter()
            .take_while(|&&v| problem.visits[v].must_be_first)
            .count();
        self.leading = self
            .visits
            .iter()
            .take_while(|&&v| problem.visits[v].precedence || problem.visits[v].must_be_first)
            .count();
        self.has_sequence_lock = self
            .visits
            .iter()
            .any(|&v| problem.visits[v].sequence_lock.is_some());
        self.has_order_rules = self.leading > 0 || self.has_sequence_lock;
    }

    /// Where the exact schedule places the vehicle's break (after that many
    /// visits), when it has one. Worked out on demand: a refresh that
    /// placed it ran the schedule a second time after every checked move.
    pub fn break_position(&self, problem: &Problem) -> Option<usize> {
        if Self::needs_exact_check(problem, self.vehicle) && !self.visits.is_empty() {
            schedule::simulate(problem, self.vehicle, self.visits.iter().copied())
                .and_then(|s| s.break_position)
        } else {
            None
        }
    }

    /// Whether the cached bounds say the route is feasible (exact for
    /// vehicles without breaks or working-time limits).
    pub fn bounds_feasible(&self, problem: &Problem) -> bool {
        // The earliest schedule is feasible iff every visit finds a window
        // and the end is reached by the end of the shift; finite latest
        // arrivals alone would let a late return through.
        let m = self.visits.len();
        let vehicle = &problem.vehicles[self.vehicle];
        // The end node's earliest arrival: back from the last visit.
        let back = self.nodes[m + 1].departure;
        self.nodes.iter().all(|n| n.departure.is_finite())
            && back <= vehicle.latest_end() + EPS
            && self.load <= vehicle.capacity
            && vehicle.within_caps(m, self.distance)
    }

    /// Whether the route keeps every rule: bounds, capacity, eligibility,
    /// order rules, and the exact schedule where the vehicle needs it.
    pub fn is_feasible(&self, problem: &Problem) -> bool {
        let k = self.vehicle;
        let eligible = self.visits.iter().all(|&v| {
            problem.compatible(k, v) && problem.visits[v].vehicle_lock.is_none_or(|l| l == k)
        });
        let ordered = self.visits.iter().enumerate().all(|(p, &v)| {
            let visit = &problem.visits[v];
            (!visit.must_be_first || p < self.pinned) && (!visit.precedence || p < self.leading)
        }) && self.ranks_ascending(problem);
        eligible
            && ordered
            && self.bounds_feasible(problem)
            && (!Self::needs_exact_check(problem, k)
                || schedule::simulate(problem, k, self.visits.iter().copied()).is_some())
    }

    fn ranks_ascending(&self, problem: &Problem) -> bool {
        let ranks: Vec<u32> = self
            .visits
            .iter()
            .filter_map(|&v| problem.visits[v].sequence_lock)
            .collect();
        ranks.windows(2).all(|w| w[0] <= w[1])
    }

    /// Order rules for putting `visit` at position `p` (before the visit now
    /// at `p`): the fixed head (in progress, frozen) first, precedence
    /// visits before regular ones, locked sequences by rank.
    #[inline]
    fn position_allowed(&self, problem: &Problem, visit: usize, p: usize) -> bool {
        let v = &problem.visits[visit];
        if v.must_be_first {
            if p > self.pinned {
                return false;
            }
        } else if p < self.pinned
            || (v.precedence && p > self.leading)
            || (!v.precedence && p < self.leading)
        {
            return false;
        }
        if let (Some(rank), true) = (v.sequence_lock, self.has_sequence_lock) {
            let rank_of = |&w: &usize| problem.visits[w].sequence_lock;
            return self.visits[..p]
                .iter()
                .filter_map(rank_of)
                .all(|r| r <= rank)
                && self.visits[p..]
                    .iter()
                    .filter_map(rank_of)
                    .all(|r| r >= rank);
        }
        true
    }

    /// Cost change (travel plus the visit's assignment cost on this
    /// vehicle) of inserting `visit` at position `p` (between node `p` and
    /// node `p + 1`), or `None` when the bounds, capacity or
    /// order rules forbid it. Vehicle eligibility is the caller's check.
    #[inline]
    pub fn insertion_delta(
        &self,
        problem: &Problem,
        arcs: &ArcCost,
        visit: usize,
        p: usize,
    ) -> Option<f64> {
        self.insertion_delta_along(problem, arcs, visit, p, &mut NodeLink::default())
    }

    /// [`Self::insertion_delta`] for a scan of positions in ascending
    /// order: on a symmetric table the link from the visit to node `p + 1`
    /// read for position `p` is the link into position `p + 1`, so `link`
    /// carries it over and each node's travel is read once, not twice
    /// (table reads were most of recreate's time).
    #[inline]
    pub fn insertion_delta_along(
        &self,
        problem: &Problem,
        arcs: &ArcCost,
        visit: usize,
        p: usize,
        link: &mut NodeLink,
    ) -> Option<f64> {
        let v = &problem.visits[visit];
        let prev = self.nodes[p].location;
        // On a symmetric table every lookup reads the visit's own row:
        // locations are numbered by place, so the row's entries for the
        // route around it share a few cache lines.
        let symmetric = problem.travel.is_symmetric();
        let (into, into_time) = if symmetric && link.node == p {
            (link.cost, link.time)
        } else if symmetric {
            arcs.arc_and_duration(problem, v.location, prev)
        } else {
            arcs.arc_and_duration(problem, prev, v.location)
        };
        let departure = self.nodes[p].departure;
        let arrival = departure + problem.leg_time(departure, into_time);
        let service = v.serve(arrival)?;
        let start = service.start;
        let open_tail = p == self.visits.len() && problem.vehicles[self.vehicle].end.is_none();
        let (delta, next_travel) = if open_tail {
            (into, 0.0)
        } else {
            let next = self.nodes[p + 1].location;
            let (out, out_time) = arcs.arc_and_duration(problem, v.location, next);
            *link = NodeLink {
                node: p + 1,
                cost: out,
                time: out_time,
            };
            let out_time = problem.leg_time(start + v.service, out_time);
            (into + out - self.nodes[p].next_arc, out_time)
        };
        if !self.admits(problem, visit, p, start, next_travel) {
            return None;
        }
        let vehicle = &problem.vehicles[self.vehicle];
        if vehicle.has_caps() && !self.caps_admit(problem, visit, p, open_tail) {
            return None;
        }
        let soft = if problem.has_soft_costs() {
            self.soft_insertion_delta(problem, visit, p, service, next_travel)
        } else {
            0.0
        };
        Some(delta + problem.assignment_cost(visit, self.vehicle) + soft)
    }

    /// Whether `visit`, starting service at `start` and `next_travel` away
    /// from node `p + 1`, may go at position `p`: the later bounds and the
    /// order rules.
    #[inline]
    fn admits(
        &self,
        problem: &Problem,
        visit: usize,
        p: usize,
        start: Time,
        next_travel: Time,
    ) -> bool {
        let v = &problem.visits[visit];
        if start + v.service + next_travel > self.nodes[p + 1].latest_arrival + EPS {
            return false;
        }
        let visit_has_rules = v.must_be_first || v.precedence || v.sequence_lock.is_some();
        !(self.has_order_rules || visit_has_rules) || self.position_allowed(problem, visit, p)
    }

    /// Whether the route with `visit` inserted at `p` passes the exact
    /// schedule (breaks, working time). Only called for vehicles that need it.
    pub fn exact_insertion_ok(&self, problem: &Problem, visit: usize, p: usize) -> bool {
        let (before, after) = self.visits.split_at(p);
        let visits = before.iter().chain([&visit]).chain(after).copied();
        schedule::simulate(problem, self.vehicle, visits).is_some()
    }

    /// The cost of `vehicle` serving `visit` on a day with nothing else,
    /// or `None` when it cannot (eligibility, locks and capacity are the
    /// caller's checks; the vehicle's fixed cost is not included).
    pub fn alone_delta(
        problem: &Problem,
        arcs: &ArcCost,
        vehicle: usize,
        visit: usize,
    ) -> Option<f64> {
        let empty = Self::new(problem, arcs, vehicle, Vec::new());
        empty.insertion_delta(problem, arcs, visit, 0).filter(|_| {
            !Self::needs_exact_check(problem, vehicle)
                || empty.exact_insertion_ok(problem, visit, 0)
        })
    }

    /// Inserts `visit` at position `p` and refreshes the caches.
    pub fn insert(&mut self, problem: &Problem, arcs: &ArcCost, visit: usize, p: usize) {
        self.visits.insert(p, visit);
        self.refresh(problem, arcs);
    }
}

/// The backward pass: the latest arrival at each visit node that keeps the
/// rest of the route feasible, from the end node's (already set) back.
fn latest_arrivals(problem: &Problem, visits: &[usize], nodes: &mut [Node]) {
    let m = visits.len();
    let timed = problem.speed_profile().is_some();
    for p in (1..=m).rev() {
        let visit = &problem.visits[visits[p - 1]];
        let base = problem.duration(visit.location, nodes[p + 1].location);
        let next = nodes[p + 1].latest_arrival;
        // The latest start of service that still reaches the next
        // node in time (the inverse travel function under a speed
        // profile; the same number, written as before, without).
        let tail = base + visit.service;
        let latest_start = if timed {
            problem.depart_by(next, base) - visit.service
        } else {
            next - tail
        };
        let fits = |earliest: Time| {
            if timed {
                earliest <= latest_start + EPS
            } else {
                earliest + tail <= next + EPS
            }
        };
        nodes[p].latest_arrival = visit
            .windows
            .iter()
            .filter(|w| fits(w.earliest))
            .map(|w| visit.latest_start(w).min(latest_start))
            .fold(Time::NEG_INFINITY, Time::max);
    }
}
