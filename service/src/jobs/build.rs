//! Stored records → the plan format: the company's visits of the day (with
//! the version each had when read, for conflict checks on apply) and the
//! drivers asked for; a re-route adds its fields and driver positions.

use std::collections::HashMap;

use ordo_solver::plan::{read_visit, InvalidVisits, NumberLike, PlanOptions, PlanRequest};
use rusqlite::Connection;
use serde_json::Value;

use super::params::JobParams;
use crate::records::driver::driver_request;
use crate::storage::{drivers, locations, visits, Tenant};

/// A visit as the plan read it.
#[derive(Debug, Clone, PartialEq)]
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
}

/// Builds the job's plan request; an error says what is missing.
pub fn build(conn: &Connection, tenant: &Tenant, params: &JobParams) -> Result<Built, String> {
    let storage = |e: crate::storage::StorageError| format!("reading the data: {e}");
    let mut chosen = Vec::new();
    for record in drivers::all(conn, tenant).map_err(storage)? {
        let label = record.get("id").map(Value::to_string).unwrap_or_default();
        let driver = driver_request(&record).map_err(|e| format!("driver {label}: {e}"))?;
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
        if let Some(unknown) = ids.iter().find(|id| !chosen.iter().any(|d| &d.id == *id)) {
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
        return Err("no drivers to plan with: add drivers under /api/v2/drivers".into());
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
    })
}
