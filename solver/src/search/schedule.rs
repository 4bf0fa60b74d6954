//! Exact forward simulation of one route, for the rules the cached bounds
//! leave out: the lunch break and the maximum working time.
//!
//! The break goes in one of the route's gaps (before the first visit,
//! between two visits, after the last), starting when the driver is free
//! or when its window opens. Rather than try every gap, one pass follows
//! three schedules: the break not taken yet, taken before the first visit,
//! and taken in the best later gap so far. The earliest time dominates
//! among the later gaps (waiting is allowed, so arriving earlier never
//! hurts, and they share the day's just-in-time start), so the pass is
//! exact: it accepts a route iff some gap works, and then returns the gap
//! that ends the day earliest. A one-pass rule that placed the break
//! greedily rejected routes with a working placement, and left visits out
//! that fitted beside more important ones.

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
pub fn simulate(
    problem: &Problem,
    vehicle: usize,
    visits: impl IntoIterator<Item = usize>,
) -> Option<Schedule> {
    let k = &problem.vehicles[vehicle];
    let take_break = |time: Time| {
        k.lunch_break.and_then(|b| {
            let start = time.max(b.window.earliest);
            (start <= b.window.latest + EPS).then_some(start + b.duration)
        })
    };
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
    for (pos, v) in visits.into_iter().enumerate() {
        offer_break(unbroken, pos, &mut before_first, &mut after_visit);
        let visit = &problem.visits[v];
        count += 1;
        load += visit.demand;
        let travel = problem.duration(location, visit.location);
        let serve = |time: Time| {
            visit
                .service_start(time + travel)
                .map(|s| s + visit.service)
        };
        if pos == 0 {
            if let Some(start) = unbroken.and_then(|t| visit.service_start(t + travel)) {
                departure = (start - travel).max(k.shift.earliest);
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
    let back = k.end.map_or(0.0, |e| problem.duration(location, e));
    let finish = |free: Time, departure: Time| {
        let end = free + back;
        let working_ok = k
            .max_working_time
            .is_none_or(|max| end - departure <= max + EPS);
        (end <= k.shift.latest + EPS && working_ok).then_some(end)
    };
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
    Some(Schedule {
        break_position,
        end,
    })
}
