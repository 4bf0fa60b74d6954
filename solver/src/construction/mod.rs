//! Construction heuristics: a first feasible solution, fast.
//!
//! [`regret_insertion`] serves visits tier by tier in priority order, each
//! tier by regret-2 parallel insertion over the open routes, and opens a new
//! route (seeded with the hardest remaining visit) only when nothing fits;
//! drivers who start from a place of their own have their routes open from
//! the start when a used vehicle costs nothing.
//! Routes of drivers with a break or a working-time cap are confirmed by a
//! full [`simulate`] of the candidate sequence, which also places the break.

mod regret;
mod schedule;
mod timeline;

pub use regret::regret_insertion;
pub use schedule::InsertionRoute;
pub use timeline::{best_timeline, simulate, StopTimes, Timeline};

#[cfg(test)]
mod tests;
