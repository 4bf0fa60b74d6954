//! The problem model: visits, vehicles, time windows, skills and travel.
//!
//! A [`Problem`] is immutable once built. Every reader (benchmark text,
//! field-service JSON) produces one through [`ProblemBuilder`], which checks
//! the invariants once so the search can rely on them without re-checking.

mod builder;
mod cost;
mod lat_lng;
mod nearest;
mod objective;
mod priority;
mod restrict;
mod skills;
mod soft_limit;
mod speed_profile;
mod time_window;
mod travel;
mod vehicle_class;

use std::sync::Arc;

pub use builder::{ModelError, ProblemBuilder};
pub use cost::{ArcCost, Cost};
pub use lat_lng::LatLng;
pub use nearest::{nearest_among, NearestVisits};
pub use objective::{Objective, ObjectiveKind};
pub use priority::Priority;
pub use skills::SkillSet;
pub use soft_limit::{RouteLimits, SoftLimit};
pub use speed_profile::{SpeedBand, SpeedProfile};
pub use time_window::TimeWindow;
pub use travel::{
    is_no_route, DenseMatrix, DurationRule, Euclidean, Geodesic, Rounding, TravelModel,
    TravelTable, NO_ROUTE_SECONDS,
};
pub use vehicle_class::{fleet_classes, VehicleClass};

/// Seconds (field service) or benchmark time units.
pub type Time = f64;
/// Metres (field service) or benchmark distance units.
pub type Distance = f64;

/// Numerical tolerance used when comparing times and distances.
pub const EPS: f64 = 1e-6;

/// A visit (customer, job) that may be served by one vehicle.
#[derive(Debug, Clone)]
pub struct Visit {
    /// External identifier, echoed in every output.
    pub id: String,
    /// Index into the problem's locations.
    pub location: usize,
    /// Service duration.
    pub service: Time,
    /// Load taken on by the vehicle.
    pub demand: i64,
    /// Service must start inside one of these (sorted, disjoint, non-empty).
    pub windows: Vec<TimeWindow>,
    /// Skills the serving driver must all hold.
    pub skills: SkillSet,
    /// Vehicles allowed to serve it; `None` means any vehicle.
    pub allowed_vehicles: Option<Vec<usize>>,
    /// A [`Priority`]'s level, 1 (highest) .. 10 (lowest), checked by the
    /// builder (plain `u8` so the search compares and counts it directly).
    pub priority: u8,
    /// Must be served (benchmarks); otherwise leaving it out costs its
    /// priority penalty.
    pub required: bool,
    /// Only this vehicle may serve it (in progress, or locked by a dispatcher).
    pub vehicle_lock: Option<usize>,
    /// Belongs to the fixed head of its route (a visit in progress, or a
    /// stop frozen by a re-plan): comes before every visit of the route
    /// without this flag; several such visits keep their `sequence_lock`
    /// order. A lone one is simply the route's first visit.
    pub must_be_first: bool,
    /// Must come before every visit of its route that lacks this flag
    /// (`precedencePriorityVisit`).
    pub precedence: bool,
    /// Locked sequence: visits with a rank on the same vehicle keep the
    /// ascending order of their ranks.
    pub sequence_lock: Option<u32>,
    /// Re-plan: the vehicle of the published plan, and what serving the
    /// visit with any other vehicle costs (same units as travel).
    pub reassignment: Option<Reassignment>,
    /// Soft windows: service may start up to this long after a window
    /// closes, at a cost per second late; `None` keeps the windows hard.
    pub lateness: Option<SoftLimit>,
}

/// The cost of moving a visit away from the vehicle it was published on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reassignment {
    /// Vehicle of the published plan.
    pub vehicle: usize,
    /// Cost of serving the visit with another vehicle.
    pub cost: f64,
}

impl Visit {
    /// A required, unrestricted visit of priority 1 (the benchmark kind).
    pub fn new(
        id: impl Into<String>,
        location: usize,
        service: Time,
        demand: i64,
        window: TimeWindow,
    ) -> Self {
        Self {
            id: id.into(),
            location,
            service,
            demand,
            windows: vec![window],
            skills: SkillSet::new(),
            allowed_vehicles: None,
            priority: 1,
            required: true,
            vehicle_lock: None,
            must_be_first: false,
            precedence: false,
            sequence_lock: None,
            reassignment: None,
            lateness: None,
        }
    }

    /// Earliest opening of any window.
    pub fn earliest(&self) -> Time {
        self.windows.first().map_or(0.0, |w| w.earliest)
    }

    /// Latest closing of any window.
    pub fn latest(&self) -> Time {
        self.windows.last().map_or(Time::INFINITY, |w| w.latest)
    }

    /// Earliest feasible service start at or after `arrival`, if any window allows it.
    #[inline]
    pub fn service_start(&self, arrival: Time) -> Option<Time> {
        self.serve(arrival).map(|s| s.start)
    }

    /// The one time-window rule: service starts at the earliest moment
    /// at or after `arrival` inside the first window that is still open,
    /// a window counting as open until its `latest` plus the visit's
    /// lateness allowance; the seconds past `latest` are the lateness.
    #[inline]
    pub fn serve(&self, arrival: Time) -> Option<Service> {
        let allowance = SoftLimit::allowance(self.lateness);
        self.windows
            .iter()
            .find(|w| arrival <= w.latest + allowance + EPS)
            .map(|w| {
                let start = arrival.max(w.earliest);
                Service {
                    start,
                    late: SoftLimit::excess(start, w.latest),
                }
            })
    }

    /// What starting `late` seconds after the window closed costs.
    #[inline]
    pub fn lateness_cost(&self, late: Time) -> f64 {
        SoftLimit::cost(self.lateness, late, 0.0)
    }

    /// The latest start a window allows, lateness allowance included.
    #[inline]
    pub fn latest_start(&self, window: &TimeWindow) -> Time {
        window.latest + SoftLimit::allowance(self.lateness)
    }
}

/// When service starts at a visit, and how late that is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Service {
    /// Start of service.
    pub start: Time,
    /// Seconds after the window's `latest` (0 when on time).
    pub late: Time,
}

/// A lunch or rest break taken inside its window, wherever the route is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Break {
    /// The break must start inside this window.
    pub window: TimeWindow,
    /// Length of the break.
    pub duration: Time,
}

/// A vehicle with its driver: one route per vehicle.
#[derive(Debug, Clone)]
pub struct Vehicle {
    /// External identifier.
    pub id: String,
    /// Location where the route starts.
    pub start: usize,
    /// Location where the route ends; `None` is an open route.
    pub end: Option<usize>,
    /// Earliest departure and latest return (or latest end of work).
    pub shift: TimeWindow,
    /// Maximum load.
    pub capacity: i64,
    /// Skills held by the driver.
    pub skills: SkillSet,
    /// Cost of using this vehicle at all.
    pub fixed_cost: f64,
    /// Upper bound on end time minus start time of the route.
    pub max_working_time: Option<Time>,
    /// Optional break inside the shift.
    pub lunch_break: Option<Break>,
    /// Overtime and the hard caps on visits and distance.
    pub limits: RouteLimits,
}

impl Vehicle {
    /// The latest end of the day, overtime allowance included.
    #[inline]
    pub fn latest_end(&self) -> Time {
        self.shift.latest + SoftLimit::allowance(self.limits.overtime)
    }

    /// What ending the day at `end` costs in overtime.
    #[inline]
    pub fn overtime_cost(&self, end: Time) -> f64 {
        SoftLimit::cost(self.limits.overtime, end, self.shift.latest)
    }

    /// Whether a route of `visits` visits driving `distance` keeps the
    /// vehicle's hard caps.
    #[inline]
    pub fn within_caps(&self, visits: usize, distance: Distance) -> bool {
        self.limits.max_visits.is_none_or(|m| visits <= m)
            && self.limits.max_distance.is_none_or(|m| distance <= m + EPS)
    }

    /// Whether the vehicle has a cap on visits or distance.
    #[inline]
    pub fn has_caps(&self) -> bool {
        self.limits.max_visits.is_some() || self.limits.max_distance.is_some()
    }
}

/// A complete, validated routing problem.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Instance name.
    pub name: String,
    /// Visits, indexed `0..visits.len()`.
    pub visits: Vec<Visit>,
    /// Vehicles, indexed `0..vehicles.len()`.
    pub vehicles: Vec<Vehicle>,
    /// Travel distance and duration between locations (a regional
    /// subproblem has its own part, see [`Problem::restricted`]).
    pub travel: Arc<DenseMatrix>,
    /// `compatible[i * n_vehicles + k]`: vehicle `k` may serve visit `i`
    /// (skills and allowed vehicles), precomputed once.
    compatible: Vec<bool>,
    /// Number of vehicles that [`Problem::may_serve`] each visit,
    /// precomputed once: recreate orders removed visits by it.
    drivers: Vec<usize>,
    /// Whether any visit or vehicle has a soft limit with a cost
    /// (lateness, overtime), precomputed once: without one, route costs
    /// are travel alone and the schedule-reading cost paths are skipped.
    soft_costs: bool,
    /// Rush-hour speed factors over the day, applied to every leg's
    /// table duration; `None` keeps travel times constant.
    speed_profile: Option<Arc<SpeedProfile>>,
}

impl Problem {
    /// Number of visits.
    pub fn n_visits(&self) -> usize {
        self.visits.len()
    }

    /// Travel distance between two locations.
    #[inline]
    pub fn distance(&self, from: usize, to: usize) -> Distance {
        self.travel.distance(from, to)
    }

    /// Travel duration between two locations at the table's speed (the
    /// leg's duration when no speed profile applies).
    #[inline]
    pub fn duration(&self, from: usize, to: usize) -> Time {
        self.travel.duration(from, to)
    }

    /// How long a leg of table duration `base` takes leaving at `depart`:
    /// `base` itself, or the speed profile's first-in-first-out travel
    /// time. Every schedule reads travel times through this.
    #[inline]
    pub fn leg_time(&self, depart: Time, base: Time) -> Time {
        match &self.speed_profile {
            None => base,
            Some(profile) => profile.arrival(depart, base) - depart,
        }
    }

    /// The latest departure on a leg of table duration `base` that
    /// arrives by `arrive_by` (the inverse of [`Problem::leg_time`]).
    #[inline]
    pub fn depart_by(&self, arrive_by: Time, base: Time) -> Time {
        match &self.speed_profile {
            None => arrive_by - base,
            Some(profile) => profile.departure_for(arrive_by, base),
        }
    }

    /// The speed profile, if travel times depend on the time of day.
    pub fn speed_profile(&self) -> Option<&SpeedProfile> {
        self.speed_profile.as_deref()
    }

    /// The problem with travel times following `profile`.
    pub fn with_speed_profile(mut self, profile: Option<SpeedProfile>) -> Self {
        self.speed_profile = profile.filter(|p| !p.bands().is_empty()).map(Arc::new);
        self
    }

    /// Whether vehicle `vehicle` may serve visit `visit` (skills, allowed vehicles).
    #[inline]
    pub fn compatible(&self, vehicle: usize, visit: usize) -> bool {
        self.compatible[visit * self.vehicles.len() + vehicle]
    }

    /// Number of vehicles that may serve visit `visit`.
    #[inline]
    pub fn drivers_for(&self, visit: usize) -> usize {
        self.drivers[visit]
    }

    /// Whether vehicle `vehicle` may take visit `visit` at all: eligible,
    /// not locked to another vehicle, and the visit's demand fits it.
    #[inline]
    pub fn may_serve(&self, vehicle: usize, visit: usize) -> bool {
        let v = &self.visits[visit];
        self.compatible(vehicle, visit)
            && v.vehicle_lock.is_none_or(|l| l == vehicle)
            && v.demand <= self.vehicles[vehicle].capacity
    }

    /// Cost of vehicle `vehicle` serving visit `visit` (0 unless the visit
    /// was published on another vehicle).
    #[inline]
    pub fn assignment_cost(&self, visit: usize, vehicle: usize) -> f64 {
        match self.visits[visit].reassignment {
            Some(r) if r.vehicle != vehicle => r.cost,
            _ => 0.0,
        }
    }

    /// Whether any visit carries a reassignment cost.
    pub fn has_assignment_costs(&self) -> bool {
        self.visits
            .iter()
            .any(|v| v.reassignment.is_some_and(|r| r.cost != 0.0))
    }

    /// Whether lateness or overtime may add to a route's cost.
    #[inline]
    pub fn has_soft_costs(&self) -> bool {
        self.soft_costs
    }

    /// True when every visit has exactly one window and no vehicle has a
    /// break: the classic VRPTW, where O(1) segment algebra applies.
    pub fn is_single_window(&self) -> bool {
        self.visits.iter().all(|v| v.windows.len() == 1)
            && self.vehicles.iter().all(|v| v.lunch_break.is_none())
    }
}
