//! The handlers' common part for record resources (visits, drivers):
//! list, get, upsert a batch, partial update and delete, answered in the
//! visits document's envelopes.

use axum::Json;
use serde_json::{json, Value};

use super::envelope::{envelope, list as list_envelope};
use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::resource::{self, Filter, Resource, UpdateError, UpsertOutcome};
use crate::storage::Tenant;

fn not_found<R: Resource>(key: &str) -> ApiError {
    ApiError::NotFound(format!("no {} with _id or id {key}", R::NOUN))
}

/// A page of records.
pub async fn list<R: Resource>(
    state: &AppState,
    tenant: Tenant,
    filter: Filter,
    start: usize,
) -> Result<Json<Value>, ApiError> {
    let page = state
        .db(move |c| resource::list::<R>(c, &tenant, &filter, start))
        .await?;
    Ok(list_envelope(page))
}

/// One record by `_id` or ERP `id`.
pub async fn get<R: Resource>(
    state: &AppState,
    tenant: Tenant,
    key: String,
) -> Result<Json<Value>, ApiError> {
    let lookup = key.clone();
    match state
        .db(move |c| resource::get::<R>(c, &tenant, &lookup))
        .await?
    {
        Some(record) => Ok(envelope(json!({}), record)),
        None => Err(not_found::<R>(&key)),
    }
}

/// The upsert answer: counts, and one `errors` entry per bad field of a
/// refused record, naming the record (batch index and `id`) and the field.
fn upsert_meta<R: Resource>(outcome: &UpsertOutcome) -> Value {
    let errors: Vec<Value> = outcome
        .errors
        .iter()
        .flat_map(|record| {
            let label = match &record.id {
                Some(id) => format!("{}[{}] (id {id})", R::TABLE, record.index),
                None => format!("{}[{}]", R::TABLE, record.index),
            };
            record.errors.iter().map(move |e| {
                let message = if e.field.is_empty() {
                    format!("{label}: {}", e.message)
                } else {
                    format!("{label}: {}: {}", e.field, e.message)
                };
                json!({"error": 422, "message": message, "index": record.index,
                       "id": record.id, "field": e.field})
            })
        })
        .collect();
    let failed = outcome.errors.len();
    let mut meta = json!({"recordsInserted": outcome.inserted, "recordsUpdated": outcome.updated,
                          "recordsFailed": failed, "errors": errors});
    // Still a 200 (the document's contract), but a batch that stored
    // nothing says so in words, not only in counts.
    if failed > 0 && outcome.inserted + outcome.updated == 0 {
        meta["error"] = format!("no record stored: all {failed} were refused (see errors)").into();
    }
    meta
}

/// Inserts or updates (by ERP `id`) an array of record objects. Bad
/// records are reported, the rest stored; a body of another shape (the
/// OpenAPI document's rule) is a 422.
pub async fn upsert<R: Resource>(
    state: &AppState,
    tenant: Tenant,
    body: Value,
) -> Result<Json<Value>, ApiError> {
    let Value::Array(items) = body else {
        return Err(ApiError::field(
            "",
            format!("expected an array of {} objects, got {body}", R::NOUN),
        ));
    };
    if let Some(i) = items.iter().position(|item| !item.is_object()) {
        return Err(ApiError::field(
            &format!("[{i}]"),
            format!("expected a {} object, got {}", R::NOUN, items[i]),
        ));
    }
    let outcome = state
        .db(move |c| resource::upsert::<R>(c, &tenant, items))
        .await?;
    Ok(envelope(upsert_meta::<R>(&outcome), Value::Null))
}

/// Changes the fields sent, keeps the others.
pub async fn update<R: Resource>(
    state: &AppState,
    tenant: Tenant,
    key: String,
    body: Value,
) -> Result<Json<Value>, ApiError> {
    let Value::Object(patch) = body else {
        return Err(ApiError::field(
            "",
            "expected a JSON object of the fields to change",
        ));
    };
    let lookup = key.clone();
    let done = state
        .with_storage(move |s| s.run(|c| Ok(resource::update::<R>(c, &tenant, &lookup, patch))))
        .await??;
    match done {
        Ok(()) => Ok(envelope(json!({"updatedRecords": 1}), Value::Null)),
        Err(UpdateError::NotFound) => Err(not_found::<R>(&key)),
        Err(UpdateError::Invalid(errors)) => Err(ApiError::fields(errors)),
        Err(UpdateError::Storage(e)) => Err(e.into()),
    }
}

/// Deletes one record.
pub async fn delete<R: Resource>(
    state: &AppState,
    tenant: Tenant,
    key: String,
) -> Result<Json<Value>, ApiError> {
    let lookup = key.clone();
    if state
        .db(move |c| resource::delete::<R>(c, &tenant, &lookup))
        .await?
    {
        Ok(envelope(json!({"deletedRecords": 1}), Value::Null))
    } else {
        Err(not_found::<R>(&key))
    }
}
