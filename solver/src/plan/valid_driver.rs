//! The one definition of a valid driver: every field the planner reads,
//! read and checked here, by the plan translation and by the API when a
//! driver record is written (`check_driver`).

use super::error::{FieldIssue, IssueCode};
use super::fields::{
    non_negative, optional_number, optional_soft_limit, point, whole, window, Collect,
};
use super::request::{DriverRequest, WindowRequest};
use super::situation::LockLevel;
use crate::model::{Break, LatLng, RouteLimits, TimeWindow};

/// Capacity of a driver who gives none: more than any day's demand.
pub const UNLIMITED_CAPACITY: i64 = i64::MAX / 4;

/// Re-route: where a driver is, from when.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Current {
    /// The point, when both coordinates are given.
    pub point: Option<LatLng>,
    /// Free from this time, seconds from midnight.
    pub at: Option<f64>,
}

/// A driver's fields as the planner uses them.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverFields {
    /// Where the day starts (`None` when not read: supplied matrix).
    pub start: Option<LatLng>,
    /// Where it ends; `None` is an open route (or not read).
    pub end: Option<LatLng>,
    /// Working hours.
    pub shift: TimeWindow,
    /// Maximum load.
    pub capacity: i64,
    /// Lunch break.
    pub lunch_break: Option<Break>,
    /// Cap on the day's length, seconds.
    pub max_working_time: Option<f64>,
    /// Overtime, most visits, most metres.
    pub limits: RouteLimits,
    /// Re-route: lock of the driver's published visits.
    pub lock: LockLevel,
    /// Re-route: where the driver is now.
    pub current: Option<Current>,
}

/// Reads the fields the planner uses, with every issue; `points` says
/// whether start and end are read (not with a supplied matrix).
pub fn read_driver_fields(d: &DriverRequest, points: bool) -> (DriverFields, Vec<FieldIssue>) {
    let mut c = Collect::default();
    if d.id.trim().is_empty() {
        c.0.push(FieldIssue::new(
            "id",
            IssueCode::Required,
            "must not be empty",
        ));
    }
    let (start, end) = if points {
        let start = c.take(point("start", &d.start.lat, &d.start.lng).map(Some), None);
        let end = d.end.as_ref().map(|e| point("end", &e.lat, &e.lng));
        (start, c.take(end.transpose(), None))
    } else {
        (None, None)
    };
    let shift_window = WindowRequest {
        earliest: d.shift.earliest.clone(),
        latest: d.shift.latest.clone(),
    };
    let shift = c.take_all(window("shift", &shift_window), TimeWindow::new(0.0, 0.0));
    let overtime = c.take_all(
        optional_soft_limit("shift.overtime", &d.shift.overtime),
        None,
    );
    let max_visits = c.take(
        d.max_visits
            .as_ref()
            .map(|m| match whole("maxVisits", m) {
                Ok(n) if n < 0 => Err(FieldIssue::new(
                    "maxVisits",
                    IssueCode::OutOfRange,
                    format!("must be >= 0, got {n}"),
                )),
                other => other.map(|n| n as usize),
            })
            .transpose(),
        None,
    );
    let max_distance = c.take(
        d.max_distance
            .as_ref()
            .map(|m| non_negative("maxDistance", m))
            .transpose(),
        None,
    );
    let capacity = c.take(
        d.capacity
            .as_ref()
            .map(|v| non_negative("capacity", v).map(|v| v.floor() as i64))
            .transpose(),
        None,
    );
    let lunch_break = c.take_all(
        d.lunch_break
            .as_ref()
            .map(|b| {
                let w = WindowRequest {
                    earliest: b.earliest.clone(),
                    latest: b.latest.clone(),
                };
                let window = window("break", &w);
                let duration = non_negative("break.duration", &b.duration);
                match (window, duration) {
                    (Ok(window), Ok(duration)) => Ok(Break { window, duration }),
                    (window, duration) => Err(window
                        .err()
                        .unwrap_or_default()
                        .into_iter()
                        .chain(duration.err())
                        .collect()),
                }
            })
            .transpose(),
        None,
    );
    let max_working_time = c.take(
        d.max_working_time
            .as_ref()
            .map(|m| non_negative("maxWorkingTime", m))
            .transpose(),
        None,
    );
    let lock = c.take(
        d.lock
            .as_deref()
            .map_or(Ok(LockLevel::Free), |t| LockLevel::parse("lock", t)),
        LockLevel::Free,
    );
    let current = d.current.as_ref().map(|cur| {
        let point = match (&cur.lat, &cur.lng) {
            (Some(lat), Some(lng)) => c.take(point("current", lat, lng).map(Some), None),
            (None, None) => None,
            _ => {
                c.0.push(FieldIssue::new(
                    "current",
                    IssueCode::Inconsistent,
                    "needs both lat and lng (or neither)",
                ));
                None
            }
        };
        let at = c.take(optional_number("current.at", &cur.at), None);
        Current { point, at }
    });
    let fields = DriverFields {
        start,
        end,
        shift,
        capacity: capacity.unwrap_or(UNLIMITED_CAPACITY),
        lunch_break,
        max_working_time,
        limits: RouteLimits {
            overtime,
            max_visits,
            max_distance,
        },
        lock,
        current,
    };
    (fields, c.0)
}

/// Every issue of a driver (what the API refuses).
pub fn check_driver(d: &DriverRequest) -> Vec<FieldIssue> {
    read_driver_fields(d, true).1
}
