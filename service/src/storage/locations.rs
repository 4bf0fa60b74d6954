//! Performer locations: the latest reported position of each driver (by
//! the performer's `submitted_at`, so a late batch sent after coming back
//! online does not overwrite a newer point), and every report in a
//! per-driver history, so late points are kept too.

use std::collections::HashMap;

use super::db::{args, Conn, Row};
use super::resource::row_id;
use super::{drivers::Drivers, now_millis, StorageError, Tenant};
use crate::records::location::{LocationReport, Point};

/// A driver's latest known position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatestLocation {
    /// Where.
    pub point: Point,
    /// Performer's time of the report, ms since the epoch.
    pub submitted_at: i64,
    /// When the server received it.
    pub received_at: i64,
}

/// What recording a batch of reports did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    /// Reports stored (all go to the history).
    pub stored: usize,
    /// Of those, how many were older than the driver's latest location
    /// and so did not replace it.
    pub older: usize,
    /// `submitted_at` of the driver's latest location afterwards.
    pub latest_submitted_at: i64,
}

/// Records `reports` for the tenant's driver `key`; `None` when no such
/// driver. Reports without `submitted_at` count as sent now.
pub fn record(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
    reports: &[LocationReport],
) -> Result<Option<Recorded>, StorageError> {
    let mut tx = conn.transaction()?;
    let Some(driver) = row_id::<Drivers>(&mut tx, tenant, key)? else {
        return Ok(None);
    };
    let now = now_millis();
    let mut recorded = Recorded::default();
    for report in reports {
        let submitted_at = report.submitted_at.unwrap_or(now);
        // The same row goes to the history and, when newest, the latest.
        let row = args![
            driver,
            report.point.lat,
            report.point.lng,
            submitted_at,
            now
        ];
        tx.execute(
            "INSERT INTO driver_location_history (driver_seq, lat, lng, submitted_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            &row,
        )?;
        recorded.stored += 1;
        let replaced = tx.execute(
            "INSERT INTO driver_locations (driver_seq, lat, lng, submitted_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (driver_seq) DO UPDATE SET
                lat = excluded.lat, lng = excluded.lng,
                submitted_at = excluded.submitted_at, received_at = excluded.received_at
             WHERE excluded.submitted_at >= driver_locations.submitted_at",
            &row,
        )?;
        if replaced == 0 {
            recorded.older += 1;
        }
    }
    recorded.latest_submitted_at = tx
        .query_one(
            "SELECT submitted_at FROM driver_locations WHERE driver_seq = ?1",
            &args![driver],
        )?
        .get(0)?;
    tx.commit()?;
    Ok(Some(recorded))
}

/// The history of the tenant's driver `key` with `submitted_at` in
/// `from_ms..to_ms`, oldest first; `None` when no such driver.
pub fn history(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Option<Vec<LatestLocation>>, StorageError> {
    let Some(driver) = row_id::<Drivers>(conn, tenant, key)? else {
        return Ok(None);
    };
    let rows = conn.query(
        "SELECT lat, lng, submitted_at, received_at FROM driver_location_history
         WHERE driver_seq = ?1 AND submitted_at >= ?2 AND submitted_at < ?3
         ORDER BY submitted_at, seq",
        &args![driver, from_ms, to_ms],
    )?;
    Ok(Some(
        rows.iter()
            .map(|r| location_at(r, 0))
            .collect::<Result<_, _>>()?,
    ))
}

/// The latest location of the tenant's driver `key`: `None` when no such
/// driver, `Some(None)` when it has not reported yet.
pub fn latest(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
) -> Result<Option<Option<LatestLocation>>, StorageError> {
    let Some(driver) = row_id::<Drivers>(conn, tenant, key)? else {
        return Ok(None);
    };
    let found = conn.query_opt(
        "SELECT lat, lng, submitted_at, received_at FROM driver_locations WHERE driver_seq = ?1",
        &args![driver],
    )?;
    Ok(Some(found.map(|r| location_at(&r, 0)).transpose()?))
}

/// The latest location of every tenant driver that has reported, by the
/// driver's ERP `id` (one query, for plan jobs).
pub fn latest_by_driver(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
) -> Result<HashMap<String, LatestLocation>, StorageError> {
    let rows = conn.query(
        "SELECT d.erp_id, l.lat, l.lng, l.submitted_at, l.received_at
         FROM driver_locations l JOIN drivers d ON d.seq = l.driver_seq
         WHERE d.company_id = ?1",
        &args![tenant.company_id()],
    )?;
    let mut found = HashMap::new();
    for row in rows {
        found.insert(row.get::<String>(0)?, location_at(&row, 1)?);
    }
    Ok(found)
}

/// The location in columns `first..first + 4` (lat, lng, submitted_at,
/// received_at).
fn location_at(r: &Row, first: usize) -> Result<LatestLocation, StorageError> {
    Ok(LatestLocation {
        point: Point {
            lat: r.get(first)?,
            lng: r.get(first + 1)?,
        },
        submitted_at: r.get(first + 2)?,
        received_at: r.get(first + 3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::driver::tests::driver;
    use crate::storage::keys::tests::two_tenants;
    use crate::storage::resource::upsert;
    use serde_json::Value;

    #[test]
    fn the_latest_by_submission_time_wins_and_stays_in_its_company() {
        let (storage, acme, globex) = two_tenants();
        storage
            .run(|c| {
                upsert::<Drivers>(c, &acme, vec![Value::Object(driver("d1"))])?;
                let at = |lat: f64, t: i64| LocationReport {
                    point: Point { lat, lng: 1.0 },
                    submitted_at: Some(t),
                };
                assert_eq!(latest(c, &acme, "d1")?, Some(None));
                let batch = record(c, &acme, "d1", &[at(1.0, 100), at(3.0, 300), at(2.0, 200)])?;
                assert_eq!(
                    batch,
                    Some(Recorded {
                        stored: 3,
                        older: 1,
                        latest_submitted_at: 300
                    })
                );
                let late = record(c, &acme, "d1", &[at(0.5, 50)])?.unwrap();
                assert_eq!((late.older, late.latest_submitted_at), (1, 300));
                let kept = history(c, &acme, "d1", 0, 1000)?.unwrap();
                let times: Vec<i64> = kept.iter().map(|l| l.submitted_at).collect();
                assert_eq!(times, [50, 100, 200, 300]);
                assert_eq!(history(c, &acme, "d1", 100, 300)?.unwrap().len(), 2);
                assert_eq!(history(c, &globex, "d1", 0, 1000)?, None);
                let got = latest(c, &acme, "d1")?.flatten().unwrap();
                assert_eq!((got.point.lat, got.submitted_at), (3.0, 300));
                assert_eq!(record(c, &globex, "d1", &[at(9.0, 900)])?, None);
                assert_eq!(latest(c, &globex, "d1")?, None);
                let all = latest_by_driver(c, &acme)?;
                assert_eq!(all.len(), 1);
                assert_eq!(all["d1"].submitted_at, 300);
                assert!(latest_by_driver(c, &globex)?.is_empty());
                Ok(())
            })
            .unwrap();
    }
}
