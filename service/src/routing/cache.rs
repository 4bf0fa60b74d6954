//! Fetching through a leg cache: only the rows and columns of places the
//! cache does not know (new visits, drivers' current positions) go to the
//! router; every leg fetched is kept for the next plan. The store itself
//! is the service database (`storage/legs.rs`), keyed by the two snapped
//! places.

use anyhow::Result;

use super::tiles::{self, FetchStats, RoadMatrix, Snap};
use super::Router;

/// A cached leg: `None` for a pair the router cannot connect, else
/// seconds and metres.
pub type Leg = Option<(f64, f64)>;

/// What a cache knows of some places.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    /// Where each place snapped, when the cache has seen it.
    pub snaps: Vec<Option<Snap>>,
    /// Row-major over the places: `None` where the leg is not cached.
    pub legs: Vec<Option<Leg>>,
}

/// A store of road legs fetched before.
pub trait LegCache {
    /// What the cache knows of `points` for `router`'s server and profile.
    fn load(&self, router: &Router, points: &[(f64, f64)]) -> Result<Known>;
    /// Keeps the `legs` `(from, to, leg)` between `points`, which snapped
    /// at `snaps`.
    fn save(
        &self,
        router: &Router,
        points: &[(f64, f64)],
        snaps: &[Option<Snap>],
        legs: &[(usize, usize, Leg)],
    ) -> Result<()>;
}

/// The matrix over `points`: cached legs from `cache`, the rows and
/// columns of the other places from the router (then cached). Returns the
/// matrix, the fetch and how many legs came from the cache.
pub fn fetch(
    router: &Router,
    points: &[(f64, f64)],
    cache: &dyn LegCache,
) -> Result<(RoadMatrix, FetchStats, usize)> {
    let n = points.len();
    let known = cache.load(router, points)?;
    // A place is new when never snapped, or when a leg between it and a
    // known place is missing (places cached on different days).
    let mut new: Vec<bool> = known.snaps.iter().map(Option::is_none).collect();
    for a in 0..n {
        for b in 0..n {
            if a != b && !new[a] && !new[b] && known.legs[a * n + b].is_none() {
                new[a] = true;
            }
        }
    }
    // New places first, so their rows and columns are two blocks.
    let order: Vec<usize> = (0..n)
        .filter(|&p| new[p])
        .chain((0..n).filter(|&p| !new[p]))
        .collect();
    let fresh = order.iter().take_while(|&&p| new[p]).count();
    let mut matrix = RoadMatrix::empty(n);
    matrix.snaps.clone_from(&known.snaps);
    let mut cached = 0;
    for (cell, leg) in known.legs.iter().enumerate() {
        if let Some(leg) = leg {
            matrix.durations[cell] = leg.map(|l| l.0);
            matrix.distances[cell] = leg.map(|l| l.1);
            cached += usize::from(cell / n != cell % n);
        }
    }
    if fresh == 0 {
        return Ok((matrix, FetchStats::default(), cached));
    }
    let ordered: Vec<(f64, f64)> = order.iter().map(|&p| points[p]).collect();
    let blocks = [(0..fresh, 0..n), (fresh..n, 0..fresh)];
    let (part, stats) = tiles::fetch_blocks(router, &ordered, &blocks, &router.client())?;
    for (i, &p) in order.iter().enumerate() {
        if let Some(snap) = part.snaps[i] {
            matrix.snaps[p] = Some(snap);
        }
    }
    let mut legs = Vec::new();
    for (i, &a) in order.iter().enumerate() {
        for (j, &b) in order.iter().enumerate() {
            if i >= fresh && j >= fresh {
                continue;
            }
            let leg = part.durations[i * n + j].zip(part.distances[i * n + j]);
            matrix.durations[a * n + b] = leg.map(|l| l.0);
            matrix.distances[a * n + b] = leg.map(|l| l.1);
            legs.push((a, b, leg));
        }
    }
    cache.save(router, points, &matrix.snaps, &legs)?;
    cached -= known
        .legs
        .iter()
        .enumerate()
        .filter(|&(cell, leg)| {
            let (a, b) = (cell / n, cell % n);
            leg.is_some() && a != b && (new[a] || new[b])
        })
        .count();
    Ok((matrix, stats, cached))
}
