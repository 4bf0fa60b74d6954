//! Why each left-out visit is unassigned, decided exactly by testing the
//! visit against each driver alone, filter by filter.
//!
//! The first filter that leaves no driver names the reason: skills, then
//! allowed vehicles (and the driver of a visit in progress), territory,
//! capacity, service longer than the shift, a road to it and back (a leg
//! a router cannot drive, [`crate::model::NO_ROUTE_SECONDS`]), the
//! drivers' distance caps (`MAX_DISTANCE`: the round trip alone is too
//! long), then an empty-day simulation (window reachable with its lateness
//! allowance, break kept, back by the end of the shift and its overtime,
//! working time). A visit that passes them all fits alone; when every
//! driver it fits is at their `maxVisits`, that cap is the reason
//! (`MAX_VISITS`). Otherwise it lacked room, even in
//! place of up to two lower-priority visits (the search's priority repair,
//! `search/priority_repair.rs`, tried that on every route).
//! A re-plan's locked visit that passes the eligibility filters but is
//! left out is `LOCK_INFEASIBLE`: its driver can no longer keep the lock
//! (the lock is reported, not silently relaxed).

use super::result::ReasonCode;
use super::translation::Translation;
use crate::model::is_no_route;
use crate::route::best_timeline;

/// Reason code and detail for model visit `visit`, which is unassigned.
/// `route_visits[k]` is how many visits vehicle `k`'s route serves.
pub fn unassigned_reason(
    translation: &Translation,
    visit: usize,
    route_visits: &[usize],
) -> (ReasonCode, String) {
    let problem = &translation.problem;
    let v = &problem.visits[visit];
    let eligible = &translation.eligibility[visit];
    if eligible.by_skills.is_empty() {
        return (
            ReasonCode::NoDriverWithSkills,
            "no driver holds every required skill".into(),
        );
    }
    if eligible.by_allowed.is_empty() {
        let detail = if v.vehicle_lock.is_some() && translation.replan.is_some() {
            "kept with its published driver (in progress, frozen or locked), who lacks its skills or is not in allowed_vehicles"
        } else if v.vehicle_lock.is_some() {
            "in progress with a driver who lacks its skills or is not in allowed_vehicles"
        } else {
            "no driver with the required skills is in allowed_vehicles"
        };
        return (ReasonCode::NotAllowedVehicle, detail.into());
    }
    if eligible.by_territory.is_empty() {
        return (
            ReasonCode::OutsideTerritory,
            "no allowed driver with the skills covers the visit's territory".into(),
        );
    }
    let with_capacity: Vec<usize> = eligible
        .by_territory
        .iter()
        .copied()
        .filter(|&k| v.demand <= problem.vehicles[k].capacity)
        .collect();
    if with_capacity.is_empty() {
        return (
            ReasonCode::OverCapacity,
            format!(
                "demand {} exceeds every eligible vehicle's capacity",
                v.demand
            ),
        );
    }
    let long_enough: Vec<usize> = with_capacity
        .into_iter()
        .filter(|&k| v.service <= available_time(translation, k) + crate::model::EPS)
        .collect();
    if long_enough.is_empty() {
        return (
            ReasonCode::LongerThanShift,
            format!(
                "service of {} s is longer than every eligible driver's shift",
                v.service
            ),
        );
    }
    if let (Some(k), Some(_)) = (v.vehicle_lock, &translation.replan) {
        return (
            ReasonCode::LockInfeasible,
            lock_detail(translation, visit, k),
        );
    }
    if !long_enough
        .iter()
        .any(|&k| connected(translation, k, visit))
    {
        return (
            ReasonCode::NoRoute,
            "no road connects it to any eligible driver's start and back to their end".into(),
        );
    }
    let in_reach: Vec<usize> = long_enough
        .into_iter()
        .filter(|&k| round_trip_fits(translation, k, visit))
        .collect();
    if in_reach.is_empty() {
        return (
            ReasonCode::MaxDistance,
            "the round trip alone is longer than every eligible driver's maxDistance (or their maxVisits is 0)".into(),
        );
    }
    let fits_alone: Vec<usize> = in_reach
        .into_iter()
        .filter(|&k| best_timeline(problem, k, &[visit]).is_some())
        .collect();
    if fits_alone.is_empty() {
        return (
            ReasonCode::TimeWindowUnreachable,
            "no eligible driver can reach a time window (lateness allowance included) and finish the day in time (overtime included), even with an empty day".into(),
        );
    }
    let full = |k: usize| {
        problem.vehicles[k]
            .limits
            .max_visits
            .is_some_and(|max| route_visits.get(k).is_some_and(|&n| n >= max))
    };
    if fits_alone.iter().all(|&k| full(k)) {
        return (
            ReasonCode::MaxVisits,
            "every driver who could serve it already has maxVisits visits".into(),
        );
    }
    (
        ReasonCode::NoRoom,
        "fits an empty day, but no route can take it, even in place of up to two lower-priority visits".into(),
    )
}

/// Whether driver `vehicle` can drive from their start to the visit and
/// on to their end. Direct legs suffice: a road router's leg is the
/// shortest path, so a detour through another place never connects what
/// the direct leg does not.
fn connected(translation: &Translation, vehicle: usize, visit: usize) -> bool {
    let problem = &translation.problem;
    let k = &problem.vehicles[vehicle];
    let here = problem.visits[visit].location;
    let back = k
        .end
        .is_none_or(|end| !is_no_route(problem.duration(here, end)));
    !is_no_route(problem.duration(k.start, here)) && back
}

/// `HH:MM` of seconds from midnight.
fn clock(t: f64) -> String {
    let minutes = (t / 60.0).round() as i64;
    format!(
        "{:02}:{:02}",
        minutes.div_euclid(60),
        minutes.rem_euclid(60)
    )
}

/// Which rule a re-plan lock breaks: the window against the arrival of
/// the locked driver driving straight there from where they restart.
fn lock_detail(translation: &Translation, visit: usize, k: usize) -> String {
    let problem = &translation.problem;
    let v = &problem.visits[visit];
    let vehicle = &problem.vehicles[k];
    let free = vehicle.shift.earliest;
    let arrival = free + problem.leg_time(free, problem.duration(vehicle.start, v.location));
    let windows: Vec<String> = v
        .windows
        .iter()
        .map(|w| {
            if w.latest.is_finite() {
                format!("{}-{}", clock(w.earliest), clock(w.latest))
            } else {
                format!("from {}", clock(w.earliest.max(0.0)))
            }
        })
        .collect();
    let driver = &vehicle.id;
    let reach = if v.service_start(arrival).is_none() {
        "too late for every window".to_string()
    } else if best_timeline(problem, k, &[visit]).is_none() {
        "the window is reachable but the service does not fit the rest of the shift (end, break or working time)"
            .to_string()
    } else {
        "reachable alone, but not in the locked order beside the driver's other fixed visits"
            .to_string()
    };
    format!(
        "locked to driver {driver}, free from {}: window {}, expected arrival {} ({reach})",
        clock(vehicle.shift.earliest),
        windows.join(", "),
        clock(arrival),
    )
}

/// Whether driver `vehicle` alone could drive to `visit` and back within
/// their distance cap, and their visit cap allows a visit at all.
fn round_trip_fits(translation: &Translation, vehicle: usize, visit: usize) -> bool {
    let problem = &translation.problem;
    let k = &problem.vehicles[vehicle];
    let at = problem.visits[visit].location;
    let distance =
        problem.distance(k.start, at) + k.end.map_or(0.0, |end| problem.distance(at, end));
    k.within_caps(1, distance)
}

/// Working time a driver can give: the shift minus the break, capped by
/// the maximum working time.
fn available_time(translation: &Translation, vehicle: usize) -> f64 {
    let k = &translation.problem.vehicles[vehicle];
    let shift = k.shift.latest - k.shift.earliest - k.lunch_break.map_or(0.0, |b| b.duration);
    k.max_working_time.map_or(shift, |m| shift.min(m))
}
