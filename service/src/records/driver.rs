//! The driver record: a worker and their vehicle, with the fields of the
//! plan format's `DriverRequest` (skills, territories, vehicle, capacity,
//! shift, break, home locations, working-time cap) so a plan job can be
//! built from stored drivers.

use ordo_solver::plan::{check_driver, DriverRequest};
use serde_json::{json, Map, Value};

use super::location::parse_location;
use super::planner::planner_errors;
use super::spec::{field as f, id_text, validate, Field, FieldError, Kind, LOCKS};

/// Every documented driver field.
pub const DRIVER_FIELDS: &[Field] = &[
    f(
        "id",
        Kind::Id,
        true,
        "Your id for the driver: the upsert key, and the visits' driverId.",
    ),
    f("name", Kind::Text, false, "Display name."),
    f("email", Kind::Text, false, "Email (worker record)."),
    f("skills", Kind::TextList, false, "Skill names held."),
    f(
        "territories",
        Kind::TextList,
        false,
        "Territory names served (empty = all).",
    ),
    f(
        "vehicleId",
        Kind::Text,
        false,
        "Vehicle id (matched by visits' allowed_vehicles).",
    ),
    f(
        "capacity",
        Kind::Number {
            min: 0.0,
            max: 1e12,
        },
        false,
        "Maximum load.",
    ),
    f(
        "start",
        Kind::Location,
        true,
        "Where the day starts, in any location format.",
    ),
    f(
        "end",
        Kind::Location,
        false,
        "Where the day ends; absent = open route.",
    ),
    f(
        "shift",
        Kind::Window,
        true,
        "Working hours, seconds from midnight: {earliest, latest}.",
    ),
    f(
        "break",
        Kind::Break,
        false,
        "Lunch break: {earliest, latest, duration}.",
    ),
    f(
        "maxWorkingTime",
        Kind::Number {
            min: 0.0,
            max: 604_800.0,
        },
        false,
        "Cap on the day's length in seconds.",
    ),
    f(
        "lock",
        Kind::OneOf(LOCKS),
        false,
        "Re-route: lock of the driver's published visits (locked, keepDriver, free).",
    ),
];

/// Validates a complete driver and returns its id as text.
pub fn driver_id(record: &Map<String, Value>) -> Result<String, Vec<FieldError>> {
    let mut errors = validate(DRIVER_FIELDS, record, false);
    // The planner's checks need the plan format (locations as points),
    // which only a record of the right shapes converts to.
    if let Ok(driver) = driver_request(&Value::Object(record.clone())) {
        let planner = planner_errors(&errors, check_driver(&driver));
        errors.extend(planner);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    record
        .get("id")
        .ok_or_else(|| vec![FieldError::new("id", "is required")])
        .and_then(|v| id_text(v).map_err(|e| vec![FieldError::new("id", e)]))
}

/// The plan format's driver from a stored (validated) record: the id as
/// text and locations as `{lat, lng}`.
pub fn driver_request(record: &Value) -> Result<DriverRequest, String> {
    let mut map: Map<String, Value> = record
        .as_object()
        .cloned()
        .ok_or("a driver record is not an object")?;
    map.retain(|_, v| !v.is_null());
    if let Some(id) = map.get("id") {
        let id = id_text(id)?;
        map.insert("id".into(), Value::String(id));
    }
    for name in ["start", "end"] {
        if let Some(value) = map.get(name) {
            let p = parse_location(value).map_err(|e| format!("{name}: {e}"))?;
            map.insert(name.into(), json!({"lat": p.lat, "lng": p.lng}));
        }
    }
    serde_json::from_value(Value::Object(map)).map_err(|e| e.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid driver with id `id`.
    pub(crate) fn driver(id: &str) -> Map<String, Value> {
        json!({"id": id, "name": "Liam", "skills": ["Plumber"], "territories": ["AB"],
               "vehicleId": format!("van-{id}"), "start": "57.1,-2.1",
               "end": {"x": 57.1, "y": -2.1}, "shift": {"earliest": 28800, "latest": 61200}})
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn stored_drivers_become_plan_drivers() {
        let mut d = driver("d1");
        d.insert("id".into(), json!(17));
        assert_eq!(driver_id(&d).unwrap(), "17");
        let request = driver_request(&Value::Object(d)).unwrap();
        assert_eq!(request.id, "17");
        assert_eq!(request.vehicle_id.as_deref(), Some("van-d1"));
        assert!(request.end.is_some());
        let mut locked = driver("d2");
        locked.insert("lock".into(), json!("keepDriver"));
        assert!(driver_id(&locked).is_ok());
        let request = driver_request(&Value::Object(locked)).unwrap();
        assert_eq!(request.lock.as_deref(), Some("keepDriver"));
    }

    #[test]
    fn what_the_planner_reads_is_checked_by_the_planner() {
        let mut d = driver("d1");
        d.insert("current".into(), json!({"lat": 57.1}));
        let errors = driver_id(&d).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "current");
    }

    #[test]
    fn a_driver_needs_a_start_and_a_shift() {
        let mut d = driver("d1");
        d.remove("shift");
        d.insert("start".into(), json!("somewhere"));
        d.insert("lock".into(), json!("always"));
        let fields: Vec<String> = driver_id(&d)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["start", "shift", "lock"]);
    }
}
