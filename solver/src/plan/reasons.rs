//! Why each left-out visit is unassigned, decided exactly by testing the
//! visit against each driver alone, filter by filter.
//!
//! The first filter that leaves no driver names the reason: skills, then
//! allowed vehicles (and the driver of a visit in progress), territory,
//! capacity, service longer than the shift, then an empty-day simulation
//! (window reachable, break kept, back by the end of the shift, working
//! time). A visit that passes them all fits alone: it lacked room beside
//! visits of equal or higher priority (construction serves tiers in order).

use super::result::ReasonCode;
use super::translate::Translation;
use crate::construction::best_timeline;

/// Reason code and detail for model visit `visit`, which is unassigned.
pub fn unassigned_reason(translation: &Translation, visit: usize) -> (ReasonCode, String) {
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
        let detail = if v.vehicle_lock.is_some() {
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
    if !long_enough
        .iter()
        .any(|&k| best_timeline(problem, k, &[visit]).is_some())
    {
        return (
            ReasonCode::TimeWindowUnreachable,
            "no eligible driver can reach a time window and finish the day in time, even with an empty day".into(),
        );
    }
    (
        ReasonCode::NoRoom,
        "fits an empty day, but not beside visits of equal or higher priority".into(),
    )
}

/// Working time a driver can give: the shift minus the break, capped by
/// the maximum working time.
fn available_time(translation: &Translation, vehicle: usize) -> f64 {
    let k = &translation.problem.vehicles[vehicle];
    let shift = k.shift.latest - k.shift.earliest - k.lunch_break.map_or(0.0, |b| b.duration);
    k.max_working_time.map_or(shift, |m| shift.min(m))
}
