//! The plan's date, and the two ways times meet it: seconds from its local
//! midnight shown as ISO local times, and instants (epoch milliseconds)
//! read as local seconds from midnight in a time zone. The calendar and
//! the zone rules (daylight saving included) are jiff's.
//!
//! "Seconds from midnight" are wall-clock times: 09:00 is 32,400 on every
//! day, also on the days the clocks change.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A validated `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDate {
    date: Date,
}

impl PlanDate {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("expected a date YYYY-MM-DD, got \"{text}\"");
        let trimmed = text.trim();
        // jiff also reads forms such as `+002026-01-01`; the API's dates
        // are exactly ten characters.
        if trimmed.len() != 10 || trimmed.as_bytes().get(4) != Some(&b'-') {
            return Err(bad());
        }
        let date: Date = trimmed.parse().map_err(|_| bad())?;
        Ok(Self { date })
    }

    /// The calendar date.
    pub fn civil(&self) -> Date {
        self.date
    }

    /// Seconds since the Unix epoch of this date's midnight in UTC.
    pub fn midnight_unix_seconds(&self) -> i64 {
        self.instant_ms(&TimeZone::UTC, 0.0)
            .unwrap_or(0)
            .div_euclid(1000)
    }

    /// `seconds` from this date's midnight as `YYYY-MM-DDThh:mm:ss`
    /// (rounded to the second; later days roll over).
    pub fn iso(&self, seconds: f64) -> String {
        let total = seconds.round() as i64;
        let (days, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
        let day = self
            .date
            .checked_add(jiff::Span::new().days(days))
            .unwrap_or(self.date);
        let time = Time::MIN
            .checked_add(jiff::Span::new().seconds(secs))
            .unwrap_or(Time::MIN);
        day.to_datetime(time)
            .strftime("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// The instant `epoch_ms` as wall-clock seconds from midnight of this
    /// date in `zone`; `None` when it is another day there.
    pub fn local_seconds(&self, zone: &TimeZone, epoch_ms: i64) -> Option<f64> {
        let instant = Timestamp::from_millisecond(epoch_ms).ok()?;
        let local = instant.to_zoned(zone.clone()).datetime();
        if local.date() != self.date {
            return None;
        }
        let t = local.time();
        let whole = i64::from(t.hour()) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
        Some(whole as f64 + f64::from(t.subsec_nanosecond()) / 1e9)
    }

    /// Epoch milliseconds of wall-clock `seconds` from this date's midnight
    /// in `zone` (a time the clocks skip is read as after the change).
    pub fn instant_ms(&self, zone: &TimeZone, seconds: f64) -> Option<i64> {
        let midnight = self.date.to_datetime(Time::MIN);
        let ms = (seconds * 1000.0).round() as i64;
        let local = midnight
            .checked_add(jiff::Span::new().milliseconds(ms))
            .ok()?;
        let zoned = local.to_zoned(zone.clone()).ok()?;
        Some(zoned.timestamp().as_millisecond())
    }
}

impl std::fmt::Display for PlanDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.date)
    }
}

/// The IANA zone `name` (`Europe/London`, `UTC`), or why not.
pub fn time_zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name.trim()).map_err(|_| {
        format!("unknown time zone \"{name}\" (expected an IANA name such as Europe/London)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_and_invalid_dates() {
        let date = PlanDate::parse("2026-11-23").unwrap();
        assert_eq!(date.iso(30_100.0), "2026-11-23T08:21:40");
        assert_eq!(date.iso(86_400.0 * 8.0 + 1.0), "2026-12-01T00:00:01");
        assert_eq!(
            PlanDate::parse("2024-02-29").unwrap().iso(0.0),
            "2024-02-29T00:00:00"
        );
        for bad in ["2026-02-29", "23/11/2026", "2026-13-01", "+02026-01-01", ""] {
            assert!(PlanDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_seconds_follow_daylight_saving_in_london() {
        let london = time_zone("Europe/London").unwrap();
        // 2026-03-29: clocks go from 01:00 GMT to 02:00 BST.
        let spring = PlanDate::parse("2026-03-29").unwrap();
        let nine_bst = spring.instant_ms(&london, 9.0 * 3600.0).unwrap();
        assert_eq!(nine_bst, 1_774_771_200_000, "08:00 UTC");
        assert_eq!(spring.local_seconds(&london, nine_bst), Some(32_400.0));
        assert_eq!(
            spring.local_seconds(&TimeZone::UTC, nine_bst),
            Some(28_800.0)
        );
        // 2026-10-25: clocks go back from 02:00 BST to 01:00 GMT.
        let autumn = PlanDate::parse("2026-10-25").unwrap();
        let nine_gmt = autumn.instant_ms(&london, 9.0 * 3600.0).unwrap();
        assert_eq!(autumn.local_seconds(&london, nine_gmt), Some(32_400.0));
        assert_eq!(
            autumn.local_seconds(&TimeZone::UTC, nine_gmt),
            Some(32_400.0)
        );
        // The day before, 23:30 local is not on the plan's day.
        let eve = PlanDate::parse("2026-10-24").unwrap();
        let late = eve.instant_ms(&london, 23.5 * 3600.0).unwrap();
        assert_eq!(autumn.local_seconds(&london, late), None);
        assert!(time_zone("Mars/Olympus").is_err());
    }
}
