//! Travel distance and duration between locations.
//!
//! A [`TravelModel`] is any source of distances and durations: Euclidean
//! coordinates (benchmarks), great-circle distance on lat/lng with a detour
//! factor and an average speed (field service), or a supplied matrix. The
//! search only ever reads a [`TravelTable`]: a dense table built once from
//! a model or from supplied tables, or for geodesic travel the legs
//! computed on demand from the places, so a road-routed model can be added
//! without touching the search.
//!
//! Why on demand for geodesic travel: a dense table of 20,000 places takes
//! 3.2 GB in its compact form (6.4 GB while it is built), and on a shared
//! machine building it was most of the first plan; a leg costs a few
//! sines instead, and the neighbour lists that need the nearest places
//! find them through a spatial index (`super::nearest`) rather than by
//! reading every pair.

use rayon::prelude::*;

use super::{Distance, Time};

/// Duration (and distance) of a leg that cannot be driven: a pair a road
/// router cannot connect. Far longer than any shift, so no route drives
/// it and the checker rejects any that would; [`is_no_route`] tells it
/// apart from a long leg, for the `NO_ROUTE` reason.
pub const NO_ROUTE_SECONDS: Time = 1e9;

/// Whether a leg of `duration` is one that cannot be driven.
#[inline]
pub fn is_no_route(duration: Time) -> bool {
    duration >= NO_ROUTE_SECONDS
}

/// A source of travel distances and durations between location indices.
pub trait TravelModel: Sync {
    /// Number of locations.
    fn len(&self) -> usize;
    /// Whether there are no locations.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Distance from `from` to `to`.
    fn distance(&self, from: usize, to: usize) -> Distance;
    /// Duration from `from` to `to`.
    fn duration(&self, from: usize, to: usize) -> Time;
    /// Whether `distance(a, b) == distance(b, a)` and likewise durations by
    /// construction, so a table needs only one triangle evaluated.
    fn is_symmetric(&self) -> bool {
        false
    }
    /// When every duration follows from its distance alone, the rule: the
    /// table then derives durations instead of evaluating the model twice.
    fn duration_rule(&self) -> Option<DurationRule> {
        None
    }
}

/// How a duration follows from its distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DurationRule {
    /// The duration is the distance (benchmarks).
    EqualsDistance,
    /// Whole seconds at a constant speed: `round(distance / speed)`.
    RoundedAtSpeed(f64),
}

impl DurationRule {
    /// The duration of `distance`.
    #[inline]
    pub fn duration(self, distance: Distance) -> Time {
        match self {
            Self::EqualsDistance => distance,
            Self::RoundedAtSpeed(speed) => (distance / speed).round(),
        }
    }
}

/// How benchmark Euclidean distances are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rounding {
    /// Double precision, no rounding (the classic hierarchical convention).
    #[default]
    Exact,
    /// Truncated to one decimal, `floor(10 d) / 10` (DIMACS 2021 / CVRPLIB).
    Dimacs,
}

impl std::str::FromStr for Rounding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "exact" => Ok(Self::Exact),
            "dimacs" => Ok(Self::Dimacs),
            other => Err(format!("unknown rounding '{other}': use exact or dimacs")),
        }
    }
}

/// Planar coordinates; travel time equals distance (benchmarks).
#[derive(Debug, Clone)]
pub struct Euclidean {
    /// `(x, y)` of each location.
    pub coords: Vec<(f64, f64)>,
    /// Rounding convention.
    pub rounding: Rounding,
}

impl TravelModel for Euclidean {
    fn len(&self) -> usize {
        self.coords.len()
    }
    fn distance(&self, from: usize, to: usize) -> Distance {
        let (ax, ay) = self.coords[from];
        let (bx, by) = self.coords[to];
        let d = (ax - bx).hypot(ay - by);
        match self.rounding {
            Rounding::Exact => d,
            // Work on the integer tenths so the stored value is the exact
            // decimal the convention means (sums stay reproducible).
            Rounding::Dimacs => (10.0 * d + 1e-9).floor() / 10.0,
        }
    }
    fn duration(&self, from: usize, to: usize) -> Time {
        self.distance(from, to)
    }
    fn is_symmetric(&self) -> bool {
        true
    }
    fn duration_rule(&self) -> Option<DurationRule> {
        Some(DurationRule::EqualsDistance)
    }
}

/// Mean earth radius in metres, as `geo`'s haversine uses it.
const MEAN_EARTH_RADIUS: f64 = 6_371_008.8;

/// Great-circle distance on `(lat, lng)` in metres, times a detour factor
/// for roads, driven at an average speed in metres per second.
#[derive(Debug, Clone)]
pub struct Geodesic {
    /// `(lat, lng)` in degrees of each location.
    pub coords: Vec<(f64, f64)>,
    /// Road distance over straight-line distance, typically 1.2-1.4.
    pub detour_factor: f64,
    /// Average driving speed in metres per second.
    pub speed_mps: f64,
}

impl TravelModel for Geodesic {
    fn len(&self) -> usize {
        self.coords.len()
    }
    fn distance(&self, from: usize, to: usize) -> Distance {
        use geo::{Distance as _, Haversine, Point};
        let (alat, alng) = self.coords[from];
        let (blat, blng) = self.coords[to];
        let metres = Haversine::distance(Point::new(alng, alat), Point::new(blng, blat));
        // Whole metres: stable output and exact sums.
        (metres * self.detour_factor).round()
    }
    fn duration(&self, from: usize, to: usize) -> Time {
        DurationRule::RoundedAtSpeed(self.speed_mps).duration(self.distance(from, to))
    }
    fn is_symmetric(&self) -> bool {
        true
    }
    fn duration_rule(&self) -> Option<DurationRule> {
        Some(DurationRule::RoundedAtSpeed(self.speed_mps))
    }
}

/// From this many places geodesic travel is read on demand, not from a
/// table. Below it a table is small (200 MB at 5,000) and its reads are
/// cheaper: the same 2,000-visit search (identical plans) took 56.5 s of
/// CPU on a table against 71.9 s on demand.
pub const ON_DEMAND_FROM: usize = 5000;

/// The former name of [`TravelTable`], kept for its many users.
pub type DenseMatrix = TravelTable;

/// Distances and durations between all locations: row-major tables, or
/// geodesic legs computed when read.
#[derive(Debug, Clone)]
pub struct TravelTable {
    n: usize,
    /// Distance, and duration when it differs, of each pair side by side:
    /// the search reads both of an arc at once, and one cache line then
    /// serves both (two tables doubled the misses, which dominate a move's
    /// evaluation on large instances).
    cells: Cells,
    /// Whether `distance(a, b) == distance(b, a)` and likewise durations:
    /// reversing a stretch of a route then keeps its inner cost.
    symmetric: bool,
}

/// The stored cells of a [`DenseMatrix`].
#[derive(Debug, Clone)]
enum Cells {
    /// Durations equal distances: one value per pair.
    Same(Vec<Distance>),
    /// `(distance, duration)` per pair.
    Pairs(Vec<(Distance, Time)>),
    /// `(distance, duration)` per pair when all are whole numbers below
    /// 2^24, which `f32` holds exactly (metres and seconds of field
    /// plans): half the bytes of `Pairs`, so 10,000 locations take 800 MB
    /// instead of 1.6 GB, and more of a search's table reads hit the cache.
    Whole(Vec<(f32, f32)>),
    /// Geodesic legs, computed when read: `n` places, no table.
    OnDemand(GeodesicLegs),
}

/// A [`Geodesic`] model prepared for reading legs: each place's cosine of
/// latitude computed once. Every leg is bit for bit the model's own
/// (the same operations in the same order as `geo`'s haversine), so a
/// plan costs the same whichever form its travel takes.
#[derive(Debug, Clone)]
struct GeodesicLegs {
    /// `(lat, lng, cos(lat))`, degrees, of each place.
    places: Vec<(f64, f64, f64)>,
    detour_factor: f64,
    rule: DurationRule,
}

impl GeodesicLegs {
    fn new(model: &Geodesic) -> Self {
        Self {
            places: model
                .coords
                .iter()
                .map(|&(lat, lng)| (lat, lng, lat.to_radians().cos()))
                .collect(),
            detour_factor: model.detour_factor,
            rule: DurationRule::RoundedAtSpeed(model.speed_mps),
        }
    }

    #[inline]
    fn distance(&self, from: usize, to: usize) -> Distance {
        let (alat, alng, acos) = self.places[from];
        let (blat, blng, bcos) = self.places[to];
        let delta_lat = (blat - alat).to_radians();
        let delta_lng = (blng - alng).to_radians();
        let a = (delta_lat / 2.0).sin().powi(2) + acos * bcos * (delta_lng / 2.0).sin().powi(2);
        let metres = MEAN_EARTH_RADIUS * (2.0 * a.sqrt().asin());
        (metres * self.detour_factor).round()
    }

    #[inline]
    fn leg(&self, from: usize, to: usize) -> (Distance, Time) {
        let d = self.distance(from, to);
        (d, self.rule.duration(d))
    }

    fn part(&self, locations: &[usize]) -> Self {
        Self {
            places: locations.iter().map(|&l| self.places[l]).collect(),
            ..*self
        }
    }
}

impl Cells {
    /// `Pairs`, or `Whole` when every value is a whole number an `f32`
    /// holds exactly.
    fn pairs(pairs: Vec<(Distance, Time)>) -> Self {
        /// Below this every whole number is an exact `f32`.
        const F32_EXACT: f64 = 16_777_216.0;
        let exact = |x: f64| x.fract() == 0.0 && (0.0..F32_EXACT).contains(&x);
        if pairs.par_iter().all(|&(d, t)| exact(d) && exact(t)) {
            Self::Whole(
                pairs
                    .into_par_iter()
                    .map(|(d, t)| (d as f32, t as f32))
                    .collect(),
            )
        } else {
            Self::Pairs(pairs)
        }
    }
}

impl TravelTable {
    /// Tables from explicit rows; `duration` `None` means equal to distance.
    /// Callers check that the tables are `n * n`.
    pub fn from_tables(n: usize, distance: Vec<Distance>, duration: Option<Vec<Time>>) -> Self {
        debug_assert_eq!(distance.len(), n * n);
        let cells = match duration {
            Some(duration) => Cells::pairs(distance.into_iter().zip(duration).collect()),
            None => Cells::Same(distance),
        };
        Self::with_symmetry(n, cells)
    }

    fn with_symmetry(n: usize, cells: Cells) -> Self {
        fn symmetric_table<T: PartialEq>(n: usize, t: &[T]) -> bool {
            (0..n).all(|i| (0..i).all(|j| t[i * n + j] == t[j * n + i]))
        }
        let symmetric = match &cells {
            Cells::Same(t) => symmetric_table(n, t),
            Cells::Pairs(t) => symmetric_table(n, t),
            Cells::Whole(t) => symmetric_table(n, t),
            Cells::OnDemand(_) => true,
        };
        Self {
            n,
            cells,
            symmetric,
        }
    }

    /// Geodesic travel: a dense table below [`ON_DEMAND_FROM`] places,
    /// else the legs on demand ([`Self::geodesic`]); both give the same legs.
    pub fn from_geodesic(model: &Geodesic) -> Self {
        if model.coords.len() >= ON_DEMAND_FROM {
            Self::geodesic(model)
        } else {
            Self::from_model(model)
        }
    }

    /// Geodesic travel read on demand: no table, legs computed from the
    /// places (the same values [`Self::from_model`] would store).
    pub fn geodesic(model: &Geodesic) -> Self {
        Self {
            n: model.coords.len(),
            cells: Cells::OnDemand(GeodesicLegs::new(model)),
            symmetric: true,
        }
    }

    /// `(lat, lng)` in degrees of each place, when the travel is geodesic
    /// on demand: nearest places are then found by a spatial index.
    pub fn coordinates(&self) -> Option<Vec<(f64, f64)>> {
        match &self.cells {
            Cells::OnDemand(g) => Some(g.places.iter().map(|&(lat, lng, _)| (lat, lng)).collect()),
            _ => None,
        }
    }

    /// Whether both tables are symmetric.
    pub fn is_symmetric(&self) -> bool {
        self.symmetric
    }

    /// Evaluates `model` on every pair of locations, rows in parallel; a
    /// symmetric model is evaluated on one triangle only, and durations
    /// that follow from distances are derived (on 2,000 field visits the
    /// geodesic table was a third of the first plan).
    pub fn from_model(model: &dyn TravelModel) -> Self {
        crate::phase::timed("travel table", || Self::evaluate(model))
    }

    fn evaluate(model: &dyn TravelModel) -> Self {
        let n = model.len();
        let symmetric = model.is_symmetric();
        let cells = match model.duration_rule() {
            Some(DurationRule::EqualsDistance) => {
                Cells::Same(table(n, symmetric, |i, j| model.distance(i, j)))
            }
            Some(rule) => Cells::pairs(table(n, symmetric, |i, j| {
                let d = model.distance(i, j);
                (d, rule.duration(d))
            })),
            None => Cells::pairs(table(n, false, |i, j| {
                (model.distance(i, j), model.duration(i, j))
            })),
        };
        Self::with_symmetry(n, cells)
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no locations.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Distance from `from` to `to`.
    #[inline]
    pub fn distance(&self, from: usize, to: usize) -> Distance {
        self.leg(from, to).0
    }

    /// Distance and duration from `from` to `to`, read together.
    #[inline]
    pub fn leg(&self, from: usize, to: usize) -> (Distance, Time) {
        // `i` is only a table's index: an on-demand leg reads its places.
        let i = from.wrapping_mul(self.n).wrapping_add(to);
        match &self.cells {
            Cells::Same(t) => (t[i], t[i]),
            Cells::Pairs(t) => t[i],
            Cells::Whole(t) => (Distance::from(t[i].0), Time::from(t[i].1)),
            Cells::OnDemand(g) => g.leg(from, to),
        }
    }

    /// Duration from `from` to `to`.
    #[inline]
    pub fn duration(&self, from: usize, to: usize) -> Time {
        self.leg(from, to).1
    }

    /// The table between `locations` alone: its location `i` is
    /// `locations[i]`. Callers pass them ascending, so that places near
    /// in the whole table stay near in the part.
    pub fn submatrix(&self, locations: &[usize]) -> Self {
        fn pick<T: Copy>(n: usize, table: &[T], locations: &[usize]) -> Vec<T> {
            let mut out = Vec::with_capacity(locations.len() * locations.len());
            for &a in locations {
                let row = &table[a * n..(a + 1) * n];
                out.extend(locations.iter().map(|&b| row[b]));
            }
            out
        }
        let cells = match &self.cells {
            Cells::Same(t) => Cells::Same(pick(self.n, t, locations)),
            Cells::Pairs(t) => Cells::Pairs(pick(self.n, t, locations)),
            Cells::Whole(t) => Cells::Whole(pick(self.n, t, locations)),
            Cells::OnDemand(g) => Cells::OnDemand(g.part(locations)),
        };
        Self {
            n: locations.len(),
            cells,
            // A part of a symmetric table is symmetric; a part of an
            // asymmetric one is treated as asymmetric, which is only slower.
            symmetric: self.symmetric,
        }
    }
}

/// The `n * n` row-major table of `cell(i, j)`, rows in parallel; when
/// `symmetric`, only the upper triangle is evaluated and then mirrored.
fn table<T: Copy + Default + Send + Sync>(
    n: usize,
    symmetric: bool,
    cell: impl Fn(usize, usize) -> T + Sync,
) -> Vec<T> {
    let mut out = vec![T::default(); n * n];
    out.par_chunks_mut(n.max(1))
        .enumerate()
        .for_each(|(i, row)| {
            let from = if symmetric { i } else { 0 };
            for (j, c) in row.iter_mut().enumerate().skip(from) {
                *c = cell(i, j);
            }
        });
    if symmetric {
        for i in 0..n {
            for j in 0..i {
                out[i * n + j] = out[j * n + i];
            }
        }
    }
    out
}

impl TravelModel for TravelTable {
    fn len(&self) -> usize {
        self.n
    }
    fn distance(&self, from: usize, to: usize) -> Distance {
        TravelTable::distance(self, from, to)
    }
    fn duration(&self, from: usize, to: usize) -> Time {
        TravelTable::duration(self, from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimacs_truncates_to_one_decimal() {
        let m = Euclidean {
            coords: vec![(0.0, 0.0), (1.0, 1.0), (3.0, 4.0)],
            rounding: Rounding::Dimacs,
        };
        assert_eq!(m.distance(0, 1), 1.4);
        assert_eq!(m.distance(0, 2), 5.0);
        let exact = Euclidean {
            rounding: Rounding::Exact,
            ..m
        };
        assert!((exact.distance(0, 1) - 2f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn geodesic_is_plausible() {
        // Aberdeen to Inverurie is about 22 km in a straight line.
        let m = Geodesic {
            coords: vec![(57.1497, -2.0943), (57.2836, -2.3740)],
            detour_factor: 1.0,
            speed_mps: 10.0,
        };
        let d = m.distance(0, 1);
        assert!((20_000.0..24_000.0).contains(&d), "{d}");
        assert_eq!(m.duration(0, 1), (d / 10.0).round());
    }

    /// The one-triangle, derived-duration table equals the model on every
    /// pair (geodesic distance is symmetric up to rounding to metres).
    #[test]
    fn geodesic_table_matches_model() {
        let m = Geodesic {
            coords: vec![
                (57.1497, -2.0943),
                (57.2836, -2.3740),
                (56.96, -2.2),
                (57.5, -1.8),
            ],
            detour_factor: 1.3,
            speed_mps: 11.1,
        };
        let dense = DenseMatrix::from_model(&m);
        assert!(dense.is_symmetric());
        for i in 0..4 {
            for j in 0..4 {
                assert_eq!(dense.distance(i, j), m.distance(i.min(j), i.max(j)));
                assert_eq!(dense.duration(i, j), m.duration(i.min(j), i.max(j)));
            }
        }
    }

    /// Legs read on demand equal the model's, bit for bit, also in a part.
    #[test]
    fn on_demand_geodesic_matches_model() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let m = Geodesic {
            coords: (0..200)
                .map(|_| (rng.gen_range(-60.0..70.0), rng.gen_range(-180.0..180.0)))
                .collect(),
            detour_factor: 1.3,
            speed_mps: 11.1,
        };
        let on_demand = TravelTable::geodesic(&m);
        assert!(on_demand.is_symmetric());
        for i in 0..200 {
            for j in 0..200 {
                assert_eq!(on_demand.distance(i, j), m.distance(i, j));
                assert_eq!(on_demand.duration(i, j), m.duration(i, j));
            }
        }
        let part = on_demand.submatrix(&[3, 50, 199]);
        assert_eq!(part.leg(0, 2), on_demand.leg(3, 199));
        assert_eq!(part.coordinates().map(|c| c[1]), Some(m.coords[50]));
    }

    #[test]
    fn dense_matrix_matches_model() {
        let m = Euclidean {
            coords: vec![(0.0, 0.0), (1.0, 1.0), (3.0, 4.0)],
            rounding: Rounding::Dimacs,
        };
        let dense = DenseMatrix::from_model(&m);
        for i in 0..3 {
            for j in 0..3 {
                assert_eq!(dense.distance(i, j), m.distance(i, j));
                assert_eq!(dense.duration(i, j), m.duration(i, j));
            }
        }
    }
}
