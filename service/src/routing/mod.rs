//! Road travel from a routing engine (OSRM): the service fetches the
//! matrix of a plan's places and hands the solver a supplied matrix, so
//! the solver stays pure computation.
//!
//! A plan asks for it with `options.travel: {"model": "osrm", "url": ...,
//! "profile": "car"}`, or `ordo solve --router osrm=URL` supplies the
//! router. The matrix comes in tiles ([`tiles`]) that respect the router's
//! table limit, several in flight, each with a timeout and retries; a
//! failure names the router, the tile and the answer. There is no silent
//! fall-back to straight lines. A pair the router cannot connect (OSRM
//! answers `null`) becomes a leg of [`UNROUTABLE_SECONDS`], which no shift
//! can drive, so no route uses it and the checker rejects any that would.

mod osrm;
mod tiles;

use std::time::Duration;

use anyhow::{bail, Context, Result};
use ordo_solver::plan::{NumberLike, PlanRequest, TravelRequest};
use serde_json::Value;

pub use tiles::{FetchStats, RoadMatrix};

/// Travel time given to a pair the router cannot connect: far longer than
/// any shift, so the leg is never driven.
pub const UNROUTABLE_SECONDS: f64 = 1e9;

/// A routing engine and how to talk to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    /// Base URL, e.g. `http://127.0.0.1:5000`.
    pub url: String,
    /// OSRM profile name in the URL (`car`, `driving`, ...).
    pub profile: String,
    /// Most sources (and destinations) per table request: OSRM's
    /// `--max-table-size` (default 100).
    pub table_limit: usize,
    /// Table requests in flight at once.
    pub in_flight: usize,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Retries of a request after a connection error or a 5xx answer.
    pub retries: u32,
}

impl Router {
    /// An OSRM router at `url` with the default limits.
    pub fn osrm(url: &str) -> Self {
        Self {
            url: url.trim_end_matches('/').to_string(),
            profile: "car".into(),
            table_limit: 100,
            in_flight: 4,
            timeout: Duration::from_secs(30),
            retries: 3,
        }
    }

    /// Parses `osrm=URL` (the `--router` flag).
    pub fn parse_flag(flag: &str) -> Result<Self> {
        match flag.split_once('=') {
            Some(("osrm", url)) if url.starts_with("http://") || url.starts_with("https://") => {
                Ok(Self::osrm(url))
            }
            Some(("valhalla", _)) => bail!("--router valhalla=URL: Valhalla is not supported yet"),
            _ => bail!("--router: expected osrm=http://HOST:PORT, got '{flag}'"),
        }
    }

    /// Fetches the duration and distance tables between `points`
    /// (latitude, longitude), every pair.
    pub fn matrix(&self, points: &[(f64, f64)]) -> Result<(RoadMatrix, FetchStats)> {
        tiles::fetch(self, points, &osrm::TableClient::new(self))
    }
}

/// What [`read_plan`] fetched, for the summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// Distinct places fetched.
    pub places: usize,
    /// How the matrix was fetched.
    pub stats: FetchStats,
    /// Pairs the router could not connect.
    pub unroutable_pairs: usize,
}

/// Reads a plan request from JSON, fetching a road matrix when its
/// `options.travel` names a router or `default` is given (the command
/// line's `--router`, which wins over the file's travel model). Returns
/// the request with a supplied matrix, and what the fetch did.
pub fn read_plan(text: &str, default: Option<&Router>) -> Result<(PlanRequest, Option<Resolved>)> {
    let parse = |t: &str| PlanRequest::from_json(t).map_err(|e| anyhow::anyhow!("{e}"));
    // Requests without a router are read as they are, so their errors
    // keep their line and column.
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return Ok((parse(text)?, None));
    };
    let from_file = take_router_option(&mut value)?;
    let Some(router) = default.cloned().or(from_file) else {
        return Ok((parse(text)?, None));
    };
    let mut request = parse(&value.to_string())?;
    // Each distinct place is fetched once (a driver's start is often their
    // end too, and neighbours share an address).
    let mut points: Vec<(f64, f64)> = Vec::new();
    let mut index: std::collections::HashMap<(i64, i64), usize> = Default::default();
    let places: Vec<Option<usize>> = plan_places(&request)
        .into_iter()
        .map(|place| {
            place.map(|(lat, lng)| {
                let key = ((lat * 1e6).round() as i64, (lng * 1e6).round() as i64);
                *index.entry(key).or_insert_with(|| {
                    points.push((lat, lng));
                    points.len() - 1
                })
            })
        })
        .collect();
    let (matrix, stats) = router.matrix(&points)?;
    let unroutable_pairs = matrix.unroutable_pairs();
    let (durations, distances) = matrix.expand(&places, UNROUTABLE_SECONDS);
    request.options.travel = Some(TravelRequest::Matrix {
        durations,
        distances: Some(distances),
    });
    Ok((
        request,
        Some(Resolved {
            places: points.len(),
            stats,
            unroutable_pairs,
        }),
    ))
}

/// Takes an `options.travel` of model `osrm` out of the request (the
/// solver knows only geodesic and matrix travel) and returns its router.
fn take_router_option(value: &mut Value) -> Result<Option<Router>> {
    let Some(travel) = value.pointer_mut("/options/travel") else {
        return Ok(None);
    };
    let model = travel.get("model").and_then(Value::as_str).unwrap_or("");
    match model {
        "osrm" => {}
        "valhalla" => bail!("options.travel.model: valhalla is not supported yet"),
        _ => return Ok(None),
    }
    let url = travel
        .get("url")
        .and_then(Value::as_str)
        .context("options.travel.url: required for model osrm (e.g. http://127.0.0.1:5000)")?;
    let mut router = Router::osrm(url);
    if let Some(profile) = travel.get("profile") {
        router.profile = profile
            .as_str()
            .filter(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            .context("options.travel.profile: a profile name such as car")?
            .to_string();
    }
    if let Some(limit) = travel.get("tableLimit") {
        router.table_limit = limit
            .as_u64()
            .filter(|&n| n >= 1)
            .context("options.travel.tableLimit: a whole number >= 1")?
            as usize;
    }
    *travel = Value::Null;
    Ok(Some(router))
}

/// The plan's places in the order of the supplied-matrix model: every
/// driver's start, every driver's end (the start for open routes), every
/// visit; `None` for a visit without a location (the planner leaves it
/// out for that and never reads its row).
fn plan_places(request: &PlanRequest) -> Vec<Option<(f64, f64)>> {
    let number = |n: &NumberLike| n.value().ok();
    let point = |lat: &NumberLike, lng: &NumberLike| number(lat).zip(number(lng));
    let starts = request
        .drivers
        .iter()
        .map(|d| point(&d.start.lat, &d.start.lng));
    let ends = request.drivers.iter().map(|d| {
        let end = d.end.as_ref().unwrap_or(&d.start);
        point(&end.lat, &end.lng)
    });
    let visits = request.visits.iter().map(|v| match (&v.lat, &v.lng) {
        (Some(lat), Some(lng)) => point(lat, lng),
        _ => None,
    });
    starts.chain(ends).chain(visits).collect()
}
