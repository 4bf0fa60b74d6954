//! The full schedule of one route, simulated visit by visit, with the
//! driver's break and maximum working time.
//!
//! [`InsertionRoute`](super::InsertionRoute)'s O(1) test ignores breaks and
//! working time; it is a relaxation (a break only delays, a working-time
//! cap only forbids), so construction uses it to rank candidate positions
//! and this simulation to confirm the best one. The plan result builder
//! uses the same simulation to report arrival and departure times. It
//! follows the semantics documented in [`crate::solution`].

use crate::model::{Problem, Time, EPS};

/// Times of one visit in a simulated route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopTimes {
    /// Arrival at the visit's location.
    pub arrival: Time,
    /// Start of service (inside one of its windows).
    pub service_start: Time,
    /// End of service.
    pub departure: Time,
}

/// A feasible schedule of one route.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Times of each visit, in route order.
    pub stops: Vec<StopTimes>,
    /// Break position (after that many visits) and start time.
    pub break_at: Option<(usize, Time)>,
    /// Just-in-time departure from the start location.
    pub start: Time,
    /// Arrival at the end location (or end of the last service, open route).
    pub end: Time,
    /// Total travel time.
    pub travel_time: Time,
    /// Total travel distance.
    pub distance: f64,
}

impl Timeline {
    /// End time minus just-in-time departure.
    pub fn working_time(&self) -> Time {
        self.end - self.start
    }
}

/// Simulates `visits` on `vehicle` with the break after `break_position`
/// visits; `None` when a window, the shift, the break window or the
/// working-time cap is broken. Skills and capacity are not checked here.
pub fn simulate(
    problem: &Problem,
    vehicle: usize,
    visits: &[usize],
    break_position: Option<usize>,
) -> Option<Timeline> {
    let k = &problem.vehicles[vehicle];
    let mut time = k.shift.earliest;
    let mut location = k.start;
    let mut stops = Vec::with_capacity(visits.len());
    let mut break_at = None;
    let (mut travel_time, mut distance) = (0.0, 0.0);
    let mut departure: Option<Time> = None;
    let mut take_break = |pos: usize, time: &mut Time| -> Option<()> {
        if let Some(b) = k.lunch_break {
            let start = time.max(b.window.earliest);
            if start > b.window.latest + EPS {
                return None;
            }
            break_at = Some((pos, start));
            *time = start + b.duration;
        }
        Some(())
    };
    for (pos, &v) in visits.iter().enumerate() {
        if break_position == Some(pos) {
            take_break(pos, &mut time)?;
        }
        let visit = &problem.visits[v];
        let travel = problem.duration(location, visit.location);
        travel_time += travel;
        distance += problem.distance(location, visit.location);
        let arrival = time + travel;
        let service_start = visit.service_start(arrival)?;
        if departure.is_none() {
            departure = Some(if break_position == Some(0) {
                k.shift.earliest
            } else {
                (service_start - travel).max(k.shift.earliest)
            });
        }
        time = service_start + visit.service;
        stops.push(StopTimes {
            arrival,
            service_start,
            departure: time,
        });
        location = visit.location;
    }
    if break_position == Some(visits.len()) {
        take_break(visits.len(), &mut time)?;
    }
    if let Some(end) = k.end {
        travel_time += problem.duration(location, end);
        distance += problem.distance(location, end);
        time += problem.duration(location, end);
    }
    if time > k.shift.latest + EPS {
        return None;
    }
    let start = departure.unwrap_or(k.shift.earliest);
    if k.max_working_time
        .is_some_and(|max| time - start > max + EPS)
    {
        return None;
    }
    Some(Timeline {
        stops,
        break_at,
        start,
        end: time,
        travel_time,
        distance,
    })
}

/// The feasible schedule of `visits` with the best break position (the
/// earliest end, then the shortest working time), or `None` when no
/// position works. Vehicles without a break need one simulation.
pub fn best_timeline(problem: &Problem, vehicle: usize, visits: &[usize]) -> Option<Timeline> {
    if problem.vehicles[vehicle].lunch_break.is_none() {
        return simulate(problem, vehicle, visits, None);
    }
    (0..=visits.len())
        .filter_map(|p| simulate(problem, vehicle, visits, Some(p)))
        .min_by(|a, b| {
            a.end
                .total_cmp(&b.end)
                .then(a.working_time().total_cmp(&b.working_time()))
        })
}
