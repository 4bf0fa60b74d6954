//! Schema migrations, applied in order on open; SQLite's `PRAGMA
//! user_version` (PostgreSQL: the table `ordo_schema`) records how many
//! ran. Append new steps, never edit old ones. The steps are written in
//! SQLite's SQL; [`postgres_sql`] translates their few type names, so
//! both backends have one schema.

use super::db::{args, Conn, Dialect};
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
    // 4: several servers on one database: a cancel asked on any of them
    // reaches the job wherever it runs; per-key request counts per fixed
    // window, shared by every server.
    "
    ALTER TABLE plan_jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE rate_windows (
        key_hash TEXT NOT NULL,           -- sha256 of the key, hex
        window_start INTEGER NOT NULL,    -- ms since epoch, a multiple of the window
        count INTEGER NOT NULL,
        PRIMARY KEY (key_hash, window_start)
    );
    ",
    // 5: the road-leg cache (storage/legs.rs): where a router snapped each
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

/// A step in PostgreSQL's SQL: 64-bit integers, doubles, and an explicit
/// `rowid` insertion counter on every table (SQLite gives each table one
/// implicitly, and queries order ties by it).
fn postgres_sql(step: &str) -> String {
    let mut sql = step
        .replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
        .replace(" INTEGER", " BIGINT")
        .replace(" REAL", " DOUBLE PRECISION");
    let mut at = 0;
    while let Some(found) = sql[at..].find("CREATE TABLE ") {
        let open = at + found + sql[at + found..].find('(').unwrap_or(0) + 1;
        sql.insert_str(open, "\n        rowid BIGSERIAL,");
        at = open;
    }
    sql
}

/// How many steps ran.
fn version(conn: &mut Conn<'_>) -> Result<i64, StorageError> {
    match conn.dialect() {
        Dialect::Sqlite => conn.query_one("PRAGMA user_version", &[])?.get(0),
        Dialect::Postgres => {
            conn.batch("CREATE TABLE IF NOT EXISTS ordo_schema (version BIGINT NOT NULL)")?;
            let row = conn.query_opt("SELECT version FROM ordo_schema", &[])?;
            match row {
                Some(row) => row.get(0),
                None => {
                    conn.execute("INSERT INTO ordo_schema (version) VALUES (0)", &[])?;
                    Ok(0)
                }
            }
        }
    }
}

fn set_version(conn: &mut Conn<'_>, version: i64) -> Result<(), StorageError> {
    match conn.dialect() {
        // PRAGMA takes no parameters; the value is ours.
        Dialect::Sqlite => conn.batch(&format!("PRAGMA user_version = {version}")),
        Dialect::Postgres => conn
            .execute("UPDATE ordo_schema SET version = ?1", &args![version])
            .map(drop),
    }
}

/// Brings the schema up to date, inside the caller's transaction (so a
/// failed step leaves the schema as it was).
pub fn migrate(conn: &mut Conn<'_>) -> Result<(), StorageError> {
    let current = version(conn)?;
    let latest = STEPS.len() as i64;
    if current > latest {
        return Err(StorageError::TooNew {
            found: current,
            supported: latest,
        });
    }
    if current == latest {
        return Ok(());
    }
    for step in &STEPS[current as usize..] {
        match conn.dialect() {
            Dialect::Sqlite => conn.batch(step)?,
            Dialect::Postgres => conn.batch(&postgres_sql(step))?,
        }
    }
    set_version(conn, latest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn postgres_steps_get_wide_types_and_a_rowid() {
        let sql =
            postgres_sql("CREATE TABLE t (\n a INTEGER PRIMARY KEY,\n b INTEGER,\n c REAL\n);");
        assert_eq!(
            sql,
            "CREATE TABLE t (\n        rowid BIGSERIAL,\n a BIGSERIAL PRIMARY KEY,\n b BIGINT,\n c DOUBLE PRECISION\n);"
        );
    }

    #[test]
    fn a_version_1_database_migrates_keeping_its_companies() {
        let conn = Connection::open_in_memory().unwrap();
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
        migrate(&mut Conn::sqlite(&conn)).unwrap();
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
        let keys = crate::storage::keys::list_keys(&mut Conn::sqlite(&conn)).unwrap();
        assert_eq!(keys[0].prefix, "hash:h");
    }
}
