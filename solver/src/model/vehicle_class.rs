//! Vehicles that differ only in name and skills behave alike for a visit
//! both may serve: same depots, shift, capacity, break, working-time limit
//! and fixed cost. Trying one vehicle of each class on an empty day is
//! enough, which matters on field days where a hundred drivers share a
//! depot.

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
        }
    }
}
