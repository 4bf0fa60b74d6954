//! Drivers into vehicles: each driver's fields read and checked once
//! ([`read_driver_fields`]), ids unique, start and end placed in their
//! location slots.

use std::collections::HashMap;

use super::super::error::{IssueCode, Issues};
use super::super::request::{DriverRequest, PlanRequest};
use super::super::translation::driver_record;
use super::super::valid_driver::{read_driver_fields, DriverFields};
use super::SkillIds;
use crate::model::Vehicle;

/// The request's drivers as the model's vehicles, with what the visits
/// and the re-route need of them.
#[derive(Debug)]
pub(super) struct Drivers<'a> {
    /// One per request driver, in order.
    pub vehicles: Vec<Vehicle>,
    /// Request index by driver id.
    pub index: HashMap<&'a str, usize>,
    /// The checked fields, per request driver.
    pub fields: Vec<DriverFields>,
}

/// Every driver of `request`, issues gathered; coordinates of starts and
/// ends go into `coords` (geodesic travel).
pub(super) fn translate_drivers<'a>(
    request: &'a PlanRequest,
    matrix: bool,
    skills: &mut SkillIds,
    coords: &mut [(f64, f64)],
    issues: &mut Issues,
) -> Drivers<'a> {
    let n_drivers = request.drivers.len();
    let mut drivers = Drivers {
        vehicles: Vec::with_capacity(n_drivers),
        index: HashMap::new(),
        fields: Vec::with_capacity(n_drivers),
    };
    for (d, driver) in request.drivers.iter().enumerate() {
        let record = driver_record(d, &driver.id);
        let (fields, found) = read_driver_fields(driver, !matrix);
        issues.extend(&record, found);
        if !driver.id.trim().is_empty() && drivers.index.insert(&driver.id, d).is_some() {
            issues.push(&record, "id", IssueCode::Duplicate, "duplicate driver id");
        }
        if let Some(start) = fields.start {
            coords[d] = start.pair();
            coords[n_drivers + d] = fields.end.unwrap_or(start).pair();
        }
        let vehicle = translate_driver(d, n_drivers, driver, &fields, skills);
        drivers.vehicles.push(vehicle);
        drivers.fields.push(fields);
    }
    drivers
}

/// Driver `d`'s vehicle: starts in slot `d`, ends in slot `n_drivers + d`
/// unless the route is open.
fn translate_driver(
    d: usize,
    n_drivers: usize,
    driver: &DriverRequest,
    fields: &DriverFields,
    skills: &mut SkillIds,
) -> Vehicle {
    Vehicle {
        id: driver.id.clone(),
        start: d,
        end: driver.end.as_ref().map(|_| n_drivers + d),
        shift: fields.shift,
        capacity: fields.capacity,
        skills: skills.set(&driver.skills),
        fixed_cost: 0.0,
        max_working_time: fields.max_working_time,
        limits: fields.limits,
        lunch_break: fields.lunch_break,
    }
}
