//! The plan result: one route per used driver with timed stops, the
//! unassigned visits with their reason, and a summary. Times are seconds
//! from midnight of the plan's date, also given as ISO local times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lenient::IdLike;

/// The planned day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanResult {
    /// The request's date.
    pub date: String,
    /// Routes of the drivers that serve at least one visit.
    pub routes: Vec<RouteResult>,
    /// Visits left out, each with a reason.
    pub unassigned: Vec<UnassignedVisit>,
    /// Totals.
    pub summary: Summary,
    /// Re-route: every visit whose driver, order or ETA differs from the
    /// published plan, or that was added or dropped (absent when planning).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<VisitChange>,
}

/// How a visit differs from the published plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    /// Served by another driver than published.
    Driver,
    /// Same driver, out of its published order among that driver's visits.
    Sequence,
    /// Starts more than the threshold away from its published ETA.
    Eta,
    /// Had no published driver, now planned.
    Added,
    /// Was published, now unassigned.
    Unassigned,
}

/// One changed visit: before (published) and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitChange {
    /// `_id`, else `id` as text.
    pub visit_id: String,
    /// The request's `id`, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<IdLike>,
    /// What changed.
    pub kinds: Vec<ChangeKind>,
    /// Published driver.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_driver_id: Option<String>,
    /// Planned driver (absent when unassigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_driver_id: Option<String>,
    /// Published `serviceOrder`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_service_order: Option<f64>,
    /// New `serviceOrder`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_service_order: Option<usize>,
    /// Published ETA (service start), seconds from midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_eta: Option<f64>,
    /// New service start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_eta: Option<f64>,
}

/// Re-route: counts of changes against the published plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSummary {
    /// Visits with at least one change (the length of `changes`).
    pub changed_visits: usize,
    /// Visits served by another driver than published.
    pub driver: usize,
    /// Visits out of their published order.
    pub sequence: usize,
    /// Visits moved more than the threshold from their ETA.
    pub eta: usize,
    /// Visits without a published driver, now planned.
    pub added: usize,
    /// Published visits now unassigned.
    pub unassigned: usize,
}

/// One driver's day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteResult {
    /// Driver id.
    pub driver_id: String,
    /// Vehicle id, when the driver has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicle_id: Option<String>,
    /// Visits in service order.
    pub stops: Vec<StopResult>,
    /// The lunch break, when the driver has one.
    #[serde(rename = "break", default, skip_serializing_if = "Option::is_none")]
    pub lunch_break: Option<BreakResult>,
    /// Departure from the start location (just in time).
    pub start: f64,
    /// Arrival at the end location (end of the last service, open route).
    pub end: f64,
    /// Seconds driving.
    pub travel_time: f64,
    /// Metres driven.
    pub distance: f64,
    /// `end - start`.
    pub working_time: f64,
    /// Seconds the day ends after `shift.latest`; only for drivers
    /// allowed overtime (0 when on time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime_seconds: Option<f64>,
}

/// One timed visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopResult {
    /// `_id`, else `id` as text.
    pub visit_id: String,
    /// The request's `id`, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<IdLike>,
    /// 1, 2, 3 ... within the driver's day.
    pub service_order: usize,
    /// Arrival at the location.
    pub arrival: f64,
    /// Start of service.
    pub service_start: f64,
    /// End of service.
    pub departure: f64,
    /// `serviceStart - arrival`.
    pub waiting: f64,
    /// Arrival as `YYYY-MM-DDThh:mm:ss`.
    pub arrival_iso: String,
    /// Service start as `YYYY-MM-DDThh:mm:ss`.
    pub service_start_iso: String,
    /// Seconds service starts after its window's `latest`; only for
    /// visits that allow lateness (0 when on time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_seconds: Option<f64>,
}

/// Where the break falls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BreakResult {
    /// Start, seconds from midnight.
    pub start: f64,
    /// End.
    pub end: f64,
    /// Taken after the stop with this `serviceOrder` (0 = before the first).
    pub after_service_order: usize,
}

/// Why a visit is not planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// No usable latitude/longitude.
    MissingLocation,
    /// No driver holds every required skill.
    NoDriverWithSkills,
    /// Drivers with the skills exist, but none is in `allowed_vehicles`
    /// (or, for a visit in progress, its own driver is not among them).
    NotAllowedVehicle,
    /// Eligible drivers exist, but none covers the visit's territory.
    OutsideTerritory,
    /// The demand exceeds every eligible vehicle's capacity.
    OverCapacity,
    /// The service is longer than every eligible driver's shift.
    LongerThanShift,
    /// No road leads there: the router cannot snap its location, or no
    /// eligible driver's start connects to it and back to their end.
    NoRoute,
    /// No eligible driver could serve it even with an empty day.
    TimeWindowUnreachable,
    /// It fits alone, but no route can take it, even in place of up to two
    /// lower-priority visits.
    NoRoom,
    /// Re-route: locked (or frozen) to a driver who can no longer serve it
    /// (the detail names the window and the expected arrival).
    LockInfeasible,
    /// A field the planner reads is invalid (the detail names every such
    /// field); only when the request asks to unassign such visits.
    InvalidRecord,
    /// In progress with a driver who is not among the plan's drivers.
    DriverNotInPlan,
    /// Every eligible driver's `maxDistance` is shorter than the round
    /// trip to the visit.
    MaxDistance,
    /// It fits alone, but every driver who could serve it has reached
    /// their `maxVisits`.
    MaxVisits,
}

/// A visit left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnassignedVisit {
    /// `_id`, else `id` as text.
    pub visit_id: String,
    /// The request's `id`, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<IdLike>,
    /// Machine-readable reason.
    pub reason: ReasonCode,
    /// Human-readable explanation.
    pub detail: String,
}

/// Totals over the day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Visits to plan (closed and skipped ones excluded).
    pub visits: usize,
    /// Visits served.
    pub served: usize,
    /// Closed or skipped visits, not planned.
    pub excluded: usize,
    /// Served visits per priority level ("1" .. "10").
    pub served_by_priority: BTreeMap<String, usize>,
    /// Unassigned visits per priority level.
    pub unassigned_by_priority: BTreeMap<String, usize>,
    /// Seconds driving, all routes.
    pub travel_time: f64,
    /// Metres driven, all routes.
    pub distance: f64,
    /// Drivers with at least one stop.
    pub drivers_used: usize,
    /// Seconds late, all stops; only when some visit allows lateness or
    /// some driver overtime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_seconds: Option<f64>,
    /// Seconds of overtime, all routes; present with `lateSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime_seconds: Option<f64>,
    /// Re-route: counts of the changes against the published plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangeSummary>,
}
