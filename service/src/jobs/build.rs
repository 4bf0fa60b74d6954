//! Stored records → the plan format: the company's visits of the day (with
//! the version each had when read, for conflict checks on apply) and the
//! drivers asked for; a re-route adds its fields and driver positions.
//! A stored driver the planner cannot use is left out and reported
//! (`skippedDrivers`), like a visit it cannot use, so it never fails a job.

use std::collections::HashMap;

use ordo_solver::plan::{
    read_visit, DriverRequest, InvalidVisits, NumberLike, PlanOptions, PlanRequest,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::params::JobParams;
use crate::records::driver::{driver_id, driver_request};
use crate::records::FieldError;
use crate::storage::{drivers, locations, visits, Conn, Tenant};

/// A visit as the plan read it (kept in an unapplied result, for a later
/// apply).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadVisit {
    /// Version when read.
    pub version: i64,
    /// Its ERP `id`, echoed in conflicts.
    pub id: Value,
}

/// A plan request and what it was built from.
#[derive(Debug, Clone)]
pub struct Built {
    /// The request for the solver.
    pub request: PlanRequest,
    /// By `_id` (the plan's `visitId`).
    pub visits: HashMap<String, ReadVisit>,
    /// Stored drivers left out because the planner cannot use them.
    pub skipped_drivers: Vec<SkippedDriver>,
}

/// A stored driver record left out of a plan, as the job result lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkippedDriver {
    /// The record's `id` as stored (else the id column's text).
    pub id: Value,
    /// Always `INVALID_RECORD` (the visits' code for the same case).
    pub code: &'static str,
    /// The first field in error.
    pub field: String,
    /// Every error, `field: message`, joined by `; `.
    pub detail: String,
}

impl SkippedDriver {
    fn new(id: Value, errors: &[FieldError]) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            id,
            code: "INVALID_RECORD",
            field: errors.first().map(|e| e.field.clone()).unwrap_or_default(),
            detail,
        }
    }
}

/// The company's stored drivers the planner can use, and those it cannot:
/// each record goes through the same check as a driver written through
/// the API, so "valid" has one definition.
fn usable_drivers(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
) -> Result<(Vec<DriverRequest>, Vec<SkippedDriver>), crate::storage::StorageError> {
    let (mut usable, mut skipped) = (Vec::new(), Vec::new());
    for stored in drivers::all_stored(conn, tenant)? {
        let record = match stored.record {
            Ok(record) => record,
            Err(e) => {
                let error = FieldError::new("", format!("the stored record is not JSON: {e}"));
                skipped.push(SkippedDriver::new(stored.erp_id.into(), &[error]));
                continue;
            }
        };
        let checked = match record.as_object() {
            Some(map) => driver_id(map),
            None => Err(vec![FieldError::new(
                "",
                "the stored record is not an object",
            )]),
        };
        let converted =
            checked.and_then(|_| driver_request(&record).map_err(|e| vec![FieldError::new("", e)]));
        match converted {
            Ok(driver) => usable.push(driver),
            Err(errors) => {
                let id = record.get("id").cloned().unwrap_or(stored.erp_id.into());
                skipped.push(SkippedDriver::new(id, &errors));
            }
        }
    }
    Ok((usable, skipped))
}

/// Builds the job's plan request; an error says what is missing.
pub fn build(conn: &mut Conn<'_>, tenant: &Tenant, params: &JobParams) -> Result<Built, String> {
    let storage = |e: crate::storage::StorageError| format!("reading the data: {e}");
    let mut chosen = Vec::new();
    let (usable, skipped_drivers) = usable_drivers(conn, tenant).map_err(storage)?;
    for driver in usable {
        let wanted = match &params.driver_ids {
            Some(ids) => ids.contains(&driver.id),
            None => true,
        };
        let covers = match &params.territory {
            Some(t) => driver.territories.is_empty() || driver.territories.contains(t),
            None => true,
        };
        if wanted && covers {
            chosen.push(driver);
        }
    }
    if let Some(ids) = &params.driver_ids {
        let found = |id: &String| {
            chosen.iter().any(|d| &d.id == id)
                || skipped_drivers.iter().any(|s| skipped_id(s) == *id)
        };
        if let Some(unknown) = ids.iter().find(|id| !found(id)) {
            return Err(format!(
                "driverIds: no driver {unknown} (of this company{})",
                params
                    .territory
                    .as_ref()
                    .map(|t| format!(" covering territory {t}"))
                    .unwrap_or_default()
            ));
        }
    }
    if chosen.is_empty() {
        return Err(no_drivers(&skipped_drivers));
    }
    let snapshots = visits::for_plan(conn, tenant, &params.date, params.territory.as_deref())
        .map_err(storage)?;
    if snapshots.is_empty() {
        return Err(format!("no visits on {} to plan", params.date));
    }
    let mut read = HashMap::new();
    let mut requests = Vec::with_capacity(snapshots.len());
    for snap in snapshots {
        let mut record = snap.record;
        if let Some(obj) = record.as_object_mut() {
            obj.retain(|_, v| !v.is_null());
        }
        read.insert(
            snap.doc_id.clone(),
            ReadVisit {
                version: snap.version,
                id: record.get("id").cloned().unwrap_or(Value::Null),
            },
        );
        // Never fails: a field the planner cannot read makes the visit
        // unassigned (INVALID_RECORD), not the job failed.
        let mut visit = read_visit(&record);
        visit.doc_id = Some(snap.doc_id.clone());
        requests.push(visit);
    }
    let mut request = PlanRequest {
        date: params.date.clone(),
        visits: requests,
        drivers: chosen,
        options: PlanOptions {
            time_limit_seconds: Some(NumberLike::Number(params.time_limit_seconds)),
            // Validated non-negative; as text, so it stays exact.
            seed: Some(NumberLike::exact(params.seed.unsigned_abs())),
            iterations: params.iterations.map(|i| NumberLike::Number(i as f64)),
            // One bad stored record must not cost the others their plan.
            invalid_visits: Some(InvalidVisits::Unassign),
            ..PlanOptions::default()
        },
        ..PlanRequest::default()
    };
    if let Some(reroute) = &params.reroute {
        let positions = locations::latest_by_driver(conn, tenant).map_err(storage)?;
        // Checked when the job was accepted; the company's zone otherwise.
        let zone = match &params.time_zone {
            Some(name) => ordo_solver::plan::time_zone(name)?,
            None => tenant.zone().clone(),
        };
        reroute.apply(&mut request, &positions, &zone)?;
    }
    Ok(Built {
        request,
        visits: read,
        skipped_drivers,
    })
}

/// A skipped driver's id as the plan's driver ids are written.
fn skipped_id(skipped: &SkippedDriver) -> String {
    match &skipped.id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Why a job has no driver: none stored, or none usable (naming them).
fn no_drivers(skipped: &[SkippedDriver]) -> String {
    if skipped.is_empty() {
        return "no drivers to plan with: add drivers under /api/v2/drivers".into();
    }
    let each: Vec<String> = skipped
        .iter()
        .map(|s| format!("driver {} ({})", skipped_id(s), s.detail))
        .collect();
    format!(
        "no drivers to plan with: every stored driver is invalid: {}",
        each.join("; ")
    )
}
