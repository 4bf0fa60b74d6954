//! # ordo-service
//!
//! The `ordo` command line and (later) the HTTP service. Layout:
//! - `cli/`: one file per subcommand of the `ordo` binary.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod cli;
