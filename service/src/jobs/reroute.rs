//! Re-route jobs (`mode: "reroute"`): their extra body fields, and how
//! they turn the stored day into the plan format's re-route request. The
//! stored visits are the published plan (`driverId`, `serviceOrder`, and
//! `eta`/`lock`/`remainingDuration` when the records carry them); each
//! driver restarts from their latest performer location of the plan's
//! day, unless the body gives `drivers[].current`.

use std::collections::{HashMap, HashSet};

use jiff::tz::TimeZone;
use ordo_solver::model::LatLng;
use ordo_solver::plan::defaults;
use ordo_solver::plan::{
    BoolLike, CurrentPosition, DisruptionRequest, DriverRequest, NumberLike, PlanDate, PlanRequest,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::records::spec::{field as f, Field, Kind, DAY_SECONDS, LOCKS};
use crate::records::FieldError;
use crate::storage::locations::LatestLocation;

const COST: Kind = Kind::Number { min: 0.0, max: 1e9 };

/// `disruption`: the solver's costs of changes to the published plan.
pub const DISRUPTION_FIELDS: &[Field] = &[
    f("driverChange", COST, false, defaults::DRIVER_CHANGE_DOC),
    f("sequenceChange", COST, false, defaults::SEQUENCE_CHANGE_DOC),
    f("etaShift", COST, false, defaults::ETA_SHIFT_DOC),
    f(
        "etaThresholdSeconds",
        COST,
        false,
        defaults::ETA_THRESHOLD_DOC,
    ),
];

/// `drivers[].current`: where a driver is and from when they are free.
pub const CURRENT_FIELDS: &[Field] = &[
    f(
        "lat",
        Kind::Number {
            min: *LatLng::LATITUDES.start(),
            max: *LatLng::LATITUDES.end(),
        },
        false,
        "Latitude (with lng).",
    ),
    f(
        "lng",
        Kind::Number {
            min: *LatLng::LONGITUDES.start(),
            max: *LatLng::LONGITUDES.end(),
        },
        false,
        "Longitude (with lat).",
    ),
    f(
        "at",
        DAY_SECONDS,
        false,
        "Free from this time, seconds from midnight (a late driver).",
    ),
];

/// `drivers[]`: per-driver overrides of a re-route.
pub const DRIVER_OVERRIDE_FIELDS: &[Field] = &[
    f("id", Kind::Id, true, "The driver's id."),
    f(
        "current",
        Kind::Object(CURRENT_FIELDS),
        false,
        "Replaces the position taken from the latest performer location.",
    ),
    f(
        "lock",
        Kind::OneOf(LOCKS),
        false,
        "Lock of the driver's published visits; replaces the driver record's lock.",
    ),
];

/// One driver's overrides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverOverride {
    /// Driver id (text).
    pub id: String,
    /// Position and free-from time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentPosition>,
    /// Lock of the driver's published visits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
}

/// A validated re-route: what the solver needs beyond the stored day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reroute {
    /// The moment of the re-plan, seconds from midnight.
    pub now: f64,
    /// Freeze horizon, seconds from midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freeze_until: Option<f64>,
    /// Change costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<DisruptionRequest>,
    /// Start from the published plan (solver default: true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_start: Option<bool>,
    /// Per-driver overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<DriverOverride>,
}

/// The error of a re-route body without `now` (required in that mode).
pub fn missing_now(obj: &Map<String, Value>) -> Option<FieldError> {
    let reroute = obj.get("mode").and_then(Value::as_str) == Some("reroute");
    let now = obj.get("now").filter(|v| !v.is_null());
    (reroute && now.is_none()).then(|| {
        FieldError::new(
            "now",
            "is required with mode \"reroute\": the time of the re-plan, seconds from midnight",
        )
    })
}

/// The re-route part of a (type-checked) job body: `None` in plan mode,
/// where the re-route fields are ignored as the plan format does.
pub fn from_body(obj: &Map<String, Value>) -> Result<Option<Reroute>, Vec<FieldError>> {
    let get = |name: &str| obj.get(name).filter(|v| !v.is_null());
    if get("mode").and_then(Value::as_str) != Some("reroute") {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let number = |name: &str, errors: &mut Vec<FieldError>| -> Option<f64> {
        let v = get(name)?;
        match serde_json::from_value::<NumberLike>(v.clone()).map(|n| n.value()) {
            Ok(Ok(n)) => Some(n),
            _ => {
                errors.push(FieldError::new(name, format!("expected a number, got {v}")));
                None
            }
        }
    };
    let now = number("now", &mut errors);
    errors.extend(missing_now(obj));
    let freeze_until = number("freezeUntil", &mut errors);
    let disruption = get("disruption").and_then(|v| {
        serde_json::from_value::<DisruptionRequest>(v.clone())
            .map_err(|e| errors.push(FieldError::new("disruption", e.to_string())))
            .ok()
    });
    let warm_start = get("warmStart").and_then(|v| {
        serde_json::from_value::<BoolLike>(v.clone())
            .ok()
            .and_then(|b| b.value().ok())
    });
    let drivers = overrides(get("drivers"), &mut errors);
    match now {
        Some(now) if errors.is_empty() => Ok(Some(Reroute {
            now,
            freeze_until,
            disruption,
            warm_start,
            drivers,
        })),
        _ => Err(errors),
    }
}

/// `drivers[]`: ids as text, each once; a position needs both coordinates.
fn overrides(value: Option<&Value>, errors: &mut Vec<FieldError>) -> Vec<DriverOverride> {
    let Some(list) = value.and_then(Value::as_array) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut found = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let mut item = item.clone();
        if let Some(id) = item
            .get("id")
            .and_then(|v| crate::records::spec::id_text(v).ok())
        {
            item["id"] = Value::String(id);
        }
        let parsed = match serde_json::from_value::<DriverOverride>(item) {
            Ok(o) => o,
            Err(e) => {
                errors.push(FieldError::new(format!("drivers[{i}]"), e.to_string()));
                continue;
            }
        };
        if !seen.insert(parsed.id.clone()) {
            errors.push(FieldError::new(
                format!("drivers[{i}].id"),
                format!("driver {} is listed twice", parsed.id),
            ));
        }
        if let Some(c) = &parsed.current {
            if c.lat.is_some() != c.lng.is_some() {
                errors.push(FieldError::new(
                    format!("drivers[{i}].current"),
                    "lat and lng go together",
                ));
            }
        }
        found.push(parsed);
    }
    found
}

impl Reroute {
    /// Makes `request` (built from the stored day) a re-route: the mode
    /// and its fields, every driver's `current` from their latest location
    /// of the plan's day in `zone` (or the body's override) and the
    /// overridden locks. An override naming a driver not in the plan is an
    /// error.
    pub fn apply(
        &self,
        request: &mut PlanRequest,
        locations: &HashMap<String, LatestLocation>,
        zone: &TimeZone,
    ) -> Result<(), String> {
        let date = PlanDate::parse(&request.date)?;
        request.mode = Some("reroute".into());
        request.now = Some(NumberLike::Number(self.now));
        request.freeze_until = self.freeze_until.map(NumberLike::Number);
        request.options.disruption = self.disruption.clone();
        request.options.warm_start = self.warm_start.map(BoolLike::Bool);
        // Only reported positions count (a `current` kept in a driver
        // record is not one): without, the solver's own rules place them.
        for driver in &mut request.drivers {
            driver.current = locations
                .get(&driver.id)
                .and_then(|l| position(&date, zone, l));
        }
        for (i, o) in self.drivers.iter().enumerate() {
            let driver: &mut DriverRequest = request
                .drivers
                .iter_mut()
                .find(|d| d.id == o.id)
                .ok_or_else(|| format!("drivers[{i}].id: no driver {} in this plan", o.id))?;
            if o.current.is_some() {
                driver.current = o.current.clone();
            }
            if o.lock.is_some() {
                driver.lock = o.lock.clone();
            }
        }
        Ok(())
    }

    /// As stored with the job and shown back.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// A stored location as a driver's `current`, if reported on `date` in
/// `zone` (`at` is its local time of day).
fn position(
    date: &PlanDate,
    zone: &TimeZone,
    location: &LatestLocation,
) -> Option<CurrentPosition> {
    let at = date.local_seconds(zone, location.submitted_at)?;
    Some(CurrentPosition {
        lat: Some(NumberLike::Number(location.point.lat)),
        lng: Some(NumberLike::Number(location.point.lng)),
        at: Some(NumberLike::Number(at)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::location::Point;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn plan_mode_ignores_the_reroute_fields() {
        assert_eq!(from_body(&body(json!({"now": 5}))).unwrap(), None);
    }

    #[test]
    fn a_reroute_needs_now_and_unique_drivers() {
        let e = from_body(&body(json!({"mode": "reroute", "drivers": [
            {"id": "d1"}, {"id": "d1", "current": {"lat": 57.1}}]})))
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["now", "drivers[1].id", "drivers[1].current"]);
        let r = from_body(&body(
            json!({"mode": "reroute", "now": "39600", "warmStart": "0",
            "disruption": {"driverChange": "900"}, "drivers": [{"id": 7, "lock": "locked"}]}),
        ))
        .unwrap()
        .unwrap();
        assert_eq!(r.now, 39600.0);
        assert_eq!(r.warm_start, Some(false));
        assert_eq!(r.drivers[0].id, "7");
        assert_eq!(
            r.disruption.unwrap().driver_change,
            Some(NumberLike::Text("900".into()))
        );
    }

    #[test]
    fn locations_count_only_on_the_plan_day() {
        let date = PlanDate::parse("2026-11-23").unwrap();
        let utc = TimeZone::UTC;
        let midnight_ms = date.instant_ms(&utc, 0.0).unwrap();
        assert_eq!(
            date.local_seconds(&utc, midnight_ms + 43_200_500),
            Some(43_200.5)
        );
        assert_eq!(date.local_seconds(&utc, midnight_ms - 1), None);
        assert_eq!(date.local_seconds(&utc, midnight_ms + 86_400_000), None);
    }

    #[test]
    fn locations_and_overrides_become_current_positions() {
        let date = PlanDate::parse("2026-11-23").unwrap();
        let driver = |id: &str| -> DriverRequest {
            serde_json::from_value(json!({"id": id, "start": {"lat": 57.0, "lng": -2.0},
                "shift": {"earliest": 28800, "latest": 61200}}))
            .unwrap()
        };
        let mut request = PlanRequest {
            date: "2026-11-23".into(),
            drivers: vec![driver("d1"), driver("d2"), driver("d3")],
            ..PlanRequest::default()
        };
        let at = |ms: i64| LatestLocation {
            point: Point {
                lat: 57.2,
                lng: -2.2,
            },
            submitted_at: date.instant_ms(&TimeZone::UTC, 0.0).unwrap() + ms,
            received_at: 0,
        };
        let locations = HashMap::from([
            ("d1".to_string(), at(45_000_000)),
            ("d2".to_string(), at(-3_600_000)),
        ]);
        let reroute = from_body(&body(json!({"mode": "reroute", "now": 39600,
            "drivers": [{"id": "d3", "lock": "keepDriver", "current": {"at": 43200}}]})))
        .unwrap()
        .unwrap();
        reroute
            .apply(&mut request, &locations, &TimeZone::UTC)
            .unwrap();
        assert_eq!(request.mode.as_deref(), Some("reroute"));
        let current = request.drivers[0].current.clone().unwrap();
        assert_eq!(current.at, Some(NumberLike::Number(45_000.0)));
        assert_eq!(current.lat, Some(NumberLike::Number(57.2)));
        assert_eq!(request.drivers[1].current, None, "yesterday's location");
        assert_eq!(request.drivers[2].lock.as_deref(), Some("keepDriver"));
        let unknown = from_body(&body(json!({"mode": "reroute", "now": 1,
            "drivers": [{"id": "d9"}]})))
        .unwrap()
        .unwrap();
        assert!(unknown
            .apply(&mut request, &locations, &TimeZone::UTC)
            .unwrap_err()
            .contains("drivers[0].id: no driver d9"));
    }
}
