//! Benchmark runs: best-known solutions, per-instance results, and the
//! summary rows `ordo bench` prints.

pub mod bks;
pub mod report;
