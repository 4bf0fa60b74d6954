//! Route pictures without a server: `ordo solve ... --svg FILE` and
//! `--geojson FILE`. Both formats draw one [`Picture`]: routes as lines from
//! their start through their stops to their end, the depots or drivers'
//! starts, and the visits left out. Built from a plan request and its result
//! (degrees) or from a benchmark file and its solution (plane coordinates).

pub mod geojson;
pub mod progress;
pub mod svg;

use std::path::Path;

use anyhow::{Context, Result};

use ordo_solver::model::Problem;
use ordo_solver::solution::Solution;
use serde_json::Value;

/// A point: `x` east (longitude), `y` north (latitude).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// East.
    pub x: f64,
    /// North.
    pub y: f64,
}

/// One stop of a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    /// Where.
    pub at: Point,
    /// The visit's id.
    pub visit: String,
    /// 1, 2, 3 ... in the route.
    pub order: usize,
}

/// One route.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteLine {
    /// The driver or vehicle.
    pub name: String,
    /// Start, every stop, end (when the route has one).
    pub line: Vec<Point>,
    /// The stops in order.
    pub stops: Vec<Stop>,
}

/// A visit no route serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Unserved {
    /// Where.
    pub at: Point,
    /// The visit's id.
    pub visit: String,
    /// Why (plan results; empty for benchmark solutions).
    pub reason: String,
}

/// What a picture shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Picture {
    /// The instance or day.
    pub title: String,
    /// Routes, in order.
    pub routes: Vec<RouteLine>,
    /// Depots or drivers' starts.
    pub depots: Vec<Point>,
    /// Visits left out.
    pub unserved: Vec<Unserved>,
    /// Longitude/latitude (a plan) rather than plane coordinates.
    pub geographic: bool,
}

/// Paul Tol's "muted" colours (colour-blind safe), as on the page.
pub const PALETTE: &[&str] = &[
    "#332288", "#117733", "#CC6677", "#88CCEE", "#DDCC77", "#AA4499", "#44AA99", "#999933",
    "#882255", "#6699CC", "#555555",
];

fn lat_lng(value: &Value) -> Option<Point> {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let y = number(value.get("lat")?)?;
    let x = number(value.get("lng").or_else(|| value.get("lon"))?)?;
    (x.is_finite() && y.is_finite()).then_some(Point { x, y })
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Picture {
    /// A plan request (JSON) and its result (JSON): visits by `visitId`
    /// (`_id`, else `id`), drivers by `driverId`.
    pub fn from_plan(request: &Value, result: &Value) -> Self {
        let empty = Vec::new();
        let visits = request["visits"].as_array().unwrap_or(&empty);
        let place = |key: &str| {
            visits
                .iter()
                .find(|v| {
                    v.get("_id").map(text).as_deref() == Some(key)
                        || (v.get("_id").is_none() && v.get("id").map(text).as_deref() == Some(key))
                })
                .and_then(lat_lng)
        };
        let drivers = request["drivers"].as_array().unwrap_or(&empty);
        let driver = |id: &str| {
            drivers
                .iter()
                .find(|d| d.get("id").map(text).as_deref() == Some(id))
        };
        let mut picture = Picture {
            title: format!("Ordo plan {}", text(&request["date"])),
            geographic: true,
            depots: drivers
                .iter()
                .filter_map(|d| lat_lng(&d["start"]))
                .collect(),
            ..Self::default()
        };
        for route in result["routes"].as_array().unwrap_or(&empty) {
            let name = text(&route["driverId"]);
            let stops: Vec<Stop> = route["stops"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .filter_map(|s| {
                    let visit = text(&s["visitId"]);
                    Some(Stop {
                        at: place(&visit)?,
                        order: s["serviceOrder"].as_u64().unwrap_or(0) as usize,
                        visit,
                    })
                })
                .collect();
            let start = driver(&name).and_then(|d| lat_lng(&d["start"]));
            let end = driver(&name).and_then(|d| lat_lng(&d["end"]));
            let line = start
                .into_iter()
                .chain(stops.iter().map(|s| s.at))
                .chain(end)
                .collect();
            picture.routes.push(RouteLine { name, line, stops });
        }
        for item in result["unassigned"].as_array().unwrap_or(&empty) {
            let visit = text(&item["visitId"]);
            if let Some(at) = place(&visit) {
                let reason = text(&item["reason"]);
                picture.unserved.push(Unserved { at, visit, reason });
            }
        }
        picture
    }

    /// A benchmark problem and solution; `coords` by location index (as
    /// [`solomon_coordinates`] reads them).
    pub fn from_solution(problem: &Problem, solution: &Solution, coords: &[(f64, f64)]) -> Self {
        let at = |location: usize| {
            coords
                .get(location)
                .map(|&(x, y)| Point { x, y })
                .unwrap_or(Point { x: 0.0, y: 0.0 })
        };
        let mut depots: Vec<Point> = Vec::new();
        for vehicle in &problem.vehicles {
            let p = at(vehicle.start);
            if !depots.contains(&p) {
                depots.push(p);
            }
        }
        let routes = solution
            .routes
            .iter()
            .filter(|r| !r.visits.is_empty())
            .map(|route| {
                let vehicle = &problem.vehicles[route.vehicle];
                let stops: Vec<Stop> = route
                    .visits
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| Stop {
                        at: at(problem.visits[v].location),
                        visit: problem.visits[v].id.clone(),
                        order: i + 1,
                    })
                    .collect();
                let line = std::iter::once(at(vehicle.start))
                    .chain(stops.iter().map(|s| s.at))
                    .chain(vehicle.end.map(at))
                    .collect();
                RouteLine {
                    name: vehicle.id.clone(),
                    line,
                    stops,
                }
            })
            .collect();
        let unserved = solution
            .unassigned
            .iter()
            .map(|&v| Unserved {
                at: at(problem.visits[v].location),
                visit: problem.visits[v].id.clone(),
                reason: String::new(),
            })
            .collect();
        Picture {
            title: format!("Ordo solution {}", problem.name),
            routes,
            depots,
            unserved,
            geographic: false,
        }
    }
}

/// Writes `picture` to the files asked for (`--svg`, `--geojson`).
pub fn write_files(picture: &Picture, svg: Option<&Path>, geojson: Option<&Path>) -> Result<()> {
    if let Some(path) = svg {
        std::fs::write(path, svg::write(picture))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = geojson {
        let text = serde_json::to_string_pretty(&geojson::write(picture))?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// The `(x, y)` of every row of a Solomon file's customer table, depot
/// first, in file order: the order the reader numbers locations in.
pub fn solomon_coordinates(text: &str) -> Vec<(f64, f64)> {
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let line = line.trim();
        if line.eq_ignore_ascii_case("CUSTOMER") {
            in_table = true;
            continue;
        }
        let numbers: Option<Vec<f64>> = line.split_whitespace().map(|w| w.parse().ok()).collect();
        match numbers {
            Some(n) if in_table && n.len() >= 7 => rows.push((n[1], n[2])),
            _ => {}
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn sample_plan() -> Picture {
        let request = json!({"date": "2026-11-23",
            "visits": [{"_id": "a", "lat": 57.1, "lng": -2.1}, {"id": 7, "lat": "57.2", "lng": -2.0},
                       {"_id": "c", "lat": 57.3, "lng": -2.3}],
            "drivers": [{"id": "d1", "start": {"lat": 57.0, "lng": -2.2}, "end": {"lat": 57.0, "lng": -2.2}}]});
        let result = json!({"routes": [{"driverId": "d1", "stops": [
                {"visitId": "7", "serviceOrder": 1}, {"visitId": "a", "serviceOrder": 2}]}],
            "unassigned": [{"visitId": "c", "reason": "NO_ROOM"}]});
        Picture::from_plan(&request, &result)
    }

    #[test]
    fn plan_routes_run_from_start_through_stops_to_end() {
        let picture = sample_plan();
        assert_eq!(picture.routes.len(), 1);
        let route = &picture.routes[0];
        let ys: Vec<f64> = route.line.iter().map(|p| p.y).collect();
        assert_eq!(ys, [57.0, 57.2, 57.1, 57.0]);
        assert_eq!(route.stops[0].visit, "7");
        assert_eq!(picture.unserved[0].reason, "NO_ROOM");
        assert_eq!(picture.depots.len(), 1);
    }

    #[test]
    fn solomon_rows_in_file_order() {
        let text = "C1\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nCUST NO. XCOORD. YCOORD. DEMAND READY DUE SERVICE\n\n 0 40 50 0 0 100 0\n 1 45 68 1 0 50 5\n";
        assert_eq!(solomon_coordinates(text), [(40.0, 50.0), (45.0, 68.0)]);
    }
}
