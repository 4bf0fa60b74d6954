//! Plan jobs as rows: status, parameters, the latest progress and best
//! plan, and the final result, so a restart still shows finished jobs.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{now_millis, StorageError, Tenant};

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
            "SELECT id, status, params, progress, best, result, error, created_at, started_at, finished_at
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
                ))
            },
        )
        .optional()?;
    let Some((id, status, params, progress, best, result, error, created, started, finished)) = row
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
        created_at: created,
        started_at: started,
        finished_at: finished,
    }))
}

/// Marks a queued job as solving.
pub fn start(conn: &Connection, tenant: &Tenant, id: &str) -> Result<(), StorageError> {
    conn.execute(
        "UPDATE plan_jobs SET status = 'solving', started_at = ?3 WHERE company_id = ?1 AND id = ?2",
        params![tenant.company_id(), id, now_millis()],
    )?;
    Ok(())
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
        "UPDATE plan_jobs SET progress = ?3, best = coalesce(?4, best) WHERE company_id = ?1 AND id = ?2",
        params![
            tenant.company_id(),
            id,
            progress.to_string(),
            best.map(Value::to_string)
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
        "UPDATE plan_jobs SET status = ?3, result = ?4, error = ?5, finished_at = ?6
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

/// On start-up: jobs a previous run left queued or solving can no longer
/// finish; they fail with a message that says so.
pub fn fail_interrupted(conn: &Connection) -> Result<usize, StorageError> {
    Ok(conn.execute(
        "UPDATE plan_jobs SET status = 'failed', error = 'interrupted by a server restart',
         finished_at = ?1 WHERE status IN ('queued', 'solving')",
        [now_millis()],
    )?)
}
