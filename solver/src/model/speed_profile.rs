//! Rush-hour travel: a speed profile over the day and the first-in,
//! first-out travel-time function it defines (Ichoua, Gendreau and Potvin
//! 2003). A leg's table duration is what it takes at the normal speed;
//! inside a band `[from, to)` the vehicle moves at `factor` times that
//! speed. Travel time is found by integrating the speed over the bands
//! from the departure until the leg's normal duration is covered, so
//! leaving later never means arriving earlier, and the inverse (the
//! latest departure that arrives by a given time) is exact too.

use super::Time;

/// One band of the day with its speed factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedBand {
    /// Start of the band (inclusive), seconds.
    pub from: Time,
    /// End of the band (exclusive), seconds.
    pub to: Time,
    /// Speed relative to the table's (0.6: rush hour, 60% of the speed).
    pub factor: f64,
}

/// Sorted, disjoint bands; factor 1 outside them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpeedProfile {
    bands: Vec<SpeedBand>,
}

impl SpeedProfile {
    /// A profile from bands, or the problem with them, naming the band:
    /// each must have `from < to` and `factor > 0` (finite), and they must
    /// be sorted by `from` without overlapping.
    pub fn new(bands: Vec<SpeedBand>) -> Result<Self, (usize, String)> {
        for (k, b) in bands.iter().enumerate() {
            if !(b.from.is_finite() && b.to.is_finite() && b.from < b.to) {
                return Err((k, format!("from {} must be before to {}", b.from, b.to)));
            }
            if !(b.factor.is_finite() && b.factor > 0.0) {
                return Err((k, format!("factor must be > 0, got {}", b.factor)));
            }
            if k > 0 {
                let previous = bands[k - 1];
                if b.from < previous.from {
                    return Err((k, "bands must be sorted by from".into()));
                }
                if b.from < previous.to {
                    return Err((k, format!("overlaps band {}", k - 1)));
                }
            }
        }
        Ok(Self { bands })
    }

    /// The bands.
    pub fn bands(&self) -> &[SpeedBand] {
        &self.bands
    }

    /// Arrival of a leg of normal duration `base` leaving at `depart`.
    pub fn arrival(&self, depart: Time, base: Time) -> Time {
        if base <= 0.0 || self.bands.is_empty() {
            return depart + base;
        }
        let mut time = depart;
        let mut left = base;
        // Pieces of constant speed from `time` on: a band, or the gap
        // before the next band (factor 1), until the leg is covered.
        let mut k = self.bands.partition_point(|b| b.to <= time);
        loop {
            let (factor, until) = match self.bands.get(k) {
                Some(b) if time >= b.from => (b.factor, b.to),
                Some(b) => (1.0, b.from),
                None => return time + left,
            };
            let covered = (until - time) * factor;
            if covered >= left {
                return time + left / factor;
            }
            left -= covered;
            time = until;
            if time >= self.bands[k].to {
                k += 1;
            }
        }
    }

    /// The latest departure of a leg of normal duration `base` that
    /// arrives by `arrive_by` (the inverse of [`Self::arrival`]).
    pub fn departure_for(&self, arrive_by: Time, base: Time) -> Time {
        if base <= 0.0 || self.bands.is_empty() {
            return arrive_by - base;
        }
        let mut time = arrive_by;
        let mut left = base;
        // Walk backwards: bands ending at or before `time`.
        let mut k = self.bands.partition_point(|b| b.from < time);
        loop {
            let (factor, since) = match k.checked_sub(1).map(|i| self.bands[i]) {
                Some(b) if time <= b.to => (b.factor, b.from),
                Some(b) => (1.0, b.to),
                None => return time - left,
            };
            let covered = (time - since) * factor;
            if covered >= left {
                return time - left / factor;
            }
            left -= covered;
            time = since;
            if time <= self.bands[k - 1].from {
                k -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rush() -> SpeedProfile {
        SpeedProfile::new(vec![
            SpeedBand {
                from: 25_200.0,
                to: 34_200.0,
                factor: 0.6,
            },
            SpeedBand {
                from: 57_600.0,
                to: 64_800.0,
                factor: 0.5,
            },
        ])
        .unwrap()
    }

    #[test]
    fn a_leg_inside_a_band_takes_one_over_the_factor() {
        let p = rush();
        assert!((p.arrival(28_800.0, 600.0) - (28_800.0 + 1000.0)).abs() < 1e-9);
        assert_eq!(p.arrival(40_000.0, 600.0), 40_600.0);
    }

    #[test]
    fn a_leg_crossing_a_band_edge_integrates_the_speed() {
        let p = rush();
        // 600 s before the band's end at 0.6 covers 360 s of the leg; the
        // other 840 s run at full speed.
        let arrival = p.arrival(33_600.0, 1200.0);
        assert!((arrival - (34_200.0 + 840.0)).abs() < 1e-9, "{arrival}");
        // Entering the band: 300 s at full speed, then 300 s of leg at 0.6.
        let arrival = p.arrival(24_900.0, 600.0);
        assert!((arrival - (25_200.0 + 500.0)).abs() < 1e-9, "{arrival}");
    }

    #[test]
    fn leaving_later_never_arrives_earlier_and_the_inverse_is_exact() {
        let p = rush();
        let mut last = f64::NEG_INFINITY;
        for step in 0..2000 {
            let depart = 20_000.0 + 25.0 * step as f64;
            let arrival = p.arrival(depart, 2500.0);
            assert!(arrival >= last - 1e-9, "FIFO broken at {depart}");
            last = arrival;
            let back = p.departure_for(arrival, 2500.0);
            assert!((back - depart).abs() < 1e-6, "{depart}: inverse {back}");
        }
    }

    #[test]
    fn bad_bands_are_refused() {
        let band = |from, to, factor| SpeedBand { from, to, factor };
        assert!(SpeedProfile::new(vec![band(10.0, 5.0, 1.0)]).is_err());
        assert!(SpeedProfile::new(vec![band(0.0, 5.0, 0.0)]).is_err());
        assert!(SpeedProfile::new(vec![band(0.0, 5.0, -1.0)]).is_err());
        assert_eq!(
            SpeedProfile::new(vec![band(0.0, 10.0, 1.0), band(5.0, 20.0, 1.0)])
                .unwrap_err()
                .0,
            1
        );
        assert!(SpeedProfile::new(vec![band(10.0, 20.0, 1.0), band(0.0, 5.0, 1.0)]).is_err());
    }
}
