//! `/api/v2/plans`: planning jobs. `POST` queues a job for a day (202 with
//! its id), `GET /{id}` shows status, progress, the best plan so far and
//! the final result, `DELETE /{id}` cancels and keeps the best plan.
//! `POST /{id}/apply` (applying a finished plan later) is `plan_apply.rs`.

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::envelope::envelope;
use super::extract::{ApiJson, ApiPath};
use crate::app::AppState;
use crate::error::ApiError;
use crate::jobs::{JobParams, READ_VISITS};
use crate::storage::jobs::{self, JobRow};
use crate::storage::{datetime_text, Tenant};

/// The plan job routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v2/plans", post(create))
        .route("/api/v2/plans/{id}", get(show).delete(cancel))
}

/// A job as the API shows it; its times as the visits document writes
/// dates (`2020-03-09 15:48:17`), local to the company's zone. The
/// versions an unapplied result keeps for a later apply stay inside.
pub(super) fn view(row: &JobRow, tenant: &Tenant) -> Value {
    let local = |millis: i64| datetime_text(millis, tenant.zone());
    let mut result = row.result.clone();
    if let Some(Value::Object(fields)) = &mut result {
        fields.remove(READ_VISITS);
    }
    json!({
        "id": row.id,
        "status": row.status.as_str(),
        "params": row.params,
        "progress": row.progress,
        "bestPlan": row.best,
        "result": result,
        "error": row.error,
        "attempts": row.attempts,
        "createdAt": local(row.created_at),
        "startedAt": row.started_at.map(local),
        "finishedAt": row.finished_at.map(local),
    })
}

/// Queues a planning job for the company's visits of `date`.
#[utoipa::path(post, path = "/api/v2/plans", tag = "plans",
    request_body(content = ref("#/components/schemas/PlanJobRequest")),
    responses(
        (status = 202, description = "Queued: data.id, and a Location header", body = ref("#/components/schemas/PlanJob")),
        (status = 422, description = "Invalid request", body = ref("#/components/schemas/Error")),
    ))]
pub async fn create(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let params = JobParams::from_json(&body).map_err(ApiError::fields)?;
    let manager = state.jobs.clone();
    let id = state
        .with_storage(move |_| manager.submit(tenant, params))
        .await??;
    let href = format!("/api/v2/plans/{id}");
    let mut response = (
        StatusCode::ACCEPTED,
        envelope(
            json!({}),
            json!({"id": id, "status": "queued", "href": href}),
        ),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&href) {
        response.headers_mut().insert(LOCATION, value);
    }
    Ok(response)
}

async fn load(state: &AppState, tenant: Tenant, id: String) -> Result<JobRow, ApiError> {
    let key = id.clone();
    state
        .db(move |c| jobs::get(c, &tenant, &key))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no plan job {id}")))
}

/// A job: status (`queued`, `solving`, `done`, `failed`, `cancelled`),
/// progress, best plan so far, result (plan, checker verdict, applied
/// visits and conflicts).
#[utoipa::path(get, path = "/api/v2/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = ref("#/components/schemas/PlanJob")),
        (status = 404, description = "No such job", body = ref("#/components/schemas/Error")),
    ))]
pub async fn show(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let row = load(&state, tenant.clone(), id).await?;
    Ok(envelope(json!({}), view(&row, &tenant)))
}

/// Cancels a queued or running job; a running one ends as `cancelled`
/// with the best plan it found (not applied). `meta.cancelled` is false
/// when the job had already finished.
#[utoipa::path(delete, path = "/api/v2/plans/{id}", tag = "plans",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job as it stands", body = ref("#/components/schemas/PlanJob")),
        (status = 404, description = "No such job", body = ref("#/components/schemas/Error")),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    // Look first: only the company's own jobs can be cancelled.
    let row = load(&state, tenant.clone(), id.clone()).await?;
    if row.status.is_final() {
        return Ok(envelope(json!({"cancelled": false}), view(&row, &tenant)));
    }
    let manager = state.jobs.clone();
    let (who, key) = (tenant.clone(), id.clone());
    let cancelled = state
        .with_storage(move |_| manager.cancel(&who, &key))
        .await??;
    let row = load(&state, tenant.clone(), id).await?;
    Ok(envelope(
        json!({"cancelled": cancelled}),
        view(&row, &tenant),
    ))
}
