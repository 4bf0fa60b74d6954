//! Road travel for one plan request: fetch (or read from the leg cache)
//! the matrix of its distinct places, leave out what the router cannot
//! snap, and hand the solver a supplied matrix.
//!
//! A place farther than the router's snap radius from every road is cut
//! off (every leg to and from it is one without a route): its visits end
//! up `NO_ROUTE` with the router's words, and a driver starting or ending
//! there is left out and reported. A failed fetch fails the plan, unless
//! the travel asks for the geodesic fall-back, which the summary reports.

use std::collections::HashMap;

use anyhow::Result;
use ordo_solver::model::NO_ROUTE_SECONDS;
use ordo_solver::plan::{visit_identity, NumberLike, PlanRequest, PointRequest, TravelRequest};

use super::cache::{self, LegCache};
use super::options::{Fallback, RoadTravel};
use super::tiles::{FetchStats, RoadMatrix};

/// A driver left out because the router cannot snap their start or end.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOutDriver {
    /// The driver's id.
    pub id: String,
    /// Which place, and the router's words.
    pub detail: String,
}

/// What [`resolve`] did, for the result's `summary.travel`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    /// The engine's name (`osrm`, `valhalla`).
    pub engine: &'static str,
    /// The router's base URL.
    pub router: String,
    /// Its profile.
    pub profile: String,
    /// Distinct places of the plan.
    pub places: usize,
    /// How the matrix was fetched (only new places' rows and columns
    /// when cached).
    pub stats: FetchStats,
    /// Legs read from the cache instead of the router.
    pub cached_legs: usize,
    /// Pairs the router could not connect.
    pub unroutable_pairs: usize,
    /// Visits (their result `visitId`) whose place the router cannot
    /// snap, with its words.
    pub unsnapped_visits: Vec<(String, String)>,
    /// Drivers left out.
    pub left_out_drivers: Vec<LeftOutDriver>,
    /// Why the plan fell back to geodesic travel, when it did.
    pub fallback: Option<String>,
}

/// The plan's distinct places and, for each slot of the supplied-matrix
/// order, which place it is.
struct Places {
    points: Vec<(f64, f64)>,
    index: HashMap<(i64, i64), usize>,
}

impl Places {
    /// Every distinct place of `request` (a driver's start is often their
    /// end too, and neighbours share an address): fetched once each.
    fn of(request: &PlanRequest) -> Self {
        let mut places = Self {
            points: Vec::new(),
            index: HashMap::new(),
        };
        for point in plan_places(request).into_iter().flatten() {
            let key = key(point);
            if !places.index.contains_key(&key) {
                places.index.insert(key, places.points.len());
                places.points.push(point);
            }
        }
        places
    }

    fn place(&self, point: (f64, f64)) -> usize {
        self.index[&key(point)]
    }

    /// The slots of `request` in supplied-matrix order, as places.
    fn slots(&self, request: &PlanRequest) -> Vec<Option<usize>> {
        plan_places(request)
            .into_iter()
            .map(|p| p.map(|p| self.place(p)))
            .collect()
    }
}

fn key((lat, lng): (f64, f64)) -> (i64, i64) {
    ((lat * 1e6).round() as i64, (lng * 1e6).round() as i64)
}

/// Replaces the request's travel with the road matrix of its places
/// (from `cache` where known), or with geodesic travel when the fetch
/// fails and the travel allows the fall-back.
pub fn resolve(
    request: &mut PlanRequest,
    road: &RoadTravel,
    cache: Option<&dyn LegCache>,
) -> Result<Resolved> {
    let router = &road.router;
    current_positions_as_starts(request);
    let places = Places::of(request);
    let mut resolved = Resolved {
        engine: router.engine.name(),
        router: router.url.clone(),
        profile: router.profile.clone(),
        places: places.points.len(),
        ..Resolved::default()
    };
    let fetched = match cache {
        Some(cache) => cache::fetch(router, &places.points, cache),
        None => router
            .matrix(&places.points)
            .map(|(matrix, stats)| (matrix, stats, 0)),
    };
    let (mut matrix, stats, cached_legs) = match (fetched, road.fallback) {
        (Ok(fetched), _) => fetched,
        (Err(e), Fallback::Geodesic) => {
            request.options.travel = None;
            resolved.fallback = Some(format!("{e:#}"));
            return Ok(resolved);
        }
        (Err(e), Fallback::None) => return Err(e),
    };
    resolved.stats = stats;
    resolved.cached_legs = cached_legs;
    let refusals = cut_off_unsnapped(road, &places.points, &mut matrix);
    resolved.unroutable_pairs = matrix.unroutable_pairs();
    let words = |point: (f64, f64)| refusals.get(&places.place(point)).cloned();
    resolved.left_out_drivers = leave_out_unsnapped_drivers(request, &words);
    resolved.unsnapped_visits = request
        .visits
        .iter()
        .filter_map(|v| {
            let point = visit_point(v)?;
            Some((visit_identity(v)?, words(point)?))
        })
        .collect();
    let (durations, distances) = matrix.expand(&places.slots(request), NO_ROUTE_SECONDS);
    request.options.travel = Some(TravelRequest::Matrix {
        durations,
        distances: Some(distances),
    });
    Ok(resolved)
}

/// A re-route's reported positions (`drivers[].current` with `lat` and
/// `lng`) become the drivers' starts, keeping `at`: with a supplied
/// matrix the solver restarts a driver from their own start slot, and
/// the position must be a place of the matrix.
fn current_positions_as_starts(request: &mut PlanRequest) {
    for driver in &mut request.drivers {
        let Some(current) = &mut driver.current else {
            continue;
        };
        if let (Some(lat), Some(lng)) = (&current.lat, &current.lng) {
            driver.start = PointRequest {
                lat: lat.clone(),
                lng: lng.clone(),
            };
            (current.lat, current.lng) = (None, None);
        }
    }
}

/// Cuts off every place the router snapped farther than its radius;
/// returns the router's words for each.
fn cut_off_unsnapped(
    road: &RoadTravel,
    points: &[(f64, f64)],
    matrix: &mut RoadMatrix,
) -> HashMap<usize, String> {
    let router = &road.router;
    let mut refusals = HashMap::new();
    for (place, snap) in matrix.snaps.clone().into_iter().enumerate() {
        let Some(snap) = snap.filter(|s| s.metres > router.snap_radius) else {
            continue;
        };
        let said = router.client().refusal(points[place], router.snap_radius);
        refusals.insert(
            place,
            format!(
                "router {} cannot snap it within {:.0} m ({said}); the nearest road is {:.0} m away",
                router.url, router.snap_radius, snap.metres
            ),
        );
        matrix.cut_off(place);
    }
    refusals
}

/// Removes the drivers whose start or end the router cannot snap.
fn leave_out_unsnapped_drivers(
    request: &mut PlanRequest,
    words: &dyn Fn((f64, f64)) -> Option<String>,
) -> Vec<LeftOutDriver> {
    let mut left_out = Vec::new();
    request.drivers.retain(|d| {
        let start = point(&d.start.lat, &d.start.lng);
        let end = d.end.as_ref().and_then(|e| point(&e.lat, &e.lng));
        let refused = [("start", start), ("end", end)]
            .into_iter()
            .find_map(|(which, p)| Some((which, words(p?)?)));
        match refused {
            Some((which, said)) => {
                left_out.push(LeftOutDriver {
                    id: d.id.clone(),
                    detail: format!("{which}: {said}"),
                });
                false
            }
            None => true,
        }
    });
    left_out
}

pub(super) fn point(lat: &NumberLike, lng: &NumberLike) -> Option<(f64, f64)> {
    lat.value().ok().zip(lng.value().ok())
}

pub(super) fn visit_point(v: &ordo_solver::plan::VisitRequest) -> Option<(f64, f64)> {
    point(v.lat.as_ref()?, v.lng.as_ref()?)
}

/// The plan's places in the order of the supplied-matrix model: every
/// driver's start, every driver's end (the start for open routes), every
/// visit; `None` for a visit without a location (the planner leaves it
/// out for that and never reads its row).
fn plan_places(request: &PlanRequest) -> Vec<Option<(f64, f64)>> {
    let starts = request
        .drivers
        .iter()
        .map(|d| point(&d.start.lat, &d.start.lng));
    let ends = request.drivers.iter().map(|d| {
        let end = d.end.as_ref().unwrap_or(&d.start);
        point(&end.lat, &end.lng)
    });
    let visits = request.visits.iter().map(visit_point);
    starts.chain(ends).chain(visits).collect()
}
