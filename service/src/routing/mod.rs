//! Road travel from a routing engine (OSRM, Valhalla): the service fetches the
//! matrix of a plan's places and hands the solver a supplied matrix, so
//! the solver stays pure computation.
//!
//! A plan asks for it with `options.travel: {"model": "osrm", "url": ...,
//! "profile": "car"}` (read by [`options`]), a plan job with `travel`, or
//! `--router osrm=URL` supplies the router (`ordo solve`, and `ordo serve`
//! for plan jobs that name no travel). The matrix comes in tiles
//! ([`tiles`]) that respect the router's table limit, several in flight,
//! each with a timeout and retries; a failure names the router, the tile
//! and the answer. There is no silent fall-back to straight lines: only
//! `"fallback": "geodesic"` allows it, and the summary says so
//! ([`report`]). A pair the router cannot connect (OSRM answers `null`)
//! becomes a leg of [`ordo_solver::model::NO_ROUTE_SECONDS`], which no shift can drive; a
//! place it cannot snap is cut off ([`resolve()`]). The service keeps legs
//! in its database ([`cache`]) so a second plan fetches only new places.

mod cache;
mod options;
mod osrm;
mod report;
mod resolve;
mod tiles;
mod valhalla;

use std::time::Duration;

use anyhow::{bail, Result};
use ordo_solver::plan::PlanRequest;
use serde_json::Value;

pub use cache::{Known, Leg, LegCache};
pub use options::{road_travel, Fallback, RoadTravel, TRAVEL_FIELDS};
pub use report::{add_geometry, annotate};
pub use resolve::{resolve, LeftOutDriver, Resolved};
pub use tiles::{FetchStats, RoadMatrix, Snap};

/// Which routing engine a router is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// OSRM: `table`, `nearest`, `route`.
    Osrm,
    /// Valhalla: `sources_to_targets`.
    Valhalla,
}

impl Engine {
    /// Its name in `model` and `--router`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Osrm => "osrm",
            Self::Valhalla => "valhalla",
        }
    }
}

/// A routing engine and how to talk to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Router {
    /// OSRM or Valhalla.
    pub engine: Engine,
    /// Base URL, e.g. `http://127.0.0.1:5000`.
    pub url: String,
    /// OSRM profile name in the URL (`car`, `driving`, ...), or Valhalla's
    /// costing (`auto`, ...).
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
    /// Metres: a place farther than this from every road cannot be
    /// snapped.
    pub snap_radius: f64,
}

impl Router {
    /// An OSRM router at `url` with the default limits.
    pub fn osrm(url: &str) -> Self {
        Self {
            engine: Engine::Osrm,
            url: url.trim_end_matches('/').to_string(),
            profile: "car".into(),
            table_limit: 100,
            in_flight: 4,
            timeout: Duration::from_secs(30),
            retries: 3,
            snap_radius: 500.0,
        }
    }

    /// A Valhalla router at `url`, costing `auto`, with the default limits.
    pub fn valhalla(url: &str) -> Self {
        Self {
            engine: Engine::Valhalla,
            profile: "auto".into(),
            ..Self::osrm(url)
        }
    }

    /// Parses `osrm=URL` or `valhalla=URL` (the `--router` flag).
    pub fn parse_flag(flag: &str) -> Result<Self> {
        let web = |url: &str| url.starts_with("http://") || url.starts_with("https://");
        match flag.split_once('=') {
            Some(("osrm", url)) if web(url) => Ok(Self::osrm(url)),
            Some(("valhalla", url)) if web(url) => Ok(Self::valhalla(url)),
            _ => bail!(
                "--router: expected osrm=http://HOST:PORT or valhalla=http://HOST:PORT, got '{flag}'"
            ),
        }
    }

    /// Fetches the duration and distance tables between `points`
    /// (latitude, longitude), every pair.
    pub fn matrix(&self, points: &[(f64, f64)]) -> Result<(RoadMatrix, FetchStats)> {
        tiles::fetch(self, points, &self.client())
    }

    /// A client of this router's services.
    fn client(&self) -> Client {
        match self.engine {
            Engine::Osrm => Client::Osrm(osrm::TableClient::new(self)),
            Engine::Valhalla => Client::Valhalla(valhalla::ValhallaClient::new(self)),
        }
    }
}

/// A client of either engine.
enum Client {
    Osrm(osrm::TableClient),
    Valhalla(valhalla::ValhallaClient),
}

impl Client {
    /// The router's words for a place it cannot snap within `radius`.
    fn refusal(&self, point: (f64, f64), radius: f64) -> String {
        match self {
            Self::Osrm(c) => c.refusal(point, radius),
            Self::Valhalla(c) => c.refusal(point, radius),
        }
    }

    /// The road polyline through `points`, `[lng, lat]` positions.
    fn route_line(&self, points: &[(f64, f64)]) -> Result<Vec<[f64; 2]>, String> {
        match self {
            Self::Osrm(c) => c.route_line(points),
            Self::Valhalla(_) => Err("road polylines come from OSRM only".into()),
        }
    }
}

impl tiles::TableSource for Client {
    fn table(
        &self,
        points: &[(f64, f64)],
        sources: std::ops::Range<usize>,
        destinations: std::ops::Range<usize>,
    ) -> Result<tiles::Tile, tiles::TileError> {
        match self {
            Self::Osrm(c) => c.table(points, sources, destinations),
            Self::Valhalla(c) => c.table(points, sources, destinations),
        }
    }
}

/// Reads a plan request from JSON, fetching a road matrix when its
/// `options.travel` names a router or `default` is given (the command
/// line's `--router`, which wins over the file's travel model). Returns
/// the request with a supplied matrix, what the fetch did, and the road
/// travel used (for [`annotate`] and [`add_geometry`]).
pub fn read_plan(text: &str, default: Option<&Router>) -> Result<ReadPlan> {
    let parse = |t: &str| PlanRequest::from_json(t).map_err(|e| anyhow::anyhow!("{e}"));
    // Requests without a router are read as they are, so their errors
    // keep their line and column.
    let Ok(mut value) = serde_json::from_str::<Value>(text) else {
        return Ok(ReadPlan::plain(parse(text)?));
    };
    let (from_file, geometry) = options::take_from_plan(&mut value)?;
    let road = match (default, from_file) {
        (Some(router), file) => Some(RoadTravel {
            router: router.clone(),
            fallback: file.map_or(Fallback::None, |f| f.fallback),
            geometry,
        }),
        (None, file) => file,
    };
    let Some(road) = road else {
        return Ok(ReadPlan::plain(parse(&value.to_string())?));
    };
    let mut request = parse(&value.to_string())?;
    let resolved = resolve(&mut request, &road, None)?;
    Ok(ReadPlan {
        request,
        road: Some((road, resolved)),
    })
}

/// A plan request read by [`read_plan`].
pub struct ReadPlan {
    /// The request, with a supplied matrix when road travel was asked.
    pub request: PlanRequest,
    /// The road travel and what resolving it did.
    pub road: Option<(RoadTravel, Resolved)>,
}

impl ReadPlan {
    fn plain(request: PlanRequest) -> Self {
        Self {
            request,
            road: None,
        }
    }
}
