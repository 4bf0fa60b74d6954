//! A closed interval `[earliest, latest]` for the start of service.

use super::Time;
use serde::{Deserialize, Serialize};

/// Service (or a shift, or a break) starts inside `[earliest, latest]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Opening time.
    pub earliest: Time,
    /// Closing time (inclusive).
    pub latest: Time,
}

impl TimeWindow {
    /// A window; callers validate `earliest <= latest` at the boundary.
    pub const fn new(earliest: Time, latest: Time) -> Self {
        Self { earliest, latest }
    }

    /// The window that is always open.
    pub const fn unbounded() -> Self {
        Self {
            earliest: 0.0,
            latest: Time::INFINITY,
        }
    }

    /// Whether `t` lies inside the window, with tolerance.
    pub fn contains(&self, t: Time) -> bool {
        t + super::EPS >= self.earliest && t <= self.latest + super::EPS
    }
}
