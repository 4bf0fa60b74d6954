//! Storage: one database per deployment, created and migrated on open:
//! an embedded SQLite file (WAL; the default, one server) or a PostgreSQL
//! server (`postgres://...`; any number of servers share it, see
//! `postgres.rs`). Every query about a company's data takes a [`Tenant`],
//! which only an API-key lookup ([`keys::tenant_for_key`]) can produce, so
//! a query without the company filter does not compile.
//!
//! Storage functions take a [`Conn`] (`db.rs`) and are written once for
//! both backends. SQLite's one connection sits behind a mutex; PostgreSQL
//! connections come from a pool. The HTTP layer calls in from blocking
//! threads ([`Storage::run`]).

pub mod applied_plans;
pub mod db;
pub mod drivers;
pub mod jobs;
pub mod keys;
pub mod legs;
pub mod locations;
mod migrations;
pub mod page;
mod postgres;
pub mod rate_windows;
pub mod resource;
pub mod visits;

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use db::{Conn, Dialect, SqlValue, Tx};
pub use keys::Tenant;
pub use page::Page;

/// A storage failure: the database itself, or a stored record that no
/// longer parses.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// SQLite said no.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL said no.
    #[error("database: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// No PostgreSQL connection could be had in time.
    #[error("database connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// A column holds another type than the query expects.
    #[error("database column {index}: {message}")]
    Column {
        /// Position in the row.
        index: usize,
        /// What was found.
        message: String,
    },
    /// A query that always returns a row returned none.
    #[error("database: a query returned no row")]
    NoRow,
    /// A stored JSON column does not parse.
    #[error("stored record: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer Ordo.
    #[error("database schema version {found} is newer than this binary's {supported}")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this binary knows.
        supported: i64,
    },
}

/// Where the connections come from.
enum Backend {
    Sqlite(Mutex<Connection>),
    Postgres(r2d2::Pool<postgres::Manager>),
}

/// The database of a deployment.
pub struct Storage {
    backend: Backend,
}

/// True when `--db` names a PostgreSQL server rather than a file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl Storage {
    /// Opens (creating if needed) and migrates the database `db`: a
    /// `postgres://` URL, else an SQLite file path.
    pub fn open(db: &Path) -> Result<Self, StorageError> {
        match db.to_str() {
            Some(url) if is_postgres_url(url) => Ok(Self {
                backend: Backend::Postgres(postgres::open(url)?),
            }),
            _ => Self::setup(Connection::open(db)?),
        }
    }

    /// A private in-memory database (unit tests).
    pub fn in_memory() -> Result<Self, StorageError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self, StorageError> {
        // WAL: readers do not wait for the writer; a crash loses at most
        // the last transaction. busy_timeout covers `ordo keys create`
        // writing while a server runs.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(64);
        register_functions(&conn)?;
        {
            let mut db = Conn::sqlite(&conn);
            let mut tx = db.transaction()?;
            migrations::migrate(&mut tx)?;
            tx.commit()?;
        }
        Ok(Self {
            backend: Backend::Sqlite(Mutex::new(conn)),
        })
    }

    /// The SQL the database speaks.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// True when several servers may share this database (PostgreSQL):
    /// a job another server holds is never taken over on start, only when
    /// its lease runs out.
    pub fn is_shared(&self) -> bool {
        self.dialect() == Dialect::Postgres
    }

    /// Runs `f` with a connection (blocking: call from a blocking thread).
    pub fn run<R>(
        &self,
        f: impl FnOnce(&mut Conn<'_>) -> Result<R, StorageError>,
    ) -> Result<R, StorageError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                // A panic while holding the lock leaves SQLite consistent
                // (an open transaction rolls back on drop), so a poisoned
                // lock is usable.
                let conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
                f(&mut Conn::sqlite(&conn))
            }
            Backend::Postgres(pool) => postgres::blocking(|| {
                let mut client = pool.get()?;
                f(&mut Conn::postgres(&mut client))
            }),
        }
    }
}

/// Milliseconds since the Unix epoch, the API's datetime unit.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `millis` as the visits document writes datetimes, local to `zone`:
/// `2020-03-09 15:48:17`.
pub fn datetime_text(millis: i64, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| {
            t.to_zoned(zone.clone())
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// Text folded for case-insensitive search in any script: upper then
/// lower case maps `ß` to `ss` and `ς` to `σ` as well as `Á` to `á`.
pub fn fold_case(text: &str) -> String {
    text.to_uppercase().to_lowercase()
}

/// SQL `ordo_fold(text)`: [`fold_case`] inside queries (SQLite's own
/// `lower` only knows ASCII).
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "ordo_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|t| fold_case(&t))),
    )
}

/// A random identifier of `len` letters and digits (internal `_id`s, job
/// ids, API keys).
pub fn random_id(len: usize) -> String {
    use rand::distributions::Alphanumeric;
    use rand::Rng;
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_follow_the_document() {
        let utc = jiff::tz::TimeZone::UTC;
        assert_eq!(
            datetime_text(1_583_768_897_000, &utc),
            "2020-03-09 15:48:17"
        );
        let london = jiff::tz::TimeZone::get("Europe/London").unwrap();
        // 2020-03-31 is in British Summer Time: one hour ahead of UTC.
        assert_eq!(
            datetime_text(1_585_668_497_000, &london),
            "2020-03-31 16:28:17"
        );
        assert_eq!(fold_case("STRAßE Ωmega"), fold_case("strasse ωMEGA"));
        assert_eq!(random_id(17).len(), 17);
    }
}
