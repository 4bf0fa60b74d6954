//! A bounded pool of good, distinct routes seen during the search: the
//! columns of the recombination MILP.
//!
//! Routes are keyed by (vehicle class, set of visits), so two orders of the
//! same visits on interchangeable vehicles are one column and only the
//! cheaper order is kept. The key is an order-independent hash (XOR of a
//! random word per visit, mixed with the class): a collision would only
//! make one route replace another in the pool, never produce a wrong
//! route, because each column keeps its own visits.
//!
//! When the pool is full, the routes seen longest ago go first: routes of
//! the early, hot phase of the annealing are worse than recent ones, and the
//! best solution's routes are refreshed before every recombination.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{fleet_classes, ArcCost, Problem};
use crate::route::RouteState;
use crate::search::state::SearchState;

/// One route of the pool.
#[derive(Debug, Clone)]
pub struct PoolRoute {
    /// Vehicle class (interchangeable vehicles share routes).
    pub class: usize,
    /// The vehicle the route was seen on (a member of `class`).
    pub vehicle: usize,
    /// Visits in service order.
    pub visits: Vec<usize>,
    /// Travel plus the vehicle's fixed cost.
    pub cost: f64,
    last_seen: u64,
}

/// Distinct routes, the cheapest order of each visit set.
#[derive(Debug, Clone)]
pub struct RoutePool {
    capacity: usize,
    routes: Vec<PoolRoute>,
    index: HashMap<u64, usize>,
    visit_keys: Vec<u64>,
    class_of: Vec<usize>,
    class_sizes: Vec<usize>,
    clock: u64,
}

impl RoutePool {
    /// An empty pool holding at most `capacity` routes.
    pub fn new(problem: &Problem, capacity: usize) -> Self {
        let classes = fleet_classes(problem);
        let mut class_of = vec![0; problem.vehicles.len()];
        for (c, class) in classes.iter().enumerate() {
            for &k in class {
                class_of[k] = c;
            }
        }
        // Fixed seed: the keys only spread visit sets over the hash space.
        let mut rng = ChaCha8Rng::seed_from_u64(0x5EED_C01A_u64);
        Self {
            capacity: capacity.max(1),
            routes: Vec::new(),
            index: HashMap::new(),
            visit_keys: (0..problem.n_visits()).map(|_| rng.gen()).collect(),
            class_of,
            class_sizes: classes.iter().map(|c| c.len()).collect(),
            clock: 0,
        }
    }

    /// The routes, in no particular order.
    pub fn routes(&self) -> &[PoolRoute] {
        &self.routes
    }

    /// Number of vehicles in each class.
    pub fn class_sizes(&self) -> &[usize] {
        &self.class_sizes
    }

    /// Class of vehicle `k`.
    pub fn class_of(&self, k: usize) -> usize {
        self.class_of[k]
    }

    /// Number of routes held.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether the pool holds no route.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Adds every route of `state`.
    pub fn offer(&mut self, problem: &Problem, arcs: &ArcCost, state: &SearchState) {
        self.clock += 1;
        for route in &state.routes {
            self.offer_route(problem, arcs, route);
        }
        if self.routes.len() > self.capacity {
            self.evict_oldest();
        }
    }

    /// Index of the pool route with the visit set and class of `route`,
    /// when it is there.
    pub fn find(&self, route: &RouteState) -> Option<usize> {
        let key = self.key(self.class_of[route.vehicle], &route.visits);
        self.index
            .get(&key)
            .copied()
            .filter(|&i| same_set(&self.routes[i].visits, &route.visits))
    }

    fn offer_route(&mut self, problem: &Problem, arcs: &ArcCost, route: &RouteState) {
        if route.visits.is_empty() {
            return;
        }
        let class = self.class_of[route.vehicle];
        let key = self.key(class, &route.visits);
        let cost = route.travel + arcs.vehicle(problem, route.vehicle);
        let clock = self.clock;
        match self.index.get(&key) {
            Some(&i) => {
                let known = &mut self.routes[i];
                known.last_seen = clock;
                if cost < known.cost - 1e-9 {
                    known.vehicle = route.vehicle;
                    known.visits.clone_from(&route.visits);
                    known.cost = cost;
                }
            }
            None => {
                self.index.insert(key, self.routes.len());
                self.routes.push(PoolRoute {
                    class,
                    vehicle: route.vehicle,
                    visits: route.visits.clone(),
                    cost,
                    last_seen: clock,
                });
            }
        }
    }

    /// Keeps the three quarters of the capacity seen most recently, so
    /// eviction (a sort) runs once per many offers, not on each.
    fn evict_oldest(&mut self) {
        let keep = self.capacity * 3 / 4;
        self.routes.sort_by_key(|r| std::cmp::Reverse(r.last_seen));
        self.routes.truncate(keep.max(1));
        self.index = self
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| (self.key(r.class, &r.visits), i))
            .collect();
    }

    fn key(&self, class: usize, visits: &[usize]) -> u64 {
        let set = visits.iter().fold(0u64, |h, &v| h ^ self.visit_keys[v]);
        set ^ (class as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Whether two routes serve the same visits (in any order).
fn same_set(a: &[usize], b: &[usize]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    b.sort_unstable();
    a == b
}
