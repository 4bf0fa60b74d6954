//! Planning jobs: accepted by the API, queued, solved on blocking threads
//! (at most `max_solves` at once; the others wait their turn), progress
//! and the best plan so far saved as they come, optionally applied to the
//! visits at the end, in the transaction that records the result.
//! Cancelling stops the search and keeps its best plan. A job the last
//! run left queued or solving (a crash, a kill) runs again on start, up
//! to [`jobs::MAX_ATTEMPTS`] times.
//!
//! - `params.rs`: the job request and its validation.
//! - `build.rs`: stored visits and drivers → a `PlanRequest`.
//! - `reroute.rs`: a re-route's fields, and the published plan and driver
//!   positions it adds to the request.
//! - `run.rs`: one job from start to finish, and applying a plan (also
//!   used by `POST /plans/{id}/apply` later).

mod build;
mod params;
mod reroute;
mod run;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Semaphore;

use crate::storage::{jobs, random_id, Storage, StorageError, Tenant};

pub use build::ReadVisit;
pub use params::{JobParams, PLAN_JOB_FIELDS};
pub use run::{apply_plan, READ_VISITS};

/// A stored request (`JobParams::to_json`, which shows unset fields as
/// null) as parameters again.
fn stored_params(stored: &serde_json::Value) -> Result<JobParams, String> {
    let mut body = stored.clone();
    if let Some(fields) = body.as_object_mut() {
        fields.retain(|_, v| !v.is_null());
    }
    JobParams::from_json(&body).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// What a cancel needs to reach a job, queued or solving.
#[derive(Default)]
struct Control {
    cancelled: bool,
    /// The running search's stop flag, once it runs.
    stop: Option<Arc<AtomicBool>>,
}

/// The jobs of one server.
pub struct JobManager {
    storage: Arc<Storage>,
    /// This run's name in the jobs it claims.
    server_id: String,
    slots: Arc<Semaphore>,
    controls: Mutex<HashMap<String, Control>>,
    /// The server's `--router`: road travel of jobs that name no travel.
    router: Option<crate::routing::Router>,
}

impl JobManager {
    /// A manager running at most `max_solves` searches at once. Jobs a
    /// previous run left solving go back to the queue (or fail, after
    /// their last attempt); [`JobManager::resume`] runs the queue.
    pub fn new(storage: Arc<Storage>, max_solves: usize) -> Result<Self, StorageError> {
        let (requeued, failed) = storage.run(|c| jobs::recover_interrupted(c))?;
        if requeued + failed > 0 {
            tracing::warn!(requeued, failed, "plan jobs interrupted by the last stop");
        }
        Ok(Self {
            storage,
            server_id: format!("server_{}", random_id(12)),
            slots: Arc::new(Semaphore::new(max_solves.max(1))),
            controls: Mutex::new(HashMap::new()),
            router: None,
        })
    }

    /// Plans jobs that name no travel on `router`'s road times.
    pub fn with_router(self, router: Option<crate::routing::Router>) -> Self {
        Self { router, ..self }
    }

    /// The server's road router, if any.
    pub fn router(&self) -> Option<&crate::routing::Router> {
        self.router.as_ref()
    }

    fn controls(&self) -> std::sync::MutexGuard<'_, HashMap<String, Control>> {
        self.controls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a queued job and schedules it; returns its id. Call from
    /// the runtime (it spawns a task).
    pub fn submit(
        self: &Arc<Self>,
        tenant: Tenant,
        params: JobParams,
    ) -> Result<String, StorageError> {
        let id = format!("plan_{}", random_id(16));
        self.storage
            .run(|c| jobs::insert(c, &tenant, &id, &params.to_json()))?;
        self.schedule(tenant, id.clone(), params);
        Ok(id)
    }

    /// Schedules every job left queued by the last run, oldest first; a
    /// stored request that no longer parses fails with the reason. Call
    /// once from the runtime, after [`JobManager::new`].
    pub fn resume(self: &Arc<Self>) -> Result<usize, StorageError> {
        let queued = self.storage.run(|c| jobs::queued(c))?;
        let count = queued.len();
        for job in queued {
            match stored_params(&job.params) {
                Ok(params) => self.schedule(job.tenant, job.id, params),
                Err(reason) => {
                    let reason = format!("the stored request no longer parses: {reason}");
                    self.storage.run(|c| {
                        jobs::finish(
                            c,
                            &job.tenant,
                            &job.id,
                            jobs::Status::Failed,
                            None,
                            Some(&reason),
                        )
                    })?;
                }
            }
        }
        if count > 0 {
            tracing::info!(count, "plan jobs resumed");
        }
        Ok(count)
    }

    /// Runs job `id` when a solver slot frees up.
    fn schedule(self: &Arc<Self>, tenant: Tenant, id: String, params: JobParams) {
        self.controls().insert(id.clone(), Control::default());
        let manager = Arc::clone(self);
        tokio::spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let Ok(_slot) = Arc::clone(&manager.slots).acquire_owned().await else {
                return;
            };
            let runner = Arc::clone(&manager);
            let (who, job) = (tenant.clone(), id.clone());
            let joined =
                tokio::task::spawn_blocking(move || run::run(&runner, &who, &job, &params)).await;
            if let Err(e) = joined {
                // Never leave a job `solving` behind a dead runner.
                tracing::error!(job = %id, error = %e, "plan job panicked");
                let reason = format!("internal error while planning: {e}");
                let failed = manager.storage.run(|c| {
                    jobs::finish(c, &tenant, &id, jobs::Status::Failed, None, Some(&reason))
                });
                if let Err(e) = failed {
                    tracing::error!(job = %id, error = %e, "cannot record a failed plan job");
                }
            }
            manager.controls().remove(&id);
        });
    }

    /// Asks job `id` to stop. A queued job is cancelled at once; a running
    /// one stops its search and keeps its best plan. False when the job is
    /// not running or queued here.
    pub fn cancel(&self, tenant: &Tenant, id: &str) -> Result<bool, StorageError> {
        {
            let mut controls = self.controls();
            let Some(control) = controls.get_mut(id) else {
                return Ok(false);
            };
            control.cancelled = true;
            if let Some(stop) = &control.stop {
                stop.store(true, Ordering::Relaxed);
            }
        }
        // Still queued: it will not run, say so now. (Solving jobs are
        // finished by their runner with the plan they reached.)
        self.storage.run(|c| {
            let row = jobs::get(c, tenant, id)?;
            if row.is_some_and(|r| r.status == jobs::Status::Queued) {
                jobs::finish(c, tenant, id, jobs::Status::Cancelled, None, None)?;
            }
            Ok(true)
        })
    }

    /// Stops every queued and running job (server shutdown): running
    /// searches end `cancelled` with their best plan.
    pub fn cancel_all(&self) {
        for control in self.controls().values_mut() {
            control.cancelled = true;
            if let Some(stop) = &control.stop {
                stop.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Registers the search's stop flag; false when the job was cancelled
    /// before it could start.
    fn begin(&self, id: &str, stop: Arc<AtomicBool>) -> bool {
        let mut controls = self.controls();
        let control = controls.entry(id.to_owned()).or_default();
        if control.cancelled {
            return false;
        }
        control.stop = Some(stop);
        true
    }

    fn was_cancelled(&self, id: &str) -> bool {
        self.controls().get(id).is_some_and(|c| c.cancelled)
    }
}
