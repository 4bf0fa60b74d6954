//! The HTTP API under `/api/v2`, one file per resource, each exporting
//! `router()`; `envelope.rs` and `extract.rs` hold what they share, and
//! `crud.rs` the list/get/upsert/update/delete every record resource has.

mod crud;
pub mod drivers;
pub mod envelope;
pub mod extract;
pub mod openapi;
mod openapi_contract;
mod openapi_jobs;
pub mod plan_apply;
pub mod plans;
pub mod visits;

use axum::Router;

use crate::app::AppState;

/// Every authenticated resource route.
pub fn resources() -> Router<AppState> {
    Router::new()
        .merge(visits::router())
        .merge(drivers::router())
        .merge(plans::router())
        .merge(plan_apply::router())
}
