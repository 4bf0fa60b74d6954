//! Road-travel measurements on the local OSRM (`.ci/setup-osrm`, the
//! Helsinki extract): matrix fetch for 500 and 2,000 places, one tile in
//! flight against four, each run in turn; a 500-visit Helsinki day
//! (`ordo generate --region helsinki`) fetched and planned, the fetch
//! against the whole plan's time; and how far that day's straight-line
//! ETAs (the geodesic plan) are from the same routes driven on road times.
//!
//! `cargo run --release -p ordo-e2e --example road_fetch -- [RUNS] [PLAN_SECONDS]`
//! (defaults 3 runs, 5 s).

use std::collections::HashMap;
use std::process::Command;
use std::time::Instant;

use ordo_e2e::ordo_bin;
use ordo_e2e::osrm::LocalOsrm;
use ordo_service::routing::{resolve, RoadTravel, Router};
use ordo_solver::plan::{plan_and_check, visit_identity, PlanRequest, TravelRequest};
use ordo_solver::Stop;

/// `n` places spread over the extract's roads (a fixed pseudo-random grid).
fn places(n: usize) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = (i * 7919 % 997) as f64 / 997.0;
            let b = (i * 104_729 % 991) as f64 / 991.0;
            (60.165 + 0.0135 * a, 24.936 + 0.016 * b)
        })
        .collect()
}

fn helsinki_day(visits: usize, drivers: usize) -> PlanRequest {
    let out = Command::new(ordo_bin())
        .args(["generate", "--region", "helsinki", "--seed", "1"])
        .args(["--visits", &visits.to_string()])
        .args(["--drivers", &drivers.to_string()])
        .output()
        .expect("run ordo generate");
    assert!(out.status.success());
    PlanRequest::from_json(&String::from_utf8_lossy(&out.stdout)).expect("a plan request")
}

fn fetch_table(osrm: &LocalOsrm, runs: usize) {
    println!("| places | tiles | in flight | run | seconds |");
    println!("|---|---|---|---|---|");
    for n in [500, 2000] {
        let points = places(n);
        for run in 1..=runs {
            for in_flight in [1, 4] {
                let router = Router {
                    in_flight,
                    ..Router::osrm(&osrm.url)
                };
                let (_, stats) = router.matrix(&points).expect("fetch");
                println!(
                    "| {n} | {} | {in_flight} | {run} | {:.3} |",
                    stats.tiles, stats.seconds
                );
            }
        }
    }
}

/// Plans the day on road times; prints the fetch against the plan.
fn fetch_and_plan(osrm: &LocalOsrm, day: &PlanRequest, seconds: f64) {
    let mut request = day.clone();
    request.options.time_limit_seconds = Some(seconds.into());
    let started = Instant::now();
    let road = RoadTravel::new(Router::osrm(&osrm.url));
    let resolved = resolve(&mut request, &road, None).expect("road matrix");
    let stop =
        Stop::after(std::time::Duration::from_secs_f64(seconds).saturating_sub(started.elapsed()));
    let (result, report) = plan_and_check(&request, &stop, &mut |_| {}).expect("plan");
    println!(
        "500-visit Helsinki day: {} places, fetch {:.3} s, whole plan {:.3} s (limit {seconds} s), served {}, feasible {}",
        resolved.places,
        resolved.stats.seconds,
        started.elapsed().as_secs_f64(),
        result.summary.served,
        report.is_feasible()
    );
}

/// The geodesic plan's routes driven on road times: per stop, the
/// difference between the road arrival and the planned one.
fn eta_gap(osrm: &LocalOsrm, day: &PlanRequest, seconds: f64) {
    let mut geodesic = day.clone();
    geodesic.options.time_limit_seconds = Some(seconds.into());
    let (plan, _) = plan_and_check(
        &geodesic,
        &Stop::after(std::time::Duration::from_secs_f64(seconds)),
        &mut |_| {},
    )
    .expect("geodesic plan");
    let mut road = day.clone();
    resolve(&mut road, &RoadTravel::new(Router::osrm(&osrm.url)), None).expect("road matrix");
    let Some(TravelRequest::Matrix { durations, .. }) = &road.options.travel else {
        panic!("a road matrix");
    };
    let drivers = day.drivers.len();
    let slot: HashMap<String, usize> = day
        .visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((visit_identity(v)?, 2 * drivers + i)))
        .collect();
    let mut gaps: Vec<f64> = Vec::new();
    let mut cut = 0;
    for route in &plan.routes {
        let Some(d) = day.drivers.iter().position(|x| x.id == route.driver_id) else {
            continue;
        };
        let (mut at, mut time) = (d, route.start);
        for stop in &route.stops {
            let here = slot[&stop.visit_id];
            let leg = durations[at][here];
            if leg >= 1e9 {
                cut += 1;
                break;
            }
            let arrival = time + leg;
            gaps.push((arrival - stop.arrival) / 60.0);
            time = arrival.max(stop.service_start) + (stop.departure - stop.service_start);
            at = here;
        }
    }
    let mean = gaps.iter().map(|g| g.abs()).sum::<f64>() / gaps.len().max(1) as f64;
    let worst = gaps.iter().fold(0.0f64, |w, g| w.max(g.abs()));
    let late = gaps.iter().filter(|g| **g > 0.0).count();
    println!(
        "straight-line ETAs vs road ETAs, {} stops: mean |gap| {mean:.1} min, worst {worst:.1} min, later on roads {late}, routes cut by a leg without a road {cut}",
        gaps.len()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let seconds: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5.0);
    let Some(osrm) = LocalOsrm::start() else {
        return;
    };
    fetch_table(&osrm, runs);
    let day = helsinki_day(500, 50);
    fetch_and_plan(&osrm, &day, seconds);
    eta_gap(&osrm, &day, seconds);
}
