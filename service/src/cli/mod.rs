//! Subcommands of the `ordo` binary, one file each.

pub mod bench;
pub mod bench_plan;
pub mod check;
pub mod generate;
pub mod instance;
pub mod keys;
pub mod serve;
pub mod solve;
pub mod solve_plan;
