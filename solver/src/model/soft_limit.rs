//! Soft limits: a bound that may be passed by up to an allowance, at a
//! cost per second. One rule serves both soft time windows (a visit's
//! `lateness`: service may start after its window closes) and overtime (a
//! driver may finish after the shift's end), so the two are priced alike.

use super::Time;

/// Up to `max_seconds` past a bound are allowed; each second past it costs
/// `cost_per_second` (travel-equivalent seconds of the objective).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoftLimit {
    /// How far past the bound is still allowed (>= 0).
    pub max_seconds: Time,
    /// Cost of one second past the bound (>= 0).
    pub cost_per_second: f64,
}

impl SoftLimit {
    /// A limit; callers validate both values `>= 0` at the boundary
    /// ([`SoftLimit::check`]).
    pub const fn new(max_seconds: Time, cost_per_second: f64) -> Self {
        Self {
            max_seconds,
            cost_per_second,
        }
    }

    /// The allowance past the bound of an optional limit (0 when none).
    #[inline]
    pub fn allowance(limit: Option<Self>) -> Time {
        limit.map_or(0.0, |l| l.max_seconds)
    }

    /// Seconds past `bound` of a time `t` (0 when on time).
    #[inline]
    pub fn excess(t: Time, bound: Time) -> Time {
        (t - bound).max(0.0)
    }

    /// What passing `bound` at `t` costs under an optional limit.
    #[inline]
    pub fn cost(limit: Option<Self>, t: Time, bound: Time) -> f64 {
        limit.map_or(0.0, |l| {
            let excess = Self::excess(t, bound);
            if excess > super::EPS {
                l.cost_per_second * excess
            } else {
                0.0
            }
        })
    }

    /// The problem with the values, if any: both must be finite and `>= 0`.
    pub fn check(&self) -> Result<(), String> {
        let bad = |v: f64| !v.is_finite() || v < 0.0;
        if bad(self.max_seconds) {
            Err(format!("maxSeconds must be >= 0, got {}", self.max_seconds))
        } else if bad(self.cost_per_second) {
            Err(format!(
                "costPerSecond must be >= 0, got {}",
                self.cost_per_second
            ))
        } else {
            Ok(())
        }
    }
}

/// Limits of a driver's day beyond the shift's hard times: overtime past
/// the shift's end, and the hard caps on visits and distance.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RouteLimits {
    /// Work past `shift.latest`, at a cost.
    pub overtime: Option<SoftLimit>,
    /// Most visits in the route (hard).
    pub max_visits: Option<usize>,
    /// Most distance driven in the route (hard; metres or benchmark units).
    pub max_distance: Option<super::Distance>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_counts_only_seconds_past_the_bound() {
        let l = Some(SoftLimit::new(600.0, 2.0));
        assert_eq!(SoftLimit::cost(l, 100.0, 200.0), 0.0);
        assert_eq!(SoftLimit::cost(l, 300.0, 200.0), 200.0);
        assert_eq!(SoftLimit::cost(None, 300.0, 200.0), 0.0);
        assert!(SoftLimit::new(-1.0, 0.0).check().is_err());
        assert!(SoftLimit::new(1.0, -0.5).check().is_err());
        assert!(SoftLimit::new(1.0, 0.5).check().is_ok());
    }
}
