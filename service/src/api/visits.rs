//! `/api/v2/visits`: list (paginated, every filter of the visits
//! document, ordered by `order_field`/`order_direction`), get one, upsert
//! a batch by ERP `id` (also at `POST /api/v2/visits/{id}`, as the
//! document's "Add visits" example sends it), partial update, delete.

use std::collections::HashMap;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ordo_solver::model::Priority;
use ordo_solver::plan::{BoolLike, PlanDate};
use serde_json::Value;

use super::crud;
use super::envelope::pagination;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::resource::{Filter, OrderKey};
use crate::storage::visits::Visits;
use crate::storage::Tenant;

/// The visits routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v2/visits", get(list).post(upsert))
        .route(
            "/api/v2/visits/{id}",
            get(one).put(update).delete(remove).post(upsert_at),
        )
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
            // Unassigned visits are stored without a driver.
            "driverId" if value.is_empty() => filter.is_null("driver_id"),
            "driverId" => filter.eq("driver_id", value.to_owned()),
            "docNo" => filter.contains("doc_no", value),
            "closed" => filter.eq("closed", flag(name, value)?),
            "confirmClose" => filter.eq("confirm_close", flag(name, value)?),
            "inProgress" => filter.eq("in_progress", flag(name, value)?),
            "skipped" => filter.eq("skipped", flag(name, value)?),
            "priority" => {
                let p = value
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| format!("must be 1..10, got \"{value}\""))
                    .and_then(Priority::new)
                    .map_err(|e| ApiError::BadRequest(format!("priority: {e}")))?;
                filter.eq("priority", i64::from(p.get()))
            }
            _ => {}
        }
    }
    order(query, &mut filter)?;
    Ok(filter)
}

/// The fields a list can be ordered by (`order_field`), as SQL.
const ORDER_FIELDS: &[(&str, OrderKey)] = &[
    ("serviceOrder", OrderKey::JsonInteger("serviceOrder")),
    ("date", OrderKey::Column("date")),
    ("driverId", OrderKey::Column("driver_id")),
    // Numbers sort before text, and numerically.
    ("id", OrderKey::JsonValue("id")),
];

/// `order_field` and `order_direction` (`asc`, default, or `desc`), the
/// jobs document's names; ties keep insertion order.
fn order(query: &HashMap<String, String>, filter: &mut Filter) -> Result<(), ApiError> {
    let field = query.get("order_field").map(|f| f.trim()).unwrap_or("");
    let direction = query.get("order_direction").map(|d| d.trim()).unwrap_or("");
    let descending = match direction.to_ascii_lowercase().as_str() {
        "" | "asc" => false,
        "desc" => true,
        _ => {
            return Err(ApiError::BadRequest(format!(
                "order_direction: expected asc or desc, got \"{direction}\""
            )))
        }
    };
    if field.is_empty() {
        return Ok(());
    }
    let (_, sql) = ORDER_FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "order_field: expected one of serviceOrder, date, driverId, id, got \"{field}\""
            ))
        })?;
    filter.order_by(*sql, descending);
    Ok(())
}

/// Lists visits, 100 per page.
#[utoipa::path(get, path = "/api/v2/visits", tag = "visits",
    params(
        ("pagination" = Option<usize>, Query, description = "Start index (0, 100, 200 ...)"),
        ("_id" = Option<String>, Query, description = "Internal id"),
        ("id" = Option<String>, Query, description = "Your ERP id"),
        ("date" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("driverId" = Option<String>, Query, description = "Assigned driver; empty (driverId=) lists the unassigned visits"),
        ("docNo" = Option<String>, Query, description = "Document number contains (case folded, any script)"),
        ("closed" = Option<u8>, Query, description = "0 open, 1 closed"),
        ("confirmClose" = Option<u8>, Query, description = "0 or 1"),
        ("inProgress" = Option<u8>, Query, description = "0 or 1"),
        ("priority" = Option<u8>, Query, description = "1 (high) .. 10 (low)"),
        ("skipped" = Option<u8>, Query, description = "0 or 1"),
        ("order_field" = Option<OrderField>, Query, description = "Order by this field (default: insertion order); ties keep insertion order"),
        ("order_direction" = Option<OrderDirection>, Query, description = "asc (default) or desc"),
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

/// What a list can be ordered by.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, non_camel_case_types)] // documents the parameter only
pub enum OrderField {
    /// The sequence in the driver's day.
    serviceOrder,
    /// The visit's date.
    date,
    /// The driver.
    driverId,
    /// Your ERP id (numbers numerically, before text).
    id,
}

/// Ascending or descending.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, non_camel_case_types)] // documents the parameter only
pub enum OrderDirection {
    /// Smallest first (default).
    asc,
    /// Largest first.
    desc,
}

/// Inserts new visits and merges existing ones (by ERP `id`), field by
/// field: fields sent replace the stored ones, fields not sent are kept
/// (a re-sync without `serviceOrder`, `driverId` or `eta` keeps what a
/// plan wrote; sent, the ERP's values win).
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

/// The same upsert at the path the document's "Add visits" example uses
/// (`POST /api/v2/visits/1`): the records carry their ids, the path's is
/// not used.
#[utoipa::path(post, path = "/api/v2/visits/{id}", tag = "visits",
    params(("id" = String, Path, description = "Not used: the records carry their ids")),
    request_body(content = ref("#/components/schemas/VisitBatch"), description = "An array of visits"),
    responses(
        (status = 200, description = "meta.recordsInserted, recordsUpdated, errors[]",
         body = ref("#/components/schemas/UpsertResult")),
        (status = 400, description = "Malformed JSON", body = ref("#/components/schemas/Error")),
    ))]
pub async fn upsert_at(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(_id): ApiPath<String>,
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
            ("order_field", "serviceOrder"),
            ("order_direction", "desc"),
            ("api_key", "k"),
            ("pagination", "100"),
        ]);
        assert!(visit_filter(&all).is_ok());
        for bad in [
            ("date", "2026-13-01"),
            ("closed", "maybe"),
            ("priority", "high"),
            ("priority", "11"),
            ("order_field", "customer"),
            ("order_direction", "up"),
        ] {
            let e = visit_filter(&query(&[bad])).err().unwrap();
            assert!(
                matches!(e, ApiError::BadRequest(ref m) if m.starts_with(bad.0)),
                "{e:?}"
            );
        }
    }
}
