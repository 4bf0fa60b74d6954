//! Plan jobs as rows: status, parameters, the latest progress and best
//! plan, and the final result, so a restart still shows finished jobs.
//!
//! A job is claimed when it starts solving: its attempt count goes up, and
//! `claimed_by`/`lease_until` name the server holding it and until when
//! (renewed with every progress save). A job whose server died while
//! solving goes back to the queue on the next start, until it has had
//! [`MAX_ATTEMPTS`]; that is the shape a shared database with expiring
//! leases (several servers) needs too.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{keys, now_millis, StorageError, Tenant};

/// Times a job may begin solving; a job interrupted that often fails.
pub const MAX_ATTEMPTS: i64 = 3;

/// How long a claim holds without a progress save (ms).
const LEASE_MILLIS: i64 = 60_000;

/// A job's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for a solver slot.
    Queued,
    /// Running.
    Solving,
    /// Finished (applied when asked).
    Done,
    /// Could not plan (the error says why).
    Failed,
    /// Stopped by the client; the best plan found is kept.
    Cancelled,
}

impl Status {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Solving => "solving",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Finished one way or another.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }

    fn parse(text: &str) -> Self {
        match text {
            "queued" => Self::Queued,
            "solving" => Self::Solving,
            "done" => Self::Done,
            "cancelled" => Self::Cancelled,
            _ => Self::Failed,
        }
    }
}

/// One stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// Job id.
    pub id: String,
    /// Status.
    pub status: Status,
    /// The request as accepted.
    pub params: Value,
    /// Latest progress.
    pub progress: Option<Value>,
    /// Best plan so far.
    pub best: Option<Value>,
    /// Final result.
    pub result: Option<Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// Times it began solving.
    pub attempts: i64,
    /// Times, ms since the epoch.
    pub created_at: i64,
    /// Solving began.
    pub started_at: Option<i64>,
    /// Finished.
    pub finished_at: Option<i64>,
}

/// Stores a new queued job.
pub fn insert(
    conn: &Connection,
    tenant: &Tenant,
    id: &str,
    params: &Value,
) -> Result<(), StorageError> {
    conn.execute(
        "INSERT INTO plan_jobs (id, company_id, status, params, created_at) VALUES (?1, ?2, 'queued', ?3, ?4)",
        params![id, tenant.company_id(), params.to_string(), now_millis()],
    )?;
    Ok(())
}

/// The tenant's job `id`.
pub fn get(conn: &Connection, tenant: &Tenant, id: &str) -> Result<Option<JobRow>, StorageError> {
    let row = conn
        .query_row(
            "SELECT id, status, params, progress, best, result, error, created_at, started_at,
                    finished_at, attempts
             FROM plan_jobs WHERE company_id = ?1 AND id = ?2",
            params![tenant.company_id(), id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, Option<i64>>(8)?,
                    r.get::<_, Option<i64>>(9)?,
                    r.get::<_, i64>(10)?,
                ))
            },
        )
        .optional()?;
    let Some((
        id,
        status,
        params,
        progress,
        best,
        result,
        error,
        created,
        started,
        finished,
        attempts,
    )) = row
    else {
        return Ok(None);
    };
    let json = |t: Option<String>| t.map(|t| serde_json::from_str(&t)).transpose();
    Ok(Some(JobRow {
        id,
        status: Status::parse(&status),
        params: serde_json::from_str(&params)?,
        progress: json(progress)?,
        best: json(best)?,
        result: json(result)?,
        error,
        attempts,
        created_at: created,
        started_at: started,
        finished_at: finished,
    }))
}

/// Claims a queued job for server `server`: it is solving, one attempt
/// more, leased. False when it is no longer queued (cancelled meanwhile).
pub fn start(
    conn: &Connection,
    tenant: &Tenant,
    id: &str,
    server: &str,
) -> Result<bool, StorageError> {
    let now = now_millis();
    let claimed = conn.execute(
        "UPDATE plan_jobs SET status = 'solving', started_at = ?3, attempts = attempts + 1,
                claimed_by = ?4, lease_until = ?5
         WHERE company_id = ?1 AND id = ?2 AND status = 'queued'",
        params![tenant.company_id(), id, now, server, now + LEASE_MILLIS],
    )?;
    Ok(claimed > 0)
}

/// Saves progress and, when given, the best plan so far.
pub fn save_progress(
    conn: &Connection,
    tenant: &Tenant,
    id: &str,
    progress: &Value,
    best: Option<&Value>,
) -> Result<(), StorageError> {
    conn.execute(
        "UPDATE plan_jobs SET progress = ?3, best = coalesce(?4, best), lease_until = ?5
         WHERE company_id = ?1 AND id = ?2",
        params![
            tenant.company_id(),
            id,
            progress.to_string(),
            best.map(Value::to_string),
            now_millis() + LEASE_MILLIS
        ],
    )?;
    Ok(())
}

/// Ends a job that is not final yet; false when it already was.
pub fn finish(
    conn: &Connection,
    tenant: &Tenant,
    id: &str,
    status: Status,
    result: Option<&Value>,
    error: Option<&str>,
) -> Result<bool, StorageError> {
    let changed = conn.execute(
        "UPDATE plan_jobs SET status = ?3, result = ?4, error = ?5, finished_at = ?6,
                claimed_by = NULL, lease_until = NULL
         WHERE company_id = ?1 AND id = ?2 AND status IN ('queued', 'solving')",
        params![
            tenant.company_id(),
            id,
            status.as_str(),
            result.map(Value::to_string),
            error,
            now_millis()
        ],
    )?;
    Ok(changed > 0)
}

/// On start-up of the only server of this database: every job still
/// `solving` was held by a run that died. It goes back to the queue, or
/// fails when it has had [`MAX_ATTEMPTS`]. Returns (requeued, failed).
pub fn recover_interrupted(conn: &Connection) -> Result<(usize, usize), StorageError> {
    let failed = conn.execute(
        "UPDATE plan_jobs SET status = 'failed', finished_at = ?1, claimed_by = NULL,
                lease_until = NULL,
                error = 'interrupted by a server stop in each of its ' || attempts || ' attempts'
         WHERE status = 'solving' AND attempts >= ?2",
        params![now_millis(), MAX_ATTEMPTS],
    )?;
    let requeued = conn.execute(
        "UPDATE plan_jobs SET status = 'queued', claimed_by = NULL, lease_until = NULL
         WHERE status = 'solving'",
        [],
    )?;
    Ok((requeued, failed))
}

/// A queued job to run again after a restart.
#[derive(Debug, Clone)]
pub struct QueuedJob {
    /// Whose job.
    pub tenant: Tenant,
    /// Job id.
    pub id: String,
    /// The request as accepted.
    pub params: Value,
}

/// Every queued job, oldest first.
pub fn queued(conn: &Connection) -> Result<Vec<QueuedJob>, StorageError> {
    let mut statement = conn.prepare(
        "SELECT company_id, id, params FROM plan_jobs WHERE status = 'queued'
         ORDER BY created_at, rowid",
    )?;
    let rows = statement
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut jobs = Vec::with_capacity(rows.len());
    for (company, id, params) in rows {
        if let Some(tenant) = keys::tenant_of_company(conn, company)? {
            jobs.push(QueuedJob {
                tenant,
                id,
                params: serde_json::from_str(&params)?,
            });
        }
    }
    Ok(jobs)
}
