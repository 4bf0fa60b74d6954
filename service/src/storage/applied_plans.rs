//! Recording that a finished plan job was applied after it ended
//! (`POST /plans/{id}/apply`): its result is replaced once, only while it
//! is `done` and not applied yet, so two applies never both write.

use serde_json::Value;

use super::db::{args, Conn, Dialect};
use super::{StorageError, Tenant};

/// Stores `result` (now applied) for job `id` if it is still `done` and
/// unapplied; false when another apply got there first.
pub fn record_applied(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
    result: &Value,
) -> Result<bool, StorageError> {
    let unapplied = match conn.dialect() {
        Dialect::Sqlite => "json_extract(result, '$.applied') = 0",
        Dialect::Postgres => "(result::jsonb -> 'applied') = 'false'::jsonb",
    };
    let changed = conn.execute(
        &format!(
            "UPDATE plan_jobs SET result = ?3
             WHERE company_id = ?1 AND id = ?2 AND status = 'done' AND {unapplied}"
        ),
        &args![tenant.company_id(), id, result.to_string()],
    )?;
    Ok(changed > 0)
}
