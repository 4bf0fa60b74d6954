//! `/api/v2/drivers`: the same conventions as visits (list, get, upsert by
//! `id`, partial update, delete), plus the performer location:
//! `PUT /api/v2/drivers/{id}/location` (one location or a batch, in any
//! format of the jobs document) and `GET` of the latest one, and
//! `GET /api/v2/drivers/{id}/locations?date=` for a day's history.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ordo_solver::plan::PlanDate;
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
        .route("/api/v2/drivers/{id}/locations", get(location_history))
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
            "skill" => filter.array_holds("skills", value),
            "territory" => filter.array_holds("territories", value),
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
/// Every report goes to the driver's history; the latest by
/// `submitted_at` is the driver's location. When some report is older
/// than that, the answer is 200 and says so (`meta.latest: false`).
#[utoipa::path(put, path = "/api/v2/drivers/{id}/location", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id"),
           ("location" = Option<String>, Query, description = "lat,lon (instead of a body)")),
    request_body(content = ref("#/components/schemas/LocationReport"), description = "One location or a batch"),
    responses((status = 204, description = "Recorded; the newest report is the driver's latest location"),
              (status = 200, description = "Recorded, but some reports are older than the driver's latest \
                location: kept in the history only. meta: {latest: false, stored, olderThanLatest, \
                latestSubmittedAt, message}"),
              (status = 404, description = "No such driver", body = ref("#/components/schemas/Error")),
              (status = 422, description = "Bad location", body = ref("#/components/schemas/Error"))))]
pub async fn report_location(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, ApiError> {
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
    let recorded = state
        .db(move |c| locations::record(c, &tenant, &key, &reports))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no driver with _id or id {id}")))?;
    if recorded.older == 0 {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let meta = json!({
        "latest": false,
        "stored": recorded.stored,
        "olderThanLatest": recorded.older,
        "latestSubmittedAt": recorded.latest_submitted_at,
        "message": format!(
            "{} of {} reports are older than the driver's latest location (submitted_at {}): \
             kept in the history (GET /api/v2/drivers/{id}/locations?date=), not as the latest",
            recorded.older, recorded.stored, recorded.latest_submitted_at
        ),
    });
    Ok(envelope(meta, Value::Null).into_response())
}

/// The driver's reports of `date` (a day of the company's time zone),
/// oldest first: `data` is `[{location, lat, lng, submitted_at,
/// received_at}]`.
#[utoipa::path(get, path = "/api/v2/drivers/{id}/locations", tag = "drivers",
    params(("id" = String, Path, description = "_id or your id"),
           ("date" = String, Query, format = Date, description = "YYYY-MM-DD, in the company's time zone")),
    responses((status = 200, description = "The day's reports, oldest first; meta.totalRecords"),
              (status = 400, description = "Missing or bad date", body = ref("#/components/schemas/Error")),
              (status = 404, description = "No such driver", body = ref("#/components/schemas/Error"))))]
pub async fn location_history(
    State(state): State<AppState>,
    tenant: Tenant,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let text = query.get("date").map(|d| d.trim()).unwrap_or("");
    let date = PlanDate::parse(text).map_err(|e| ApiError::BadRequest(format!("date: {e}")))?;
    let day = |seconds: f64| {
        date.instant_ms(tenant.zone(), seconds)
            .ok_or_else(|| ApiError::BadRequest(format!("date: {text} is out of range")))
    };
    let (from, to) = (day(0.0)?, day(86_400.0)?);
    let key = id.clone();
    let reports = state
        .db(move |c| locations::history(c, &tenant, &key, from, to))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no driver with _id or id {id}")))?;
    let data: Vec<Value> = reports.iter().map(location_json).collect();
    Ok(envelope(json!({"totalRecords": data.len()}), data))
}

fn location_json(l: &locations::LatestLocation) -> Value {
    json!({"location": l.point.csv(), "lat": l.point.lat, "lng": l.point.lng,
           "submitted_at": l.submitted_at, "received_at": l.received_at})
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
    let data = latest.as_ref().map(location_json);
    Ok(envelope(json!({}), data))
}
