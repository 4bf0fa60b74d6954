//! Plan jobs as rows, and the queue every server's workers share: status,
//! parameters, the latest progress and best plan, and the final result,
//! so every server shows the same job and a restart still shows finished
//! jobs.
//!
//! A worker claims the oldest queued job ([`claim_next`], `FOR UPDATE
//! SKIP LOCKED` on PostgreSQL, so workers never wait on each other's
//! pick): its attempt count goes up, and `claimed_by`/`lease_until` name
//! the server holding it and until when. The holder renews the lease
//! ([`heartbeat`]), which also tells it of a cancel asked on any server.
//! A job whose lease ran out (its server died) is claimed again, until it
//! has had [`MAX_ATTEMPTS`]. Every write of the holder names it, so a
//! server that lost its lease can no longer save or apply anything.

use serde_json::Value;

use super::db::{args, Conn, Row};
use super::{keys, now_millis, StorageError, Tenant};

/// Times a job may begin solving; a job interrupted that often fails.
pub const MAX_ATTEMPTS: i64 = 3;

/// How long a claim holds without a heartbeat (ms): also how long a dead
/// server's job waits before another server runs it again.
pub const LEASE_MILLIS: i64 = 10_000;

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
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    params: &Value,
) -> Result<(), StorageError> {
    conn.execute(
        "INSERT INTO plan_jobs (id, company_id, status, params, created_at) VALUES (?1, ?2, 'queued', ?3, ?4)",
        &args![id, tenant.company_id(), params.to_string(), now_millis()],
    )?;
    Ok(())
}

/// The tenant's job `id`.
pub fn get(conn: &mut Conn<'_>, tenant: &Tenant, id: &str) -> Result<Option<JobRow>, StorageError> {
    let Some(r) = conn.query_opt(
        "SELECT id, status, params, progress, best, result, error, created_at, started_at,
                finished_at, attempts
         FROM plan_jobs WHERE company_id = ?1 AND id = ?2",
        &args![tenant.company_id(), id],
    )?
    else {
        return Ok(None);
    };
    let json = |i: usize| json_column(&r, i);
    Ok(Some(JobRow {
        id: r.get(0)?,
        status: Status::parse(&r.get::<String>(1)?),
        params: serde_json::from_str(&r.get::<String>(2)?)?,
        progress: json(3)?,
        best: json(4)?,
        result: json(5)?,
        error: r.get(6)?,
        attempts: r.get(10)?,
        created_at: r.get(7)?,
        started_at: r.get(8)?,
        finished_at: r.get(9)?,
    }))
}

/// A job a worker now holds.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// Whose job.
    pub tenant: Tenant,
    /// Job id.
    pub id: String,
    /// The request as accepted.
    pub params: Value,
    /// This attempt's number (1 for the first run).
    pub attempts: i64,
}

/// Why [`claim_next`] passed over a job instead of handing it out.
fn exhausted_reason(attempts: i64) -> String {
    format!("interrupted by a server stop in each of its {attempts} attempts")
}

/// Claims the oldest job that is queued, or solving under a lease that
/// ran out, for server `server`, inside the caller's transaction (the
/// caller reads the day in the same one). A job whose lease ran out after
/// its last attempt fails instead, and the next is tried. `None` when no
/// job waits.
pub fn claim_next(conn: &mut Conn<'_>, server: &str) -> Result<Option<ClaimedJob>, StorageError> {
    loop {
        let now = now_millis();
        let sql = format!(
            "SELECT id, company_id, params, status, attempts FROM plan_jobs
             WHERE status = 'queued' OR (status = 'solving' AND lease_until < ?1)
             ORDER BY created_at, rowid LIMIT 1{}",
            conn.dialect().skip_locked()
        );
        let Some(row) = conn.query_opt(&sql, &args![now])? else {
            return Ok(None);
        };
        let (id, company, params): (String, i64, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let (status, attempts): (String, i64) = (row.get(3)?, row.get(4)?);
        if status == "solving" && attempts >= MAX_ATTEMPTS {
            conn.execute(
                "UPDATE plan_jobs SET status = 'failed', finished_at = ?2, claimed_by = NULL,
                        lease_until = NULL, error = ?3
                 WHERE id = ?1",
                &args![&id, now, exhausted_reason(attempts)],
            )?;
            continue;
        }
        // The seen status and attempt count must still hold: on SQLite
        // (no row locks) this is what keeps two claims apart.
        let claimed = conn.execute(
            "UPDATE plan_jobs SET status = 'solving', started_at = ?2, attempts = attempts + 1,
                    claimed_by = ?3, lease_until = ?4
             WHERE id = ?1 AND status = ?5 AND attempts = ?6",
            &args![&id, now, server, now + LEASE_MILLIS, &status, attempts],
        )?;
        if claimed == 0 {
            continue;
        }
        let Some(tenant) = keys::tenant_of_company(conn, company)? else {
            continue;
        };
        return Ok(Some(ClaimedJob {
            tenant,
            id,
            params: serde_json::from_str(&params)?,
            attempts: attempts + 1,
        }));
    }
}

/// What the holder of a job learns when it renews its lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    /// Still ours (false: the lease ran out and another server took it,
    /// or the job ended).
    pub held: bool,
    /// A cancel was asked (on any server).
    pub cancel_requested: bool,
}

/// Renews `server`'s lease on job `id`.
pub fn heartbeat(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    server: &str,
) -> Result<Lease, StorageError> {
    let row = conn.query_opt(
        "UPDATE plan_jobs SET lease_until = ?4
         WHERE company_id = ?1 AND id = ?2 AND claimed_by = ?3 AND status = 'solving'
         RETURNING cancel_requested",
        &args![tenant.company_id(), id, server, now_millis() + LEASE_MILLIS],
    )?;
    Ok(match row {
        Some(r) => Lease {
            held: true,
            cancel_requested: r.get::<i64>(0)? != 0,
        },
        None => Lease {
            held: false,
            cancel_requested: false,
        },
    })
}

/// Saves progress and, when given, the best plan so far, if `server`
/// still holds the job (renewing its lease); false when it does not.
pub fn save_progress(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    server: &str,
    progress: &Value,
    best: Option<&Value>,
) -> Result<bool, StorageError> {
    let saved = conn.execute(
        "UPDATE plan_jobs SET progress = ?4, best = coalesce(?5, best), lease_until = ?6
         WHERE company_id = ?1 AND id = ?2 AND claimed_by = ?3 AND status = 'solving'",
        &args![
            tenant.company_id(),
            id,
            server,
            progress.to_string(),
            best.map(Value::to_string),
            now_millis() + LEASE_MILLIS
        ],
    )?;
    Ok(saved > 0)
}

/// Who may end a job.
#[derive(Debug, Clone, Copy)]
pub enum Ender<'a> {
    /// The server holding it: only while it still does.
    Holder(&'a str),
    /// Anyone, while the job is queued (a cancel, a request that no
    /// longer parses) or solving (a runner's panic on its own server).
    Anyone,
}

/// Ends a job that is not final yet; false when it already was (or, for
/// [`Ender::Holder`], is no longer held by that server).
pub fn finish(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    by: Ender<'_>,
    status: Status,
    result: Option<&Value>,
    error: Option<&str>,
) -> Result<bool, StorageError> {
    let holder = match by {
        Ender::Holder(server) => Some(server),
        Ender::Anyone => None,
    };
    let changed = conn.execute(
        "UPDATE plan_jobs SET status = ?3, result = ?4, error = ?5, finished_at = ?6,
                claimed_by = NULL, lease_until = NULL
         WHERE company_id = ?1 AND id = ?2 AND status IN ('queued', 'solving')
           AND (?7 = 0 OR (claimed_by = ?8 AND status = 'solving'))",
        &args![
            tenant.company_id(),
            id,
            status.as_str(),
            result.map(Value::to_string),
            error,
            now_millis(),
            i64::from(holder.is_some()),
            holder
        ],
    )?;
    Ok(changed > 0)
}

/// Gives a job `server` holds back to the queue (the server stops), so
/// another server runs it; the attempt does not count against it.
pub fn release(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    server: &str,
) -> Result<bool, StorageError> {
    let released = conn.execute(
        "UPDATE plan_jobs SET status = 'queued', claimed_by = NULL, lease_until = NULL,
                attempts = attempts - 1
         WHERE company_id = ?1 AND id = ?2 AND claimed_by = ?3 AND status = 'solving'",
        &args![tenant.company_id(), id, server],
    )?;
    Ok(released > 0)
}

/// Asks job `id` to stop, from any server: a queued job is cancelled at
/// once; a solving one is flagged, and its holder stops at its next
/// heartbeat. False when the job was already final.
pub fn request_cancel(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
) -> Result<bool, StorageError> {
    let flagged = conn.execute(
        "UPDATE plan_jobs SET cancel_requested = 1
         WHERE company_id = ?1 AND id = ?2 AND status IN ('queued', 'solving')",
        &args![tenant.company_id(), id],
    )?;
    conn.execute(
        "UPDATE plan_jobs SET status = 'cancelled', finished_at = ?3
         WHERE company_id = ?1 AND id = ?2 AND status = 'queued'",
        &args![tenant.company_id(), id, now_millis()],
    )?;
    Ok(flagged > 0)
}

/// On start-up of the only server of an SQLite database: every job still
/// `solving` was held by a run that died, so it need not wait for its
/// lease to run out. It goes back to the queue, or fails when it has had
/// [`MAX_ATTEMPTS`]. Returns (requeued, failed). Never called on a shared
/// database, where the job may be running on another server.
pub fn recover_interrupted(conn: &mut Conn<'_>) -> Result<(usize, usize), StorageError> {
    let failed = conn.execute(
        "UPDATE plan_jobs SET status = 'failed', finished_at = ?1, claimed_by = NULL,
                lease_until = NULL,
                error = 'interrupted by a server stop in each of its ' || attempts || ' attempts'
         WHERE status = 'solving' AND attempts >= ?2",
        &args![now_millis(), MAX_ATTEMPTS],
    )?;
    let requeued = conn.execute(
        "UPDATE plan_jobs SET status = 'queued', claimed_by = NULL, lease_until = NULL
         WHERE status = 'solving'",
        &[],
    )?;
    Ok((requeued, failed))
}

/// A row's JSON text column, parsed.
fn json_column(row: &Row, index: usize) -> Result<Option<Value>, StorageError> {
    Ok(row
        .get::<Option<String>>(index)?
        .map(|t| serde_json::from_str(&t))
        .transpose()?)
}
