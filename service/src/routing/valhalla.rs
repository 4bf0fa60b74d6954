//! Valhalla's services: `sources_to_targets` (times, distances in
//! kilometres and where each place snapped, for a tile in one POST) and
//! the router's words for a place it cannot snap within the radius (the
//! same service with `search_cutoff`). Road polylines are OSRM's only.

use std::ops::Range;

use serde_json::{json, Value};

use super::tiles::{Snap, TableSource, Tile, TileError};
use super::Router;

/// Requests to one Valhalla server.
pub struct ValhallaClient {
    agent: ureq::Agent,
    base: String,
    costing: String,
}

impl ValhallaClient {
    /// A client of `router` (its profile is the costing), with its timeout.
    pub fn new(router: &Router) -> Self {
        Self {
            agent: ureq::AgentBuilder::new().timeout(router.timeout).build(),
            base: router.url.clone(),
            costing: router.profile.clone(),
        }
    }

    fn post(&self, body: &Value) -> Result<Value, TileError> {
        let url = format!("{}/sources_to_targets", self.base);
        let text = match self.agent.post(&url).send_json(body.clone()) {
            Ok(response) => response
                .into_string()
                .map_err(|e| TileError::Transient(format!("reading the answer: {e}")))?,
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                let message = format!("HTTP {code}: {}", super::osrm::truncate(&text));
                return Err(if code >= 500 {
                    TileError::Transient(message)
                } else {
                    TileError::Refused(message)
                });
            }
            Err(ureq::Error::Transport(e)) => return Err(TileError::Transient(e.to_string())),
        };
        serde_json::from_str(&text)
            .map_err(|_| TileError::Refused(format!("not JSON: {}", super::osrm::truncate(&text))))
    }

    /// The router's words for a place it cannot snap within `radius`
    /// metres, e.g. "No suitable edges near location".
    pub fn refusal(&self, (lat, lng): (f64, f64), radius: f64) -> String {
        let place = json!({"lat": lat, "lon": lng, "search_cutoff": radius.round()});
        let body = json!({"sources": [place], "targets": [place], "costing": self.costing});
        match self.post(&body) {
            Ok(answer) => answer
                .get("error")
                .and_then(Value::as_str)
                .map_or_else(|| "snapped within the radius".into(), str::to_owned),
            Err(TileError::Refused(e) | TileError::Transient(e)) => e,
        }
    }
}

fn locations(points: &[(f64, f64)]) -> Vec<Value> {
    points
        .iter()
        .map(|(lat, lng)| json!({"lat": lat, "lon": lng}))
        .collect()
}

impl TableSource for ValhallaClient {
    fn table(
        &self,
        points: &[(f64, f64)],
        sources: Range<usize>,
        destinations: Range<usize>,
    ) -> Result<Tile, TileError> {
        let body = json!({
            "sources": locations(&points[sources.clone()]),
            "targets": locations(&points[destinations.clone()]),
            "costing": self.costing,
        });
        let answer = self.post(&body)?;
        parse_matrix(
            &answer,
            &points[sources.clone()],
            &points[destinations.clone()],
        )
    }
}

/// Parses a `sources_to_targets` answer over `sources` x `targets`; a
/// cell without a `time` is a pair without a route.
fn parse_matrix(
    answer: &Value,
    sources: &[(f64, f64)],
    targets: &[(f64, f64)],
) -> Result<Tile, TileError> {
    let refused = |what: &str| {
        TileError::Refused(format!(
            "{what}: {}",
            super::osrm::truncate(&answer.to_string())
        ))
    };
    let rows = answer
        .get("sources_to_targets")
        .and_then(Value::as_array)
        .ok_or_else(|| refused("no sources_to_targets"))?;
    if rows.len() != sources.len() {
        return Err(refused(&format!("not {} rows", sources.len())));
    }
    let mut tile = Tile::default();
    for row in rows {
        let cells = row
            .as_array()
            .ok_or_else(|| refused("a row is not a list"))?;
        if cells.len() != targets.len() {
            return Err(refused(&format!("a row is not {} cells", targets.len())));
        }
        let time = |c: &Value| c.get("time").and_then(Value::as_f64);
        let metres = |c: &Value| {
            c.get("distance")
                .and_then(Value::as_f64)
                .map(|km| km * 1000.0)
        };
        tile.durations.push(cells.iter().map(time).collect());
        tile.distances
            .push(cells.iter().map(|c| time(c).and(metres(c))).collect());
    }
    tile.sources = snaps(answer.get("sources"), sources);
    tile.destinations = snaps(answer.get("targets"), targets);
    Ok(tile)
}

/// Where each place snapped: Valhalla echoes the snapped `lat`/`lon`;
/// the distance from the place is great-circle metres (the solver's
/// geodesic model, straight).
fn snaps(listed: Option<&Value>, places: &[(f64, f64)]) -> Vec<Option<Snap>> {
    use ordo_solver::model::{Geodesic, TravelModel};
    let listed = listed.and_then(Value::as_array);
    places
        .iter()
        .enumerate()
        .map(|(i, &(lat, lng))| {
            let w = listed?.get(i)?;
            let (snap_lat, snap_lng) = (w.get("lat")?.as_f64()?, w.get("lon")?.as_f64()?);
            let line = Geodesic {
                coords: vec![(lat, lng), (snap_lat, snap_lng)],
                detour_factor: 1.0,
                speed_mps: 1.0,
            };
            Some(Snap {
                lat: snap_lat,
                lng: snap_lng,
                metres: line.distance(0, 1),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_kilometres_and_snapped_places() {
        let answer = json!({"sources_to_targets": [[{"time": 0, "distance": 0.0},
            {"time": 179, "distance": 1.427}], [{"time": null, "distance": null}, {"time": 0, "distance": 0.0}]],
            "sources": [{"lat": 60.17, "lon": 24.94}, {"lat": 60.176, "lon": 24.9458}],
            "targets": [{"lat": 60.17, "lon": 24.94}, {"lat": 60.176, "lon": 24.9458}]});
        let places = [(60.17, 24.94), (60.18, 24.9458)];
        let tile = parse_matrix(&answer, &places, &places).unwrap();
        assert_eq!(
            tile.durations,
            vec![vec![Some(0.0), Some(179.0)], vec![None, Some(0.0)]]
        );
        assert_eq!(tile.distances[0][1], Some(1427.0));
        assert_eq!(tile.distances[1][0], None);
        let moved = tile.sources[1].unwrap().metres;
        assert!((440.0..450.0).contains(&moved), "{moved}");
    }
}
