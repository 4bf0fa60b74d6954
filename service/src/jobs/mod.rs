//! Planning jobs: accepted by the API, queued, solved on blocking threads
//! (at most `max_solves` at once; the others wait their turn), progress
//! and the best plan so far saved as they come, optionally applied to the
//! visits at the end. Cancelling stops the search and keeps its best plan.
//!
//! - `params.rs`: the job request and its validation.
//! - `build.rs`: stored visits and drivers → a `PlanRequest`.
//! - `reroute.rs`: a re-route's fields, and the published plan and driver
//!   positions it adds to the request.
//! - `run.rs`: one job from start to finish.

mod build;
mod params;
mod reroute;
mod run;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Semaphore;

use crate::storage::{jobs, random_id, Storage, StorageError, Tenant};

pub use params::{JobParams, PLAN_JOB_FIELDS};

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
    slots: Arc<Semaphore>,
    controls: Mutex<HashMap<String, Control>>,
}

impl JobManager {
    /// A manager running at most `max_solves` searches at once. Jobs a
    /// previous run left unfinished are marked failed.
    pub fn new(storage: Arc<Storage>, max_solves: usize) -> Result<Self, StorageError> {
        let interrupted = storage.run(|c| jobs::fail_interrupted(c))?;
        if interrupted > 0 {
            tracing::warn!(interrupted, "plan jobs interrupted by the last shutdown");
        }
        Ok(Self {
            storage,
            slots: Arc::new(Semaphore::new(max_solves.max(1))),
            controls: Mutex::new(HashMap::new()),
        })
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
        self.controls().insert(id.clone(), Control::default());
        let manager = Arc::clone(self);
        let job = id.clone();
        tokio::spawn(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let Ok(_slot) = Arc::clone(&manager.slots).acquire_owned().await else {
                return;
            };
            let runner = Arc::clone(&manager);
            let id = job.clone();
            let joined =
                tokio::task::spawn_blocking(move || run::run(&runner, &tenant, &id, &params)).await;
            if let Err(e) = joined {
                tracing::error!(job = %job, error = %e, "plan job panicked");
            }
            manager.controls().remove(&job);
        });
        Ok(id)
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
