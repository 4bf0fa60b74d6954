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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker;
    use crate::model::{Break, DenseMatrix, ProblemBuilder, SkillSet, TimeWindow, Vehicle, Visit};
    use crate::solution::{Route, Solution};

    /// Depot 0 and two visits 10 minutes apart from everything; a driver
    /// 08:00-12:00 with a 30-minute break starting 10:00-10:30.
    fn problem(max_working_time: Option<f64>) -> crate::model::Problem {
        let n = 3;
        let table: Vec<f64> = (0..n * n)
            .map(|k| if k / n == k % n { 0.0 } else { 600.0 })
            .collect();
        let mut b = ProblemBuilder::new("t", DenseMatrix::from_tables(n, table, None));
        b.visit(Visit::new(
            "a",
            1,
            3600.0,
            0,
            TimeWindow::new(28_800.0, 36_000.0),
        ));
        b.visit(Visit::new(
            "b",
            2,
            3600.0,
            0,
            TimeWindow::new(36_000.0, 39_600.0),
        ));
        b.vehicle(Vehicle {
            id: "k".into(),
            start: 0,
            end: Some(0),
            shift: TimeWindow::new(28_800.0, 43_200.0),
            capacity: 10,
            skills: SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time,
            lunch_break: Some(Break {
                window: TimeWindow::new(36_000.0, 37_800.0),
                duration: 1800.0,
            }),
        });
        b.build().unwrap()
    }

    #[test]
    fn break_goes_where_the_route_stays_feasible_and_the_checker_agrees() {
        let p = problem(None);
        let t = best_timeline(&p, 0, &[0, 1]).expect("feasible");
        // a: 08:10-09:10; break can start no earlier than 10:00: after a,
        // then b from 10:40. Breaking after b would start at 11:10, too late.
        assert_eq!(t.break_at, Some((1, 36_000.0)));
        assert_eq!(t.stops[1].service_start, 38_400.0);
        assert_eq!(t.end, 38_400.0 + 3600.0 + 600.0);
        assert!(simulate(&p, 0, &[0, 1], Some(2)).is_none());
        let solution = Solution {
            routes: vec![Route {
                vehicle: 0,
                visits: vec![0, 1],
                break_position: Some(1),
            }],
            unassigned: vec![],
        };
        let report = checker::check(&p, &solution);
        assert!(report.is_feasible(), "{:?}", report.violations);
        assert!((report.working_time - t.working_time()).abs() < 1e-9);
    }

    #[test]
    fn working_time_cap_is_enforced() {
        // Leave 08:00, back 11:50: 13,800 s of work.
        assert!(best_timeline(&problem(Some(13_800.0)), 0, &[0, 1]).is_some());
        assert!(best_timeline(&problem(Some(13_200.0)), 0, &[0, 1]).is_none());
    }
}
