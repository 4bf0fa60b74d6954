//! # ordo-service
//!
//! The `ordo` command line and (later) the HTTP service. Layout:
//! - `cli/`: one file per subcommand of the `ordo` binary.
//! - `bench/`: best-known solutions and result tables for `ordo bench`.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod bench;
pub mod cli;
