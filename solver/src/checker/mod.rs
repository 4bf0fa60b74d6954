//! The independent solution checker.
//!
//! Re-simulates every route naively from the [`Problem`] and the
//! [`Solution`] alone, following the schedule semantics documented in
//! [`crate::solution`], and recomputes the cost from scratch. It imports
//! nothing from construction or search, so a bug in the search's incremental
//! evaluation cannot hide itself here. Soft windows and overtime are
//! recomputed here too, from the visits' and vehicles' limits alone: how
//! late each service starts, how long each day runs over, and their cost.

mod violation;

pub use violation::Violation;

use crate::model::{Problem, Time, EPS};
use crate::solution::Solution;

/// What the checker found: every violation, and the recomputed cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckReport {
    /// Every broken rule; empty means feasible.
    pub violations: Vec<Violation>,
    /// Routes that serve at least one visit.
    pub vehicles: usize,
    /// Total travel distance.
    pub distance: f64,
    /// Total travel time.
    pub travel_time: f64,
    /// Sum over used routes of end time minus just-in-time departure.
    pub working_time: f64,
    /// Total waiting before service.
    pub waiting: f64,
    /// Re-plan: summed cost of the served visits that left the vehicle of
    /// the published plan.
    pub assignment_cost: f64,
    /// Unserved visits per priority: index 0 is priority 1.
    pub unserved_by_priority: [usize; 10],
    /// Seconds service started after windows closed, all visits.
    pub late_seconds: f64,
    /// Seconds days ended after their shifts, all routes.
    pub overtime_seconds: f64,
    /// Cost of that lateness and overtime (travel-equivalent seconds).
    pub soft_cost: f64,
}

impl CheckReport {
    /// Whether no rule is broken.
    pub fn is_feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Checks `solution` against every rule of `problem` and recomputes its cost.
pub fn check(problem: &Problem, solution: &Solution) -> CheckReport {
    let mut report = CheckReport::default();
    let n = problem.visits.len();
    let mut served_by: Vec<Option<usize>> = vec![None; n];
    let mut vehicle_used = vec![false; problem.vehicles.len()];

    for (r, route) in solution.routes.iter().enumerate() {
        if route.vehicle >= problem.vehicles.len() {
            report.violations.push(Violation::UnknownVehicle {
                route: r,
                vehicle: route.vehicle,
            });
            continue;
        }
        if std::mem::replace(&mut vehicle_used[route.vehicle], true) {
            report.violations.push(Violation::VehicleUsedTwice {
                vehicle: route.vehicle,
            });
        }
        let mut valid = true;
        for &v in &route.visits {
            if v >= n {
                report
                    .violations
                    .push(Violation::UnknownVisit { route: r, visit: v });
                valid = false;
                continue;
            }
            if served_by[v].is_some() {
                report.violations.push(Violation::ServedTwice { visit: v });
            }
            served_by[v] = Some(r);
        }
        if valid && !route.visits.is_empty() {
            check_route(problem, solution, r, &mut report);
        }
    }
    for &v in &solution.unassigned {
        if v < n && served_by[v].is_some() {
            report
                .violations
                .push(Violation::ServedAndUnassigned { visit: v });
        }
    }
    for (v, visit) in problem.visits.iter().enumerate() {
        if served_by[v].is_none() {
            report.unserved_by_priority[usize::from(visit.priority.clamp(1, 10)) - 1] += 1;
            if visit.required {
                report
                    .violations
                    .push(Violation::RequiredNotServed { visit: v });
            }
            if !solution.unassigned.contains(&v) {
                report
                    .violations
                    .push(Violation::MissingFromOutput { visit: v });
            }
        }
    }
    report
}

/// Simulates one non-empty route and adds its cost and violations.
fn check_route(problem: &Problem, solution: &Solution, r: usize, report: &mut CheckReport) {
    let route = &solution.routes[r];
    let vehicle = &problem.vehicles[route.vehicle];
    let k = route.vehicle;
    report.vehicles += 1;

    let mut load = 0i64;
    let mut location = vehicle.start;
    let mut time: Time = vehicle.shift.earliest;
    let mut departure: Option<Time> = None;
    let break_at = route.break_position;
    if let (Some(_), Some(pos)) = (vehicle.lunch_break, break_at) {
        if pos > route.visits.len() {
            report.violations.push(Violation::BreakMisplaced {
                route: r,
                position: pos,
            });
        }
    }
    if vehicle.lunch_break.is_some() && break_at.is_none() {
        report.violations.push(Violation::BreakMissing { route: r });
    }
    let take_break = |time: &mut Time, report: &mut CheckReport| {
        if let Some(b) = vehicle.lunch_break {
            let start = time.max(b.window.earliest);
            if start > b.window.latest + EPS {
                report
                    .violations
                    .push(Violation::BreakWindow { route: r, start });
            }
            *time = start + b.duration;
        }
    };

    let mut seen_regular = false;
    let mut seen_unpinned = false;
    let mut last_rank: Option<u32> = None;
    for (pos, &v) in route.visits.iter().enumerate() {
        let visit = &problem.visits[v];
        if break_at == Some(pos) {
            take_break(&mut time, report);
        }
        let base = problem.duration(location, visit.location);
        let travel = timed_leg(problem, time, base);
        report.distance += problem.distance(location, visit.location);
        report.travel_time += travel;
        let arrival = time + travel;
        let start = service_start(visit, v, arrival, report);
        report.waiting += start - arrival;
        if departure.is_none() {
            // Just in time: leave so as to arrive when service can start,
            // unless the break sits before the first visit.
            departure = Some(if break_at == Some(0) {
                vehicle.shift.earliest
            } else {
                latest_leave(problem, start, base).max(vehicle.shift.earliest)
            });
        }
        time = start + visit.service;
        location = visit.location;
        load += visit.demand;

        if !problem.vehicles[k].skills.contains_all(&visit.skills) {
            report.violations.push(Violation::MissingSkills {
                visit: v,
                vehicle: k,
            });
        }
        if visit
            .allowed_vehicles
            .as_ref()
            .is_some_and(|a| !a.contains(&k))
        {
            report.violations.push(Violation::VehicleNotAllowed {
                visit: v,
                vehicle: k,
            });
        }
        if visit.vehicle_lock.is_some_and(|lock| lock != k) {
            report.violations.push(Violation::VehicleLockBroken {
                visit: v,
                vehicle: k,
            });
        }
        if visit.must_be_first && seen_unpinned {
            report.violations.push(Violation::NotFirst {
                visit: v,
                position: pos,
            });
        }
        if visit.precedence && seen_regular {
            report
                .violations
                .push(Violation::PrecedenceBroken { visit: v });
        }
        seen_regular |= !visit.precedence && !visit.must_be_first;
        seen_unpinned |= !visit.must_be_first;
        report.assignment_cost += match visit.reassignment {
            Some(moved) if moved.vehicle != k => moved.cost,
            _ => 0.0,
        };
        if let Some(rank) = visit.sequence_lock {
            if last_rank.is_some_and(|last| last > rank) {
                report
                    .violations
                    .push(Violation::SequenceLockBroken { visit: v });
            }
            last_rank = Some(rank);
        }
    }
    if break_at == Some(route.visits.len()) {
        take_break(&mut time, report);
    }
    let end_time = match vehicle.end {
        Some(end) => {
            let travel = timed_leg(problem, time, problem.duration(location, end));
            report.distance += problem.distance(location, end);
            report.travel_time += travel;
            time + travel
        }
        None => time,
    };
    check_shift_end(vehicle, r, end_time, report);
    check_caps(problem, route, r, report);
    let working = end_time - departure.unwrap_or(vehicle.shift.earliest);
    report.working_time += working;
    if vehicle
        .max_working_time
        .is_some_and(|max| working > max + EPS)
    {
        report
            .violations
            .push(Violation::WorkingTime { route: r, working });
    }
    if load > vehicle.capacity {
        report.violations.push(Violation::Capacity {
            route: r,
            load,
            capacity: vehicle.capacity,
        });
    }
}

/// When service starts at visit `v` (index) arriving at `arrival`: in the
/// first window still open, a window counting as open until its `latest`
/// plus the visit's lateness allowance; the seconds after `latest` and
/// their cost are added to the report. No window: a violation, and
/// service starts on arrival.
fn service_start(
    visit: &crate::model::Visit,
    v: usize,
    arrival: Time,
    report: &mut CheckReport,
) -> Time {
    let (allowance, cost_per_second) = visit
        .lateness
        .map_or((0.0, 0.0), |l| (l.max_seconds, l.cost_per_second));
    let window = visit
        .windows
        .iter()
        .find(|w| arrival <= w.latest + allowance + EPS);
    match window {
        Some(w) => {
            let start = arrival.max(w.earliest);
            let late = (start - w.latest).max(0.0);
            report.late_seconds += late;
            if late > EPS {
                report.soft_cost += cost_per_second * late;
            }
            start
        }
        None => {
            report
                .violations
                .push(Violation::TimeWindow { visit: v, arrival });
            arrival
        }
    }
}

/// The end of route `r`'s day against its shift and overtime: a
/// violation past both, the overtime and its cost into the report.
fn check_shift_end(
    vehicle: &crate::model::Vehicle,
    r: usize,
    end_time: Time,
    report: &mut CheckReport,
) {
    let (overtime_allowed, overtime_cost) = vehicle
        .limits
        .overtime
        .map_or((0.0, 0.0), |o| (o.max_seconds, o.cost_per_second));
    if end_time > vehicle.shift.latest + overtime_allowed + EPS {
        report.violations.push(Violation::ShiftEnd {
            route: r,
            end: end_time,
        });
    }
    let overtime = (end_time - vehicle.shift.latest).max(0.0);
    report.overtime_seconds += overtime;
    if overtime > EPS {
        report.soft_cost += overtime_cost * overtime;
    }
}

/// Travel time of a leg of table duration `base` leaving at `depart`:
/// the table's under no speed profile, else the speed integrated band by
/// band (factor 1 between bands) until the leg is covered. Written here
/// again, on purpose, as a plain scan over every band.
fn timed_leg(problem: &Problem, depart: Time, base: Time) -> Time {
    let Some(profile) = problem.speed_profile() else {
        return base;
    };
    let (mut time, mut left) = (depart, base);
    for band in profile.bands() {
        if left <= 0.0 {
            break;
        }
        if band.to <= time {
            continue;
        }
        if band.from > time {
            let gap = band.from - time;
            if gap >= left {
                return time + left - depart;
            }
            left -= gap;
            time = band.from;
        }
        let covered = (band.to - time) * band.factor;
        if covered >= left {
            return time + left / band.factor - depart;
        }
        left -= covered;
        time = band.to;
    }
    time + left - depart
}

/// The latest departure on a leg of table duration `base` arriving by
/// `arrival`, by bisection on [`timed_leg`] (leaving later never arrives
/// earlier), so the just-in-time start is checked without the search's
/// inverse.
fn latest_leave(problem: &Problem, arrival: Time, base: Time) -> Time {
    if problem.speed_profile().is_none() {
        return arrival - base;
    }
    let slowest = problem.speed_profile().map_or(1.0, |p| {
        p.bands().iter().map(|b| b.factor).fold(1.0, f64::min)
    });
    let (mut lo, mut hi) = (arrival - base / slowest - 1.0, arrival);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid + timed_leg(problem, mid, base) <= arrival {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The hard caps of a route's vehicle: how many visits, how far driven
/// (summed again here, leg by leg).
fn check_caps(
    problem: &Problem,
    route: &crate::solution::Route,
    r: usize,
    report: &mut CheckReport,
) {
    let vehicle = &problem.vehicles[route.vehicle];
    if let Some(max) = vehicle.limits.max_visits {
        if route.visits.len() > max {
            report.violations.push(Violation::TooManyVisits {
                route: r,
                visits: route.visits.len(),
                max,
            });
        }
    }
    if let Some(max) = vehicle.limits.max_distance {
        let mut at = vehicle.start;
        let mut distance = 0.0;
        for &v in &route.visits {
            distance += problem.distance(at, problem.visits[v].location);
            at = problem.visits[v].location;
        }
        if let Some(end) = vehicle.end {
            distance += problem.distance(at, end);
        }
        if distance > max + EPS {
            report.violations.push(Violation::TooFar {
                route: r,
                distance,
                max,
            });
        }
    }
}

#[cfg(test)]
mod tests;
