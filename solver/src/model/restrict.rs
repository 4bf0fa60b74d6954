//! A problem restricted to some of its visits and vehicles: the regional
//! subproblems a large search works on in parallel. The travel table is
//! shared, not copied; vehicle references inside visits (allowed
//! vehicles, locks, the published vehicle of a re-plan) are renumbered.

use std::sync::Arc;

use super::builder::compatibility;
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
        let sub_visits: Vec<_> = visits
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
        let sub_vehicles: Vec<_> = vehicles.iter().map(|&k| self.vehicles[k].clone()).collect();
        let compatible = compatibility(&sub_visits, &sub_vehicles);
        Problem {
            name: self.name.clone(),
            visits: sub_visits,
            vehicles: sub_vehicles,
            travel: Arc::clone(&self.travel),
            compatible,
        }
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
            assert_eq!(whole.location, part.location);
            assert_eq!(whole.windows, part.windows);
            for (k, &g) in vehicles.iter().enumerate() {
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
