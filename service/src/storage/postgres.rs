//! The PostgreSQL backend: a pool of synchronous clients (each with its
//! prepared statements), the schema migrated on open under an advisory
//! lock (replicas starting together migrate once), and the SQL function
//! `ordo_fold` the case-insensitive filters call on both backends.

use std::str::FromStr;
use std::time::Duration;

use super::db::{Conn, PgClient};
use super::{migrations, StorageError};

/// Connections per server: the HTTP handlers' blocking threads and the
/// solver slots share them.
const POOL_SIZE: u32 = 16;

/// How long a call waits for a free connection before failing.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// Opens connections to one PostgreSQL database for the pool.
pub struct Manager {
    config: ::postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgClient;
    type Error = ::postgres::Error;

    fn connect(&self) -> Result<PgClient, ::postgres::Error> {
        Ok(PgClient::new(self.config.connect(::postgres::NoTls)?))
    }

    fn is_valid(&self, conn: &mut PgClient) -> Result<(), ::postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgClient) -> bool {
        conn.client.is_closed()
    }
}

/// A pool on the database `url` (`postgres://user@host:port/db`), its
/// schema migrated.
pub fn open(url: &str) -> Result<r2d2::Pool<Manager>, StorageError> {
    let mut config = ::postgres::Config::from_str(url)?;
    config.connect_timeout(Duration::from_secs(10));
    config.application_name("ordo");
    let pool = r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .connection_timeout(POOL_WAIT)
        .build(Manager { config })?;
    blocking(|| {
        let mut client = pool.get()?;
        let mut conn = Conn::postgres(&mut client);
        let mut tx = conn.transaction()?;
        // Replicas starting together: one migrates, the others wait and
        // then find the schema current.
        tx.batch("SELECT pg_advisory_xact_lock(7071727)")?;
        tx.batch(FUNCTIONS)?;
        migrations::migrate(&mut tx)?;
        tx.commit()
    })?;
    Ok(pool)
}

/// `ordo_fold(text)`: `fold_case` in SQL. PostgreSQL's `lower(upper())`
/// follows the database's locale, which leaves `ß` and final `ς` alone;
/// those are mapped as Rust's `to_uppercase().to_lowercase()` does.
const FUNCTIONS: &str = "
    CREATE OR REPLACE FUNCTION ordo_fold(t text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT translate(replace(lower(upper(t)), 'ß', 'ss'), 'ς', 'σ') $$;
";

/// Runs `f`, which blocks on the synchronous client, so that it may be
/// called from inside the async runtime too (start-up code): the client
/// runs its own small runtime, which tokio refuses to nest on a worker.
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}
