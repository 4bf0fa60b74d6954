//! A problem restricted to some of its visits and vehicles: the regional
//! subproblems a large search works on in parallel. Each gets its own
//! travel table between its own places only; locations and vehicle
//! references inside visits (allowed vehicles, locks, the published
//! vehicle of a re-plan) are renumbered.
//!
//! Why copy the table: a region reads only the rows and columns of its
//! own places, but in the whole table those are spread over rows twice
//! as long, so fewer of them stay in the cache. On field-2000 the compact
//! tables cut the CPU time of a fixed number of steps by about 3%.

use std::sync::Arc;

use super::builder::assemble;
use super::{Problem, Reassignment};

/// Marks a published vehicle that is not part of the subproblem: every
/// vehicle of it then pays the visit's reassignment cost, as in the whole.
const ELSEWHERE: usize = usize::MAX;

impl Problem {
    /// The subproblem of `visits` and `vehicles` (indices into `self`);
    /// its visit `i` is `visits[i]` and its vehicle `k` is `vehicles[k]`.
    /// A visit locked to a vehicle outside the subproblem cannot be
    /// served in it (its lock keeps an out-of-range number, which no
    /// vehicle matches); callers keep locked visits with their vehicle.
    pub fn restricted(&self, visits: &[usize], vehicles: &[usize]) -> Problem {
        let mut local = vec![None; self.vehicles.len()];
        for (k, &global) in vehicles.iter().enumerate() {
            local[global] = Some(k);
        }
        let renumber = |k: usize| local[k].unwrap_or(ELSEWHERE);
        let mut sub_visits: Vec<_> = visits
            .iter()
            .map(|&v| {
                let mut visit = self.visits[v].clone();
                visit.allowed_vehicles = visit
                    .allowed_vehicles
                    .map(|allowed| allowed.iter().filter_map(|&k| local[k]).collect());
                visit.vehicle_lock = visit.vehicle_lock.map(renumber);
                visit.reassignment = visit.reassignment.map(|r| Reassignment {
                    vehicle: renumber(r.vehicle),
                    cost: r.cost,
                });
                visit
            })
            .collect();
        let mut sub_vehicles: Vec<_> = vehicles.iter().map(|&k| self.vehicles[k].clone()).collect();
        let mut locations: Vec<usize> = sub_visits
            .iter()
            .map(|v| v.location)
            .chain(
                sub_vehicles
                    .iter()
                    .flat_map(|k| std::iter::once(k.start).chain(k.end)),
            )
            .collect();
        locations.sort_unstable();
        locations.dedup();
        let mut local_location = vec![usize::MAX; self.travel.len()];
        for (i, &l) in locations.iter().enumerate() {
            local_location[l] = i;
        }
        for visit in &mut sub_visits {
            visit.location = local_location[visit.location];
        }
        for vehicle in &mut sub_vehicles {
            vehicle.start = local_location[vehicle.start];
            vehicle.end = vehicle.end.map(|e| local_location[e]);
        }
        let mut sub = assemble(
            self.name.clone(),
            sub_visits,
            sub_vehicles,
            Arc::new(self.travel.submatrix(&locations)),
        );
        sub.speed_profile = self.speed_profile.clone();
        sub
    }
}

#[cfg(test)]
mod tests {
    use crate::random_instance::{publish_random_plan, random_problem, Features};

    #[test]
    fn restriction_keeps_rules_and_renumbers_vehicles() {
        let mut problem = random_problem(7, 12, 4, Features::ALL);
        publish_random_plan(&mut problem, 7);
        let visits = [1, 3, 5, 7, 11];
        let vehicles = [3, 1];
        let sub = problem.restricted(&visits, &vehicles);
        assert_eq!(sub.n_visits(), 5);
        assert_eq!(sub.vehicles.len(), 2);
        for (i, &v) in visits.iter().enumerate() {
            let (whole, part) = (&problem.visits[v], &sub.visits[i]);
            for (j, &w) in visits.iter().enumerate() {
                let (a, b) = (whole.location, problem.visits[w].location);
                let (c, d) = (part.location, sub.visits[j].location);
                assert_eq!(problem.travel.leg(a, b), sub.travel.leg(c, d));
            }
            assert_eq!(whole.windows, part.windows);
            for (k, &g) in vehicles.iter().enumerate() {
                let (home, local_home) = (problem.vehicles[g].start, sub.vehicles[k].start);
                assert_eq!(
                    problem.travel.leg(home, whole.location),
                    sub.travel.leg(local_home, part.location)
                );
                assert_eq!(problem.compatible(g, v), sub.compatible(k, i));
                assert_eq!(problem.assignment_cost(v, g), sub.assignment_cost(i, k));
                assert_eq!(
                    whole.vehicle_lock.is_none_or(|l| l == g),
                    part.vehicle_lock.is_none_or(|l| l == k)
                );
            }
        }
    }
}
