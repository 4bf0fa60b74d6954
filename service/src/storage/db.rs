//! One database connection over either backend, SQLite or PostgreSQL, so
//! every storage function is written once: SQL with `?N` placeholders
//! (rewritten `$N` for PostgreSQL), parameters and rows as [`SqlValue`]s,
//! and transactions that roll back unless committed. Where the two SQL
//! dialects differ, [`Dialect`] writes the one piece that differs, so
//! each query still has a single text.

use std::collections::HashMap;

use super::StorageError;

/// A parameter or a column value: what both backends store.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// SQL NULL.
    Null,
    /// A 64-bit integer (PostgreSQL `BIGINT`; flags are 0 or 1).
    Integer(i64),
    /// A double (PostgreSQL `DOUBLE PRECISION`).
    Real(f64),
    /// Text.
    Text(String),
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}

impl From<i32> for SqlValue {
    fn from(v: i32) -> Self {
        Self::Integer(v.into())
    }
}

impl From<bool> for SqlValue {
    fn from(v: bool) -> Self {
        Self::Integer(v.into())
    }
}

impl From<f64> for SqlValue {
    fn from(v: f64) -> Self {
        Self::Real(v)
    }
}

impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<&String> for SqlValue {
    fn from(v: &String) -> Self {
        Self::Text(v.clone())
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// `[SqlValue::from(a), SqlValue::from(b), ...]`: a query's parameters.
#[macro_export]
macro_rules! sql_args {
    ($($value:expr),* $(,)?) => {
        [$($crate::storage::db::SqlValue::from($value)),*]
    };
}
pub use sql_args as args;

/// A column value as a Rust type.
pub trait FromSql: Sized {
    /// Converts, or says why not.
    fn from_sql(value: SqlValue) -> Result<Self, String>;
}

impl FromSql for SqlValue {
    fn from_sql(value: SqlValue) -> Result<Self, String> {
        Ok(value)
    }
}

impl FromSql for i64 {
    fn from_sql(value: SqlValue) -> Result<Self, String> {
        match value {
            SqlValue::Integer(v) => Ok(v),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}

impl FromSql for f64 {
    fn from_sql(value: SqlValue) -> Result<Self, String> {
        match value {
            SqlValue::Real(v) => Ok(v),
            SqlValue::Integer(v) => Ok(v as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl FromSql for String {
    fn from_sql(value: SqlValue) -> Result<Self, String> {
        match value {
            SqlValue::Text(v) => Ok(v),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(value: SqlValue) -> Result<Self, String> {
        match value {
            SqlValue::Null => Ok(None),
            other => T::from_sql(other).map(Some),
        }
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<SqlValue>);

impl Row {
    /// Column `index` as `T`.
    pub fn get<T: FromSql>(&self, index: usize) -> Result<T, StorageError> {
        let value = self.0.get(index).cloned().unwrap_or(SqlValue::Null);
        T::from_sql(value).map_err(|e| StorageError::Column { index, message: e })
    }
}

/// Which SQL a connection speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Dialect {
    /// The text of the record's top-level JSON field `field` (a constant).
    pub fn json_text(self, column: &str, field: &str) -> String {
        match self {
            Self::Sqlite => format!("json_extract({column}, '$.{field}')"),
            Self::Postgres => format!("({column}::jsonb ->> '{field}')"),
        }
    }

    /// The sort keys of field `field` in an order where numbers come
    /// before text and numbers sort numerically (SQLite's rule; jsonb
    /// puts text before numbers, so PostgreSQL sorts by "not a number"
    /// first).
    pub fn json_sort_keys(self, column: &str, field: &str) -> Vec<String> {
        match self {
            Self::Sqlite => vec![format!("json_extract({column}, '$.{field}')")],
            Self::Postgres => vec![
                format!("(jsonb_typeof({column}::jsonb -> '{field}') <> 'number')"),
                format!("({column}::jsonb -> '{field}')"),
            ],
        }
    }

    /// Field `field` as an integer (NULL when it is not a number).
    pub fn json_integer(self, column: &str, field: &str) -> String {
        match self {
            Self::Sqlite => format!("CAST(json_extract({column}, '$.{field}') AS INTEGER)"),
            Self::Postgres => format!(
                "(CASE WHEN jsonb_typeof({column}::jsonb -> '{field}') = 'number' \
                 THEN ({column}::jsonb ->> '{field}')::numeric::bigint END)"
            ),
        }
    }

    /// True when the JSON array at field `field` holds the text `param`
    /// (a placeholder such as `?3`).
    pub fn json_array_holds(self, column: &str, field: &str, param: &str) -> String {
        match self {
            Self::Sqlite => format!(
                "EXISTS (SELECT 1 FROM json_each({column}, '$.{field}') WHERE value = {param})"
            ),
            Self::Postgres => format!(
                "jsonb_path_exists({column}::jsonb, '$.{field}[*] ? (@ == $v)', \
                 jsonb_build_object('v', {param}::text))"
            ),
        }
    }

    /// True when `haystack` contains `needle` (both SQL expressions).
    pub fn contains(self, haystack: &str, needle: &str) -> String {
        match self {
            Self::Sqlite => format!("instr({haystack}, {needle}) > 0"),
            Self::Postgres => format!("strpos({haystack}, {needle}::text) > 0"),
        }
    }

    /// ` ASC`/` DESC` with NULLs first ascending, last descending
    /// (SQLite's order; PostgreSQL's default is the reverse).
    pub fn direction(self, descending: bool) -> &'static str {
        match (self, descending) {
            (Self::Sqlite, false) => " ASC",
            (Self::Sqlite, true) => " DESC",
            (Self::Postgres, false) => " ASC NULLS FIRST",
            (Self::Postgres, true) => " DESC NULLS LAST",
        }
    }

    /// Locks the rows a read-modify-write `SELECT` returns until the
    /// transaction ends (SQLite's write lock already covers the file).
    pub fn for_update(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }

    /// Like [`Dialect::for_update`], skipping rows another transaction
    /// holds: how workers pick different queued jobs.
    pub fn skip_locked(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// A PostgreSQL client with its prepared statements, by SQL text.
pub struct PgClient {
    pub(super) client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl PgClient {
    pub(super) fn new(client: postgres::Client) -> Self {
        Self {
            client,
            statements: HashMap::new(),
        }
    }

    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&dollar_placeholders(sql))?;
        // Statements are few (one per query text), so the cache stays small.
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

enum Backend<'c> {
    Sqlite(&'c rusqlite::Connection),
    Postgres(&'c mut PgClient),
}

/// A connection, borrowed for one storage call.
pub struct Conn<'c> {
    backend: Backend<'c>,
}

impl<'c> Conn<'c> {
    /// Over an SQLite connection.
    pub fn sqlite(conn: &'c rusqlite::Connection) -> Self {
        Self {
            backend: Backend::Sqlite(conn),
        }
    }

    pub(super) fn postgres(client: &'c mut PgClient) -> Self {
        Self {
            backend: Backend::Postgres(client),
        }
    }

    /// The SQL this connection speaks.
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs one statement; returns the rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<usize, StorageError> {
        match &mut self.backend {
            Backend::Sqlite(c) => {
                let mut statement = c.prepare_cached(sql)?;
                Ok(statement.execute(rusqlite::params_from_iter(params))?)
            }
            Backend::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                Ok(pg.client.execute(&statement, &pg_params(params))? as usize)
            }
        }
    }

    /// Every row of a query.
    pub fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Row>, StorageError> {
        match &mut self.backend {
            Backend::Sqlite(c) => {
                let mut statement = c.prepare_cached(sql)?;
                let width = statement.column_count();
                let rows = statement.query_map(rusqlite::params_from_iter(params), |r| {
                    (0..width)
                        .map(|i| r.get::<_, SqlValue>(i))
                        .collect::<Result<Vec<_>, _>>()
                        .map(Row)
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Backend::Postgres(pg) => {
                let statement = pg.statement(sql)?;
                let rows = pg.client.query(&statement, &pg_params(params))?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub fn query_opt(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Option<Row>, StorageError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// The first row of a query that always returns one.
    pub fn query_one(&mut self, sql: &str, params: &[SqlValue]) -> Result<Row, StorageError> {
        self.query_opt(sql, params)?.ok_or(StorageError::NoRow)
    }

    /// Runs several statements without parameters (migrations).
    pub fn batch(&mut self, sql: &str) -> Result<(), StorageError> {
        match &mut self.backend {
            Backend::Sqlite(c) => c.execute_batch(sql)?,
            Backend::Postgres(pg) => pg.client.batch_execute(sql)?,
        }
        Ok(())
    }

    /// Inside a transaction: waits until no other transaction holds
    /// `scope` (a constant name and a company), and holds it until this
    /// one ends. Batch upserts of one company then run one after the
    /// other on PostgreSQL, as SQLite's single writer runs every write, so
    /// two servers inserting the same new record never collide on its key.
    pub fn serialize_writes(&mut self, scope: &str) -> Result<(), StorageError> {
        match self.dialect() {
            Dialect::Sqlite => Ok(()),
            Dialect::Postgres => self
                .query(
                    "SELECT pg_advisory_xact_lock(hashtext(?1))::text",
                    &args![scope],
                )
                .map(drop),
        }
    }

    /// Begins a transaction: it commits on [`Tx::commit`] and rolls back
    /// when dropped otherwise (an early `?` return, a panic).
    pub fn transaction(&mut self) -> Result<Tx<'_, 'c>, StorageError> {
        self.batch("BEGIN")?;
        Ok(Tx {
            conn: self,
            done: false,
        })
    }
}

/// An open transaction; usable as the connection it runs on.
pub struct Tx<'t, 'c> {
    conn: &'t mut Conn<'c>,
    done: bool,
}

impl Tx<'_, '_> {
    /// Makes the transaction's writes durable.
    pub fn commit(mut self) -> Result<(), StorageError> {
        self.done = true;
        self.conn.batch("COMMIT")
    }
}

impl<'c> std::ops::Deref for Tx<'_, 'c> {
    type Target = Conn<'c>;
    fn deref(&self) -> &Self::Target {
        self.conn
    }
}

impl std::ops::DerefMut for Tx<'_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.conn
    }
}

impl Drop for Tx<'_, '_> {
    fn drop(&mut self) {
        if !self.done {
            // Nothing to report on failure: the connection is broken and
            // the server discards the transaction with it.
            let _ = self.conn.batch("ROLLBACK");
        }
    }
}

/// `?N` placeholders as PostgreSQL's `$N` (outside quoted text).
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    for c in sql.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Self::Null => ValueRef::Null,
            Self::Integer(v) => ValueRef::Integer(*v),
            Self::Real(v) => ValueRef::Real(*v),
            Self::Text(v) => ValueRef::Text(v.as_bytes()),
        }))
    }
}

impl rusqlite::types::FromSql for SqlValue {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        use rusqlite::types::ValueRef;
        Ok(match value {
            ValueRef::Null => Self::Null,
            ValueRef::Integer(v) => Self::Integer(v),
            ValueRef::Real(v) => Self::Real(v),
            ValueRef::Text(t) | ValueRef::Blob(t) => Self::Text(String::from_utf8_lossy(t).into()),
        })
    }
}

fn pg_params(params: &[SqlValue]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

/// Binds a value to whatever type PostgreSQL inferred for its placeholder
/// (our schema uses BIGINT, DOUBLE PRECISION and TEXT; a flag may meet a
/// BOOLEAN expression, a number a TEXT one).
impl postgres::types::ToSql for SqlValue {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match self {
            Self::Null => Ok(postgres::types::IsNull::Yes),
            Self::Integer(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Self::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                Type::FLOAT8 => v.to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Self::Text(v) => v.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn pg_row(row: &postgres::Row) -> Result<Row, StorageError> {
    use postgres::types::Type;
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(SqlValue::Integer),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| SqlValue::Integer(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| SqlValue::Integer(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| SqlValue::Integer(v.into())),
            Type::FLOAT8 => row.try_get::<_, Option<f64>>(i)?.map(SqlValue::Real),
            Type::FLOAT4 => row
                .try_get::<_, Option<f32>>(i)?
                .map(|v| SqlValue::Real(v.into())),
            _ => row.try_get::<_, Option<String>>(i)?.map(SqlValue::Text),
        };
        values.push(value.unwrap_or(SqlValue::Null));
    }
    Ok(Row(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_quotes_only() {
        assert_eq!(
            dollar_placeholders("SELECT '?1' WHERE a = ?1 AND b = ?12"),
            "SELECT '?1' WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn rows_convert_and_transactions_roll_back_unless_committed() {
        let raw = rusqlite::Connection::open_in_memory().unwrap();
        let mut conn = Conn::sqlite(&raw);
        conn.batch("CREATE TABLE t (a INTEGER, b TEXT, c REAL)")
            .unwrap();
        {
            let mut tx = conn.transaction().unwrap();
            tx.execute("INSERT INTO t VALUES (?1, ?2, ?3)", &args![1, "x", 0.5])
                .unwrap();
        }
        assert!(conn.query_opt("SELECT a FROM t", &[]).unwrap().is_none());
        let tx = conn.transaction().unwrap();
        let mut tx = tx;
        tx.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            &args![2, None::<String>, 1.5],
        )
        .unwrap();
        tx.commit().unwrap();
        let row = conn.query_one("SELECT a, b, c FROM t", &[]).unwrap();
        assert_eq!(row.get::<i64>(0).unwrap(), 2);
        assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
        assert_eq!(row.get::<f64>(2).unwrap(), 1.5);
        assert!(row.get::<String>(0).is_err());
    }
}
