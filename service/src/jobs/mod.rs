//! Planning jobs: accepted by the API on any server and queued in the
//! database; workers (the servers with a worker role) claim them from the
//! shared queue, at most `max_solves` at once each, solve them on
//! blocking threads, save progress and the best plan so far as they come,
//! and optionally apply the plan to the visits at the end, in the
//! transaction that records the result. Cancelling, on any server, stops
//! the search wherever it runs and keeps its best plan. A job whose
//! server died runs again: at once on the next start of an SQLite
//! server, when its lease runs out on a shared database; up to
//! [`jobs::MAX_ATTEMPTS`] times.
//!
//! - `params.rs`: the job request and its validation.
//! - `build.rs`: stored visits and drivers → a `PlanRequest`.
//! - `reroute.rs`: a re-route's fields, and the published plan and driver
//!   positions it adds to the request.
//! - `run.rs`: one claimed job from start to finish, with its heartbeat,
//!   and applying a plan (also used by `POST /plans/{id}/apply` later).

mod build;
mod params;
mod reroute;
mod run;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use crate::storage::jobs::{self, ClaimedJob, Ender};
use crate::storage::{random_id, Storage, StorageError, Tenant};

pub use build::ReadVisit;
pub use params::{JobParams, PLAN_JOB_FIELDS};
pub use run::{apply_plan, READ_VISITS};

/// How long an idle worker slot waits before looking at the queue again
/// (a job submitted on this server wakes it at once).
const IDLE_POLL: Duration = Duration::from_millis(500);

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

/// What a server does with plan jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Accepts jobs and solves them (one server, or every replica alike).
    All,
    /// Accepts jobs only: the workers solve them.
    Api,
    /// Solves queued jobs only (no HTTP).
    Worker,
}

impl Role {
    /// Claims and solves jobs.
    pub fn solves(self) -> bool {
        matches!(self, Self::All | Self::Worker)
    }
}

/// The plan jobs of one server.
pub struct JobManager {
    storage: Arc<Storage>,
    /// This run's name in the jobs it claims.
    server_id: String,
    max_solves: usize,
    role: Role,
    /// Stop flags of the searches running here, by job id.
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Wakes an idle worker slot (a job was submitted here).
    wake: Notify,
    /// Set on shutdown: claim nothing more.
    stopping: AtomicBool,
    /// The server's `--router`: road travel of jobs that name no travel.
    router: Option<crate::routing::Router>,
}

impl JobManager {
    /// A manager running at most `max_solves` searches at once when its
    /// role solves. On an SQLite database (one server), jobs a previous
    /// run left solving go back to the queue (or fail, after their last
    /// attempt) at once; [`JobManager::start_workers`] runs the queue.
    pub fn new(storage: Arc<Storage>, max_solves: usize, role: Role) -> Result<Self, StorageError> {
        if role.solves() && !storage.is_shared() {
            let (requeued, failed) = storage.run(jobs::recover_interrupted)?;
            if requeued + failed > 0 {
                tracing::warn!(requeued, failed, "plan jobs interrupted by the last stop");
            }
        }
        Ok(Self {
            storage,
            server_id: format!("server_{}", random_id(12)),
            max_solves: max_solves.max(1),
            role,
            running: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            stopping: AtomicBool::new(false),
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

    /// This server's name in the jobs it holds.
    pub fn server_id(&self) -> &str {
        &self.server_id
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores a queued job; returns its id. A worker slot of this server
    /// (or of any other) picks it up.
    pub fn submit(&self, tenant: Tenant, params: JobParams) -> Result<String, StorageError> {
        let id = format!("plan_{}", random_id(16));
        self.storage
            .run(|c| jobs::insert(c, &tenant, &id, &params.to_json()))?;
        self.wake.notify_one();
        Ok(id)
    }

    /// Starts the worker slots when the role solves. Call once from the
    /// runtime, after [`JobManager::new`].
    pub fn start_workers(self: &Arc<Self>) {
        if !self.role.solves() {
            return;
        }
        for _ in 0..self.max_solves {
            tokio::spawn(Arc::clone(self).slot());
        }
    }

    /// One solver slot: claims and runs jobs one after another; idle, it
    /// looks again every [`IDLE_POLL`] or when woken.
    async fn slot(self: Arc<Self>) {
        while !self.stopping.load(Ordering::Relaxed) {
            let manager = Arc::clone(&self);
            let ran = tokio::task::spawn_blocking(move || manager.run_next()).await;
            match ran {
                Ok(Ok(true)) => continue,
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "cannot claim a plan job"),
                Err(e) => tracing::error!(error = %e, "plan job slot failed"),
            }
            let _ = tokio::time::timeout(IDLE_POLL, self.wake.notified()).await;
        }
    }

    /// Claims the next job and runs it to its end; false when none waits.
    fn run_next(&self) -> Result<bool, StorageError> {
        if self.stopping.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let claimed = self.storage.run(|c| {
            let mut tx = c.transaction()?;
            let Some(job) = jobs::claim_next(&mut tx, &self.server_id)? else {
                return Ok(None);
            };
            // Read the day with the claim: a visit changed after this
            // point is a conflict when applying.
            let prepared = stored_params(&job.params)
                .map_err(|reason| format!("the stored request no longer parses: {reason}"))
                .and_then(|params| {
                    build::build(&mut tx, &job.tenant, &params).map(|built| (params, built))
                });
            tx.commit()?;
            Ok(Some((job, prepared)))
        })?;
        let Some((job, prepared)) = claimed else {
            return Ok(false);
        };
        tracing::info!(job = %job.id, attempt = job.attempts, "plan job claimed");
        let outcome = catch_unwind(AssertUnwindSafe(|| run::run(self, &job, prepared)));
        if let Err(panic) = outcome {
            self.record_panic(&job, &panic);
        }
        Ok(true)
    }

    /// Never leaves a job `solving` behind a runner that panicked.
    fn record_panic(&self, job: &ClaimedJob, panic: &(dyn std::any::Any + Send)) {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("panic");
        tracing::error!(job = %job.id, error = message, "plan job panicked");
        self.running().remove(&job.id);
        let reason = format!("internal error while planning: {message}");
        let failed = self.storage.run(|c| {
            jobs::finish(
                c,
                &job.tenant,
                &job.id,
                Ender::Holder(&self.server_id),
                jobs::Status::Failed,
                None,
                Some(&reason),
            )
        });
        if let Err(e) = failed {
            tracing::error!(job = %job.id, error = %e, "cannot record a failed plan job");
        }
    }

    /// Asks job `id` to stop, whichever server runs it: a queued job is
    /// cancelled at once; a running one stops its search (at once here,
    /// at its next heartbeat elsewhere) and keeps its best plan. False
    /// when the job had already ended.
    pub fn cancel(&self, tenant: &Tenant, id: &str) -> Result<bool, StorageError> {
        let asked = self.storage.run(|c| jobs::request_cancel(c, tenant, id))?;
        if let Some(stop) = self.running().get(id) {
            stop.store(true, Ordering::Relaxed);
        }
        Ok(asked)
    }

    /// Stops claiming jobs and stops the searches running here (server
    /// shutdown): on SQLite they end `cancelled` with their best plan; on
    /// a shared database they go back to the queue for another server.
    pub fn shutdown(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.wake.notify_waiters();
        for stop in self.running().values() {
            stop.store(true, Ordering::Relaxed);
        }
    }

    fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Relaxed)
    }

    /// Registers a running search's stop flag.
    fn begin(&self, id: &str, stop: Arc<AtomicBool>) {
        if self.is_stopping() {
            stop.store(true, Ordering::Relaxed);
        }
        self.running().insert(id.to_owned(), stop);
    }

    fn end(&self, id: &str) {
        self.running().remove(id);
    }
}
