//! The one definition of a valid visit: every field the planner reads,
//! read and checked here, by the plan translation and by the API when a
//! visit record is written (`check_visit_record`), so what the API
//! accepts the planner can use.
//!
//! A visit without a usable location is valid (it is planned as
//! `MISSING_LOCATION`), but a location given with a bad value is an issue
//! the API refuses. Closed and skipped visits are not planned, so the
//! translation ignores their other fields (a stale record must not sink a
//! request); the API still checks them all.

use serde_json::{Map, Value};

use super::error::{FieldIssue, IssueCode};
use super::fields::{
    flag, non_negative, optional_number, optional_soft_limit, priority, whole, window, Collect,
};
use super::lenient::NumberLike;
use super::request::{VisitRequest, WindowRequest};
use super::situation::LockLevel;
use crate::model::{LatLng, Priority, SoftLimit, TimeWindow};

/// A visit's fields as the planner uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFields {
    /// Closed or skipped: not planned.
    pub excluded: bool,
    /// Being served now.
    pub in_progress: bool,
    /// Served before the driver's regular visits.
    pub precedence: bool,
    /// 1 (highest) .. 10.
    pub priority: Priority,
    /// Service seconds.
    pub duration: f64,
    /// Load taken on.
    pub demand: i64,
    /// Sorted windows, overlapping ones merged; one unbounded window when
    /// the visit gives none.
    pub windows: Vec<TimeWindow>,
    /// The point, or why there is none (`MISSING_LOCATION`'s detail).
    pub location: Result<LatLng, String>,
    /// Re-route: its lock, when it has its own.
    pub lock: Option<LockLevel>,
    /// Re-route, in progress: service seconds still to go.
    pub remaining_duration: Option<f64>,
    /// Its own soft-window allowance (the request's default applies
    /// when absent).
    pub lateness: Option<SoftLimit>,
}

/// Reads the fields the planner uses; the issues found, except the
/// location's (see [`VisitFields::location`]). Fields in issue take a
/// neutral value.
pub fn read_visit_fields(v: &VisitRequest) -> (VisitFields, Vec<FieldIssue>) {
    let mut c = Collect(v.unreadable.clone());
    let closed = c.take(flag("closed", &v.closed), false);
    let skipped = c.take(flag("skipped", &v.skipped), false);
    let in_progress = c.take(flag("inProgress", &v.in_progress), false);
    let precedence = c.take(
        flag("precedencePriorityVisit", &v.precedence_priority_visit),
        false,
    );
    let priority = c.take(priority("priority", &v.priority), Priority::DEFAULT);
    let duration = c.take(optional(non_negative, "duration", &v.duration), None);
    let demand = c.take(demand(&v.demand), 0);
    let windows = c.take_all(windows(&v.time_windows), vec![TimeWindow::unbounded()]);
    let lock = c.take(
        v.lock
            .as_deref()
            .map(|t| LockLevel::parse("lock", t))
            .transpose(),
        None,
    );
    c.take(optional_number("eta", &v.eta), None);
    c.take(optional_number("serviceOrder", &v.service_order), None);
    let remaining_duration = c.take(
        optional(non_negative, "remainingDuration", &v.remaining_duration),
        None,
    );
    let lateness = c.take_all(optional_soft_limit("lateness", &v.lateness), None);
    let fields = VisitFields {
        excluded: closed || skipped,
        in_progress,
        precedence,
        priority,
        duration: duration.unwrap_or(0.0),
        demand,
        windows,
        location: location(v).map_err(|problem| match problem {
            Location::Missing => "lat/lng missing".to_string(),
            Location::Invalid(issue) => format!("{}: {}", issue.field, issue.message),
        }),
        lock,
        remaining_duration,
        lateness,
    };
    (fields, c.0)
}

/// Every issue of a visit, its location's included (what the API refuses).
pub fn check_visit(v: &VisitRequest) -> Vec<FieldIssue> {
    let (_, mut issues) = read_visit_fields(v);
    if let Err(Location::Invalid(issue)) = location(v) {
        issues.push(issue);
    }
    issues
}

/// Every issue of a visit record as the API stores it (JSON), for its
/// write-time validation.
pub fn check_visit_record(record: &Map<String, Value>) -> Vec<FieldIssue> {
    check_visit(&read_visit_record(record))
}

/// A visit from JSON. Never fails: fields of the wrong type are left out
/// and listed in [`VisitRequest::unreadable`]; nulls count as absent.
pub fn read_visit(value: &Value) -> VisitRequest {
    match value.as_object() {
        Some(record) => read_visit_record(record),
        None => VisitRequest {
            unreadable: vec![FieldIssue::new(
                "",
                IssueCode::InvalidType,
                format!("expected a visit object, got {value}"),
            )],
            ..VisitRequest::default()
        },
    }
}

fn read_visit_record(record: &Map<String, Value>) -> VisitRequest {
    let present: Map<String, Value> = record
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Ok(visit) = serde_json::from_value(Value::Object(present.clone())) {
        return visit;
    }
    // Some field does not read: find which, one field at a time (every
    // field of a visit is optional, so a record of one field reads
    // exactly when that field does).
    let mut readable = Map::new();
    let mut unreadable = Vec::new();
    for (name, value) in present {
        let alone = Map::from_iter([(name.clone(), value.clone())]);
        if serde_json::from_value::<VisitRequest>(Value::Object(alone)).is_ok() {
            readable.insert(name, value);
        } else {
            let message = format!("expected {}, got {value}", expected(&name));
            unreadable.push(FieldIssue::new(name, IssueCode::InvalidType, message));
        }
    }
    let mut visit: VisitRequest =
        serde_json::from_value(Value::Object(readable)).unwrap_or_default();
    visit.unreadable = unreadable;
    visit
}

/// What a visit field holds, in words.
fn expected(field: &str) -> &'static str {
    match field {
        "id" => "a string or a number",
        "lat" | "lng" | "duration" | "priority" | "serviceOrder" | "demand" | "eta"
        | "remainingDuration" => "a number",
        "closed" | "skipped" | "inProgress" | "precedencePriorityVisit" => {
            "a boolean (true/false, 1/0)"
        }
        "time_windows" => "an array of {\"earliest\", \"latest\"}",
        "required_skills" | "allowed_vehicles" => "an array of strings",
        _ => "a string",
    }
}

fn optional(
    read: fn(&str, &NumberLike) -> Result<f64, FieldIssue>,
    field: &str,
    value: &Option<NumberLike>,
) -> Result<Option<f64>, FieldIssue> {
    value.as_ref().map(|v| read(field, v)).transpose()
}

/// A whole number `>= 0`; absent is 0.
fn demand(value: &Option<NumberLike>) -> Result<i64, FieldIssue> {
    let Some(d) = value else { return Ok(0) };
    non_negative("demand", d)?;
    whole("demand", d)
}

/// Sorted windows with overlapping or touching ones merged (the model
/// wants them disjoint); none means "any time".
pub(super) fn windows(windows: &[WindowRequest]) -> Result<Vec<TimeWindow>, Vec<FieldIssue>> {
    let mut c = Collect::default();
    let mut out: Vec<TimeWindow> = windows
        .iter()
        .enumerate()
        .filter_map(|(k, w)| c.take_all(window(&format!("time_windows[{k}]"), w).map(Some), None))
        .collect();
    if out.is_empty() {
        out.push(TimeWindow::unbounded());
        return c.finish(out);
    }
    out.sort_by(|a, b| a.earliest.total_cmp(&b.earliest));
    let mut merged: Vec<TimeWindow> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(last) if w.earliest <= last.latest => last.latest = last.latest.max(w.latest),
            _ => merged.push(w),
        }
    }
    c.finish(merged)
}

/// The visit's point, when it has a usable one.
pub(super) fn visit_location(v: &VisitRequest) -> Option<LatLng> {
    location(v).ok()
}

/// Why a visit has no usable point.
enum Location {
    /// `lat` or `lng` absent.
    Missing,
    /// Given, but not a number or out of range.
    Invalid(FieldIssue),
}

fn location(v: &VisitRequest) -> Result<LatLng, Location> {
    let (Some(lat), Some(lng)) = (&v.lat, &v.lng) else {
        return Err(Location::Missing);
    };
    let coordinate = |field: &str, value: &NumberLike| {
        value
            .value()
            .map_err(|p| Location::Invalid(FieldIssue::new(field, IssueCode::InvalidType, p)))
    };
    let (lat, lng) = (coordinate("lat", lat)?, coordinate("lng", lng)?);
    LatLng::new(lat, lng).map_err(|problem| {
        let field = if problem.starts_with("latitude") {
            "lat"
        } else {
            "lng"
        };
        Location::Invalid(FieldIssue::new(field, IssueCode::OutOfRange, problem))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issues(record: Value) -> Vec<(String, IssueCode)> {
        check_visit(&read_visit(&record))
            .into_iter()
            .map(|i| (i.field, i.code))
            .collect()
    }

    #[test]
    fn a_valid_visit_has_no_issue() {
        let ok = json!({"_id": "a", "id": 7, "lat": "57.1", "lng": -2.1, "priority": "3",
            "demand": 2, "duration": "600", "closed": "0", "lock": "keepDriver",
            "time_windows": [{"earliest": 30600, "latest": 43200}], "eta": 31000,
            "remainingDuration": null, "customer": {"any": "thing"}});
        assert_eq!(issues(ok), []);
        assert_eq!(issues(json!({})), [], "every field is optional");
    }

    #[test]
    fn every_bad_field_is_listed_with_its_code() {
        let bad = json!({"_id": "a", "demand": "lots", "priority": 11, "duration": -1,
            "time_windows": [{"earliest": 5, "latest": 1}, {"earliest": "x", "latest": 2}],
            "closed": "maybe", "lat": 91, "lng": 0, "lock": "frozen", "eta": "soon",
            "required_skills": "Plumber", "remainingDuration": -3, "inProgress": [1]});
        use IssueCode::*;
        let mut found = issues(bad);
        found.sort();
        let mut expected = vec![
            ("required_skills".to_string(), InvalidType),
            ("inProgress".to_string(), InvalidType),
            ("closed".to_string(), InvalidType),
            ("priority".to_string(), OutOfRange),
            ("duration".to_string(), OutOfRange),
            ("demand".to_string(), InvalidType),
            ("time_windows[0]".to_string(), WindowOrder),
            ("time_windows[1].earliest".to_string(), InvalidType),
            ("lock".to_string(), UnknownValue),
            ("eta".to_string(), InvalidType),
            ("remainingDuration".to_string(), OutOfRange),
            ("lat".to_string(), OutOfRange),
        ];
        expected.sort();
        assert_eq!(found, expected);
        assert_eq!(
            issues(json!({"demand": 1.5}))[0],
            ("demand".into(), NotWhole)
        );
    }

    #[test]
    fn the_planner_reads_windows_merged_and_locations_as_reasons() {
        let v = read_visit(&json!({"lat": 57.1, "time_windows": [
            {"earliest": 50, "latest": 60}, {"earliest": 10, "latest": 55}]}));
        let (fields, issues) = read_visit_fields(&v);
        assert!(issues.is_empty());
        assert_eq!(fields.windows, [TimeWindow::new(10.0, 60.0)]);
        assert_eq!(fields.location, Err("lat/lng missing".into()));
        let v = read_visit(&json!({"lat": 57.1, "lng": "n/a"}));
        let (fields, issues) = read_visit_fields(&v);
        assert!(issues.is_empty(), "a bad location is a planning reason");
        assert!(fields
            .location
            .unwrap_err()
            .starts_with("lng: expected a number"));
    }

    #[test]
    fn a_visit_that_is_not_an_object_is_unreadable() {
        let v = read_visit(&json!(12));
        assert_eq!(check_visit(&v)[0].code, IssueCode::InvalidType);
    }
}
