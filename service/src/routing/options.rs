//! The road-travel choice of a plan, read once for every entry point: a
//! plan file's `options.travel` (`ordo solve`), a plan job's `travel`
//! (the API), the `--router` flag of `ordo solve` and `ordo serve`.
//! `{"model": "osrm", "url", "profile", "tableLimit", "snapRadius",
//! "fallback": "geodesic", "geometry"}`, `{"model": "valhalla", "url",
//! "costing": "auto", ...}`; `geodesic` and `matrix` are the solver's own.

use anyhow::{bail, Result};
use serde_json::Value;

use super::Router;
use crate::records::spec::{field as f, Field, Kind};

/// The fields of a plan job's `travel` (the plan format's
/// `options.travel`, road models included).
pub const TRAVEL_FIELDS: &[Field] = &[
    f(
        "model",
        Kind::OneOf(&["geodesic", "osrm", "valhalla"]),
        true,
        "geodesic: straight lines times a detour factor. osrm: road times from an OSRM server \
         (table service, tiled). valhalla: road times from a Valhalla server \
         (sources_to_targets, tiled).",
    ),
    f(
        "url",
        Kind::Text,
        false,
        "Router base URL, e.g. http://127.0.0.1:5000 (required for osrm).",
    ),
    f(
        "profile",
        Kind::Text,
        false,
        "OSRM profile in the URL (default car).",
    ),
    f(
        "costing",
        Kind::Text,
        false,
        "Valhalla costing (default auto).",
    ),
    f(
        "tableLimit",
        Kind::Integer {
            min: 1,
            max: 100_000,
        },
        false,
        "Most sources (and destinations) per table request: the server's --max-table-size \
         (default 100).",
    ),
    f(
        "snapRadius",
        Kind::Number {
            min: 1.0,
            max: 100_000.0,
        },
        false,
        "A place farther than this many metres from every road cannot be snapped: its visit \
         is unassigned NO_ROUTE, its driver left out (default 500).",
    ),
    f(
        "fallback",
        Kind::OneOf(&["none", "geodesic"]),
        false,
        "none (default): a router that fails fails the plan. geodesic: plan on straight lines \
         instead; the result's summary.travel says so and why.",
    ),
    f(
        "geometry",
        Kind::Bool,
        false,
        "Add each route's road polyline (GeoJSON LineString, OSRM route service) to the \
         result (default false).",
    ),
];

/// What to do when the router fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fallback {
    /// Fail the plan, naming the router, the tile and the answer.
    #[default]
    None,
    /// Plan on geodesic travel and say so in the summary.
    Geodesic,
}

/// Road travel for a plan: the router, what a failure does, and whether
/// routes get their road polylines.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadTravel {
    /// The routing engine.
    pub router: Router,
    /// What a failed fetch does.
    pub fallback: Fallback,
    /// Add each route's road polyline to the result.
    pub geometry: bool,
}

impl RoadTravel {
    /// `router` with no fall-back and no polylines (the `--router` flag).
    pub fn new(router: Router) -> Self {
        Self {
            router,
            fallback: Fallback::None,
            geometry: false,
        }
    }
}

/// Reads a travel object; `field` is how errors name it
/// (`options.travel` or `travel`). `None` for the solver's own models.
pub fn road_travel(travel: &Value, field: &str) -> Result<Option<RoadTravel>> {
    let text = |key: &str| travel.get(key).and_then(Value::as_str);
    let model = text("model").unwrap_or("");
    let make: fn(&str) -> Router = match model {
        "osrm" => Router::osrm,
        "valhalla" => Router::valhalla,
        _ => return Ok(None),
    };
    let Some(url) = text("url").filter(|u| u.starts_with("http://") || u.starts_with("https://"))
    else {
        bail!(
            "{field}.url: required for model {model}, an http(s) URL such as http://127.0.0.1:5000"
        );
    };
    let mut router = make(url);
    let profile_key = if model == "valhalla" {
        "costing"
    } else {
        "profile"
    };
    if let Some(profile) = travel.get(profile_key) {
        let valid = profile.as_str().filter(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        });
        let Some(profile) = valid else {
            bail!("{field}.{profile_key}: a name such as car (OSRM) or auto (Valhalla)");
        };
        router.profile = profile.to_string();
    }
    if let Some(limit) = travel.get("tableLimit") {
        let Some(limit) = number(limit).filter(|n| n.fract() == 0.0 && *n >= 1.0) else {
            bail!("{field}.tableLimit: a whole number >= 1");
        };
        router.table_limit = limit as usize;
    }
    if let Some(radius) = travel.get("snapRadius") {
        let Some(radius) = number(radius).filter(|r| *r >= 1.0) else {
            bail!("{field}.snapRadius: metres, at least 1");
        };
        router.snap_radius = radius;
    }
    let fallback = match travel.get("fallback") {
        None | Some(Value::Null) => Fallback::None,
        Some(v) if v == "none" => Fallback::None,
        Some(v) if v == "geodesic" => Fallback::Geodesic,
        Some(_) => bail!("{field}.fallback: none or geodesic"),
    };
    let geometry = match travel.get("geometry") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => bail!("{field}.geometry: true or false"),
    };
    Ok(Some(RoadTravel {
        router,
        fallback,
        geometry,
    }))
}

/// A number or numeric string.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Takes a road `options.travel` out of a plan file (the solver knows
/// only geodesic and matrix travel), and `options.geometry` (polylines,
/// also for the `--router` flag's router).
pub fn take_from_plan(value: &mut Value) -> Result<(Option<RoadTravel>, bool)> {
    let geometry = match value.pointer_mut("/options") {
        Some(Value::Object(options)) => options.remove("geometry"),
        _ => None,
    };
    let geometry = match geometry {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(_) => bail!("options.geometry: true or false"),
    };
    let Some(travel) = value.pointer_mut("/options/travel") else {
        return Ok((None, geometry));
    };
    let Some(mut road) = road_travel(travel, "options.travel")? else {
        return Ok((None, geometry));
    };
    road.geometry |= geometry;
    *travel = Value::Null;
    Ok((Some(road), geometry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (json!({"model": "osrm"}), "travel.url"),
            (json!({"model": "osrm", "url": "ftp://x"}), "travel.url"),
            (
                json!({"model": "osrm", "url": "http://x", "profile": "a/b"}),
                "travel.profile",
            ),
            (
                json!({"model": "osrm", "url": "http://x", "tableLimit": 0}),
                "travel.tableLimit",
            ),
            (
                json!({"model": "osrm", "url": "http://x", "fallback": "yes"}),
                "travel.fallback",
            ),
            (json!({"model": "valhalla"}), "travel.url"),
            (
                json!({"model": "valhalla", "url": "http://x", "costing": ""}),
                "travel.costing",
            ),
        ];
        for (travel, field) in cases {
            let error = road_travel(&travel, "travel").unwrap_err().to_string();
            assert!(error.starts_with(field), "{travel}: {error}");
        }
    }

    #[test]
    fn a_plan_files_road_travel_is_taken_out() {
        let mut plan = json!({"options": {"geometry": true, "travel": {"model": "osrm",
            "url": "http://127.0.0.1:5000/", "tableLimit": "50", "fallback": "geodesic"}}});
        let road = take_from_plan(&mut plan).unwrap().0.unwrap();
        assert_eq!(road.router.url, "http://127.0.0.1:5000");
        assert_eq!(road.router.table_limit, 50);
        assert_eq!(road.fallback, Fallback::Geodesic);
        assert!(road.geometry);
        assert_eq!(plan, json!({"options": {"travel": null}}));
        let mut geodesic = json!({"options": {"travel": {"model": "geodesic"}}});
        assert_eq!(take_from_plan(&mut geodesic).unwrap(), (None, false));
    }
}
