//! Builds the [`PlanResult`] from a solution: timed stops, break, route
//! totals, unassigned visits with their reasons, and the summary.

use super::reasons::unassigned_reason;
use super::request::PlanRequest;
use super::reroute::compare;
use super::result::{BreakResult, PlanResult, RouteResult, StopResult, Summary, UnassignedVisit};
use super::translation::{visit_identity, Translation};
use super::PlanError;
use crate::solution::{Route, Solution};

/// The result of `solution`, a solution of `translation.problem`.
pub fn build_result(
    request: &PlanRequest,
    translation: &Translation,
    solution: &Solution,
) -> Result<PlanResult, PlanError> {
    let soft = translation.problem.has_soft_costs();
    let mut summary = Summary {
        visits: request.visits.len() - translation.excluded,
        excluded: translation.excluded,
        late_seconds: soft.then_some(0.0),
        overtime_seconds: soft.then_some(0.0),
        ..Summary::default()
    };
    let routes = solution
        .routes
        .iter()
        .filter(|r| !r.visits.is_empty())
        .map(|route| route_result(request, translation, route, &mut summary))
        .collect::<Result<Vec<_>, _>>()?;
    let unassigned = unassigned_visits(request, translation, solution, &mut summary);
    let changes = match &translation.replan {
        Some(replan) => {
            let comparison = compare(request, translation, replan, solution);
            summary.changes = Some(comparison.summary);
            comparison.changes
        }
        None => Vec::new(),
    };
    Ok(PlanResult {
        date: request.date.clone(),
        routes,
        unassigned,
        summary,
        changes,
    })
}

/// One driver's timed route, counted into `summary`.
fn route_result(
    request: &PlanRequest,
    translation: &Translation,
    route: &Route,
    summary: &mut Summary,
) -> Result<RouteResult, PlanError> {
    let problem = &translation.problem;
    let driver = &request.drivers[route.vehicle];
    let timeline =
        crate::route::timeline(problem, route.vehicle, &route.visits, route.break_position)
            .ok_or_else(|| {
                PlanError::Model(format!(
                    "the solver's route for driver {} breaks a time rule",
                    driver.id
                ))
            })?;
    let stops = route
        .visits
        .iter()
        .zip(&timeline.stops)
        .enumerate()
        .map(|(order, (&v, times))| {
            let visit = &request.visits[translation.request_index[v]];
            *summary
                .served_by_priority
                .entry(translation.priority[v].to_string())
                .or_default() += 1;
            StopResult {
                visit_id: problem.visits[v].id.clone(),
                id: visit.id.clone(),
                service_order: order + 1,
                arrival: times.arrival,
                service_start: times.service_start,
                departure: times.departure,
                waiting: times.service_start - times.arrival,
                arrival_iso: translation.date.iso(times.arrival),
                service_start_iso: translation.date.iso(times.service_start),
                late_seconds: problem.visits[v].lateness.map(|_| times.late),
            }
        })
        .collect::<Vec<_>>();
    let lunch_break = timeline.break_at.and_then(|(after, start)| {
        problem.vehicles[route.vehicle]
            .lunch_break
            .map(|b| BreakResult {
                start,
                end: start + b.duration,
                after_service_order: after,
            })
    });
    let vehicle = &problem.vehicles[route.vehicle];
    let overtime_seconds = vehicle.limits.overtime.map(|_| timeline.overtime);
    if let Some(late) = summary.late_seconds.as_mut() {
        *late += timeline.stops.iter().map(|s| s.late).sum::<f64>();
    }
    if let Some(over) = summary.overtime_seconds.as_mut() {
        *over += timeline.overtime;
    }
    summary.served += stops.len();
    summary.travel_time += timeline.travel_time;
    summary.distance += timeline.distance;
    summary.drivers_used += 1;
    Ok(RouteResult {
        driver_id: driver.id.clone(),
        vehicle_id: driver.vehicle_id.clone(),
        stops,
        lunch_break,
        start: timeline.start,
        end: timeline.end,
        travel_time: timeline.travel_time,
        distance: timeline.distance,
        working_time: timeline.working_time(),
        overtime_seconds,
    })
}

/// Every visit left out, with its reason: those the translation set aside
/// first, then those the search could not serve; counted into `summary`.
fn unassigned_visits(
    request: &PlanRequest,
    translation: &Translation,
    solution: &Solution,
    summary: &mut Summary,
) -> Vec<UnassignedVisit> {
    let mut unassigned = Vec::new();
    let mut route_visits = vec![0; translation.problem.vehicles.len()];
    for route in &solution.routes {
        route_visits[route.vehicle] = route.visits.len();
    }
    let mut count_unassigned = |priority: u8| {
        *summary
            .unassigned_by_priority
            .entry(priority.to_string())
            .or_default() += 1;
    };
    let left_out = translation
        .invalid
        .iter()
        .chain(&translation.missing_location)
        .chain(&translation.expired);
    for out in left_out {
        let visit = &request.visits[out.request_index];
        count_unassigned(out.priority.get());
        unassigned.push(UnassignedVisit {
            visit_id: visit_identity(visit).unwrap_or_default(),
            id: visit.id.clone(),
            reason: out.reason,
            detail: out.detail.clone(),
        });
    }
    for &v in &solution.unassigned {
        let visit = &request.visits[translation.request_index[v]];
        count_unassigned(translation.priority[v]);
        let (reason, detail) = unassigned_reason(translation, v, &route_visits);
        unassigned.push(UnassignedVisit {
            visit_id: translation.problem.visits[v].id.clone(),
            id: visit.id.clone(),
            reason,
            detail,
        });
    }
    unassigned
}
