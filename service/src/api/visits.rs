//! `/api/v2/visits`: list (paginated, every filter of the visits
//! document), get one, upsert a batch by ERP `id`, partial update, delete.

use std::collections::HashMap;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ordo_solver::plan::{BoolLike, PlanDate};
use serde_json::Value;

use super::crud;
use super::envelope::pagination;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::resource::Filter;
use crate::storage::visits::Visits;
use crate::storage::Tenant;

/// The visits routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v2/visits", get(list).post(upsert))
        .route("/api/v2/visits/{id}", get(one).put(update).delete(remove))
}

/// A 0/1 filter (also `true`/`false`).
fn flag(name: &str, text: &str) -> Result<i64, ApiError> {
    BoolLike::Text(text.to_owned())
        .value()
        .map(i64::from)
        .map_err(|e| ApiError::BadRequest(format!("{name}: {e}")))
}

/// The list filters of the visits document, from the query string.
/// Unknown parameters (`api_key`, `format`) are ignored.
pub fn visit_filter(query: &HashMap<String, String>) -> Result<Filter, ApiError> {
    let mut filter = Filter::default();
    for (name, value) in query {
        let value = value.trim();
        match name.as_str() {
            "_id" => filter.eq("doc_id", value.to_owned()),
            "id" => filter.eq("erp_id", value.to_owned()),
            "date" => {
                PlanDate::parse(value).map_err(|e| ApiError::BadRequest(format!("date: {e}")))?;
                filter.eq("date", value.to_owned())
            }
            "driverId" => filter.eq("driver_id", value.to_owned()),
            "docNo" => filter.contains("doc_no", value),
            "closed" => filter.eq("closed", flag(name, value)?),
            "confirmClose" => filter.eq("confirm_close", flag(name, value)?),
            "inProgress" => filter.eq("in_progress", flag(name, value)?),
            "skipped" => filter.eq("skipped", flag(name, value)?),
            "priority" => {
                let p: i64 = value
                    .parse()
                    .ok()
                    .filter(|p| (1..=10).contains(p))
                    .ok_or_else(|| {
                        ApiError::BadRequest(format!("priority: expected 1..10, got \"{value}\""))
                    })?;
                filter.eq("priority", p)
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// Lists visits, 100 per page.
#[utoipa::path(get, path = "/api/v2/visits", tag = "visits",
    params(
        ("pagination" = Option<usize>, Query, description = "Start index (0, 100, 200 ...)"),
        ("_id" = Option<String>, Query, description = "Internal id"),
        ("id" = Option<String>, Query, description = "Your ERP id"),
        ("date" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("driverId" = Option<String>, Query, description = "Assigned driver"),
        ("docNo" = Option<String>, Query, description = "Document number contains"),
        ("closed" = Option<u8>, Query, description = "0 open, 1 closed"),
        ("confirmClose" = Option<u8>, Query, description = "0 or 1"),
        ("inProgress" = Option<u8>, Query, description = "0 or 1"),
        ("priority" = Option<u8>, Query, description = "1 (high) .. 10 (low)"),
        ("skipped" = Option<u8>, Query, description = "0 or 1"),
    ),
    responses(
        (status = 200, description = "A page of visits", body = ref("#/components/schemas/VisitList")),
        (status = 400, description = "Bad filter", body = ref("#/components/schemas/Error")),
    ))]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let filter = visit_filter(&query)?;
    crud::list::<Visits>(&state, tenant, filter, pagination(&query)?).await
}

/// One visit, by `_id` or ERP `id`.
#[utoipa::path(get, path = "/api/v2/visits/{id}", tag = "visits",
    params(("id" = String, Path, description = "_id or ERP id")),
    responses(
        (status = 200, description = "The visit in data", body = ref("#/components/schemas/Visit")),
        (status = 404, description = "No such visit", body = ref("#/components/schemas/Error")),
    ))]
pub async fn one(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    crud::get::<Visits>(&state, tenant, id).await
}

/// Inserts new and updates existing visits (by ERP `id`).
#[utoipa::path(post, path = "/api/v2/visits", tag = "visits",
    request_body(content = ref("#/components/schemas/VisitBatch"), description = "An array of visits"),
    responses(
        (status = 200, description = "meta.recordsInserted, recordsUpdated, errors[]",
         body = ref("#/components/schemas/UpsertResult")),
        (status = 400, description = "Malformed JSON", body = ref("#/components/schemas/Error")),
    ))]
pub async fn upsert(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    crud::upsert::<Visits>(&state, tenant, body).await
}

/// Changes some fields of a visit.
#[utoipa::path(put, path = "/api/v2/visits/{id}", tag = "visits",
    params(("id" = String, Path, description = "_id or ERP id")),
    request_body(content = ref("#/components/schemas/Visit"), description = "The fields to change"),
    responses(
        (status = 200, description = "meta.updatedRecords = 1"),
        (status = 404, description = "No such visit", body = ref("#/components/schemas/Error")),
        (status = 422, description = "Invalid field", body = ref("#/components/schemas/Error")),
    ))]
pub async fn update(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    crud::update::<Visits>(&state, tenant, id, body).await
}

/// Deletes a visit.
#[utoipa::path(delete, path = "/api/v2/visits/{id}", tag = "visits",
    params(("id" = String, Path, description = "_id or ERP id")),
    responses(
        (status = 200, description = "meta.deletedRecords = 1"),
        (status = 404, description = "No such visit", body = ref("#/components/schemas/Error")),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    crud::delete::<Visits>(&state, tenant, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_document_filter_parses_and_bad_values_are_400() {
        let all = query(&[
            ("_id", "a"),
            ("id", "1"),
            ("date", "2026-11-23"),
            ("driverId", "d"),
            ("docNo", "H-"),
            ("closed", "1"),
            ("confirmClose", "0"),
            ("inProgress", "true"),
            ("priority", "3"),
            ("skipped", "0"),
            ("api_key", "k"),
            ("pagination", "100"),
        ]);
        assert!(visit_filter(&all).is_ok());
        for bad in [
            ("date", "2026-13-01"),
            ("closed", "maybe"),
            ("priority", "high"),
        ] {
            let e = visit_filter(&query(&[bad])).err().unwrap();
            assert!(
                matches!(e, ApiError::BadRequest(ref m) if m.starts_with(bad.0)),
                "{e:?}"
            );
        }
    }
}
