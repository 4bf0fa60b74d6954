//! What road travel adds to a plan's result (JSON, as written and stored):
//! `summary.travel` (the router, the fetch, the cache, left-out drivers,
//! the fall-back and why), the router's words on `NO_ROUTE` visits it
//! cannot snap, and with `geometry` each route's road polyline.

use std::collections::HashMap;

use ordo_solver::plan::{visit_identity, PlanRequest};
use serde_json::{json, Value};

use super::options::RoadTravel;
use super::resolve::{point, visit_point, Resolved};

/// Adds `summary.travel` and the router's words to `result` (a
/// serialized plan result).
pub fn annotate(result: &mut Value, resolved: &Resolved) {
    let left_out: Vec<Value> = resolved
        .left_out_drivers
        .iter()
        .map(|d| json!({"driverId": d.id, "reason": "NO_ROUTE", "detail": d.detail}))
        .collect();
    let mut travel = json!({
        "model": resolved.engine,
        "router": resolved.router,
        "profile": resolved.profile,
        "places": resolved.places,
        "tiles": resolved.stats.tiles,
        "tableRequests": resolved.stats.requests,
        "cachedLegs": resolved.cached_legs,
        "fetchSeconds": resolved.stats.seconds,
        "unroutablePairs": resolved.unroutable_pairs,
        "leftOutDrivers": left_out,
    });
    if let Some(reason) = &resolved.fallback {
        travel["model"] = "geodesic".into();
        travel["fallback"] = json!({"used": "geodesic", "reason": reason});
    }
    if let Some(summary) = result.get_mut("summary").and_then(Value::as_object_mut) {
        summary.insert("travel".into(), travel);
    }
    let Some(unassigned) = result.get_mut("unassigned").and_then(Value::as_array_mut) else {
        return;
    };
    for entry in unassigned {
        if entry["reason"] != "NO_ROUTE" {
            continue;
        }
        let id = entry["visitId"].as_str().unwrap_or_default();
        if let Some((_, words)) = resolved.unsnapped_visits.iter().find(|(v, _)| v == id) {
            entry["detail"] = words.clone().into();
        }
    }
}

/// Adds each route's road polyline (`geometry`, a GeoJSON LineString
/// from the router's `route` service) to `result`, driving from the
/// driver's start through the stops to their end in `request`. A route
/// the router cannot draw gets `geometryError` instead: the plan stands
/// without its picture.
pub fn add_geometry(result: &mut Value, request: &PlanRequest, road: &RoadTravel) {
    let client = road.router.client();
    let visits: HashMap<String, (f64, f64)> = request
        .visits
        .iter()
        .filter_map(|v| Some((visit_identity(v)?, visit_point(v)?)))
        .collect();
    let Some(routes) = result.get_mut("routes").and_then(Value::as_array_mut) else {
        return;
    };
    for route in routes {
        let driver = request
            .drivers
            .iter()
            .find(|d| route["driverId"] == d.id.as_str());
        let start = driver.and_then(|d| point(&d.start.lat, &d.start.lng));
        let end = driver
            .and_then(|d| d.end.as_ref())
            .map_or(start, |e| point(&e.lat, &e.lng));
        let stops = route["stops"].as_array().cloned().unwrap_or_default();
        let through = stops.iter().map(|s| {
            visits
                .get(s["visitId"].as_str().unwrap_or_default())
                .copied()
        });
        let points: Option<Vec<(f64, f64)>> =
            std::iter::once(start).chain(through).chain([end]).collect();
        let drawn = points
            .ok_or_else(|| "a stop without a location".to_string())
            .and_then(|p| client.route_line(&p));
        match drawn {
            Ok(line) => route["geometry"] = json!({"type": "LineString", "coordinates": line}),
            Err(e) => route["geometryError"] = format!("router {}: {e}", road.router.url).into(),
        }
    }
}
