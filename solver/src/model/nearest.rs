//! The `k` nearest of a set of places, for every place of another set:
//! the granular neighbour lists of the search and the candidate routes of
//! the construction. Memory is `n * k`, never `n^2`; rows in parallel.
//!
//! When travel is geodesic on demand (large days), reading every pair
//! would cost n^2 legs (seconds at 10,000 visits): the places are then
//! bucketed by h3 cell, and a row weighs only the places in a grid disk
//! around its own cell, grown until it holds `k` of them and then by one
//! more ring, so that nearer places just across the disk's edge count
//! too. The lists are then of the k nearest by travel among those.

use std::collections::HashMap;

use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;

use super::Problem;

/// Below this many target places every pair is read: cheap enough, and
/// exact.
const INDEX_FROM: usize = 1000;
/// Places per h3 cell aimed at when choosing the resolution.
const PLACES_PER_CELL: f64 = 2.0;
/// Rings of a grid disk at most before a row falls back to every place.
const MAX_RING: u32 = 40;

/// For each of `from` (locations), the indices into `to` (locations) of
/// its `k` nearest by travel distance from it, nearest first, ties by
/// index; `skip_same_index` leaves out `to[i]` from row `i` (a set's own
/// neighbours).
pub fn nearest_among(
    problem: &Problem,
    from: &[usize],
    to: &[usize],
    k: usize,
    skip_same_index: bool,
) -> Vec<Vec<u32>> {
    if to.len() >= INDEX_FROM {
        if let Some(index) = problem
            .travel
            .coordinates()
            .and_then(|c| CellBuckets::new(&c, to))
        {
            return from
                .par_iter()
                .enumerate()
                .map(|(i, &a)| {
                    let Some(candidates) = index.around(a, k + usize::from(skip_same_index)) else {
                        return every_place(problem, a, i, to, k, skip_same_index);
                    };
                    let mut pairs: Vec<(f64, u32)> = candidates
                        .into_iter()
                        .filter(|&j| !(skip_same_index && j as usize == i))
                        .map(|j| (problem.distance(a, to[j as usize]), j))
                        .collect();
                    closest(&mut pairs, k)
                })
                .collect();
        }
    }
    from.par_iter()
        .enumerate()
        .map(|(i, &a)| every_place(problem, a, i, to, k, skip_same_index))
        .collect()
}

/// Row `i` (from place `a`) by reading the travel to every place of `to`.
fn every_place(
    problem: &Problem,
    a: usize,
    i: usize,
    to: &[usize],
    k: usize,
    skip_same_index: bool,
) -> Vec<u32> {
    let mut others: Vec<(f64, u32)> = to
        .iter()
        .enumerate()
        .filter(|&(j, _)| !(skip_same_index && j == i))
        .map(|(j, &b)| (problem.distance(a, b), j as u32))
        .collect();
    closest(&mut others, k)
}

/// The places of a set bucketed by h3 cell.
struct CellBuckets {
    resolution: Resolution,
    /// `(lat, lng)` of every location of the problem.
    coords: Vec<(f64, f64)>,
    /// Indices into the set of the places in each cell, ascending.
    cells: HashMap<CellIndex, Vec<u32>>,
}

impl CellBuckets {
    /// Buckets the `places` (locations into `coords`); `None` when a
    /// place has no valid coordinates.
    fn new(coords: &[(f64, f64)], places: &[usize]) -> Option<Self> {
        let resolution = resolution_for(coords, places);
        let mut cells: HashMap<CellIndex, Vec<u32>> = HashMap::new();
        for (j, &p) in places.iter().enumerate() {
            let (lat, lng) = coords[p];
            let cell = LatLng::new(lat, lng).ok()?.to_cell(resolution);
            cells.entry(cell).or_default().push(j as u32);
        }
        Some(Self {
            resolution,
            coords: coords.to_vec(),
            cells,
        })
    }

    /// The places in the smallest grid disk around location `a` that
    /// holds at least `k`, widened by one ring; `None` when even
    /// [`MAX_RING`] rings hold fewer.
    fn around(&self, a: usize, k: usize) -> Option<Vec<u32>> {
        let (lat, lng) = self.coords[a];
        let centre = LatLng::new(lat, lng).ok()?.to_cell(self.resolution);
        let count = |ring: u32| -> usize {
            centre
                .grid_disk::<Vec<_>>(ring)
                .iter()
                .filter_map(|c| self.cells.get(c))
                .map(Vec::len)
                .sum()
        };
        let ring = (0..=MAX_RING).find(|&r| count(r) >= k)?;
        let mut out: Vec<u32> = centre
            .grid_disk::<Vec<_>>(ring + 1)
            .iter()
            .filter_map(|c| self.cells.get(c))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        Some(out)
    }
}

/// The finest h3 resolution whose cells hold about [`PLACES_PER_CELL`] of
/// `places` if they were spread evenly over their bounding box.
fn resolution_for(coords: &[(f64, f64)], places: &[usize]) -> Resolution {
    let (mut lat0, mut lat1, mut lng0, mut lng1) = (90.0f64, -90.0f64, 180.0f64, -180.0f64);
    for &p in places {
        let (lat, lng) = coords[p];
        (lat0, lat1, lng0, lng1) = (lat0.min(lat), lat1.max(lat), lng0.min(lng), lng1.max(lng));
    }
    /// Kilometres per degree of latitude.
    const KM_PER_DEGREE: f64 = 111.2;
    let mid = ((lat0 + lat1) / 2.0).to_radians().cos().abs();
    let area_km2 =
        ((lat1 - lat0) * KM_PER_DEGREE).max(0.1) * ((lng1 - lng0) * KM_PER_DEGREE * mid).max(0.1);
    let wanted = area_km2 * PLACES_PER_CELL / places.len().max(1) as f64;
    (0..=15u8)
        .filter_map(|r| Resolution::try_from(r).ok())
        .take_while(|r| r.area_km2() >= wanted)
        .last()
        .unwrap_or(Resolution::Zero)
}

/// The `k` smallest of `(distance, index)` pairs, nearest first, ties by
/// index, as indices.
fn closest(pairs: &mut Vec<(f64, u32)>, k: usize) -> Vec<u32> {
    let order = |a: &(f64, u32), b: &(f64, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if k == 0 || pairs.is_empty() {
        return Vec::new();
    }
    if pairs.len() > k {
        pairs.select_nth_unstable_by(k - 1, order);
        pairs.truncate(k);
    }
    pairs.sort_unstable_by(order);
    pairs.iter().map(|&(_, j)| j).collect()
}

/// The `k` nearest other visits of every visit, nearest first.
#[derive(Debug, Clone)]
pub struct NearestVisits {
    k: usize,
    lists: Vec<u32>,
}

impl NearestVisits {
    /// Lists of at most `k` neighbours, by travel distance.
    pub fn new(problem: &Problem, k: usize) -> Self {
        let n = problem.n_visits();
        let k = k.min(n.saturating_sub(1));
        let locations: Vec<usize> = problem.visits.iter().map(|v| v.location).collect();
        let rows = nearest_among(problem, &locations, &locations, k, true);
        let mut lists = Vec::with_capacity(n * k);
        for row in rows {
            debug_assert_eq!(row.len(), k);
            lists.extend(row);
        }
        Self { k, lists }
    }

    /// The neighbours of `visit`, nearest first.
    pub fn of(&self, visit: usize) -> impl Iterator<Item = usize> + '_ {
        self.lists[visit * self.k..(visit + 1) * self.k]
            .iter()
            .map(|&j| j as usize)
    }
}
