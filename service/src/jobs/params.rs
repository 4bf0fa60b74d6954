//! The body of `POST /api/v2/plans`: which day, which drivers or
//! territory, the search budget, and whether to write the plan back.

use serde_json::{json, Map, Value};

use crate::records::spec::{boolean, field as f, integer_in, number_in, validate, Field, Kind};
use crate::records::FieldError;

/// The job request's fields.
pub const PLAN_JOB_FIELDS: &[Field] = &[
    f(
        "date",
        Kind::Date,
        true,
        "The day to plan: the company's visits of that date.",
    ),
    f(
        "driverIds",
        Kind::TextList,
        false,
        "Only these drivers (default: all the company's).",
    ),
    f(
        "territory",
        Kind::Text,
        false,
        "Only visits of this territory, and drivers covering it.",
    ),
    f(
        "timeLimitSeconds",
        Kind::Number {
            min: 0.0,
            max: 3600.0,
        },
        false,
        "Search budget in seconds (default 5).",
    ),
    f(
        "iterations",
        Kind::Integer {
            min: 0,
            max: 100_000_000,
        },
        false,
        "Search iterations: with it, the plan depends only on the data and the seed.",
    ),
    f(
        "seed",
        Kind::Integer {
            min: 0,
            max: 1 << 53,
        },
        false,
        "Seed of the search (default 1).",
    ),
    f(
        "apply",
        Kind::Bool,
        false,
        "Write serviceOrder and driverId of the planned visits when done (default false).",
    ),
];

/// A validated job request.
#[derive(Debug, Clone, PartialEq)]
pub struct JobParams {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Only these drivers.
    pub driver_ids: Option<Vec<String>>,
    /// Only this territory.
    pub territory: Option<String>,
    /// Seconds.
    pub time_limit_seconds: f64,
    /// Iteration cap.
    pub iterations: Option<i64>,
    /// Seed.
    pub seed: i64,
    /// Write the plan back.
    pub apply: bool,
}

impl JobParams {
    /// Validates a request body; errors name the field.
    pub fn from_json(body: &Value) -> Result<Self, Vec<FieldError>> {
        let obj: &Map<String, Value> = body
            .as_object()
            .ok_or_else(|| vec![FieldError::new("", "expected a JSON object")])?;
        let errors = validate(PLAN_JOB_FIELDS, obj, false);
        if !errors.is_empty() {
            return Err(errors);
        }
        // Types were checked above; the fallbacks are never taken.
        let get = |name: &str| obj.get(name).filter(|v| !v.is_null());
        Ok(Self {
            date: get("date")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim()
                .to_owned(),
            driver_ids: get("driverIds").and_then(|v| serde_json::from_value(v.clone()).ok()),
            territory: get("territory").and_then(Value::as_str).map(str::to_owned),
            time_limit_seconds: get("timeLimitSeconds")
                .and_then(|v| number_in(v, 0.0, 3600.0).ok())
                .unwrap_or(5.0),
            iterations: get("iterations").and_then(|v| integer_in(v, 0, i64::MAX).ok()),
            seed: get("seed")
                .and_then(|v| integer_in(v, 0, i64::MAX).ok())
                .unwrap_or(1),
            apply: get("apply").and_then(|v| boolean(v).ok()).unwrap_or(false),
        })
    }

    /// As stored and shown back.
    pub fn to_json(&self) -> Value {
        json!({"date": self.date, "driverIds": self.driver_ids, "territory": self.territory,
               "timeLimitSeconds": self.time_limit_seconds, "iterations": self.iterations,
               "seed": self.seed, "apply": self.apply})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_values_and_named_errors() {
        let p = JobParams::from_json(&json!({"date": "2026-11-23", "timeLimitSeconds": "2",
                                             "apply": "1", "driverIds": ["d1"]}))
        .unwrap();
        assert_eq!(p.time_limit_seconds, 2.0);
        assert!(p.apply);
        assert_eq!(p.driver_ids, Some(vec!["d1".to_string()]));
        let e = JobParams::from_json(&json!({"timeLimitSeconds": -1})).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["date", "timeLimitSeconds"]);
    }
}
