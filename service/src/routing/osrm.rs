//! OSRM's services: `table` (durations, distances and where each place
//! snapped, for a tile in one GET), `nearest` (the router's own words for
//! a place it cannot snap within the radius) and `route` (a route's road
//! polyline).

use std::ops::Range;

use serde_json::Value;

use super::tiles::{Snap, TableSource, Tile, TileError};
use super::Router;

/// Table requests to one OSRM server.
pub struct TableClient {
    agent: ureq::Agent,
    base: String,
    profile: String,
}

impl TableClient {
    /// A client of `router`, with its timeout.
    pub fn new(router: &Router) -> Self {
        Self {
            agent: ureq::AgentBuilder::new().timeout(router.timeout).build(),
            base: router.url.clone(),
            profile: router.profile.clone(),
        }
    }

    /// The URL of the table from `points[sources]` to
    /// `points[destinations]` (a square tile sends its places once).
    fn url(
        &self,
        points: &[(f64, f64)],
        sources: &Range<usize>,
        destinations: &Range<usize>,
    ) -> String {
        let lng_lat = |&(lat, lng): &(f64, f64)| format!("{lng:.6},{lat:.6}");
        let mut url = format!("{}/table/v1/{}/", self.base, self.profile);
        if sources == destinations {
            let places: Vec<String> = points[sources.clone()].iter().map(lng_lat).collect();
            url += &places.join(";");
            url += "?annotations=duration,distance";
            return url;
        }
        let places: Vec<String> = points[sources.clone()]
            .iter()
            .chain(&points[destinations.clone()])
            .map(lng_lat)
            .collect();
        let s = sources.len();
        let indices = |r: Range<usize>| r.map(|i| i.to_string()).collect::<Vec<_>>().join(";");
        url += &places.join(";");
        url += &format!(
            "?annotations=duration,distance&sources={}&destinations={}",
            indices(0..s),
            indices(s..s + destinations.len())
        );
        url
    }
}

impl TableClient {
    /// The router's words for a place it cannot snap within `radius`
    /// metres (`nearest` with that radius), e.g. "NoSegment: Could not
    /// find a matching segment for coordinate".
    pub fn refusal(&self, (lat, lng): (f64, f64), radius: f64) -> String {
        let url = format!(
            "{}/nearest/v1/{}/{lng:.6},{lat:.6}?number=1&radiuses={radius:.0}",
            self.base, self.profile
        );
        let body = match self.agent.get(&url).call() {
            Ok(response) => response.into_string().unwrap_or_default(),
            Err(ureq::Error::Status(_, response)) => response.into_string().unwrap_or_default(),
            Err(e) => return format!("nearest: {e}"),
        };
        let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let said = |key: &str| answer.get(key).and_then(Value::as_str).unwrap_or("");
        match (said("code"), said("message")) {
            ("", _) => format!("nearest: {}", truncate(&body)),
            (code, "") => code.to_string(),
            (code, message) => format!("{code}: {message}"),
        }
    }

    /// The road polyline of driving through `points` in order, as GeoJSON
    /// `[lng, lat]` positions (`route` with the full overview).
    pub fn route_line(&self, points: &[(f64, f64)]) -> Result<Vec<[f64; 2]>, String> {
        let places: Vec<String> = points
            .iter()
            .map(|(lat, lng)| format!("{lng:.6},{lat:.6}"))
            .collect();
        let url = format!(
            "{}/route/v1/{}/{}?overview=full&geometries=geojson&steps=false",
            self.base,
            self.profile,
            places.join(";")
        );
        let body = match self.agent.get(&url).call() {
            Ok(response) => response.into_string().map_err(|e| e.to_string())?,
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                return Err(format!("HTTP {code}: {}", truncate(&text)));
            }
            Err(e) => return Err(e.to_string()),
        };
        let answer: Value = serde_json::from_str(&body).map_err(|_| truncate(&body))?;
        let coordinates = answer
            .pointer("/routes/0/geometry/coordinates")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("no route geometry: {}", truncate(&body)))?;
        Ok(coordinates
            .iter()
            .filter_map(|c| Some([c.get(0)?.as_f64()?, c.get(1)?.as_f64()?]))
            .collect())
    }
}

impl TableSource for TableClient {
    fn table(
        &self,
        points: &[(f64, f64)],
        sources: Range<usize>,
        destinations: Range<usize>,
    ) -> Result<Tile, TileError> {
        let url = self.url(points, &sources, &destinations);
        let body = match self.agent.get(&url).call() {
            Ok(response) => response
                .into_string()
                .map_err(|e| TileError::Transient(format!("reading the answer: {e}")))?,
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                let message = format!("HTTP {code}: {}", truncate(&text));
                return Err(if code >= 500 {
                    TileError::Transient(message)
                } else {
                    TileError::Refused(message)
                });
            }
            Err(ureq::Error::Transport(e)) => return Err(TileError::Transient(e.to_string())),
        };
        parse_table(&body, sources.len(), destinations.len())
    }
}

/// Parses OSRM's table answer; `null` cells are pairs without a route.
fn parse_table(body: &str, rows: usize, cols: usize) -> Result<Tile, TileError> {
    let refused = |what: &str| TileError::Refused(format!("{what}: {}", truncate(body)));
    let answer: Value = serde_json::from_str(body).map_err(|_| refused("not JSON"))?;
    if answer.get("code").and_then(Value::as_str) != Some("Ok") {
        return Err(refused("the router did not answer Ok"));
    }
    let table = |key: &str| -> Result<Vec<Vec<Option<f64>>>, TileError> {
        let rows_value = answer
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| refused(&format!("no {key}")))?;
        let table: Vec<Vec<Option<f64>>> = rows_value
            .iter()
            .map(|row| {
                row.as_array()
                    .map(|cells| cells.iter().map(Value::as_f64).collect())
                    .unwrap_or_default()
            })
            .collect();
        if table.len() != rows || table.iter().any(|r| r.len() != cols) {
            return Err(refused(&format!("{key} is not {rows} x {cols}")));
        }
        Ok(table)
    };
    Ok(Tile {
        durations: table("durations")?,
        distances: table("distances")?,
        sources: waypoints(&answer, "sources", rows),
        destinations: waypoints(&answer, "destinations", cols),
    })
}

/// Where each place of a table answer snapped (`location` is
/// `[lng, lat]`, `distance` the metres from the place).
fn waypoints(answer: &Value, key: &str, count: usize) -> Vec<Option<Snap>> {
    let listed = answer.get(key).and_then(Value::as_array);
    (0..count)
        .map(|i| {
            let w = listed?.get(i)?;
            let location = w.get("location")?.as_array()?;
            Some(Snap {
                lng: location.first()?.as_f64()?,
                lat: location.get(1)?.as_f64()?,
                metres: w.get("distance")?.as_f64()?,
            })
        })
        .collect()
}

/// At most 300 characters of an answer, for error messages.
pub(super) fn truncate(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_cells_are_pairs_without_a_route() {
        let body =
            r#"{"code":"Ok","durations":[[0,12.5],[null,0]],"distances":[[0,100],[null,0]]}"#;
        let tile = parse_table(body, 2, 2).unwrap();
        assert_eq!(
            tile.durations,
            vec![vec![Some(0.0), Some(12.5)], vec![None, Some(0.0)]]
        );
        assert_eq!(tile.distances[0][1], Some(100.0));
        assert_eq!(tile.sources, vec![None, None], "no waypoints listed");
    }

    #[test]
    fn waypoints_say_where_each_place_snapped() {
        let body = r#"{"code":"Ok","durations":[[0]],"distances":[[0]],
            "sources":[{"location":[24.94,60.17],"distance":6.4}],
            "destinations":[{"location":[24.95,60.16],"distance":1626.9}]}"#;
        let tile = parse_table(body, 1, 1).unwrap();
        let snap = |lat, lng, metres| Some(Snap { lat, lng, metres });
        assert_eq!(tile.sources, vec![snap(60.17, 24.94, 6.4)]);
        assert_eq!(tile.destinations, vec![snap(60.16, 24.95, 1626.9)]);
    }

    #[test]
    fn an_answer_other_than_ok_is_refused_with_its_words() {
        let body = r#"{"code":"NoSegment","message":"Could not find a matching segment for coordinate 3"}"#;
        match parse_table(body, 2, 2) {
            Err(TileError::Refused(e)) => assert!(e.contains("coordinate 3"), "{e}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_rectangular_tile_names_its_sources_and_destinations() {
        let client = TableClient::new(&Router::osrm("http://127.0.0.1:1"));
        let points = [(60.1, 24.9), (60.2, 24.8), (60.3, 24.7)];
        let url = client.url(&points, &(0..1), &(1..3));
        assert_eq!(
            url,
            "http://127.0.0.1:1/table/v1/car/24.900000,60.100000;24.800000,60.200000;24.700000,60.300000?annotations=duration,distance&sources=0&destinations=1;2"
        );
    }
}
