//! `POST /api/v2/plans/{id}/apply`: publishes a finished (`done`) plan
//! job's plan to its visits after the job ended, as the page's Apply does.
//! The conflict rule is the job's own ([`apply_plan`]: a visit changed or
//! deleted since the job read the day is a conflict), but all or nothing:
//! with any conflict nothing is written and the answer is 409 listing the
//! visits. Applying an applied job again answers 200 and writes nothing.

use std::collections::HashMap;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use ordo_solver::plan::PlanResult;
use serde_json::{json, Value};

use super::envelope::envelope;
use super::extract::ApiPath;
use super::plans::view;
use crate::app::AppState;
use crate::error::ApiError;
use crate::jobs::{apply_plan, ReadVisit, READ_VISITS};
use crate::storage::applied_plans::record_applied;
use crate::storage::jobs::{self, JobRow, Status};
use crate::storage::{Conn, StorageError, Tenant};

/// The apply route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v2/plans/{id}/apply", post(apply))
}

/// How an apply ended, when it did not fail.
enum Applied {
    /// Written now: the job as it is now, and the visits written.
    Now(JobRow, usize),
    /// Applied before (by the job itself or an earlier apply): nothing written.
    Before(JobRow),
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError::Conflict {
        message: message.into(),
        conflicts: Vec::new(),
    }
}

/// Applies a finished plan job's plan to the visits it planned, all or
/// nothing, with the conflict rule of the job's own apply. Answers 409
/// (nothing written) when a visit changed since the job read the day
/// (`meta.conflicts` lists each: visitId, id, reason) or when the job
/// cannot be applied (not done, or its plan breaks a rule); 200 with
/// `meta.alreadyApplied` true when it was applied before.
#[utoipa::path(post, path = "/api/v2/plans/{id}/apply", tag = "plans",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "Applied (meta.appliedVisits), or applied before \
            (meta.alreadyApplied, nothing written); data is the job", body = ref("#/components/schemas/PlanJob")),
        (status = 404, description = "No such job (for this company)", body = ref("#/components/schemas/Error")),
        (status = 409, description = "Nothing written: visits changed since the job read the day \
            (meta.conflicts: [{visitId, id, reason}]), or the job is not done or its plan \
            breaks a rule", body = ref("#/components/schemas/Error")),
    ))]
pub async fn apply(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (who, key) = (tenant.clone(), id.clone());
    let applied = state.db(move |c| apply_job(c, &who, &key)).await??;
    let (row, meta) = match applied {
        Applied::Now(row, count) => (
            row,
            json!({"alreadyApplied": false, "appliedVisits": count}),
        ),
        Applied::Before(row) => (row, json!({"alreadyApplied": true, "appliedVisits": 0})),
    };
    Ok(envelope(meta, view(&row, &tenant)))
}

/// The transaction of one apply; the outer error is the database's.
fn apply_job(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    id: &str,
) -> Result<Result<Applied, ApiError>, StorageError> {
    let mut tx = conn.transaction()?;
    let Some(mut row) = jobs::get(&mut tx, tenant, id)? else {
        return Ok(Err(ApiError::NotFound(format!("no plan job {id}"))));
    };
    let mut result = match appliable(&row) {
        Ok(Some(result)) => result,
        Ok(None) => return Ok(Ok(Applied::Before(row))),
        Err(refusal) => return Ok(Err(refusal)),
    };
    let (plan, read) = match stored_plan(&result) {
        Ok(stored) => stored,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let outcome = apply_plan(&mut tx, tenant, &plan, &read, &mut result)?;
    if !outcome.conflicts.is_empty() {
        // Dropping the transaction rolls back what was written.
        let conflicts = result["conflicts"].as_array().cloned().unwrap_or_default();
        let message = format!(
            "{} of the plan's visits changed since the job read the day; nothing was applied \
             (plan the day again)",
            conflicts.len()
        );
        return Ok(Err(ApiError::Conflict { message, conflicts }));
    }
    if let Some(fields) = result.as_object_mut() {
        fields.remove(READ_VISITS);
    }
    if !record_applied(&mut tx, tenant, id, &result)? {
        return Ok(Err(refused(format!(
            "plan job {id} changed while being applied; nothing was applied (ask again)"
        ))));
    }
    tx.commit()?;
    row.result = Some(result);
    Ok(Ok(Applied::Now(row, outcome.applied)))
}

/// The result of a job that may be applied now; `None` when it already
/// was.
fn appliable(row: &JobRow) -> Result<Option<Value>, ApiError> {
    if row.status != Status::Done {
        return Err(refused(format!(
            "plan job {} is {}: only a done job's plan can be applied",
            row.id,
            row.status.as_str()
        )));
    }
    let Some(result) = row.result.clone() else {
        return Err(refused(format!("plan job {} has no result", row.id)));
    };
    if result["applied"] == true {
        return Ok(None);
    }
    if result["feasible"] == false {
        return Err(refused(format!(
            "plan job {}'s plan breaks a rule the checker enforces ({}); it is not applied",
            row.id, result["violations"]
        )));
    }
    Ok(Some(result))
}

/// The plan and the visits as the job read them, from its result.
fn stored_plan(result: &Value) -> Result<(PlanResult, HashMap<String, ReadVisit>), ApiError> {
    let unreadable = |what: &str, e: serde_json::Error| {
        refused(format!(
            "the job's {what} cannot be read by this server ({e}); plan the day again"
        ))
    };
    let read = result
        .get(READ_VISITS)
        .cloned()
        .ok_or_else(|| refused("the job does not keep the visits it read; plan the day again"))?;
    let read = serde_json::from_value(read).map_err(|e| unreadable("visits", e))?;
    let plan = serde_json::from_value(result["plan"].clone()).map_err(|e| unreadable("plan", e))?;
    Ok((plan, read))
}
