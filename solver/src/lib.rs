//! # ordo-solver
//!
//! Ordo's route optimisation engine: pure computation, no I/O beyond
//! reading instance files.
//!
//! ## Pipeline
//! input (benchmark text via [`io`], or a field-service plan request via
//! [`plan`]) → [`model::Problem`] → [`construction`] → [`search`] →
//! [`solution::Solution`] → output; [`solve()`] runs that pipeline, and
//! [`milp`] is the exact backend for small instances. The [`checker`] reads
//! only a `Problem` and a `Solution` and shares no code with the search.
//!
//! ## Layout, from the leaves up
//! - [`model`]: visits, vehicles, travel, the objective and its costs.
//! - [`solution`]: routes and unassigned visits.
//! - [`params`]: budget, seed, stopping and progress of a solve.
//! - [`route`]: one route with cached time bounds and its exact schedule,
//!   shared by construction and search.
//! - [`construction`], [`search`], [`milp`]: the three ways to routes,
//!   independent of each other.
//! - [`mod@solve`]: the entry point over construction and search.
//! - [`plan`]: field-service plan requests to problems and back, re-routing.
//! - [`checker`], [`io`], [`random_instance`]: verification, files, test
//!   instances.

pub mod checker;
pub mod construction;
pub mod io;
pub mod milp;
pub mod model;
pub mod params;
pub mod phase;
pub mod plan;
pub mod random_instance;
pub mod route;
pub mod search;
pub mod solution;
pub mod solve;

pub use solve::{solve, Objective, SolveParams, Stop};
