//! The body of `POST /api/v2/plans`: which day, which drivers or
//! territory, the search budget, whether to write the plan back, and for a
//! re-route (`mode: "reroute"`) its time and options.

use ordo_solver::plan::defaults;
use serde_json::{json, Map, Value};

use super::reroute::{self, Reroute, DISRUPTION_FIELDS, DRIVER_OVERRIDE_FIELDS};
use crate::records::spec::{
    boolean, field as f, integer_in, number_in, validate, Field, Kind, DAY_SECONDS,
};
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
        "timeZone",
        Kind::Text,
        false,
        "IANA time zone of the day's local times (default, also when \"\": the company's, set by `ordo keys \
         create --time-zone`, else UTC). Performer locations' submitted_at convert through it, \
         daylight saving included.",
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
        defaults::TIME_LIMIT_DOC,
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
        defaults::SEED_DOC,
    ),
    f(
        "travel",
        Kind::Object(crate::routing::TRAVEL_FIELDS),
        false,
        "How travel is measured (default: the server's --router, else geodesic). \
         {\"model\": \"osrm\", \"url\": \"http://127.0.0.1:5000\"} plans on road times; \
         {\"model\": \"geodesic\"} on straight lines even when the server has a router.",
    ),
    f(
        "apply",
        Kind::Bool,
        false,
        "Write serviceOrder and driverId of the planned visits when done (default false).",
    ),
    f(
        "mode",
        Kind::OneOf(&["plan", "reroute"]),
        false,
        "plan (default): plan the whole day. reroute: re-plan the rest of the day from now, \
         changing the published plan (the visits' driverId, serviceOrder, eta) as little as \
         needed. now, freezeUntil, disruption, warmStart and drivers apply only then.",
    ),
    f(
        "now",
        DAY_SECONDS,
        false,
        "Re-route (required): the moment of the re-plan, seconds from midnight of date.",
    ),
    f(
        "freezeUntil",
        DAY_SECONDS,
        false,
        "Re-route: published stops whose eta is before this keep their driver and place.",
    ),
    f(
        "disruption",
        Kind::Object(DISRUPTION_FIELDS),
        false,
        "Re-route: costs of changes, in seconds of travel.",
    ),
    f(
        "warmStart",
        Kind::Bool,
        false,
        "Re-route: start from the published plan (default true); false re-plans from scratch.",
    ),
    f(
        "drivers",
        Kind::Objects(DRIVER_OVERRIDE_FIELDS),
        false,
        "Re-route: per-driver overrides [{id, current?: {lat, lng, at}, lock?}]. Without \
         current, a driver restarts from their latest performer location if submitted on date \
         (at = its submitted_at as local seconds from midnight in timeZone).",
    ),
];

/// A validated job request.
#[derive(Debug, Clone, PartialEq)]
pub struct JobParams {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// IANA zone of the day's local times; `None` = the company's.
    pub time_zone: Option<String>,
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
    /// The job's own `travel` (checked), which wins over the server's
    /// router.
    pub travel: Option<Value>,
    /// A re-route's time and options; `None` plans the whole day.
    pub reroute: Option<Reroute>,
}

impl JobParams {
    /// Validates a request body; errors name the field.
    pub fn from_json(body: &Value) -> Result<Self, Vec<FieldError>> {
        let obj: &Map<String, Value> = body
            .as_object()
            .ok_or_else(|| vec![FieldError::new("", "expected a JSON object")])?;
        let mut errors = validate(PLAN_JOB_FIELDS, obj, false);
        errors.extend(reroute::missing_now(obj));
        let travel_checked = errors.iter().any(|e| e.field.starts_with("travel"));
        if let Some(travel) = obj
            .get("travel")
            .filter(|t| t.is_object() && !travel_checked)
        {
            if let Err(e) = crate::routing::road_travel(travel, "travel") {
                let message = e.to_string();
                let (field, said) = message.split_once(": ").unwrap_or(("travel", &message));
                errors.push(FieldError::new(field, said));
            }
        }
        if let Some(Value::String(zone)) = obj
            .get("timeZone")
            .filter(|z| z.as_str().is_some_and(|t| !t.trim().is_empty()))
        {
            if let Err(e) = ordo_solver::plan::time_zone(zone) {
                errors.push(FieldError::new("timeZone", e));
            }
        }
        if !errors.is_empty() {
            // In the order of the field table (nested ones under their parent).
            let rank = |e: &FieldError| {
                let root = e.field.split(['.', '[']).next().unwrap_or_default();
                PLAN_JOB_FIELDS.iter().position(|f| f.name == root)
            };
            errors.sort_by_key(rank);
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
            // "" (as a form or a generated client sends "unset") = the company's.
            time_zone: get("timeZone")
                .and_then(Value::as_str)
                .map(|z| z.trim().to_owned())
                .filter(|z| !z.is_empty()),
            driver_ids: get("driverIds").and_then(|v| serde_json::from_value(v.clone()).ok()),
            territory: get("territory").and_then(Value::as_str).map(str::to_owned),
            time_limit_seconds: get("timeLimitSeconds")
                .and_then(|v| number_in(v, 0.0, 3600.0).ok())
                .unwrap_or(defaults::TIME_LIMIT_SECONDS),
            iterations: get("iterations").and_then(|v| integer_in(v, 0, i64::MAX).ok()),
            seed: get("seed")
                .and_then(|v| integer_in(v, 0, i64::MAX).ok())
                .unwrap_or(defaults::SEED as i64),
            apply: get("apply").and_then(|v| boolean(v).ok()).unwrap_or(false),
            travel: get("travel").cloned(),
            reroute: reroute::from_body(obj)?,
        })
    }

    /// As stored and shown back.
    pub fn to_json(&self) -> Value {
        let mut shown = json!({"date": self.date, "timeZone": self.time_zone, "driverIds": self.driver_ids,
               "territory": self.territory, "timeLimitSeconds": self.time_limit_seconds,
               "iterations": self.iterations, "seed": self.seed, "apply": self.apply,
               "travel": self.travel,
               "mode": if self.reroute.is_some() { "reroute" } else { "plan" }});
        if let (Some(reroute), Some(obj)) = (&self.reroute, shown.as_object_mut()) {
            if let Value::Object(fields) = reroute.to_json() {
                obj.extend(fields);
            }
        }
        shown
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

    #[test]
    fn time_zones_are_checked_and_empty_means_the_companys() {
        let p = JobParams::from_json(&json!({"date": "2026-03-29", "timeZone": "Europe/London"}));
        assert_eq!(p.unwrap().time_zone.as_deref(), Some("Europe/London"));
        let p = JobParams::from_json(&json!({"date": "2026-03-29", "timeZone": ""}));
        assert_eq!(p.unwrap().time_zone, None);
        let e = JobParams::from_json(&json!({"date": "2026-03-29", "timeZone": "Mars/Base"}));
        assert_eq!(e.unwrap_err()[0].field, "timeZone");
    }

    #[test]
    fn reroute_fields_are_checked_and_named() {
        let e = JobParams::from_json(&json!({"date": "2026-11-23", "mode": "replan",
            "now": 90_000_000, "disruption": {"driverChange": -1}, "warmStart": "maybe",
            "drivers": [{"current": {"at": "noon"}, "lock": "frozen"}]}))
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "mode",
                "now",
                "disruption.driverChange",
                "warmStart",
                "drivers[0].id",
                "drivers[0].current.at",
                "drivers[0].lock"
            ]
        );
        let e =
            JobParams::from_json(&json!({"date": "2026-11-23", "mode": "reroute"})).unwrap_err();
        assert_eq!(e[0].field, "now");
        let p = JobParams::from_json(&json!({"date": "2026-11-23", "mode": "reroute",
            "now": 39600, "freezeUntil": "41400", "apply": true}))
        .unwrap();
        let shown = p.to_json();
        assert_eq!(shown["mode"], "reroute");
        assert_eq!(shown["now"], 39600.0);
        assert_eq!(shown["freezeUntil"], 41400.0);
        let plain = JobParams::from_json(&json!({"date": "2026-11-23", "now": 5})).unwrap();
        assert_eq!(plain.reroute, None);
        assert_eq!(plain.to_json()["mode"], "plan");
    }
}
