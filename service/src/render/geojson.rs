//! A [`Picture`] as a GeoJSON FeatureCollection: a LineString per route
//! (`properties.route`, `colour`, `stops`), a Point per stop (`visitId`,
//! `serviceOrder`, `route`), per depot (`kind: "depot"`) and per visit left
//! out (`kind: "unassigned"`, `reason`). Coordinates are `[lng, lat]` for a
//! plan; a benchmark's plane coordinates are written as they are.

use serde_json::{json, Value};

use super::{Picture, Point, PALETTE};

fn position(p: Point) -> Value {
    json!([p.x, p.y])
}

/// The GeoJSON of `picture`.
pub fn write(picture: &Picture) -> Value {
    let mut features = Vec::new();
    for (i, route) in picture.routes.iter().enumerate() {
        features.push(json!({"type": "Feature",
            "geometry": {"type": "LineString",
                         "coordinates": route.line.iter().copied().map(position).collect::<Vec<_>>()},
            "properties": {"kind": "route", "route": route.name,
                           "colour": PALETTE[i % PALETTE.len()], "stops": route.stops.len()}}));
        for stop in &route.stops {
            features.push(json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": position(stop.at)},
                "properties": {"kind": "stop", "visitId": stop.visit,
                               "serviceOrder": stop.order, "route": route.name}}));
        }
    }
    for &depot in &picture.depots {
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": position(depot)},
            "properties": {"kind": "depot"}}));
    }
    for item in &picture.unserved {
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": position(item.at)},
            "properties": {"kind": "unassigned", "visitId": item.visit, "reason": item.reason}}));
    }
    json!({"type": "FeatureCollection", "name": picture.title,
           "geographic": picture.geographic, "features": features})
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_plan;
    use super::*;

    #[test]
    fn features_per_route_stop_depot_and_unassigned() {
        let g = write(&sample_plan());
        let kinds: Vec<&str> = g["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["route", "stop", "stop", "depot", "unassigned"]);
        let line = &g["features"][0]["geometry"];
        assert_eq!(line["type"], "LineString");
        // [lng, lat]: the driver's start first.
        assert_eq!(line["coordinates"][0], json!([-2.2, 57.0]));
        assert_eq!(g["features"][1]["properties"]["serviceOrder"], 1);
    }
}
