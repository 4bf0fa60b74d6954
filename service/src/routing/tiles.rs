//! Fetching a matrix, or blocks of it (a re-route's new rows and columns),
//! as tiles of at most `table_limit` sources by `table_limit`
//! destinations, several tiles in flight (bounded), each retried with
//! exponential backoff after a connection error or a 5xx answer. The
//! first tile that finally fails stops the fetch, and the error names the
//! router, the tile and the answer.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use super::Router;

/// Where the router put a place on its road network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// Latitude of the snapped point.
    pub lat: f64,
    /// Longitude of the snapped point.
    pub lng: f64,
    /// Metres from the place to the snapped point.
    pub metres: f64,
}

/// One tile's answer: `durations[i][j]` from source `i` to destination
/// `j` of the tile, `None` where the router found no route.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tile {
    /// Seconds.
    pub durations: Vec<Vec<Option<f64>>>,
    /// Metres.
    pub distances: Vec<Vec<Option<f64>>>,
    /// Where each source snapped (`None` when the router did not say).
    pub sources: Vec<Option<Snap>>,
    /// Where each destination snapped.
    pub destinations: Vec<Option<Snap>>,
}

/// Why one table request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum TileError {
    /// Worth retrying: the connection failed, timed out, or the router
    /// answered 5xx.
    Transient(String),
    /// The router refused the request (4xx, or a code other than `Ok`).
    Refused(String),
}

/// Something that answers table requests (OSRM, or a fake in tests).
pub trait TableSource: Sync {
    /// Durations and distances from `points[sources]` to
    /// `points[destinations]`.
    fn table(
        &self,
        points: &[(f64, f64)],
        sources: Range<usize>,
        destinations: Range<usize>,
    ) -> Result<Tile, TileError>;
}

/// A road matrix over `n` places.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadMatrix {
    /// Number of places.
    pub n: usize,
    /// Row-major seconds, `None` where no route exists (or, for a block
    /// fetch, outside the blocks).
    pub durations: Vec<Option<f64>>,
    /// Row-major metres, `None` where no route exists.
    pub distances: Vec<Option<f64>>,
    /// Where each place snapped, when a tile told.
    pub snaps: Vec<Option<Snap>>,
}

impl RoadMatrix {
    /// A matrix of `n` places with nothing known.
    pub fn empty(n: usize) -> Self {
        Self {
            n,
            durations: vec![None; n * n],
            distances: vec![None; n * n],
            snaps: vec![None; n],
        }
    }

    /// Makes every leg to and from `place` one without a route (a place
    /// the router cannot snap).
    pub fn cut_off(&mut self, place: usize) {
        for other in (0..self.n).filter(|&o| o != place) {
            for cell in [place * self.n + other, other * self.n + place] {
                self.durations[cell] = None;
                self.distances[cell] = None;
            }
        }
    }

    /// Pairs of distinct places the router could not connect.
    pub fn unroutable_pairs(&self) -> usize {
        (0..self.n * self.n)
            .filter(|&c| c / self.n != c % self.n && self.durations[c].is_none())
            .count()
    }

    /// Square tables over `places` (indices into this matrix, `None` for
    /// a place without a location, whose row and column are 0), with
    /// `unroutable` seconds and metres where no route exists.
    pub fn expand(
        &self,
        places: &[Option<usize>],
        unroutable: f64,
    ) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let table = |cells: &[Option<f64>]| -> Vec<Vec<f64>> {
            places
                .iter()
                .map(|a| {
                    places
                        .iter()
                        .map(|b| match (a, b) {
                            (Some(a), Some(b)) if a == b => 0.0,
                            (Some(a), Some(b)) => cells[a * self.n + b].unwrap_or(unroutable),
                            _ => 0.0,
                        })
                        .collect()
                })
                .collect()
        };
        (table(&self.durations), table(&self.distances))
    }
}

/// How a fetch went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchStats {
    /// Tiles of the matrix.
    pub tiles: usize,
    /// Requests sent, retries included.
    pub requests: usize,
    /// Wall time of the fetch.
    pub seconds: f64,
}

/// Fetches the whole matrix over `points` from `source` in tiles.
pub fn fetch(
    router: &Router,
    points: &[(f64, f64)],
    source: &dyn TableSource,
) -> Result<(RoadMatrix, FetchStats)> {
    let all = 0..points.len();
    fetch_blocks(router, points, &[(all.clone(), all)], source)
}

/// Splits `range` into chunks of at most `side`.
fn chunks(range: &Range<usize>, side: usize) -> Vec<Range<usize>> {
    range
        .clone()
        .step_by(side)
        .map(|a| a..(a + side).min(range.end))
        .collect()
}

/// Fetches the `blocks` (rows by columns) of the matrix over `points` in
/// tiles; cells outside them stay `None`.
pub fn fetch_blocks(
    router: &Router,
    points: &[(f64, f64)],
    blocks: &[(Range<usize>, Range<usize>)],
    source: &dyn TableSource,
) -> Result<(RoadMatrix, FetchStats)> {
    let started = Instant::now();
    let n = points.len();
    let side = router.table_limit.max(1);
    let tiles: Vec<(Range<usize>, Range<usize>)> = blocks
        .iter()
        .filter(|(rows, cols)| !rows.is_empty() && !cols.is_empty())
        .flat_map(|(rows, cols)| {
            let cols = chunks(cols, side);
            chunks(rows, side)
                .into_iter()
                .flat_map(move |r| cols.clone().into_iter().map(move |c| (r.clone(), c)))
        })
        .collect();
    let mut matrix = RoadMatrix::empty(n);
    let next = AtomicUsize::new(0);
    let requests = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<String>> = Mutex::new(None);
    let answers: Mutex<Vec<(usize, Tile)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..router.in_flight.clamp(1, tiles.len().max(1)) {
            scope.spawn(|| {
                while !failed.load(Ordering::Relaxed) {
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rows, cols)) = tiles.get(t) else {
                        break;
                    };
                    match fetch_tile(router, source, points, rows, cols, &requests) {
                        Ok(tile) => lock(&answers).push((t, tile)),
                        Err(e) => {
                            failed.store(true, Ordering::Relaxed);
                            lock(&first_error).get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = lock(&first_error).take() {
        bail!(e);
    }
    for (t, tile) in lock(&answers).drain(..) {
        let (rows, cols) = &tiles[t];
        if tile.durations.len() != rows.len()
            || tile.durations.iter().any(|r| r.len() != cols.len())
            || tile.distances.len() != rows.len()
            || tile.distances.iter().any(|r| r.len() != cols.len())
        {
            bail!(
                "router {}: table tile rows {}-{} x columns {}-{}: the answer is not {} x {}",
                router.url,
                rows.start,
                rows.end - 1,
                cols.start,
                cols.end - 1,
                rows.len(),
                cols.len()
            );
        }
        // OSRM answers a few tenths of a metre (or second) below zero for
        // two places snapped onto one road segment, the second behind the
        // first; the plan format refuses negative legs, so they are 0.
        let at_least_zero = |cell: Option<f64>| cell.map(|x| x.max(0.0));
        for (i, a) in rows.clone().enumerate() {
            for (j, b) in cols.clone().enumerate() {
                matrix.durations[a * n + b] = at_least_zero(tile.durations[i][j]);
                matrix.distances[a * n + b] = at_least_zero(tile.distances[i][j]);
            }
        }
        let snaps = rows.clone().zip(&tile.sources);
        for (place, snap) in snaps.chain(cols.clone().zip(&tile.destinations)) {
            if snap.is_some() {
                matrix.snaps[place] = *snap;
            }
        }
    }
    let stats = FetchStats {
        tiles: tiles.len(),
        requests: requests.load(Ordering::Relaxed),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((matrix, stats))
}

/// One tile, retried after transient failures with backoff (0.1 s, 0.2 s,
/// 0.4 s, ...); the error names the router, the tile and the answer.
fn fetch_tile(
    router: &Router,
    source: &dyn TableSource,
    points: &[(f64, f64)],
    rows: &Range<usize>,
    cols: &Range<usize>,
    requests: &AtomicUsize,
) -> Result<Tile, String> {
    let mut attempt = 0;
    loop {
        requests.fetch_add(1, Ordering::Relaxed);
        let error = match source.table(points, rows.clone(), cols.clone()) {
            Ok(tile) => return Ok(tile),
            Err(TileError::Transient(_)) if attempt < router.retries => {
                std::thread::sleep(Duration::from_millis(100 << attempt));
                attempt += 1;
                continue;
            }
            Err(TileError::Transient(e) | TileError::Refused(e)) => e,
        };
        return Err(format!(
            "router {}: table tile rows {}-{} x columns {}-{} failed after {} attempt(s): {error}",
            router.url,
            rows.start,
            rows.end - 1,
            cols.start,
            cols.end - 1,
            attempt + 1
        ));
    }
}

/// A lock that survives a panicked holder (the data is still whole: each
/// push is one call).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A router on a line: place i at i km, 60 s per km, no route into
    /// place `island`; the first `failures` requests fail with a 503.
    struct LineRouter {
        island: usize,
        failures: AtomicUsize,
        largest_tile: AtomicUsize,
    }

    impl TableSource for LineRouter {
        fn table(
            &self,
            _points: &[(f64, f64)],
            sources: Range<usize>,
            destinations: Range<usize>,
        ) -> Result<Tile, TileError> {
            self.largest_tile
                .fetch_max(sources.len().max(destinations.len()), Ordering::Relaxed);
            if self
                .failures
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |f| f.checked_sub(1))
                .is_ok()
            {
                return Err(TileError::Transient("HTTP 503: busy".into()));
            }
            let cell = |scale: f64| {
                sources
                    .clone()
                    .map(|a| {
                        destinations
                            .clone()
                            .map(|b| {
                                // OSRM's quirk: a hair below zero for a
                                // place just behind another on one segment.
                                if (a, b) == (1, 0) {
                                    return Some(-0.1 * scale);
                                }
                                (b != self.island || a == b)
                                    .then(|| scale * (a as f64 - b as f64).abs())
                            })
                            .collect()
                    })
                    .collect()
            };
            Ok(Tile {
                durations: cell(60.0),
                distances: cell(1000.0),
                ..Tile::default()
            })
        }
    }

    fn router(limit: usize) -> Router {
        Router {
            table_limit: limit,
            in_flight: 3,
            ..Router::osrm("http://fake")
        }
    }

    #[test]
    fn tiles_respect_the_limit_and_assemble_the_whole_matrix() {
        let source = LineRouter {
            island: 5,
            failures: AtomicUsize::new(2),
            largest_tile: AtomicUsize::new(0),
        };
        let points = vec![(0.0, 0.0); 7];
        let (matrix, stats) = fetch(&router(3), &points, &source).unwrap();
        assert_eq!(stats.tiles, 9, "7 places in tiles of 3: 3 x 3 tiles");
        assert_eq!(stats.requests, 11, "two retried after a 503");
        let blocks = [(0..2, 0..7), (2..7, 0..2)];
        let (part, stats) = fetch_blocks(&router(3), &points, &blocks, &source).unwrap();
        assert_eq!(
            stats.tiles,
            3 + 2,
            "rows 0-1 x 3 column tiles, rows 2-6 x 1"
        );
        for (cell, value) in part.durations.iter().enumerate() {
            let (a, b) = (cell / 7, cell % 7);
            let inside = a < 2 || b < 2;
            assert_eq!(value.is_some(), inside && b != 5, "{a} -> {b}");
        }
        assert!(source.largest_tile.load(Ordering::Relaxed) <= 3);
        for a in 0..7 {
            for b in 0..7 {
                let expected = match (a, b) {
                    (1, 0) => Some(0.0),
                    _ => (b != 5 || a == b).then(|| 60.0 * (a as f64 - b as f64).abs()),
                };
                assert_eq!(matrix.durations[a * 7 + b], expected, "{a} -> {b}");
            }
        }
        assert_eq!(matrix.unroutable_pairs(), 6);
        let (durations, _) = matrix.expand(&[Some(4), None, Some(5)], 1e9);
        assert_eq!(
            durations,
            vec![vec![0.0, 0.0, 1e9], vec![0.0; 3], vec![60.0, 0.0, 0.0]]
        );
    }

    #[test]
    fn a_tile_that_keeps_failing_names_the_router_the_tile_and_the_answer() {
        let source = LineRouter {
            island: 99,
            failures: AtomicUsize::new(usize::MAX),
            largest_tile: AtomicUsize::new(0),
        };
        let points = vec![(0.0, 0.0); 4];
        let mut router = router(2);
        router.retries = 1;
        let error = fetch(&router, &points, &source).unwrap_err().to_string();
        assert!(error.contains("router http://fake"), "{error}");
        assert!(error.contains("table tile rows"), "{error}");
        assert!(
            error.contains("after 2 attempt(s): HTTP 503: busy"),
            "{error}"
        );
    }
}
