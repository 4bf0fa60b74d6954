//! Construction heuristics: a first feasible solution, fast.
//!
//! [`regret_insertion`] serves visits tier by tier in priority order, each
//! tier by regret-2 parallel insertion over the open routes, and opens a new
//! route (seeded with the hardest remaining visit) only when nothing fits.

mod regret;
mod schedule;

pub use regret::regret_insertion;
pub use schedule::InsertionRoute;
