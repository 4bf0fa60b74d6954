//! Regret-2 insertion for large days: each visit weighs only a few
//! candidate routes (those of the drivers living nearest to it, and those
//! already serving one of its nearest visits) instead of every route, and
//! the most regretted visit comes from a heap instead of a scan.
//!
//! Why: the whole-day regret insertion recomputes every pending visit
//! against the route that just grew and scans every visit against every
//! route for the next choice, O(n^2) work with a large constant: 40.9 s for
//! the first plan of a generated 10,000-visit day. Here an insertion into
//! a route recomputes only the visits that watch it (about n * k / routes),
//! so the work grows with n. A last pass tries every route for each
//! visit still left out, so the plan serves every visit a simple insertion
//! would serve.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::regret::{
    cheapest, into_solution, open_heads, open_route, own_start_vehicles, Candidate,
};
use crate::model::{nearest_among, ArcCost, NearestVisits, Objective, Problem};
use crate::route::RouteState;
use crate::solution::Solution;

/// Drivers' homes nearest to a visit whose routes it weighs.
const NEAR_HOMES: usize = 8;
/// Nearest visits of a visit: the routes serving them are its candidates.
const NEAR_VISITS: usize = 12;

/// One candidate route of a pending visit and its cheapest insertion.
#[derive(Debug, Clone, Copy)]
struct RouteOption {
    route: usize,
    best: Option<Candidate>,
}

/// A heap entry: a pending visit's regret when it was computed (`stamp`
/// tells whether that is still its current one).
#[derive(Debug, Clone, Copy)]
struct Entry {
    regret: f64,
    visit: usize,
    stamp: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Largest regret first; ties to the lower visit index (deterministic).
    fn cmp(&self, other: &Self) -> Ordering {
        self.regret
            .total_cmp(&other.regret)
            .then(other.visit.cmp(&self.visit))
            .then(self.stamp.cmp(&other.stamp))
    }
}

/// The construction's state: routes, each visit's candidate routes and
/// which visits watch each route.
struct Builder<'a> {
    problem: &'a Problem,
    arcs: ArcCost,
    routes: Vec<RouteState>,
    vehicle_open: Vec<bool>,
    /// Candidate routes of each visit with their cheapest insertions.
    options: Vec<Vec<RouteOption>>,
    /// Visits that have each route among their candidates.
    watchers: Vec<Vec<usize>>,
    /// Visits that list each vehicle's home among their nearest.
    near_home_of: Vec<Vec<usize>>,
    /// Visits that list each visit among their nearest.
    reverse_near: Vec<Vec<usize>>,
    /// Whether each visit waits in the tier being built.
    pending: Vec<bool>,
    stamp: Vec<u32>,
    heap: BinaryHeap<Entry>,
    unassigned: Vec<usize>,
}

/// Builds a first solution of a large day; visits that fit nowhere are
/// left unassigned.
pub fn local_regret_insertion(problem: &Problem, objective: &Objective) -> Solution {
    let mut b = crate::phase::timed("construction setup", || Builder::new(problem, objective));
    let mut tiers: Vec<u8> = problem.visits.iter().map(|v| v.priority).collect();
    tiers.sort_unstable();
    tiers.dedup();
    let by_seed_score = seed_order(problem);
    for tier in tiers {
        let members: Vec<usize> = (0..problem.n_visits())
            .filter(|&v| problem.visits[v].priority == tier && !problem.visits[v].must_be_first)
            .collect();
        b.build_tier(&members, &by_seed_score);
    }
    crate::phase::timed("construction left-out pass", || b.serve_left_out());
    b.finish()
}

/// Seeds of new routes: the visits far from every start first (Solomon's
/// I1 rule), each start place weighed once and found by
/// [`nearest_among`] (a spatial index on large geodesic days, where a
/// scan of every driver's home was n * drivers legs).
fn seed_order(problem: &Problem) -> Vec<(f64, usize)> {
    let mut starts: Vec<usize> = problem.vehicles.iter().map(|k| k.start).collect();
    starts.sort_unstable();
    starts.dedup();
    let visit_locations: Vec<usize> = problem.visits.iter().map(|v| v.location).collect();
    let nearest = nearest_among(problem, &visit_locations, &starts, 1, false);
    let mut order: Vec<(f64, usize)> = nearest
        .iter()
        .enumerate()
        .map(|(v, row)| {
            let score = row.first().map_or(f64::INFINITY, |&s| {
                problem.distance(starts[s as usize], visit_locations[v])
            });
            (score, v)
        })
        .collect();
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    order
}

impl<'a> Builder<'a> {
    fn new(problem: &'a Problem, objective: &Objective) -> Self {
        let n = problem.n_visits();
        let arcs = ArcCost::new(objective);
        let mut vehicle_open = vec![false; problem.vehicles.len()];
        let mut unassigned = Vec::new();
        let routes = open_heads(problem, &arcs, &mut vehicle_open, &mut unassigned);
        let homes = own_start_vehicles(problem, objective);
        let home_locations: Vec<usize> = homes.iter().map(|&k| problem.vehicles[k].start).collect();
        let visit_locations: Vec<usize> = problem.visits.iter().map(|v| v.location).collect();
        let mut near_home_of = vec![Vec::new(); problem.vehicles.len()];
        let near_homes = nearest_among(
            problem,
            &visit_locations,
            &home_locations,
            NEAR_HOMES,
            false,
        );
        for (v, row) in near_homes.iter().enumerate() {
            for &h in row {
                near_home_of[homes[h as usize]].push(v);
            }
        }
        let near = NearestVisits::new(problem, NEAR_VISITS);
        let mut reverse_near = vec![Vec::new(); n];
        for v in 0..n {
            for w in near.of(v) {
                reverse_near[w].push(v);
            }
        }
        let mut b = Self {
            problem,
            arcs,
            routes: Vec::new(),
            vehicle_open,
            options: vec![Vec::new(); n],
            watchers: Vec::new(),
            near_home_of,
            reverse_near,
            pending: vec![false; n],
            stamp: vec![0; n],
            heap: BinaryHeap::new(),
            unassigned,
        };
        for route in routes {
            b.add_route(route);
        }
        for k in homes {
            if !b.vehicle_open[k] {
                b.vehicle_open[k] = true;
                b.add_route(RouteState::new(problem, &b.arcs, k, Vec::new()));
            }
        }
        b
    }

    /// Registers an open route: visits near its driver's home and near its
    /// visits take it as a candidate.
    fn add_route(&mut self, route: RouteState) {
        let r = self.routes.len();
        let visits = route.visits.clone();
        self.routes.push(route);
        self.watchers.push(Vec::new());
        let vehicle = self.routes[r].vehicle;
        for i in 0..self.near_home_of[vehicle].len() {
            let w = self.near_home_of[vehicle][i];
            self.watch(w, r);
        }
        for v in visits {
            self.watch_near(v, r);
        }
    }

    /// Visits near `v` take `v`'s route `r` as a candidate.
    fn watch_near(&mut self, v: usize, r: usize) {
        for i in 0..self.reverse_near[v].len() {
            let w = self.reverse_near[v][i];
            self.watch(w, r);
        }
    }

    /// Makes `r` a candidate of `w` (once), evaluated now if `w` is pending.
    fn watch(&mut self, w: usize, r: usize) {
        if self.options[w].iter().any(|o| o.route == r) {
            return;
        }
        self.options[w].push(RouteOption {
            route: r,
            best: None,
        });
        self.watchers[r].push(w);
        if self.pending[w] {
            let best = cheapest(self.problem, &self.arcs, &self.routes[r], w);
            if let Some(o) = self.options[w].last_mut() {
                o.best = best;
            }
            self.push_regret(w);
        }
    }

    /// Re-evaluates every candidate of `w` and queues its regret.
    fn evaluate(&mut self, w: usize) {
        for i in 0..self.options[w].len() {
            let r = self.options[w][i].route;
            self.options[w][i].best = cheapest(self.problem, &self.arcs, &self.routes[r], w);
        }
        self.push_regret(w);
    }

    /// Queues `w`'s current regret (a visit with one option left has
    /// infinite regret), superseding its older entries.
    fn push_regret(&mut self, w: usize) {
        self.stamp[w] += 1;
        let mut first = f64::INFINITY;
        let mut second = f64::INFINITY;
        for c in self.options[w].iter().filter_map(|o| o.best) {
            if c.cost < first {
                second = first;
                first = c.cost;
            } else if c.cost < second {
                second = c.cost;
            }
        }
        if first.is_finite() {
            let regret = if second.is_finite() {
                second - first
            } else {
                1e15 - first
            };
            self.heap.push(Entry {
                regret,
                visit: w,
                stamp: self.stamp[w],
            });
        }
    }

    /// Serves the visits of one priority tier, most regretted first,
    /// opening a route for the remotest one when none fits an open route.
    fn build_tier(&mut self, members: &[usize], by_seed_score: &[(f64, usize)]) {
        for &v in members {
            self.pending[v] = true;
        }
        for &v in members {
            self.evaluate(v);
        }
        let mut left = members.len();
        let mut seeds = by_seed_score.iter().map(|&(_, v)| v);
        while left > 0 {
            if let Some(v) = self.pop_most_regretted() {
                let (r, p) = self.best_option(v);
                self.place(v, r, p);
                left -= 1;
                continue;
            }
            // Nothing fits an open route: seed a new one with the pending
            // visit farthest from every start, or give up on it when no
            // free vehicle can serve it alone.
            let seed = seeds
                .find(|&v| self.pending[v])
                .expect("a pending visit is in the seed order");
            self.pending[seed] = false;
            left -= 1;
            match open_route(self.problem, &self.arcs, &mut self.vehicle_open, seed) {
                Some(route) => {
                    let r = self.routes.len();
                    self.add_route(route);
                    self.watch_near(seed, r);
                }
                None => self.unassigned.push(seed),
            }
        }
    }

    /// The pending visit with the largest current regret, if any fits.
    fn pop_most_regretted(&mut self) -> Option<usize> {
        while let Some(e) = self.heap.pop() {
            if self.pending[e.visit] && self.stamp[e.visit] == e.stamp {
                return Some(e.visit);
            }
        }
        None
    }

    /// The cheapest candidate route and position of `v` (it has one).
    fn best_option(&self, v: usize) -> (usize, usize) {
        self.options[v]
            .iter()
            .filter_map(|o| o.best.map(|c| (c, o.route)))
            .min_by(|a, b| a.0.cost.total_cmp(&b.0.cost).then(a.1.cmp(&b.1)))
            .map(|(c, r)| (r, c.position))
            .expect("a queued visit has a feasible candidate")
    }

    /// Inserts `v` into route `r` at `p`; the route's watchers are
    /// re-evaluated against it and visits near `v` take it as a candidate.
    fn place(&mut self, v: usize, r: usize, p: usize) {
        self.pending[v] = false;
        self.routes[r].insert(self.problem, &self.arcs, v, p);
        for i in 0..self.watchers[r].len() {
            let w = self.watchers[r][i];
            if !self.pending[w] {
                continue;
            }
            let j = self.options[w]
                .iter()
                .position(|o| o.route == r)
                .expect("a watcher lists its route");
            self.options[w][j].best = cheapest(self.problem, &self.arcs, &self.routes[r], w);
            self.push_regret(w);
        }
        self.watch_near(v, r);
    }

    /// Tries every open route for each visit still left out, most
    /// important first: the candidate lists are a shortcut, and a visit
    /// that some route could take by a simple insertion must not stay out.
    fn serve_left_out(&mut self) {
        let (heads, mut left): (Vec<usize>, Vec<usize>) = std::mem::take(&mut self.unassigned)
            .into_iter()
            .partition(|&v| self.problem.visits[v].must_be_first);
        // A fixed head that opened no route of its own stays out, as in
        // the whole-day construction.
        self.unassigned = heads;
        left.sort_by_key(|&v| (self.problem.visits[v].priority, v));
        for v in left {
            let best = (0..self.routes.len())
                .filter(|&r| self.has_room(r, v))
                .filter_map(|r| {
                    cheapest(self.problem, &self.arcs, &self.routes[r], v).map(|c| (c, r))
                })
                .min_by(|a, b| a.0.cost.total_cmp(&b.0.cost).then(a.1.cmp(&b.1)));
            match best {
                Some((c, r)) => self.routes[r].insert(self.problem, &self.arcs, v, c.position),
                None => self.unassigned.push(v),
            }
        }
    }

    /// Whether route `r` leaves a gap for `v`'s service in one of its
    /// windows, by two binary searches: a necessary condition that spares
    /// the scan of positions on the full routes of an over-full day.
    fn has_room(&self, r: usize, v: usize) -> bool {
        let visit = &self.problem.visits[v];
        let route = &self.routes[r];
        visit.windows.iter().any(|w| {
            !route
                .window_positions(w.earliest, visit.service, w.latest)
                .is_empty()
        })
    }

    fn finish(self) -> Solution {
        into_solution(self.problem, self.routes, self.unassigned)
    }
}
