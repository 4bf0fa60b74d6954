//! One route model for construction and search: a route with cached time
//! bounds for O(1) insertion checks ([`RouteState`]) and the one exact
//! schedule simulator for the rules the bounds leave out (the break and the
//! working-time cap, [`simulate`]), which also gives the timed stops that a
//! plan result reports ([`timeline`]). A new time rule is written here once.
//! The checker and the MILP backend simulate on their own, on purpose: they
//! verify and certify this code.

mod schedule;
mod state;

pub use schedule::{best_timeline, simulate, timeline, Schedule, StopTimes, Timeline};
pub use state::{NodeLink, RouteState};

#[cfg(test)]
mod tests;
