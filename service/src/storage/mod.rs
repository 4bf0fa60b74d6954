//! Storage: one embedded SQLite database (WAL) per server, created and
//! migrated on open. Every query about a company's data takes a
//! [`Tenant`], which only an API-key lookup ([`keys::tenant_for_key`]) can
//! produce, so a query without the company filter does not compile.
//!
//! The connection sits behind a mutex; the HTTP layer calls in from
//! blocking threads ([`Storage::run`]).

pub mod applied_plans;
pub mod drivers;
pub mod jobs;
pub mod keys;
pub mod legs;
pub mod locations;
mod migrations;
pub mod page;
pub mod resource;
pub mod visits;

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

pub use keys::Tenant;
pub use page::Page;

/// A storage failure: the database itself, or a stored record that no
/// longer parses.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// SQLite said no.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
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

/// The database of one server.
pub struct Storage {
    conn: Mutex<Connection>,
}

impl Storage {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        Self::setup(Connection::open(path)?)
    }

    /// A private in-memory database (unit tests).
    pub fn in_memory() -> Result<Self, StorageError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self, StorageError> {
        // WAL: readers do not wait for the writer; a crash loses at most
        // the last transaction. busy_timeout covers `ordo keys create`
        // writing while a server runs.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        register_functions(&conn)?;
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Runs `f` with the connection (blocking: call from a blocking thread).
    pub fn run<R>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<R, StorageError>,
    ) -> Result<R, StorageError> {
        // A panic while holding the lock leaves SQLite consistent (an open
        // transaction rolls back on drop), so a poisoned lock is usable.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
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
