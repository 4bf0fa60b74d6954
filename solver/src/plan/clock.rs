//! The plan's date and ISO local times of seconds from its midnight,
//! without a calendar crate: civil-from-days (H. Hinnant's algorithm).

/// A validated `YYYY-MM-DD`, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDate {
    days: i64,
}

impl PlanDate {
    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("expected a date YYYY-MM-DD, got \"{text}\"");
        let parts: Vec<&str> = text.trim().split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let (y, m, d): (i64, i64, i64) = (
            y.parse().map_err(|_| bad())?,
            m.parse().map_err(|_| bad())?,
            d.parse().map_err(|_| bad())?,
        );
        let days = days_from_civil(y, m, d);
        if !(1..=12).contains(&m) || civil_from_days(days) != (y, m, d) {
            return Err(bad());
        }
        Ok(Self { days })
    }

    /// Seconds since the Unix epoch of this date's midnight (UTC).
    pub fn midnight_unix_seconds(&self) -> i64 {
        self.days * 86_400
    }

    /// `seconds` from this date's midnight as `YYYY-MM-DDThh:mm:ss`
    /// (rounded to the second; later days roll over).
    pub fn iso(&self, seconds: f64) -> String {
        let total = seconds.round() as i64;
        let (day, secs) = (total.div_euclid(86_400), total.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(self.days + day);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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
        assert!(PlanDate::parse("2026-02-29").is_err());
        assert!(PlanDate::parse("23/11/2026").is_err());
    }
}
