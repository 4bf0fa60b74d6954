//! The road-leg cache: where a router snapped each place, and the legs
//! between snapped places, keyed by both snapped coordinates (rounded to
//! 1e-5 degrees, about a metre), the router and its profile, with the
//! time of fetch. Roads are not a company's data, so the cache is shared
//! by every company of the service. Plain SQL in one file (the tables are
//! migration 5).

use std::collections::HashMap;

use anyhow::Result;

use super::db::{args, Conn};
use super::{Storage, StorageError};
use crate::routing::{Known, Leg, LegCache, Router, Snap};

/// Degrees to the cache's integer units (1e-5 degrees).
fn unit(degrees: f64) -> i64 {
    (degrees * 1e5).round() as i64
}

fn degrees(unit: i64) -> f64 {
    unit as f64 / 1e5
}

/// A place or snapped place as the cache keys it.
type Key = (i64, i64);

fn key((lat, lng): (f64, f64)) -> Key {
    (unit(lat), unit(lng))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The cache in the service database.
pub struct StoredLegs<'a>(pub &'a Storage);

/// The id of `router`'s server and profile; `create` adds it when new.
fn router_id(
    conn: &mut Conn<'_>,
    router: &Router,
    create: bool,
) -> Result<Option<i64>, StorageError> {
    if create {
        conn.execute(
            "INSERT INTO road_routers (url, profile) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            &args![&router.url, &router.profile],
        )?;
    }
    conn.query_opt(
        "SELECT id FROM road_routers WHERE url = ?1 AND profile = ?2",
        &args![&router.url, &router.profile],
    )?
    .map(|r| r.get(0))
    .transpose()
}

/// Where the router snapped each of `points`, when cached.
fn load_snaps(
    conn: &mut Conn<'_>,
    id: i64,
    points: &[(f64, f64)],
) -> Result<Vec<Option<Snap>>, StorageError> {
    let mut snaps = Vec::with_capacity(points.len());
    for &point in points {
        let (lat, lng) = key(point);
        let row = conn.query_opt(
            "SELECT snap_lat, snap_lng, snap_metres FROM road_snaps
             WHERE router_id = ?1 AND lat = ?2 AND lng = ?3",
            &args![id, lat, lng],
        )?;
        let snap = row
            .map(|r| -> Result<Snap, StorageError> {
                Ok(Snap {
                    lat: degrees(r.get(0)?),
                    lng: degrees(r.get(1)?),
                    metres: r.get(2)?,
                })
            })
            .transpose()?;
        snaps.push(snap);
    }
    Ok(snaps)
}

/// The cached legs between the snapped places, row-major over `snaps`.
fn load_legs(
    conn: &mut Conn<'_>,
    id: i64,
    snaps: &[Option<Snap>],
) -> Result<Vec<Option<Leg>>, StorageError> {
    let n = snaps.len();
    let mut places_at: HashMap<Key, Vec<usize>> = HashMap::new();
    for (place, snap) in snaps.iter().enumerate() {
        if let Some(s) = snap {
            places_at
                .entry(key((s.lat, s.lng)))
                .or_default()
                .push(place);
        }
    }
    let mut legs = vec![None; n * n];
    for (from, sources) in &places_at {
        let rows = conn.query(
            "SELECT to_lat, to_lng, duration, distance FROM road_legs
             WHERE router_id = ?1 AND from_lat = ?2 AND from_lng = ?3",
            &args![id, from.0, from.1],
        )?;
        for r in rows {
            let to: Key = (r.get(0)?, r.get(1)?);
            let leg: Leg = match (r.get::<Option<f64>>(2)?, r.get::<Option<f64>>(3)?) {
                (Some(duration), Some(distance)) => Some((duration, distance)),
                _ => None,
            };
            let Some(destinations) = places_at.get(&to) else {
                continue;
            };
            for &a in sources {
                for &b in destinations {
                    legs[a * n + b] = Some(leg);
                }
            }
        }
    }
    Ok(legs)
}

impl LegCache for StoredLegs<'_> {
    fn load(&self, router: &Router, points: &[(f64, f64)]) -> Result<Known> {
        Ok(self.0.run(|c| {
            let Some(id) = router_id(c, router, false)? else {
                return Ok(Known {
                    snaps: vec![None; points.len()],
                    legs: vec![None; points.len() * points.len()],
                });
            };
            let snaps = load_snaps(c, id, points)?;
            let legs = load_legs(c, id, &snaps)?;
            Ok(Known { snaps, legs })
        })?)
    }

    fn save(
        &self,
        router: &Router,
        points: &[(f64, f64)],
        snaps: &[Option<Snap>],
        legs: &[(usize, usize, Leg)],
    ) -> Result<()> {
        let at = now();
        Ok(self.0.run(|c| {
            let mut tx = c.transaction()?;
            let Some(id) = router_id(&mut tx, router, true)? else {
                return Ok(());
            };
            for (&point, snap) in points.iter().zip(snaps) {
                let Some(s) = snap else { continue };
                let (lat, lng) = key(point);
                tx.execute(
                    "INSERT INTO road_snaps (router_id, lat, lng, snap_lat, snap_lng, snap_metres, fetched_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (router_id, lat, lng) DO UPDATE SET snap_lat = excluded.snap_lat,
                       snap_lng = excluded.snap_lng, snap_metres = excluded.snap_metres,
                       fetched_at = excluded.fetched_at",
                    &args![id, lat, lng, unit(s.lat), unit(s.lng), s.metres, at],
                )?;
            }
            for &(a, b, leg) in legs {
                let (Some(from), Some(to)) = (snaps[a], snaps[b]) else {
                    continue;
                };
                let (from, to) = (key((from.lat, from.lng)), key((to.lat, to.lng)));
                tx.execute(
                    "INSERT INTO road_legs (router_id, from_lat, from_lng, to_lat, to_lng, duration, distance, fetched_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (router_id, from_lat, from_lng, to_lat, to_lng) DO UPDATE SET
                       duration = excluded.duration, distance = excluded.distance,
                       fetched_at = excluded.fetched_at",
                    &args![id, from.0, from.1, to.0, to.1, leg.map(|l| l.0), leg.map(|l| l.1), at],
                )?;
            }
            tx.commit()
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legs_come_back_keyed_by_snapped_places_and_router() {
        let storage = Storage::in_memory().unwrap();
        let cache = StoredLegs(&storage);
        let router = Router::osrm("http://127.0.0.1:5000");
        let points = [(60.17, 24.94), (60.18, 24.95), (60.19, 24.96)];
        let snap = |lat, lng| {
            Some(Snap {
                lat,
                lng,
                metres: 3.0,
            })
        };
        let snaps = [snap(60.17001, 24.94), snap(60.18, 24.95001), None];
        let legs = [
            (0, 1, Some((60.0, 500.0))),
            (1, 0, None),
            (0, 2, Some((1.0, 1.0))),
        ];
        cache.save(&router, &points, &snaps, &legs).unwrap();
        let known = cache.load(&router, &points).unwrap();
        assert_eq!(known.snaps, snaps);
        assert_eq!(known.legs[1], Some(Some((60.0, 500.0))));
        assert_eq!(known.legs[3], Some(None), "1 -> 0 has no route");
        assert_eq!(known.legs[2], None, "place 2 never snapped: not kept");
        // A neighbour 30 cm away shares the snapped place's legs.
        let moved = [(60.170003, 24.94), (60.18, 24.95)];
        assert_eq!(
            cache.load(&router, &moved).unwrap().legs[1],
            Some(Some((60.0, 500.0)))
        );
        let other = Router::osrm("http://127.0.0.1:5001");
        assert_eq!(cache.load(&other, &points).unwrap().snaps, vec![None; 3]);
    }
}
