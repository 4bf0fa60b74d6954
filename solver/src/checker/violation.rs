//! The rules a solution can break, one variant each.

use std::fmt;

/// One broken rule, naming the route, visit or vehicle (by index).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Violation {
    /// A route names a vehicle that does not exist.
    UnknownVehicle { route: usize, vehicle: usize },
    /// A route names a visit that does not exist.
    UnknownVisit { route: usize, visit: usize },
    /// Two routes use the same vehicle.
    VehicleUsedTwice { vehicle: usize },
    /// A visit appears in more than one place.
    ServedTwice { visit: usize },
    /// A visit is both routed and listed as unassigned.
    ServedAndUnassigned { visit: usize },
    /// A required visit is served by no route.
    RequiredNotServed { visit: usize },
    /// An unserved visit is missing from the unassigned list.
    MissingFromOutput { visit: usize },
    /// Load exceeds capacity.
    Capacity {
        route: usize,
        load: i64,
        capacity: i64,
    },
    /// Arrival after the close of every window.
    TimeWindow { visit: usize, arrival: f64 },
    /// The route ends after the shift (or depot horizon).
    ShiftEnd { route: usize, end: f64 },
    /// The route's working time exceeds the maximum.
    WorkingTime { route: usize, working: f64 },
    /// The driver lacks a required skill.
    MissingSkills { visit: usize, vehicle: usize },
    /// The visit's allowed vehicles exclude this one.
    VehicleNotAllowed { visit: usize, vehicle: usize },
    /// A visit locked to another vehicle.
    VehicleLockBroken { visit: usize, vehicle: usize },
    /// A visit of the fixed head (in progress, frozen) comes after a visit
    /// outside it.
    NotFirst { visit: usize, position: usize },
    /// A precedence visit comes after a regular one.
    PrecedenceBroken { visit: usize },
    /// Locked visits out of their locked order.
    SequenceLockBroken { visit: usize },
    /// The vehicle has a break but the route does not place it.
    BreakMissing { route: usize },
    /// The break position is past the end of the route.
    BreakMisplaced { route: usize, position: usize },
    /// The break cannot start inside its window.
    BreakWindow { route: usize, start: f64 },
    /// More visits than the vehicle's `maxVisits`.
    TooManyVisits {
        route: usize,
        visits: usize,
        max: usize,
    },
    /// More distance than the vehicle's `maxDistance`.
    TooFar {
        route: usize,
        distance: f64,
        max: f64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Violation::*;
        match self {
            UnknownVehicle { route, vehicle } => {
                write!(f, "route {route}: unknown vehicle {vehicle}")
            }
            UnknownVisit { route, visit } => write!(f, "route {route}: unknown visit {visit}"),
            VehicleUsedTwice { vehicle } => write!(f, "vehicle {vehicle} has two routes"),
            ServedTwice { visit } => write!(f, "visit {visit} is served twice"),
            ServedAndUnassigned { visit } => write!(f, "visit {visit} is served and unassigned"),
            RequiredNotServed { visit } => write!(f, "required visit {visit} is not served"),
            MissingFromOutput { visit } => {
                write!(f, "visit {visit} is neither routed nor unassigned")
            }
            Capacity {
                route,
                load,
                capacity,
            } => {
                write!(f, "route {route}: load {load} exceeds capacity {capacity}")
            }
            TimeWindow { visit, arrival } => {
                write!(
                    f,
                    "visit {visit}: arrival {arrival:.3} after its last window"
                )
            }
            ShiftEnd { route, end } => {
                write!(f, "route {route}: ends at {end:.3}, after the shift")
            }
            WorkingTime { route, working } => {
                write!(
                    f,
                    "route {route}: working time {working:.3} over the maximum"
                )
            }
            MissingSkills { visit, vehicle } => {
                write!(f, "visit {visit}: vehicle {vehicle} lacks a required skill")
            }
            VehicleNotAllowed { visit, vehicle } => {
                write!(f, "visit {visit}: vehicle {vehicle} is not allowed")
            }
            VehicleLockBroken { visit, vehicle } => {
                write!(f, "visit {visit}: locked to another vehicle than {vehicle}")
            }
            NotFirst { visit, position } => {
                write!(
                    f,
                    "visit {visit}: in progress or frozen but at position {position}, after a free visit"
                )
            }
            PrecedenceBroken { visit } => {
                write!(f, "visit {visit}: precedence visit after a regular one")
            }
            SequenceLockBroken { visit } => write!(f, "visit {visit}: locked sequence broken"),
            BreakMissing { route } => write!(f, "route {route}: break not placed"),
            BreakMisplaced { route, position } => {
                write!(
                    f,
                    "route {route}: break position {position} past the route's end"
                )
            }
            BreakWindow { route, start } => {
                write!(
                    f,
                    "route {route}: break starts at {start:.3}, after its window"
                )
            }
            TooManyVisits { route, visits, max } => {
                write!(f, "route {route}: {visits} visits, over the maximum {max}")
            }
            TooFar {
                route,
                distance,
                max,
            } => {
                write!(
                    f,
                    "route {route}: drives {distance:.3}, over the maximum {max}"
                )
            }
        }
    }
}
