//! The exact schedule of one route: the rules the cached bounds of
//! [`RouteState`](super::RouteState) leave out, the lunch break and the
//! maximum working time, following the semantics of [`crate::solution`].
//!
//! [`simulate`] decides whether a route is feasible and where its break
//! goes. The break goes in one of the route's gaps (before the first visit,
//! between two visits, after the last), starting when the driver is free
//! or when its window opens. Rather than try every gap, one pass follows
//! three schedules: the break not taken yet, taken before the first visit,
//! and taken in the best later gap so far. The earliest time dominates
//! among the later gaps (waiting is allowed, so arriving earlier never
//! hurts, and they share the day's just-in-time start), so the pass is
//! exact: it accepts a route iff some gap works, and then returns the gap
//! that ends the day earliest. [`timeline`] replays a route with its break
//! placed, for the times of every stop. Both take the break and close the
//! day through the same two rules ([`break_end`], [`day_end`]).

use crate::model::{Problem, SoftLimit, Time, Vehicle, EPS};

/// The outcome of a feasible simulation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// After how many visits the break is taken, if the vehicle has one.
    pub break_position: Option<usize>,
    /// Time the route ends.
    pub end: Time,
}

/// The break of a driver free at `free`: its start and the time the
/// driver is free again, or `None` when the vehicle has no break or its
/// window has closed.
fn break_end(vehicle: &Vehicle, free: Time) -> Option<(Time, Time)> {
    vehicle.lunch_break.and_then(|b| {
        let start = free.max(b.window.earliest);
        (start <= b.window.latest + EPS).then_some((start, start + b.duration))
    })
}

/// The end of a day whose last service (or break) ends at `free` and
/// which departed at `departure`, or `None` when it ends after the shift
/// (overtime allowance included) or works longer than the cap.
fn day_end(
    problem: &Problem,
    vehicle: &Vehicle,
    location: usize,
    free: Time,
    departure: Time,
) -> Option<Time> {
    let end = free
        + vehicle.end.map_or(0.0, |e| {
            problem.leg_time(free, problem.duration(location, e))
        });
    let working_ok = vehicle
        .max_working_time
        .is_none_or(|max| end - departure <= max + EPS);
    (end <= vehicle.latest_end() + EPS && working_ok).then_some(end)
}

/// Simulates `visits` on `vehicle` with the break in its best gap;
/// `None` when a window, the shift, the break window, the working-time
/// cap, the capacity or the caps on visits and distance are broken.
/// Skills and order rules are not checked here. Windows and the shift
/// count with their lateness and overtime allowances; the gap chosen is
/// the one ending the day earliest, whatever it costs in lateness.
pub fn simulate(
    problem: &Problem,
    vehicle: usize,
    visits: impl IntoIterator<Item = usize>,
) -> Option<Schedule> {
    let k = &problem.vehicles[vehicle];
    let take_break = |time: Time| break_end(k, time).map(|(_, free)| free);
    // Time the driver is free in each schedule: break not taken yet,
    // taken before the first visit, taken in the best gap after a visit.
    let mut unbroken = Some(k.shift.earliest);
    let mut before_first: Option<Time> = None;
    let mut after_visit: Option<(Time, usize)> = None;
    let offer_break = |unbroken: Option<Time>,
                       pos: usize,
                       before_first: &mut Option<Time>,
                       after_visit: &mut Option<(Time, usize)>| {
        if let Some(free) = unbroken.and_then(take_break) {
            if pos == 0 {
                *before_first = Some(free);
            } else if after_visit.is_none_or(|(t, _)| free < t) {
                *after_visit = Some((free, pos));
            }
        }
    };
    let mut location = k.start;
    // Just-in-time start of a day whose break is not before the first visit.
    let mut departure = k.shift.earliest;
    let mut count = 0;
    let mut load: i64 = 0;
    let capped_distance = k.limits.max_distance.is_some();
    let mut distance = 0.0;
    for (pos, v) in visits.into_iter().enumerate() {
        offer_break(unbroken, pos, &mut before_first, &mut after_visit);
        let visit = &problem.visits[v];
        count += 1;
        load += visit.demand;
        let travel = problem.duration(location, visit.location);
        if capped_distance {
            distance += problem.distance(location, visit.location);
        }
        let serve = |time: Time| {
            visit
                .service_start(time + problem.leg_time(time, travel))
                .map(|s| s + visit.service)
        };
        if pos == 0 {
            let start = unbroken.and_then(|t| visit.service_start(t + problem.leg_time(t, travel)));
            if let Some(start) = start {
                departure = problem.depart_by(start, travel).max(k.shift.earliest);
            }
        }
        unbroken = unbroken.and_then(serve);
        before_first = before_first.and_then(serve);
        after_visit = after_visit.and_then(|(t, p)| serve(t).map(|t| (t, p)));
        if unbroken.is_none() && before_first.is_none() && after_visit.is_none() {
            return None;
        }
        location = visit.location;
    }
    let finish = |free: Time, departure: Time| day_end(problem, k, location, free, departure);
    let (end, break_position) = if k.lunch_break.is_none() {
        (finish(unbroken?, departure)?, None)
    } else {
        offer_break(unbroken, count, &mut before_first, &mut after_visit);
        let later = after_visit.and_then(|(t, p)| finish(t, departure).map(|e| (e, p)));
        let first = before_first.and_then(|t| finish(t, k.shift.earliest).map(|e| (e, 0)));
        let (end, p) = match (later, first) {
            (Some(l), Some(f)) if f.0 < l.0 => f,
            (Some(l), _) => l,
            (None, Some(f)) => f,
            (None, None) => return None,
        };
        (end, Some(p))
    };
    if load > k.capacity {
        return None;
    }
    if k.has_caps() {
        if let (true, Some(end)) = (count > 0, k.end) {
            distance += problem.distance(location, end);
        }
        if !k.within_caps(count, distance) {
            return None;
        }
    }
    Some(Schedule {
        break_position,
        end,
    })
}

/// Times of one visit in a simulated route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StopTimes {
    /// Arrival at the visit's location.
    pub arrival: Time,
    /// Start of service (inside one of its windows).
    pub service_start: Time,
    /// End of service.
    pub departure: Time,
    /// Seconds the service starts after its window's `latest` (0 on time).
    pub late: Time,
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
    /// Seconds the day ends after the shift's `latest` (0 on time).
    pub overtime: Time,
    /// Lateness cost of the stops plus the overtime cost of the end.
    pub soft_cost: f64,
}

impl Timeline {
    /// End time minus just-in-time departure.
    pub fn working_time(&self) -> Time {
        self.end - self.start
    }
}

/// The times of `visits` on `vehicle` with the break after
/// `break_position` visits; `None` when a window, the shift, the break
/// window or the working-time cap is broken. Skills, capacity and order
/// rules are not checked here.
pub fn timeline(
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
    let mut soft_cost = 0.0;
    let mut departure: Option<Time> = None;
    let mut take_break = |pos: usize, time: &mut Time| -> Option<()> {
        if k.lunch_break.is_some() {
            let (start, free) = break_end(k, *time)?;
            break_at = Some((pos, start));
            *time = free;
        }
        Some(())
    };
    for (pos, &v) in visits.iter().enumerate() {
        if break_position == Some(pos) {
            take_break(pos, &mut time)?;
        }
        let visit = &problem.visits[v];
        let base = problem.duration(location, visit.location);
        let travel = problem.leg_time(time, base);
        travel_time += travel;
        distance += problem.distance(location, visit.location);
        let arrival = time + travel;
        let service = visit.serve(arrival)?;
        let service_start = service.start;
        soft_cost += visit.lateness_cost(service.late);
        if departure.is_none() {
            departure = Some(if break_position == Some(0) {
                k.shift.earliest
            } else {
                problem.depart_by(service_start, base).max(k.shift.earliest)
            });
        }
        time = service_start + visit.service;
        stops.push(StopTimes {
            arrival,
            service_start,
            departure: time,
            late: service.late,
        });
        location = visit.location;
    }
    if break_position == Some(visits.len()) {
        take_break(visits.len(), &mut time)?;
    }
    if let Some(end) = k.end {
        travel_time += problem.leg_time(time, problem.duration(location, end));
        distance += problem.distance(location, end);
    }
    let start = departure.unwrap_or(k.shift.earliest);
    let time = day_end(problem, k, location, time, start)?;
    Some(Timeline {
        stops,
        break_at,
        start,
        end: time,
        travel_time,
        distance,
        overtime: SoftLimit::excess(time, k.shift.latest),
        soft_cost: soft_cost + k.overtime_cost(time),
    })
}

/// The feasible schedule of `visits` with the break where [`simulate`]
/// puts it, or `None` when the route is infeasible (capacity included).
pub fn best_timeline(problem: &Problem, vehicle: usize, visits: &[usize]) -> Option<Timeline> {
    let schedule = simulate(problem, vehicle, visits.iter().copied())?;
    timeline(problem, vehicle, visits, schedule.break_position)
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
            limits: Default::default(),
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
        assert!(timeline(&p, 0, &[0, 1], Some(2)).is_none());
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
