//! Subcommands of the `ordo` binary, one file each.

pub mod bench;
pub mod bench_plan;
pub mod check;
pub mod generate;
pub mod instance;
pub mod keys;
pub mod search_args;
pub mod serve;
pub mod solve;
pub mod solve_plan;

/// An on/off command-line switch (`--recombine on|off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    /// Enabled.
    On,
    /// Disabled.
    Off,
}

impl Switch {
    /// Whether the switch is on.
    pub fn is_on(self) -> bool {
        self == Self::On
    }
}
