//! One claimed plan job, on a blocking thread: search (saving progress and
//! the best plan about once a second) while a heartbeat thread renews the
//! lease and watches for a cancel asked on any server, check the result
//! with the independent checker, then apply it when asked and record the
//! result in one transaction that first makes sure this server still
//! holds the job: a crash keeps both or neither, and a server that lost
//! its lease writes nothing, so a plan is applied once. A job that plans
//! on roads fetches its matrix first (through the leg cache), inside its
//! time limit. A result not applied keeps the version each visit had when
//! read, so `POST /plans/{id}/apply` can apply it later with the same
//! conflict rule ([`apply_plan`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use ordo_solver::plan::{plan_with_snapshots, PlanProgress, PlanResult};
use ordo_solver::Stop;
use serde_json::{json, Value};

use super::build::{Built, ReadVisit};
use super::params::JobParams;
use super::JobManager;
use crate::routing::{road_travel, RoadTravel};
use crate::storage::jobs::{self, ClaimedJob, Ender, Status};
use crate::storage::legs::StoredLegs;
use crate::storage::visits::{self, Assignment};
use crate::storage::{Conn, StorageError, Tenant};

/// How often the best plan so far is built and saved.
const SNAPSHOT_EVERY: Duration = Duration::from_secs(1);

/// The result's field that keeps, for a plan not applied yet, each visit
/// as the job read it (`{_id: {version, id}}`): what a later apply checks.
pub const READ_VISITS: &str = "readVisits";

/// How often the holder renews its lease and looks for a cancel (well
/// inside [`jobs::LEASE_MILLIS`]).
const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// Runs a claimed job to its end, recording the outcome; `prepared` is
/// its request and the day read with the claim, or why they could not be.
pub fn run(manager: &JobManager, job: &ClaimedJob, prepared: Result<(JobParams, Built), String>) {
    let outcome = prepared.and_then(|(params, built)| run_job(manager, job, &params, built));
    let Err(error) = outcome else {
        return;
    };
    let saved = manager.storage.run(|c| {
        jobs::finish(
            c,
            &job.tenant,
            &job.id,
            Ender::Holder(&manager.server_id),
            Status::Failed,
            None,
            Some(&error),
        )
    });
    if let Err(e) = saved {
        tracing::error!(job = %job.id, error = %e, "cannot record the end of a plan job");
    }
}

fn progress_json(p: &PlanProgress) -> Value {
    json!({"fraction": p.fraction, "served": p.served, "unassigned": p.unassigned,
           "distance": p.distance})
}

/// What the heartbeat learnt while the search ran.
#[derive(Default)]
struct Watch {
    /// Another server holds the job now (our lease ran out).
    lost: AtomicBool,
    /// A cancel was asked.
    cancelled: AtomicBool,
}

/// Renews the lease every [`HEARTBEAT_EVERY`] until `done` closes; stops
/// the search when the job is cancelled or no longer ours.
fn heartbeat(
    manager: &JobManager,
    job: &ClaimedJob,
    stop: &AtomicBool,
    watch: &Watch,
    done: &mpsc::Receiver<()>,
) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = done.recv_timeout(HEARTBEAT_EVERY) {
        let lease = manager
            .storage
            .run(|c| jobs::heartbeat(c, &job.tenant, &job.id, &manager.server_id));
        match lease {
            Ok(lease) if !lease.held => {
                watch.lost.store(true, Ordering::Relaxed);
                stop.store(true, Ordering::Relaxed);
                return;
            }
            Ok(lease) if lease.cancel_requested => {
                watch.cancelled.store(true, Ordering::Relaxed);
                stop.store(true, Ordering::Relaxed);
            }
            Ok(_) => {}
            // A passing database fault: the lease has room for retries.
            Err(e) => tracing::warn!(job = %job.id, error = %e, "cannot renew a plan job's lease"),
        }
    }
}

/// Plans the job; records its end itself unless it returns the reason it
/// failed.
fn run_job(
    manager: &JobManager,
    job: &ClaimedJob,
    params: &JobParams,
    mut built: Built,
) -> Result<(), String> {
    let (tenant, id, server) = (&job.tenant, job.id.as_str(), manager.server_id.as_str());
    let stop = Stop::after(Duration::from_secs_f64(params.time_limit_seconds));
    let flag: Arc<AtomicBool> = stop.cancel_flag();
    manager.begin(id, Arc::clone(&flag));
    let storage = &manager.storage;
    let road = travel_of(params, manager);
    let watch = Watch::default();
    let mut on_progress = |p: &PlanProgress| {
        let Some(best) = &p.best else { return };
        let best = serde_json::to_value(best).unwrap_or(Value::Null);
        let saved = storage
            .run(|c| jobs::save_progress(c, tenant, id, server, &progress_json(p), Some(&best)));
        if let Err(e) = saved {
            tracing::warn!(job = id, error = %e, "cannot save plan progress");
        }
    };
    let searched = std::thread::scope(|scope| {
        let (done, beats) = mpsc::channel();
        let (flag, watch) = (&flag, &watch);
        scope.spawn(move || heartbeat(manager, job, flag, watch, &beats));
        // A road matrix is fetched inside the job's time limit (the stop
        // above is counting) and under its lease (the heartbeat runs).
        let searched = road.and_then(|road| {
            let resolved = road
                .as_ref()
                .map(|road| {
                    let cache = StoredLegs(storage);
                    crate::routing::resolve(&mut built.request, road, Some(&cache))
                })
                .transpose()
                .map_err(|e| format!("{e:#}"))?;
            let (plan, report) =
                plan_with_snapshots(&built.request, &stop, SNAPSHOT_EVERY, &mut on_progress)
                    .map_err(|e| e.to_string())?;
            Ok((plan, report, road, resolved))
        });
        drop(done);
        searched
    });
    manager.end(id);
    let (plan, report, road, resolved) = searched?;
    let built = &built;
    if watch.lost.load(Ordering::Relaxed) {
        tracing::warn!(job = id, "plan job lease lost: another server runs it");
        return Ok(());
    }
    if manager.is_stopping() && storage.is_shared() {
        // Another server runs it again from the start.
        storage
            .run(|c| jobs::release(c, tenant, id, server))
            .map_err(|e| e.to_string())?;
        return Ok(());
    }
    let cancelled = watch.cancelled.load(Ordering::Relaxed) || manager.is_stopping();
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
    storage
        .run(|c| {
            let mut tx = c.transaction()?;
            // Locks the job: still ours, and was it cancelled meanwhile?
            let lease = jobs::heartbeat(&mut tx, tenant, id, server)?;
            if !lease.held {
                return Ok(());
            }
            let cancelled = cancelled || lease.cancel_requested;
            if params.apply && !cancelled {
                apply_plan(&mut tx, tenant, &plan, &built.visits, &mut result)?;
            } else {
                result[READ_VISITS] = serde_json::to_value(&built.visits)?;
            }
            let status = if cancelled {
                Status::Cancelled
            } else {
                Status::Done
            };
            jobs::save_progress(
                &mut tx,
                tenant,
                id,
                server,
                &final_progress,
                Some(&result["plan"]),
            )?;
            jobs::finish(
                &mut tx,
                tenant,
                id,
                Ender::Holder(server),
                status,
                Some(&result),
                None,
            )?;
            tx.commit()
        })
        .map_err(|e| format!("recording the plan: {e}"))
}

/// Applies `plan` (read as `read` says) inside `tx`: the one conflict rule
/// ([`visits::apply`]: a visit changed or deleted since it was read is left
/// alone), recorded in `result` (`applied`, `appliedVisits`, `conflicts`).
/// The job applies with it when asked to, and so does a later
/// `POST /plans/{id}/apply`, which keeps nothing when there are conflicts.
pub fn apply_plan(
    tx: &mut Conn<'_>,
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
