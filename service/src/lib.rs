//! # ordo-service
//!
//! The `ordo` command line and the HTTP service. Layout:
//! - `cli/`: one file per subcommand of the `ordo` binary (`serve` and
//!   `keys` start the service and make its API keys).
//! - `bench/`: best-known solutions and result tables for `ordo bench`.
//! - `app.rs`: shared state, the router and its layers, the server loop;
//!   `shutdown.rs`: the stop signal.
//! - `api/`: one file per resource (`visits`, `drivers` with performer
//!   locations, `plans`), each exporting `router()`; `envelope.rs` (meta /
//!   data, pagination), `extract.rs` (`ApiJson` and friends that fail in
//!   our envelope), `crud.rs` (what record resources share), `openapi.rs`.
//! - `error.rs`: `ApiError`, the one error type of the API.
//! - `auth.rs`: API key → `Tenant`, and the rate limit per key
//!   (`rate_limit.rs`).
//! - `records/`: the resources' fields and checks (one table per record
//!   drives validation and the OpenAPI schema), location formats.
//! - `storage/`: SQLite (WAL) with migrations; every company query takes a
//!   `Tenant`. `resource.rs` holds what visits and drivers share.
//! - `routing/`: road travel matrices fetched from OSRM in tiles.
//! - `web/`: the dispatcher's page at `/` (assets from `service/assets/`
//!   embedded in the binary) and `ordo serve --demo`.
//! - `render/`: `ordo solve --svg/--geojson` pictures and the solve
//!   progress bar.
//! - `jobs/`: plan jobs (queue, worker, building a plan from stored data,
//!   applying it in one transaction).
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod app;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod error;
pub mod jobs;
pub mod rate_limit;
pub mod records;
pub mod render;
pub mod routing;
pub mod shutdown;
pub mod storage;
pub mod web;
