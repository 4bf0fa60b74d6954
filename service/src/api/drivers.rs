//! `/api/v2/drivers`: the same conventions as visits (list, get, upsert by
//! `id`, partial update, delete), plus the performer location:
//! `PUT /api/v2/drivers/{id}/location` (one location or a batch, in any
//! format of the jobs document) and `GET` of the latest one.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::crud;
use super::envelope::{envelope, pagination};
use super::extract::{parse_json, ApiJson, ApiPath, ApiQuery};
use crate::app::AppState;
use crate::error::ApiError;
use crate::records::location::{parse_location_reports, LocationReport};
use crate::storage::drivers::Drivers;
use crate::storage::locations;
use crate::storage::resource::Filter;
use crate::storage::Tenant;

/// The drivers routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v2/drivers", get(list).post(upsert))
        .route("/api/v2/drivers/{id}", get(one).put(update).delete(remove))
        .route(
            "/api/v2/drivers/{id}/location",
            get(location).put(report_location),
        )
}

/// Driver filters: `_id`, `id`, `vehicleId`, `skill`, `territory`.
pub fn driver_filter(query: &HashMap<String, String>) -> Filter {
    let mut filter = Filter::default();
    for (name, value) in query {
        let value = value.trim();
        match name.as_str() {
            "_id" => filter.eq("doc_id", value.to_owned()),
            "id" => filter.eq("erp_id", value.to_owned()),
            "vehicleId" => filter.eq("vehicle_id", value.to_owned()),
            "skill" => filter.array_holds("$.skills", value),
            "territory" => filter.array_holds("$.territories", value),
            _ => {}
        }
    }
    filter
}

/// Lists drivers, 100 per page.
#[utoipa::path(get, path = "/api/v2/drivers", tag = "drivers",
    params(
        ("pagination" = Option<usize>, Query, description = "Start index"),
        ("_id" = Option<String>, Query, description = "Internal id"),
        ("id" = Option<String>, Query, description = "Your id"),
        ("vehicleId" = Option<String>, Query, description = "Vehicle"),
        ("skill" = Option<String>, Query, description = "Holds this skill"),
        ("territory" = Option<String>, Query, description = "Serves this territory"),
    ),
    responses((status = 200, description = "A page of drivers", body = ref("#/components/schemas/DriverList"))))]
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let start = pagination(&query)?;
    crud::list::<Drivers>(&state, tenant, driver_filter(&query), start).await
}

/// One driver, by `_id` or `id`.
#[utoipa::path(get, path = "/api/v2/drivers/{id}", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id")),
    responses(
        (status = 200, description = "The driver in data", body = ref("#/components/schemas/Driver")),
        (status = 404, description = "No such driver", body = ref("#/components/schemas/Error")),
    ))]
pub async fn one(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    crud::get::<Drivers>(&state, tenant, id).await
}

/// Inserts new and updates existing drivers (by `id`).
#[utoipa::path(post, path = "/api/v2/drivers", tag = "drivers",
    request_body(content = ref("#/components/schemas/DriverBatch"), description = "An array of drivers"),
    responses((status = 200, description = "Counts and errors", body = ref("#/components/schemas/UpsertResult"))))]
pub async fn upsert(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    crud::upsert::<Drivers>(&state, tenant, body).await
}

/// Changes some fields of a driver.
#[utoipa::path(put, path = "/api/v2/drivers/{id}", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id")),
    request_body(content = ref("#/components/schemas/Driver"), description = "The fields to change"),
    responses((status = 200, description = "meta.updatedRecords = 1"),
              (status = 422, description = "Invalid field", body = ref("#/components/schemas/Error"))))]
pub async fn update(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    crud::update::<Drivers>(&state, tenant, id, body).await
}

/// Deletes a driver (and its location).
#[utoipa::path(delete, path = "/api/v2/drivers/{id}", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id")),
    responses((status = 200, description = "meta.deletedRecords = 1")))]
pub async fn remove(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    crud::delete::<Drivers>(&state, tenant, id).await
}

/// Records the performer's location: a body `{location, submitted_at}`,
/// `{"data": {...}}` or a batch `{"data": [...]}`, or `?location=lat,lon`.
/// The latest by `submitted_at` is kept.
#[utoipa::path(put, path = "/api/v2/drivers/{id}/location", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id"),
           ("location" = Option<String>, Query, description = "lat,lon (instead of a body)")),
    request_body(content = ref("#/components/schemas/LocationReport"), description = "One location or a batch"),
    responses((status = 204, description = "Recorded"),
              (status = 404, description = "No such driver", body = ref("#/components/schemas/Error")),
              (status = 422, description = "Bad location", body = ref("#/components/schemas/Error"))))]
pub async fn report_location(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let payload: Value = if body.iter().all(u8::is_ascii_whitespace) {
        match query.get("location") {
            Some(l) => json!({"location": l, "submitted_at": query.get("submitted_at")}),
            None => return Err(ApiError::field("location", "is required")),
        }
    } else {
        parse_json(&body)?
    };
    let reports: Vec<LocationReport> =
        parse_location_reports(&payload).map_err(|e| ApiError::Validation {
            message: e,
            errors: Vec::new(),
        })?;
    let key = id.clone();
    let found = state
        .db(move |c| locations::record(c, &tenant, &key, &reports))
        .await?;
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound(format!("no driver with _id or id {id}")))
    }
}

/// The driver's latest location: `data` is `{location: "lat,lon", lat,
/// lng, submitted_at, received_at}`, or null before the first report.
#[utoipa::path(get, path = "/api/v2/drivers/{id}/location", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id")),
    responses((status = 200, description = "The latest location, or null"),
              (status = 404, description = "No such driver", body = ref("#/components/schemas/Error"))))]
pub async fn location(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let key = id.clone();
    let latest = state
        .db(move |c| locations::latest(c, &tenant, &key))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no driver with _id or id {id}")))?;
    let data = latest.map(|l| {
        json!({"location": l.point.csv(), "lat": l.point.lat, "lng": l.point.lng,
               "submitted_at": l.submitted_at, "received_at": l.received_at})
    });
    Ok(envelope(json!({}), data))
}
