//! The plan request: visits as the visits API sends them, the drivers and
//! the options. Field names follow the API (`time_windows`, `driverId`);
//! numbers and booleans are lenient ([`NumberLike`], [`BoolLike`]), and
//! validation happens in the translation, which names record and field.
//! Visits are read one by one ([`super::valid_visit::read_visit`]), so a
//! visit field of the wrong type is that visit's issue, not a parse error
//! of the whole request.

use serde::{Deserialize, Serialize};

use super::error::FieldIssue;
use super::lenient::{BoolLike, IdLike, NumberLike};

/// Everything needed to plan one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanRequest {
    /// The plan's day, `YYYY-MM-DD`; times are seconds from its midnight.
    pub date: String,
    /// Visits to plan (closed and skipped ones are ignored).
    #[serde(default)]
    pub visits: Vec<VisitRequest>,
    /// Drivers available that day, one vehicle each.
    #[serde(default)]
    pub drivers: Vec<DriverRequest>,
    /// Solver options.
    #[serde(default)]
    pub options: PlanOptions,
    /// `"plan"` (default): plan the whole day. `"reroute"`: re-plan the
    /// rest of the day from `now`, keeping what happened and changing the
    /// published plan (visits' `driverId`, `serviceOrder`, `eta`) as
    /// little as needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Re-route: the moment of the re-plan, seconds from midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<NumberLike>,
    /// Re-route: published stops starting before this time (seconds from
    /// midnight, by their `eta`) keep their driver and place.
    #[serde(
        rename = "freezeUntil",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub freeze_until: Option<NumberLike>,
}

/// One visit, with the visits API's field names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitRequest {
    /// API document id; the visit's identity in results when present.
    #[serde(rename = "_id", default, skip_serializing_if = "Option::is_none")]
    pub doc_id: Option<String>,
    /// ERP id; the identity in results when `_id` is absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<IdLike>,
    /// Driver the visit is currently assigned to (binding when in progress).
    #[serde(rename = "driverId", default, skip_serializing_if = "Option::is_none")]
    pub driver_id: Option<String>,
    /// Day of the visit (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Latitude in degrees; missing or invalid gives `MISSING_LOCATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<NumberLike>,
    /// Longitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<NumberLike>,
    /// Service must start inside one of these (seconds from midnight);
    /// none means any time in the driver's shift.
    #[serde(default)]
    pub time_windows: Vec<WindowRequest>,
    /// Service duration in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<NumberLike>,
    /// Skills the driver must all hold.
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// Driver ids or vehicle ids allowed to serve it; empty = any.
    #[serde(default)]
    pub allowed_vehicles: Vec<String>,
    /// 1 (highest) .. 10 (lowest); default [`crate::model::Priority::DEFAULT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<NumberLike>,
    /// Served before the driver's regular visits.
    #[serde(
        rename = "precedencePriorityVisit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub precedence_priority_visit: Option<BoolLike>,
    /// Only drivers of this territory (when they list territories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// In progress: stays with `driverId`, first in the route.
    #[serde(
        rename = "inProgress",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub in_progress: Option<BoolLike>,
    /// Closed visits are not planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<BoolLike>,
    /// Skipped visits are not planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<BoolLike>,
    /// Previous sequence (informative; the plan sets a new one).
    #[serde(
        rename = "serviceOrder",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub service_order: Option<NumberLike>,
    /// Load taken on; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<NumberLike>,
    /// Re-route: the published service start, seconds from midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<NumberLike>,
    /// Re-route: `"locked"` (keep driver and order), `"keepDriver"` or
    /// `"free"`; overrides the driver's `lock`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// Re-route, in progress: service seconds still to go (derived from
    /// `eta` and `duration` when absent).
    #[serde(
        rename = "remainingDuration",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining_duration: Option<NumberLike>,
    /// Soft windows: service may start up to `maxSeconds` after a
    /// window's `latest`, each second costing `costPerSecond`; default
    /// `options.lateness`, else hard windows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<SoftLimitRequest>,
    /// Fields of the record that could not be read at all (wrong JSON
    /// type), left out of the fields above; set by
    /// [`super::valid_visit::read_visit`].
    #[serde(skip)]
    pub unreadable: Vec<FieldIssue>,
}

/// A time window in seconds from midnight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowRequest {
    /// Opening.
    pub earliest: NumberLike,
    /// Closing (inclusive).
    pub latest: NumberLike,
}

/// A soft limit as sent: `lateness` of a visit, `overtime` of a shift.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftLimitRequest {
    /// Seconds past the bound still allowed (>= 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_seconds: Option<NumberLike>,
    /// Cost of each second past the bound, in seconds of travel (>= 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_second: Option<NumberLike>,
}

/// Working hours: leave no earlier than `earliest`, finish by `latest`,
/// or up to `overtime.maxSeconds` later at its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftRequest {
    /// Earliest departure.
    pub earliest: NumberLike,
    /// Latest end of the day without overtime.
    pub latest: NumberLike,
    /// Work allowed past `latest`, at a cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<SoftLimitRequest>,
}

/// One band of a speed profile: from `from` (inclusive) to `to`
/// (exclusive), seconds from midnight, travel runs at `factor` times the
/// travel model's speed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedBandRequest {
    /// Start of the band.
    pub from: NumberLike,
    /// End of the band.
    pub to: NumberLike,
    /// Speed factor, > 0 (0.6: 60% of the normal speed).
    pub factor: NumberLike,
}

/// A lunch break: starts inside `[earliest, latest]`, lasts `duration` s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakRequest {
    /// Earliest start.
    pub earliest: NumberLike,
    /// Latest start.
    pub latest: NumberLike,
    /// Length in seconds.
    pub duration: NumberLike,
}

/// A point in degrees, as sent (checked into a [`crate::model::LatLng`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointRequest {
    /// Latitude.
    pub lat: NumberLike,
    /// Longitude.
    pub lng: NumberLike,
}

/// One driver and their vehicle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverRequest {
    /// Driver id (matches visits' `driverId` and `allowed_vehicles`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Skills held.
    #[serde(default)]
    pub skills: Vec<String>,
    /// Vehicle id (also matched by `allowed_vehicles`).
    #[serde(rename = "vehicleId", default, skip_serializing_if = "Option::is_none")]
    pub vehicle_id: Option<String>,
    /// Maximum load; unlimited when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<NumberLike>,
    /// Territories served; empty = all.
    #[serde(default)]
    pub territories: Vec<String>,
    /// Where the day starts.
    pub start: PointRequest,
    /// Where the day ends; absent or null = open route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PointRequest>,
    /// Working hours: leave no earlier than `earliest`, finish by
    /// `latest` (or later with `overtime`).
    pub shift: ShiftRequest,
    /// Lunch break.
    #[serde(rename = "break", default, skip_serializing_if = "Option::is_none")]
    pub lunch_break: Option<BreakRequest>,
    /// Cap on end minus start of the day, in seconds.
    #[serde(
        rename = "maxWorkingTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_working_time: Option<NumberLike>,
    /// Most visits in the day's route (hard).
    #[serde(rename = "maxVisits", default, skip_serializing_if = "Option::is_none")]
    pub max_visits: Option<NumberLike>,
    /// Most metres driven in the day's route (hard).
    #[serde(
        rename = "maxDistance",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub max_distance: Option<NumberLike>,
    /// Re-route: where the driver is now and from when they are free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<CurrentPosition>,
    /// Re-route: lock of the driver's published visits (`"locked"`,
    /// `"keepDriver"`, `"free"`); a visit's own `lock` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
}

/// Where a driver is at a re-plan: the route restarts there at
/// `max(now, at)`. Both parts are optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CurrentPosition {
    /// Latitude (with `lng`; geodesic travel only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<NumberLike>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<NumberLike>,
    /// Free from this time, seconds from midnight (a late driver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<NumberLike>,
}

/// Solver options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOptions {
    /// Search budget in seconds; default [`super::defaults::TIME_LIMIT_SECONDS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_limit_seconds: Option<NumberLike>,
    /// Seed of the random choices; default [`super::defaults::SEED`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<NumberLike>,
    /// Parallel searches; default every core, up to 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<NumberLike>,
    /// Search iterations per thread; when set, the result depends only on
    /// the seed and thread count (the time limit still applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<NumberLike>,
    /// Whether whole searches recombine good routes with the MILP
    /// (single-thread days under 1,000 visits); default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recombine: Option<bool>,
    /// Weight of one metre against one second of travel; default
    /// [`super::defaults::DISTANCE_WEIGHT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distance_weight: Option<NumberLike>,
    /// Travel model; default geodesic with the defaults of [`super::defaults`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<TravelRequest>,
    /// Rush hours: speed factors by time of day, applied to every travel
    /// model. Sent as `options.travel.speedProfile` (moved here when the
    /// request is read, so that a travel model replaced later, as the
    /// road router does, keeps it); `options.speedProfile` is read too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed_profile: Option<Vec<SpeedBandRequest>>,
    /// Soft windows for every visit that sets no `lateness` of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lateness: Option<SoftLimitRequest>,
    /// Re-route: what departing from the published plan costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<DisruptionRequest>,
    /// Re-route: start the search from the published plan (default true);
    /// false plans the rest of the day from scratch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_start: Option<BoolLike>,
    /// What a visit the planner cannot use does to the request: `reject`
    /// (default) refuses the request listing every error, `unassign`
    /// plans the rest and reports the visit unassigned (`INVALID_RECORD`,
    /// `DRIVER_NOT_IN_PLAN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_visits: Option<InvalidVisits>,
}

/// What a visit the planner cannot use does to the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InvalidVisits {
    /// The request is refused with every error (files, the command line).
    #[default]
    Reject,
    /// The visit is unassigned with its reason; the rest is planned (plan
    /// jobs over stored records: one bad record never fails a day).
    Unassign,
}

/// Costs of changes to the published plan, in seconds of travel (the unit
/// of the objective), weighed after the visits served per priority.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DisruptionRequest {
    /// Per visit served by another driver than published; default
    /// [`super::defaults::DRIVER_CHANGE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_change: Option<NumberLike>,
    /// Per visit out of its published order within its driver's route;
    /// default [`super::defaults::SEQUENCE_CHANGE`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_change: Option<NumberLike>,
    /// Per visit whose start moves more than the threshold from its
    /// published `eta`; default [`super::defaults::ETA_SHIFT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_shift: Option<NumberLike>,
    /// ETA shifts up to this many seconds are not changes; default
    /// [`super::defaults::ETA_THRESHOLD`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_threshold_seconds: Option<NumberLike>,
}

/// How travel is measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "camelCase")]
pub enum TravelRequest {
    /// Great-circle distance times a detour factor, at an average speed.
    #[serde(rename_all = "camelCase")]
    Geodesic {
        /// Road over straight-line distance; default
        /// [`super::defaults::DETOUR_FACTOR`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detour_factor: Option<NumberLike>,
        /// Average speed in km/h; default [`super::defaults::SPEED_KMH`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        speed_kmh: Option<NumberLike>,
    },
    /// Supplied square tables over the locations: every driver's start,
    /// then every driver's end (a row even for open routes), then every
    /// visit, in request order. Seconds and metres.
    Matrix {
        /// Travel times in seconds.
        durations: Vec<Vec<f64>>,
        /// Distances in metres; equal to durations when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        distances: Option<Vec<Vec<f64>>>,
    },
}

impl PlanRequest {
    /// Parses a request from JSON text. Each visit is read on its own: a
    /// field of the wrong type becomes an issue of that visit
    /// ([`VisitRequest::unreadable`]), reported with all the others.
    pub fn from_json(text: &str) -> Result<Self, super::PlanError> {
        let json = |e: serde_json::Error| super::PlanError::Json(e.to_string());
        let mut value: serde_json::Value = serde_json::from_str(text).map_err(json)?;
        move_speed_profile(&mut value);
        let visits = match value.as_object_mut().and_then(|o| o.remove("visits")) {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(visits)) => visits,
            Some(other) => {
                return Err(super::PlanError::Json(format!(
                    "visits: expected an array of visits, got {other}"
                )))
            }
        };
        let mut request: Self = serde_json::from_value(value).map_err(json)?;
        request.visits = visits.iter().map(super::valid_visit::read_visit).collect();
        Ok(request)
    }
}

/// Moves `options.travel.speedProfile` to `options.speedProfile` (where
/// [`PlanOptions::speed_profile`] reads it); given at both places, the
/// plain `options.speedProfile` wins.
fn move_speed_profile(request: &mut serde_json::Value) {
    let Some(options) = request.get_mut("options").and_then(|o| o.as_object_mut()) else {
        return;
    };
    let Some(travel) = options.get_mut("travel").and_then(|t| t.as_object_mut()) else {
        return;
    };
    let Some(profile) = travel.remove("speedProfile") else {
        return;
    };
    // `{"speedProfile": [...]}` alone keeps the default travel model.
    if travel.is_empty() {
        options.remove("travel");
    }
    options.entry("speedProfile").or_insert(profile);
}
