//! Exact forward simulation of one route, for the rules the cached bounds
//! leave out: the lunch break and the maximum working time.
//!
//! The break is placed by a deterministic rule, in one pass: at each gap
//! (before the first visit, between visits, after the last) the driver
//! takes the break if they are free at or after the window opens, or if
//! waiting for the window costs nothing (the next visit would wait at least
//! as long anyway), or if going on without it would push the next free
//! moment past the window's close. The checker validates the placement
//! independently.

use crate::model::{Problem, Time, EPS};

/// The outcome of a feasible simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// After how many visits the break is taken, if the vehicle has one.
    pub break_position: Option<usize>,
    /// Time the route ends.
    pub end: Time,
}

/// Simulates `visits` on `vehicle`; `None` when any rule breaks.
pub fn simulate(problem: &Problem, vehicle: usize, visits: &[usize]) -> Option<Schedule> {
    let k = &problem.vehicles[vehicle];
    let mut time = k.shift.earliest;
    let mut location = k.start;
    let mut break_position = None;
    let mut departure: Option<Time> = None;
    let brk = k.lunch_break;
    for (pos, &v) in visits.iter().enumerate() {
        let visit = &problem.visits[v];
        let travel = problem.duration(location, visit.location);
        if let (Some(b), None) = (brk, break_position) {
            let start_now = time.max(b.window.earliest);
            let arrival_without = time + travel;
            let start_without = visit.service_start(arrival_without);
            let free_without = start_without.map(|s| s + visit.service);
            let take = start_now <= b.window.latest + EPS
                && (time + EPS >= b.window.earliest
                    || start_without.is_some_and(|s| start_now + b.duration + travel <= s + EPS)
                    || free_without.is_none_or(|f| f > b.window.latest + EPS));
            if take {
                break_position = Some(pos);
                time = start_now + b.duration;
            }
        }
        let arrival = time + travel;
        let start = visit.service_start(arrival)?;
        if departure.is_none() {
            departure = Some(if break_position == Some(0) {
                k.shift.earliest
            } else {
                (start - travel).max(k.shift.earliest)
            });
        }
        time = start + visit.service;
        location = visit.location;
    }
    if let (Some(b), None) = (brk, break_position) {
        let start = time.max(b.window.earliest);
        if start > b.window.latest + EPS {
            return None;
        }
        break_position = Some(visits.len());
        time = start + b.duration;
    }
    let end = match k.end {
        Some(e) => time + problem.duration(location, e),
        None => time,
    };
    if end > k.shift.latest + EPS {
        return None;
    }
    let working = end - departure.unwrap_or(k.shift.earliest);
    if k.max_working_time.is_some_and(|max| working > max + EPS) {
        return None;
    }
    let load: i64 = visits.iter().map(|&v| problem.visits[v].demand).sum();
    if load > k.capacity {
        return None;
    }
    Some(Schedule {
        break_position,
        end,
    })
}
