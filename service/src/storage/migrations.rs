//! Schema migrations, applied in order on open; `PRAGMA user_version`
//! records how many ran. Append new steps, never edit old ones.

use rusqlite::Connection;

use super::StorageError;

/// One SQL batch per schema version.
const STEPS: &[&str] = &[
    // 1: companies, keys, visits, drivers, performer locations, plan jobs.
    "
    CREATE TABLE companies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE api_keys (
        hash TEXT PRIMARY KEY,            -- sha256 of the key, hex
        company_id INTEGER NOT NULL REFERENCES companies(id),
        created_at INTEGER NOT NULL
    );
    -- The whole record as sent (JSON) plus the columns the filters use.
    CREATE TABLE visits (
        seq INTEGER PRIMARY KEY,          -- insertion order: stable pages
        company_id INTEGER NOT NULL REFERENCES companies(id),
        doc_id TEXT NOT NULL,             -- _id, ours
        erp_id TEXT NOT NULL,             -- id, the ERP's, as text
        date TEXT NOT NULL,
        driver_id TEXT,
        doc_no TEXT,
        closed INTEGER NOT NULL,
        confirm_close INTEGER NOT NULL,
        in_progress INTEGER NOT NULL,
        priority INTEGER,
        skipped INTEGER NOT NULL,
        version INTEGER NOT NULL,         -- +1 on every change (plan conflicts)
        record TEXT NOT NULL,
        UNIQUE (company_id, erp_id),
        UNIQUE (company_id, doc_id)
    );
    CREATE INDEX visits_by_date ON visits (company_id, date);
    CREATE INDEX visits_by_driver ON visits (company_id, driver_id);
    CREATE TABLE drivers (
        seq INTEGER PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES companies(id),
        doc_id TEXT NOT NULL,
        erp_id TEXT NOT NULL,
        vehicle_id TEXT,
        version INTEGER NOT NULL,
        record TEXT NOT NULL,
        UNIQUE (company_id, erp_id),
        UNIQUE (company_id, doc_id)
    );
    -- Latest performer location per driver (by submitted_at).
    CREATE TABLE driver_locations (
        driver_seq INTEGER PRIMARY KEY REFERENCES drivers(seq) ON DELETE CASCADE,
        lat REAL NOT NULL,
        lng REAL NOT NULL,
        submitted_at INTEGER NOT NULL,    -- ms since epoch, the performer's clock
        received_at INTEGER NOT NULL
    );
    CREATE TABLE plan_jobs (
        id TEXT PRIMARY KEY,
        company_id INTEGER NOT NULL REFERENCES companies(id),
        status TEXT NOT NULL,
        params TEXT NOT NULL,
        progress TEXT,
        best TEXT,
        result TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
    );
    ",
    // 2: a company's own id (what its records' companyId says; the name
    // until set) and IANA time zone; key prefixes, so keys can be listed
    // and revoked (older keys have none: they are named by hash); every
    // performer location kept per driver, not only the latest.
    "
    ALTER TABLE companies ADD COLUMN erp_id TEXT;
    UPDATE companies SET erp_id = name;
    ALTER TABLE companies ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
    ALTER TABLE api_keys ADD COLUMN prefix TEXT;
    CREATE TABLE key_revocations (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL   -- +1 on every revoke: servers drop cached keys
    );
    INSERT INTO key_revocations (id, generation) VALUES (1, 0);
    CREATE TABLE driver_location_history (
        seq INTEGER PRIMARY KEY,
        driver_seq INTEGER NOT NULL REFERENCES drivers(seq) ON DELETE CASCADE,
        lat REAL NOT NULL,
        lng REAL NOT NULL,
        submitted_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL
    );
    CREATE INDEX location_history_by_driver ON driver_location_history (driver_seq, submitted_at);
    ",
    // 3: plan jobs survive a crash: how many times a job began solving,
    // which server holds it and until when (a lease, renewed with each
    // progress save), so a job left `solving` by a dead server runs again.
    "
    ALTER TABLE plan_jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE plan_jobs ADD COLUMN claimed_by TEXT;
    ALTER TABLE plan_jobs ADD COLUMN lease_until INTEGER;
    CREATE INDEX plan_jobs_by_status ON plan_jobs (status, created_at);
    ",
    // 4: the road-leg cache (storage/legs.rs): where a router snapped each
    // place, and the legs between snapped places, per router and profile;
    // coordinates in 1e-5 degrees (about a metre), times in seconds since
    // the epoch. A NULL duration is a pair the router cannot connect.
    "
    CREATE TABLE road_routers (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        profile TEXT NOT NULL,
        UNIQUE (url, profile)
    );
    CREATE TABLE road_snaps (
        router_id INTEGER NOT NULL REFERENCES road_routers(id),
        lat INTEGER NOT NULL,
        lng INTEGER NOT NULL,
        snap_lat INTEGER NOT NULL,
        snap_lng INTEGER NOT NULL,
        snap_metres REAL NOT NULL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (router_id, lat, lng)
    );
    CREATE TABLE road_legs (
        router_id INTEGER NOT NULL REFERENCES road_routers(id),
        from_lat INTEGER NOT NULL,
        from_lng INTEGER NOT NULL,
        to_lat INTEGER NOT NULL,
        to_lng INTEGER NOT NULL,
        duration REAL,
        distance REAL,
        fetched_at INTEGER NOT NULL,
        PRIMARY KEY (router_id, from_lat, from_lng, to_lat, to_lng)
    );
    ",
];

/// Brings the schema up to date in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StorageError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let latest = STEPS.len() as i64;
    if current > latest {
        return Err(StorageError::TooNew {
            found: current,
            supported: latest,
        });
    }
    let tx = conn.transaction()?;
    for step in &STEPS[current as usize..] {
        tx.execute_batch(step)?;
    }
    tx.pragma_update(None, "user_version", latest)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_database_migrates_keeping_its_companies() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(STEPS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO companies (name, created_at) VALUES ('acme', 1)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO api_keys (hash, company_id, created_at) VALUES ('h', 1, 1)",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let (id, zone): (String, String) = conn
            .query_row("SELECT erp_id, time_zone FROM companies", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((id.as_str(), zone.as_str()), ("acme", "UTC"));
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, STEPS.len() as i64);
        let keys = crate::storage::keys::list_keys(&conn).unwrap();
        assert_eq!(keys[0].prefix, "hash:h");
    }
}
