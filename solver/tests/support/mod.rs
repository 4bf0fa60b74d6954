//! Shared helpers of the plan tests: turning a plan result back into a
//! model solution so the independent checker can judge it.

use std::collections::HashMap;

use ordo_solver::plan::{PlanResult, Translation};
use ordo_solver::solution::{Route, Solution};

/// The model solution that `result` describes, over `translation.problem`.
pub fn to_solution(translation: &Translation, result: &PlanResult) -> Solution {
    let problem = &translation.problem;
    let visit_index: HashMap<&str, usize> = problem
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let vehicle_index: HashMap<&str, usize> = problem
        .vehicles
        .iter()
        .enumerate()
        .map(|(k, v)| (v.id.as_str(), k))
        .collect();
    let routes = result
        .routes
        .iter()
        .map(|r| Route {
            vehicle: vehicle_index[r.driver_id.as_str()],
            visits: r
                .stops
                .iter()
                .map(|s| visit_index[s.visit_id.as_str()])
                .collect(),
            break_position: r.lunch_break.as_ref().map(|b| b.after_service_order),
        })
        .collect();
    let unassigned = result
        .unassigned
        .iter()
        .filter_map(|u| visit_index.get(u.visit_id.as_str()).copied())
        .collect();
    Solution { routes, unassigned }
}
