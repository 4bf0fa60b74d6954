//! Which drivers may serve a visit, filter by filter (skills, allowed
//! vehicles and lock, territory), kept so that unassigned reasons can say
//! which filter emptied the fleet.

use std::collections::{HashMap, HashSet};

use super::super::request::{PlanRequest, VisitRequest};
use super::super::translation::Eligibility;
use crate::model::{SkillSet, Vehicle};

/// Drivers by the names `allowed_vehicles` uses: driver id or vehicle id.
#[derive(Debug)]
pub(super) struct VehicleNames<'a>(HashMap<&'a str, Vec<usize>>);

impl<'a> VehicleNames<'a> {
    pub fn new(request: &'a PlanRequest) -> Self {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (d, driver) in request.drivers.iter().enumerate() {
            by_name.entry(driver.id.as_str()).or_default().push(d);
            if let Some(v) = &driver.vehicle_id {
                by_name.entry(v.as_str()).or_default().push(d);
            }
        }
        Self(by_name)
    }
}

/// The drivers left after each filter, and the model's restriction: the
/// last list when the visit restricts its drivers at all (beyond skills).
pub(super) fn eligibility(
    request: &PlanRequest,
    vehicles: &[Vehicle],
    names: &VehicleNames,
    v: &VisitRequest,
    skills: &SkillSet,
    lock: Option<usize>,
) -> (Eligibility, Option<Vec<usize>>) {
    let allowed: Option<HashSet<usize>> = (!v.allowed_vehicles.is_empty()).then(|| {
        v.allowed_vehicles
            .iter()
            .flat_map(|name| names.0.get(name.as_str()).into_iter().flatten())
            .copied()
            .collect()
    });
    let territory = v.territory.as_deref().filter(|t| !t.is_empty());
    let by_skills: Vec<usize> = (0..vehicles.len())
        .filter(|&d| vehicles[d].skills.contains_all(skills))
        .collect();
    let by_allowed: Vec<usize> = by_skills
        .iter()
        .copied()
        .filter(|d| allowed.as_ref().is_none_or(|a| a.contains(d)))
        .filter(|&d| lock.is_none_or(|l| l == d))
        .collect();
    let by_territory: Vec<usize> = by_allowed
        .iter()
        .copied()
        .filter(|&d| {
            let listed = &request.drivers[d].territories;
            territory.is_none_or(|t| listed.is_empty() || listed.iter().any(|x| x == t))
        })
        .collect();
    let restricted = allowed.is_some() || territory.is_some() || lock.is_some();
    let allowed_vehicles = restricted.then(|| by_territory.clone());
    let eligibility = Eligibility {
        by_skills,
        by_allowed,
        by_territory,
    };
    (eligibility, allowed_vehicles)
}
