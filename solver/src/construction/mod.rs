//! Construction heuristics: a first feasible solution, fast.
//!
//! [`regret_insertion`] serves visits tier by tier in priority order, each
//! tier by regret-2 parallel insertion over the open routes, and opens a new
//! route (seeded with the hardest remaining visit) only when nothing fits;
//! drivers who start from a place of their own have their routes open from
//! the start when a used vehicle costs nothing.
//! Routes are the search's own [`RouteState`](crate::route::RouteState):
//! O(1) insertion checks from its cached bounds, and for drivers with a
//! break or a working-time cap a confirmation by the exact
//! [`simulate`](crate::route::simulate), which also places the break.

mod regret;

pub use regret::regret_insertion;

#[cfg(test)]
mod tests;
