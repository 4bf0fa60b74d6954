//! One plan job, on a blocking thread: claim it and read the day, fetch
//! its road matrix when it plans on roads (through the leg cache), search
//! (saving progress and the best plan about once a second), check the
//! result with the independent checker, then apply it when asked and
//! record the result in one transaction: a crash keeps both or neither,
//! and a job the crash left `solving` runs again on the next start.
//! A result not applied keeps the version each visit had when read, so
//! `POST /plans/{id}/apply` can apply it later with the same conflict rule
//! ([`apply_plan`]).

use std::collections::HashMap;
use std::time::Duration;

use ordo_solver::plan::{plan_with_snapshots, PlanProgress, PlanResult};
use ordo_solver::Stop;
use serde_json::{json, Value};

use super::build::{build, ReadVisit};
use super::params::JobParams;
use super::JobManager;
use crate::routing::{road_travel, RoadTravel};
use crate::storage::jobs::{self, Status};
use crate::storage::legs::StoredLegs;
use crate::storage::visits::{self, Assignment};
use crate::storage::{StorageError, Tenant};

/// How often the best plan so far is built and saved.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(1);

/// The result's field that keeps, for a plan not applied yet, each visit
/// as the job read it (`{_id: {version, id}}`): what a later apply checks.
pub const READ_VISITS: &str = "readVisits";

/// Runs job `id` to its end, recording the outcome.
pub fn run(manager: &JobManager, tenant: &Tenant, id: &str, params: &JobParams) {
    let Err(error) = run_job(manager, tenant, id, params) else {
        return;
    };
    let saved = manager
        .storage
        .run(|c| jobs::finish(c, tenant, id, Status::Failed, None, Some(&error)));
    if let Err(e) = saved {
        tracing::error!(job = id, error = %e, "cannot record the end of a plan job");
    }
}

fn progress_json(p: &PlanProgress) -> Value {
    json!({"fraction": p.fraction, "served": p.served, "unassigned": p.unassigned,
           "distance": p.distance})
}

/// Plans job `id`; records its end itself unless it returns the reason it
/// failed.
fn run_job(
    manager: &JobManager,
    tenant: &Tenant,
    id: &str,
    params: &JobParams,
) -> Result<(), String> {
    let stop = Stop::after(Duration::from_secs_f64(params.time_limit_seconds));
    let storage = &manager.storage;
    if !manager.begin(id, stop.cancel_flag()) {
        storage
            .run(|c| jobs::finish(c, tenant, id, Status::Cancelled, None, None))
            .map_err(|e| e.to_string())?;
        return Ok(());
    }
    // Read the day and claim the job together: a visit changed after this
    // point is a conflict when applying.
    let claimed = storage
        .run(|c| {
            let tx = c.transaction()?;
            let built = build(&tx, tenant, params);
            let claimed = built.is_err() || jobs::start(&tx, tenant, id, &manager.server_id)?;
            tx.commit()?;
            Ok(claimed.then_some(built))
        })
        .map_err(|e| e.to_string())?;
    // Not queued any more: cancelled meanwhile, and already final.
    let Some(built) = claimed else {
        return Ok(());
    };
    let mut built = built?;
    // Inside the job's time limit: the stop above is already counting.
    let road = travel_of(params, manager)?;
    let resolved = road
        .as_ref()
        .map(|road| {
            let cache = StoredLegs(storage);
            crate::routing::resolve(&mut built.request, road, Some(&cache))
        })
        .transpose()
        .map_err(|e| format!("{e:#}"))?;
    let mut on_progress = |p: &PlanProgress| {
        let Some(best) = &p.best else { return };
        let best = serde_json::to_value(best).unwrap_or(Value::Null);
        if let Err(e) =
            storage.run(|c| jobs::save_progress(c, tenant, id, &progress_json(p), Some(&best)))
        {
            tracing::warn!(job = id, error = %e, "cannot save plan progress");
        }
    };
    let (plan, report) =
        plan_with_snapshots(&built.request, &stop, SNAPSHOT_EVERY, &mut on_progress)
            .map_err(|e| e.to_string())?;
    let cancelled = manager.was_cancelled(id);
    let mut result = json!({
        "plan": plan,
        "feasible": report.violations.is_empty(),
        "violations": report.violations.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "applied": false,
        "appliedVisits": 0,
        "conflicts": [],
        "skippedDrivers": built.skipped_drivers,
    });
    if let (Some(road), Some(resolved)) = (&road, &resolved) {
        crate::routing::annotate(&mut result["plan"], resolved);
        if road.geometry {
            crate::routing::add_geometry(&mut result["plan"], &built.request, road);
        }
        if let Some(skipped) = result["skippedDrivers"].as_array_mut() {
            skipped.extend(resolved.left_out_drivers.iter().map(
                |d| json!({"id": d.id, "code": "NO_ROUTE", "field": "start", "detail": d.detail}),
            ));
        }
    }
    let final_progress = json!({"fraction": 1.0, "served": plan.summary.served,
                                "unassigned": plan.unassigned.len(), "distance": plan.summary.distance});
    let status = if cancelled {
        Status::Cancelled
    } else {
        Status::Done
    };
    let apply = params.apply && !cancelled;
    storage
        .run(|c| {
            let tx = c.transaction()?;
            if apply {
                apply_plan(&tx, tenant, &plan, &built.visits, &mut result)?;
            } else {
                result[READ_VISITS] = serde_json::to_value(&built.visits)?;
            }
            jobs::save_progress(&tx, tenant, id, &final_progress, Some(&result["plan"]))?;
            jobs::finish(&tx, tenant, id, status, Some(&result), None)?;
            tx.commit()?;
            Ok(())
        })
        .map_err(|e| format!("recording the plan: {e}"))
}

/// Applies `plan` (read as `read` says) inside `tx`: the one conflict rule
/// ([`visits::apply`]: a visit changed or deleted since it was read is left
/// alone), recorded in `result` (`applied`, `appliedVisits`, `conflicts`).
/// The job applies with it when asked to, and so does a later
/// `POST /plans/{id}/apply`, which keeps nothing when there are conflicts.
pub fn apply_plan(
    tx: &rusqlite::Transaction<'_>,
    tenant: &Tenant,
    plan: &PlanResult,
    read: &HashMap<String, ReadVisit>,
    result: &mut Value,
) -> Result<visits::ApplyOutcome, StorageError> {
    let outcome = visits::apply(tx, tenant, &assignments(plan, read))?;
    record_apply(result, &outcome, read);
    Ok(outcome)
}

/// The job's road travel: its own `travel` (checked when accepted; a
/// geodesic one plans on straight lines), else the server's `--router`.
fn travel_of(params: &JobParams, manager: &JobManager) -> Result<Option<RoadTravel>, String> {
    match &params.travel {
        Some(travel) => road_travel(travel, "travel").map_err(|e| e.to_string()),
        None => Ok(manager.router().cloned().map(RoadTravel::new)),
    }
}

/// What applying did, in the job's result.
fn record_apply(
    result: &mut Value,
    outcome: &visits::ApplyOutcome,
    read: &HashMap<String, ReadVisit>,
) {
    result["applied"] = true.into();
    result["appliedVisits"] = outcome.applied.into();
    result["conflicts"] = outcome
        .conflicts
        .iter()
        .map(|(doc_id, reason)| {
            let erp = read.get(doc_id).map(|v| v.id.clone());
            json!({"visitId": doc_id, "id": erp, "reason": reason})
        })
        .collect();
}

/// The plan's stops as writes, each with the version its visit had when read.
fn assignments(plan: &PlanResult, read: &HashMap<String, ReadVisit>) -> Vec<Assignment> {
    plan.routes
        .iter()
        .flat_map(|route| {
            route.stops.iter().map(|stop| Assignment {
                doc_id: stop.visit_id.clone(),
                version: read.get(&stop.visit_id).map_or(-1, |v| v.version),
                driver_id: route.driver_id.clone(),
                service_order: stop.service_order,
                eta: stop.service_start,
            })
        })
        .collect()
}
