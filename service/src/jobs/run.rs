//! One plan job, on a blocking thread: read the day, search (saving
//! progress and the best plan about once a second), check the result with
//! the independent checker, and apply it when asked.

use std::time::Duration;

use ordo_solver::plan::{plan_with_snapshots, PlanProgress, PlanResult};
use ordo_solver::Stop;
use serde_json::{json, Value};

use super::build::{build, Built};
use super::params::JobParams;
use super::JobManager;
use crate::storage::jobs::{self, Status};
use crate::storage::visits::{self, Assignment};
use crate::storage::Tenant;

/// How often the best plan so far is built and saved.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(1);

/// Runs job `id` to its end, recording the outcome.
pub fn run(manager: &JobManager, tenant: &Tenant, id: &str, params: &JobParams) {
    let outcome = run_job(manager, tenant, id, params);
    let saved = manager.storage.run(|c| match &outcome {
        Ok((status, result)) => jobs::finish(c, tenant, id, *status, result.as_ref(), None),
        Err(error) => jobs::finish(c, tenant, id, Status::Failed, None, Some(error)),
    });
    if let Err(e) = saved {
        tracing::error!(job = id, error = %e, "cannot record the end of a plan job");
    }
}

fn progress_json(p: &PlanProgress) -> Value {
    json!({"fraction": p.fraction, "served": p.served, "unassigned": p.unassigned,
           "distance": p.distance})
}

fn run_job(
    manager: &JobManager,
    tenant: &Tenant,
    id: &str,
    params: &JobParams,
) -> Result<(Status, Option<Value>), String> {
    let stop = Stop::after(Duration::from_secs_f64(params.time_limit_seconds));
    if !manager.begin(id, stop.cancel_flag()) {
        return Ok((Status::Cancelled, None));
    }
    // Read the day and mark the job solving together: a visit changed
    // after this point is a conflict when applying.
    let built = manager
        .storage
        .run(|c| {
            let built = build(c, tenant, params);
            if built.is_ok() {
                jobs::start(c, tenant, id)?;
            }
            Ok(built)
        })
        .map_err(|e| e.to_string())??;
    let storage = &manager.storage;
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
    });
    if params.apply && !cancelled {
        let outcome = storage
            .run(|c| visits::apply(c, tenant, &assignments(&plan, &built)))
            .map_err(|e| format!("applying the plan: {e}"))?;
        result["applied"] = true.into();
        result["appliedVisits"] = outcome.applied.into();
        result["conflicts"] = outcome
            .conflicts
            .iter()
            .map(|(doc_id, reason)| {
                let erp = built.visits.get(doc_id).map(|v| v.id.clone());
                json!({"visitId": doc_id, "id": erp, "reason": reason})
            })
            .collect();
    }
    let served = plan.summary.served;
    let final_progress = json!({"fraction": 1.0, "served": served,
                                "unassigned": plan.unassigned.len(), "distance": plan.summary.distance});
    let best = result["plan"].clone();
    storage
        .run(|c| jobs::save_progress(c, tenant, id, &final_progress, Some(&best)))
        .map_err(|e| e.to_string())?;
    let status = if cancelled {
        Status::Cancelled
    } else {
        Status::Done
    };
    Ok((status, Some(result)))
}

/// The plan's stops as writes, each with the version its visit had when read.
fn assignments(plan: &PlanResult, built: &Built) -> Vec<Assignment> {
    plan.routes
        .iter()
        .flat_map(|route| {
            route.stops.iter().map(|stop| Assignment {
                doc_id: stop.visit_id.clone(),
                version: built.visits.get(&stop.visit_id).map_or(-1, |v| v.version),
                driver_id: route.driver_id.clone(),
                service_order: stop.service_order,
                eta: stop.service_start,
            })
        })
        .collect()
}
