//! `ordo solve --svg/--geojson`: pictures of a planned day and of a
//! benchmark solution, checked against the routes the command wrote.

use std::process::Command;

use ordo_e2e::{ordo_bin, workspace_root};
use serde_json::Value;

fn kinds(geojson: &Value, kind: &str) -> usize {
    geojson["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["properties"]["kind"] == kind)
        .count()
}

#[test]
fn plan_pictures_show_every_route_and_stop() {
    let dir = tempfile::tempdir().unwrap();
    let (out, svg, geo) = (
        dir.path().join("r.json"),
        dir.path().join("r.svg"),
        dir.path().join("r.geojson"),
    );
    let status = Command::new(ordo_bin())
        .current_dir(workspace_root())
        .args([
            "solve",
            "datasets/field-60.json",
            "--time-limit",
            "0.5",
            "--out",
        ])
        .arg(&out)
        .arg("--svg")
        .arg(&svg)
        .arg("--geojson")
        .arg(&geo)
        .status()
        .unwrap();
    assert!(status.success(), "the plan is feasible");
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let routes = result["routes"].as_array().unwrap();
    let geojson: Value = serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    assert_eq!(kinds(&geojson, "route"), routes.len());
    assert_eq!(
        kinds(&geojson, "stop") as u64,
        result["summary"]["served"].as_u64().unwrap()
    );
    assert_eq!(
        kinds(&geojson, "unassigned"),
        result["unassigned"].as_array().unwrap().len()
    );
    // [lng, lat] around Aberdeen.
    let first = &geojson["features"][0]["geometry"]["coordinates"][0];
    assert!(
        (-3.5..-1.5).contains(&first[0].as_f64().unwrap()),
        "{first}"
    );
    assert!(
        (56.5..58.0).contains(&first[1].as_f64().unwrap()),
        "{first}"
    );
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(svg.matches("<polyline").count(), routes.len());
}

#[test]
fn benchmark_pictures_show_routes_over_depot_and_customers() {
    let dir = tempfile::tempdir().unwrap();
    let (out, svg, geo) = (
        dir.path().join("s.txt"),
        dir.path().join("s.svg"),
        dir.path().join("s.geojson"),
    );
    let status = Command::new(ordo_bin())
        .current_dir(workspace_root())
        .args([
            "solve",
            "datasets/examples/sample-25.txt",
            "--time-limit",
            "0.3",
            "--out",
        ])
        .arg(&out)
        .arg("--svg")
        .arg(&svg)
        .arg("--geojson")
        .arg(&geo)
        .status()
        .unwrap();
    assert!(status.success());
    let solution = std::fs::read_to_string(&out).unwrap();
    let routes: Vec<&str> = solution
        .lines()
        .filter(|l| l.starts_with("Route"))
        .collect();
    let stops: usize = routes
        .iter()
        .map(|l| l.split(':').nth(1).unwrap().split_whitespace().count())
        .sum();
    let geojson: Value = serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    assert_eq!(kinds(&geojson, "route"), routes.len());
    assert_eq!(kinds(&geojson, "stop"), stops);
    assert_eq!(kinds(&geojson, "depot"), 1);
    // Every route leaves from the depot and comes back to it.
    let depot = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["kind"] == "depot")
        .unwrap()["geometry"]["coordinates"]
        .clone();
    for f in geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["kind"] == "route")
    {
        let line = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(line.first(), Some(&depot));
        assert_eq!(line.last(), Some(&depot));
    }
    let svg = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(svg.matches("<polyline").count(), routes.len());
}
