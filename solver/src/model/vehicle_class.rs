//! Vehicles that differ only in name and skills behave alike for a visit
//! both may serve: same depots, shift, capacity, break, working-time limit,
//! overtime, caps on visits and distance, and fixed cost. Trying one vehicle of each class on an empty day is
//! enough, which matters on field days where a hundred drivers share a
//! depot. With the same skills too, and no visit tied to them, they are
//! interchangeable ([`fleet_classes`]): the exact backend and the route
//! pool keep one route per class and visit set.

use super::Problem;

/// Everything about a vehicle that decides how an empty day with one
/// visit goes, and what it costs (times as bit patterns, so equality is
/// exact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VehicleClass {
    start: usize,
    end: Option<usize>,
    capacity: i64,
    shift: (u64, u64),
    fixed_cost: u64,
    max_working_time: Option<u64>,
    lunch_break: Option<(u64, u64, u64)>,
    /// Overtime (allowance, cost), most visits, most distance.
    limits: (Option<(u64, u64)>, Option<usize>, Option<u64>),
}

impl VehicleClass {
    /// The class of vehicle `k`.
    pub fn of(problem: &Problem, k: usize) -> Self {
        let v = &problem.vehicles[k];
        Self {
            start: v.start,
            end: v.end,
            capacity: v.capacity,
            shift: (v.shift.earliest.to_bits(), v.shift.latest.to_bits()),
            fixed_cost: v.fixed_cost.to_bits(),
            max_working_time: v.max_working_time.map(f64::to_bits),
            lunch_break: v.lunch_break.map(|b| {
                (
                    b.window.earliest.to_bits(),
                    b.window.latest.to_bits(),
                    b.duration.to_bits(),
                )
            }),
            limits: (
                v.limits
                    .overtime
                    .map(|o| (o.max_seconds.to_bits(), o.cost_per_second.to_bits())),
                v.limits.max_visits,
                v.limits.max_distance.map(f64::to_bits),
            ),
        }
    }
}

/// The fleet split into classes of interchangeable vehicles: the same
/// [`VehicleClass`] and skills, and no visit locked or restricted to
/// them (such a vehicle is a class of its own). Each class lists its
/// vehicles in index order; classes come in the order of their first
/// vehicle.
pub fn fleet_classes(problem: &Problem) -> Vec<Vec<usize>> {
    let tied: Vec<bool> = (0..problem.vehicles.len())
        .map(|k| {
            problem.visits.iter().any(|v| {
                v.vehicle_lock == Some(k)
                    || v.allowed_vehicles.as_ref().is_some_and(|a| a.contains(&k))
            })
        })
        .collect();
    let mut classes: Vec<Vec<usize>> = Vec::new();
    for k in 0..problem.vehicles.len() {
        let same = |class: &Vec<usize>| {
            let j = class[0];
            !tied[k]
                && !tied[j]
                && VehicleClass::of(problem, j) == VehicleClass::of(problem, k)
                && problem.vehicles[j].skills == problem.vehicles[k].skills
        };
        match classes.iter_mut().find(|c| same(c)) {
            Some(class) => class.push(k),
            None => classes.push(vec![k]),
        }
    }
    classes
}
