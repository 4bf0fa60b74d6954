//! Validates a [`PlanRequest`] and translates it into a [`Problem`],
//! gathering every issue of the request before answering.
//!
//! Locations are laid out as every driver's start, then every driver's
//! end (a slot even for open routes), then every request visit, so a
//! supplied matrix and the geodesic model index the same way. Closed and
//! skipped visits, and visits without a usable location, never reach the
//! model; nor do visits the planner cannot use when the request asks to
//! unassign them (`options.invalidVisits`). Eligibility (skills, allowed
//! vehicles, territory) is kept per visit so that unassigned reasons can
//! say which filter emptied the fleet.
//!
//! - `driver.rs`: drivers into vehicles;
//! - `visit.rs`: visits into model visits, or why not;
//! - `eligibility.rs`: which drivers may serve a visit;
//! - `travel.rs`: the travel model and the numbering of locations.

mod driver;
mod eligibility;
mod travel;
mod visit;

use std::collections::HashMap;

use super::date::PlanDate;
use super::error::{IssueCode, Issues};
use super::fields::optional_soft_limit;
use super::request::{PlanRequest, TravelRequest};
use super::reroute::{is_reroute, Replan, Restart};
use super::translation::{driver_record, Translation};
use super::valid_visit::visit_location;
use super::PlanError;
use crate::model::{Problem, ProblemBuilder, SkillSet, Vehicle};
use driver::Drivers;

/// Skill names numbered in order of first appearance.
#[derive(Debug, Default)]
struct SkillIds(HashMap<String, usize>);

impl SkillIds {
    fn set(&mut self, names: &[String]) -> SkillSet {
        SkillSet::from_ids(names.iter().map(|s| {
            let next = self.0.len();
            *self.0.entry(s.clone()).or_insert(next)
        }))
    }
}

/// Validates `request` and builds the model; on error, every issue found.
pub fn translate(request: &PlanRequest) -> Result<Translation, PlanError> {
    let mut issues = Issues::default();
    let date = PlanDate::parse(&request.date)
        .map_err(|p| issues.push("request", "date", IssueCode::InvalidType, p))
        .ok();
    if request.drivers.is_empty() {
        issues.push(
            "request",
            "drivers",
            IssueCode::Required,
            "needs at least one driver",
        );
    }
    let matrix = matches!(request.options.travel, Some(TravelRequest::Matrix { .. }));
    let mut skills = SkillIds::default();
    let mut coords = vec![(0.0, 0.0); 2 * request.drivers.len() + request.visits.len()];
    let mut drivers =
        driver::translate_drivers(request, matrix, &mut skills, &mut coords, &mut issues);
    let replan = match is_reroute(request) {
        Ok(true) => {
            let locks: Vec<_> = drivers.fields.iter().map(|f| f.lock).collect();
            match Replan::parse(request, &drivers.index, &locks) {
                Ok(replan) => {
                    place_restarts(
                        request,
                        &replan,
                        matrix,
                        &mut coords,
                        &mut drivers,
                        &mut issues,
                    );
                    Some(replan)
                }
                Err(e) => {
                    issues.absorb(e)?;
                    None
                }
            }
        }
        Ok(false) => None,
        Err(e) => {
            issues.absorb(e)?;
            None
        }
    };
    let lateness =
        optional_soft_limit("lateness", &request.options.lateness).unwrap_or_else(|found| {
            issues.extend("options", found);
            None
        });
    let context = visit::Context {
        request,
        matrix,
        drivers: &drivers,
        replan: replan.as_ref(),
        names: eligibility::VehicleNames::new(request),
        lateness,
    };
    let mut visits = visit::translate_visits(&context, &mut skills, &mut coords, &mut issues);
    let Drivers {
        mut vehicles,
        fields,
        ..
    } = drivers;
    if !matrix {
        coords = travel::number_by_place(coords, &mut vehicles, &mut visits.model);
    }
    let travel = travel::travel(request, coords, &mut issues);
    let speed_profile = travel::speed_profile(request, &mut issues);
    issues.into_result(())?;
    let (Some(date), Some(travel)) = (date, travel) else {
        // Each is missing only with an issue, returned above.
        return Err(PlanError::Model(
            "no date or no travel, without an issue".into(),
        ));
    };
    if let Some(replan) = &replan {
        let currents: Vec<_> = fields.iter().map(|f| f.current).collect();
        replan.settle(
            &currents,
            &mut vehicles,
            &mut visits.model,
            &visits.request_index,
            &travel,
        );
    }
    Ok(Translation {
        date,
        problem: build(request, travel, vehicles, visits.model)?.with_speed_profile(speed_profile),
        request_index: visits.request_index,
        priority: visits.priority,
        eligibility: visits.eligibility,
        invalid: visits.invalid,
        missing_location: visits.missing_location,
        expired: visits.expired,
        excluded: visits.excluded,
        replan,
    })
}

fn build(
    request: &PlanRequest,
    travel: crate::model::DenseMatrix,
    vehicles: Vec<Vehicle>,
    visits: Vec<crate::model::Visit>,
) -> Result<Problem, PlanError> {
    let mut builder = ProblemBuilder::new(request.date.clone(), travel);
    for v in visits {
        builder.visit(v);
    }
    for k in vehicles {
        builder.vehicle(k);
    }
    builder.build().map_err(|e| PlanError::Model(e.to_string()))
}

/// Moves each driver's start to where a re-plan restarts them: their
/// `current` position (their own start slot, geodesic travel only), or the
/// location slot of the visit they are at.
fn place_restarts(
    request: &PlanRequest,
    replan: &Replan,
    matrix: bool,
    coords: &mut [(f64, f64)],
    drivers: &mut Drivers,
    issues: &mut Issues,
) {
    let n_drivers = request.drivers.len();
    for (d, driver) in request.drivers.iter().enumerate() {
        match replan.restart(d, drivers.fields[d].current.as_ref()) {
            Restart::Point(..) if matrix => issues.push(
                &driver_record(d, &driver.id),
                "current",
                IssueCode::Inconsistent,
                "a position needs the geodesic travel model (give only `at` with a matrix)",
            ),
            Restart::Point(lat, lng) => coords[d] = (lat, lng),
            Restart::Visit(i) => {
                let location = 2 * n_drivers + i;
                if matrix {
                    drivers.vehicles[d].start = location;
                } else if let Some(p) = visit_location(&request.visits[i]) {
                    coords[location] = p.pair();
                    drivers.vehicles[d].start = location;
                }
            }
            Restart::Home => {}
        }
    }
}
