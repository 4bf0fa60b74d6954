//! # ordo-solver
//!
//! Ordo's route optimisation engine: pure computation, no I/O beyond
//! reading instance files.
//!
//! ## Pipeline
//! input (benchmark text via [`io`], or field-service JSON) → [`model::Problem`]
//! → [`construction`] → search → [`solution::Solution`] → output. The
//! [`checker`] reads only a `Problem` and a `Solution` and shares no code
//! with the search.

pub mod checker;
pub mod construction;
pub mod io;
pub mod milp;
pub mod model;
pub mod plan;
pub mod random_instance;
pub mod search;
pub mod solution;
pub mod solve;

pub use solve::{solve, Objective, SolveParams, Stop};
