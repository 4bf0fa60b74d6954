//! The storage every resource shares (visits, drivers): the record kept
//! whole as JSON, the ERP `id` as upsert key, our `_id`, a version bumped
//! on every change, and the resource's own indexed columns. List, get,
//! upsert, update and delete are written once here, always under a
//! [`Tenant`].
//!
//! An upsert of a known `id` merges field by field: fields sent replace
//! the stored ones, fields not sent are kept (so a re-sync that does not
//! send `serviceOrder`, `driverId` or `eta` keeps what a plan wrote).

use serde_json::{Map, Value};

use super::db::{args, Conn, Dialect, SqlValue};
use super::page::{Page, PAGE_SIZE};
use super::{datetime_text, now_millis, random_id, StorageError, Tenant};
use crate::records::FieldError;

/// A stored resource: its table and how a record maps to its columns.
pub trait Resource {
    /// Table name (a constant, never user input).
    const TABLE: &'static str;
    /// Singular noun for messages ("visit").
    const NOUN: &'static str;
    /// Indexed columns beyond the common ones, in [`Resource::index`] order.
    const COLUMNS: &'static [&'static str];
    /// Validates a complete record: its ERP id as text and column values.
    fn index(record: &Map<String, Value>) -> Result<(String, Vec<SqlValue>), Vec<FieldError>>;
    /// Rewrites lenient values in their one documented form (`"1"` as
    /// `true`, `"3"` as `3`); values that do not parse are left for
    /// [`Resource::index`] to report.
    fn canonical(_record: &mut Map<String, Value>) {}
}

/// Fields the server owns; what a client sends for them is dropped.
const SERVER_FIELDS: &[&str] = &["_id", "createdAt", "createdUser", "modifieddAt", "version"];

/// One condition of a [`Filter`], written out per dialect.
#[derive(Debug, Clone)]
enum Clause {
    /// `column = value`.
    Eq(&'static str),
    /// `column IS NULL`.
    IsNull(&'static str),
    /// The folded column contains the folded value.
    Contains(&'static str),
    /// The record's JSON array field holds the value.
    ArrayHolds(&'static str),
}

/// What a list is ordered by (then insertion order).
#[derive(Debug, Clone, Copy)]
pub enum OrderKey {
    /// An indexed column.
    Column(&'static str),
    /// A record field read as an integer.
    JsonInteger(&'static str),
    /// A record field, numbers before text and numerically.
    JsonValue(&'static str),
}

/// SQL conditions over a resource's columns (names from code, values bound).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    clauses: Vec<Clause>,
    params: Vec<SqlValue>,
    order: Option<(OrderKey, bool)>,
}

impl Filter {
    /// `column = value`.
    pub fn eq(&mut self, column: &'static str, value: impl Into<SqlValue>) {
        self.params.push(value.into());
        self.clauses.push(Clause::Eq(column));
    }

    /// `column IS NULL` (e.g. visits without a driver).
    pub fn is_null(&mut self, column: &'static str) {
        self.clauses.push(Clause::IsNull(column));
    }

    /// `column` contains `text`, case folded in any script.
    pub fn contains(&mut self, column: &'static str, text: &str) {
        self.params.push(SqlValue::Text(super::fold_case(text)));
        self.clauses.push(Clause::Contains(column));
    }

    /// Lists in the order of `key`, then insertion order; descending
    /// when `descending`.
    pub fn order_by(&mut self, key: OrderKey, descending: bool) {
        self.order = Some((key, descending));
    }

    fn order_sql(&self, dialect: Dialect) -> String {
        let Some((key, descending)) = self.order else {
            return "seq".into();
        };
        let expressions = match key {
            OrderKey::Column(column) => vec![column.to_owned()],
            OrderKey::JsonInteger(field) => vec![dialect.json_integer("record", field)],
            OrderKey::JsonValue(field) => dialect.json_sort_keys("record", field),
        };
        let direction = dialect.direction(descending);
        let seq = if descending { "seq DESC" } else { "seq ASC" };
        let keys: Vec<String> = expressions
            .iter()
            .map(|e| format!("{e}{direction}"))
            .collect();
        format!("{}, {seq}", keys.join(", "))
    }

    /// The record's JSON array field `field` (e.g. `skills`) holds `value`.
    pub fn array_holds(&mut self, field: &'static str, value: &str) {
        self.params.push(SqlValue::Text(value.to_owned()));
        self.clauses.push(Clause::ArrayHolds(field));
    }

    /// `company_id = ?1 AND ...`, with the parameters after ?1 in the
    /// order the clauses were added (`IS NULL` takes none).
    fn sql(&self, dialect: Dialect) -> String {
        let mut sql = String::from("company_id = ?1");
        let mut next = 1;
        for clause in &self.clauses {
            if !matches!(clause, Clause::IsNull(_)) {
                next += 1;
            }
            let param = format!("?{next}");
            sql.push_str(" AND ");
            sql.push_str(&match clause {
                Clause::Eq(column) => format!("{column} = {param}"),
                Clause::IsNull(column) => format!("{column} IS NULL"),
                Clause::Contains(column) => {
                    dialect.contains(&format!("ordo_fold({column})"), &param)
                }
                Clause::ArrayHolds(field) => dialect.json_array_holds("record", field, &param),
            });
        }
        sql
    }

    fn params(&self, tenant: &Tenant) -> Vec<SqlValue> {
        let mut all = vec![SqlValue::Integer(tenant.company_id())];
        all.extend(self.params.iter().cloned());
        all
    }
}

/// One stored record as the API shows it: the record in its canonical
/// form (rows written before canonical forms existed too) plus its
/// `version`.
fn shown<R: Resource>(record: &str, version: i64) -> Result<Value, StorageError> {
    let mut value: Value = serde_json::from_str(record)?;
    if let Some(obj) = value.as_object_mut() {
        R::canonical(obj);
        obj.insert("version".into(), version.into());
    }
    Ok(value)
}

/// Page `start..start + 100` of the tenant's records matching `filter`,
/// in its order (default: insertion order).
pub fn list<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    filter: &Filter,
    start: usize,
) -> Result<Page<Value>, StorageError> {
    let dialect = conn.dialect();
    let (table, cond, params) = (R::TABLE, filter.sql(dialect), filter.params(tenant));
    let total: i64 = conn
        .query_one(
            &format!("SELECT count(*) FROM {table} WHERE {cond}"),
            &params,
        )?
        .get(0)?;
    // Bound, not formatted in: one cached statement for every page, and a
    // huge `pagination` saturates instead of failing in SQLite.
    let (limit, offset) = (params.len() + 1, params.len() + 2);
    let sql = format!(
        "SELECT record, version FROM {table} WHERE {cond} ORDER BY {} LIMIT ?{limit} OFFSET ?{offset}",
        filter.order_sql(dialect)
    );
    let mut page_params = params;
    page_params.push(SqlValue::Integer(PAGE_SIZE as i64));
    page_params.push(SqlValue::Integer(i64::try_from(start).unwrap_or(i64::MAX)));
    let mut records = Vec::new();
    for row in conn.query(&sql, &page_params)? {
        records.push(shown::<R>(&row.get::<String>(0)?, row.get(1)?)?);
    }
    Ok(Page {
        records,
        total: total as usize,
        start,
    })
}

/// Row of the tenant's record whose `_id`, else ERP `id`, is `key`.
/// `lock`: for a read-modify-write, the row stays locked until the
/// transaction ends.
fn find<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
    lock: bool,
) -> Result<Option<(i64, String, i64)>, StorageError> {
    let lock = if lock {
        conn.dialect().for_update()
    } else {
        ""
    };
    let row = conn.query_opt(
        &format!(
            "SELECT seq, record, version FROM {} WHERE company_id = ?1
             AND (doc_id = ?2 OR erp_id = ?2) ORDER BY doc_id = ?2 DESC LIMIT 1{lock}",
            R::TABLE,
        ),
        &args![tenant.company_id(), key],
    )?;
    row.map(|r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .transpose()
}

/// The tenant's record whose `_id` or ERP `id` is `key`.
pub fn get<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
) -> Result<Option<Value>, StorageError> {
    find::<R>(conn, tenant, key, false)?
        .map(|(_, record, version)| shown::<R>(&record, version))
        .transpose()
}

/// Internal row id of the tenant's record `key` (for child tables).
pub fn row_id<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
) -> Result<Option<i64>, StorageError> {
    Ok(find::<R>(conn, tenant, key, false)?.map(|(seq, _, _)| seq))
}

/// A record of an upsert batch that was not stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// Position in the batch.
    pub index: usize,
    /// Its ERP id, when readable.
    pub id: Option<String>,
    /// What is wrong, per field.
    pub errors: Vec<FieldError>,
}

/// Counts of an upsert.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpsertOutcome {
    /// New records.
    pub inserted: usize,
    /// Existing records (same ERP id) merged with what was sent.
    pub updated: usize,
    /// Records refused, each with its reasons; the others are stored.
    pub errors: Vec<RecordError>,
}

/// Drops server-owned fields and checks `companyId` against the tenant:
/// absent, its id or its name; stored as its id.
fn clean(tenant: &Tenant, record: &mut Map<String, Value>) -> Result<(), FieldError> {
    for field in SERVER_FIELDS {
        record.remove(*field);
    }
    match record.get("companyId") {
        None | Some(Value::Null) => {}
        Some(Value::String(c)) if c == tenant.erp_id() || c == tenant.name() => {}
        Some(other) => {
            return Err(FieldError::new(
                "companyId",
                format!(
                    "{other} is not the company of the API key (its id is \"{}\")",
                    tenant.erp_id()
                ),
            ))
        }
    }
    record.insert("companyId".into(), tenant.erp_id().into());
    Ok(())
}

/// The record's ERP `id` as text, checked alone (an update may send
/// little else); without one, every error of the record.
fn record_id<R: Resource>(record: &Map<String, Value>) -> Result<String, Vec<FieldError>> {
    let id = match record.get("id") {
        None | Some(Value::Null) => Err("is required".to_string()),
        Some(v) => crate::records::spec::id_text(v),
    };
    id.map_err(|message| match R::index(record) {
        Err(errors) => errors,
        Ok(_) => vec![FieldError::new("id", message)],
    })
}

/// Inserts or merges (by ERP `id`) every record of `items` in one
/// transaction; a bad record is reported and skipped, the others stored.
pub fn upsert<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    items: Vec<Value>,
) -> Result<UpsertOutcome, StorageError> {
    let mut tx = conn.transaction()?;
    tx.serialize_writes(&format!("{}:{}", R::TABLE, tenant.company_id()))?;
    let lock = tx.dialect().for_update();
    let mut outcome = UpsertOutcome::default();
    let now = datetime_text(now_millis(), tenant.zone());
    for (index, item) in items.into_iter().enumerate() {
        let Value::Object(mut record) = item else {
            outcome.errors.push(RecordError {
                index,
                id: None,
                errors: vec![FieldError::new(
                    "",
                    format!("expected a {} object", R::NOUN),
                )],
            });
            continue;
        };
        let erp_id = match clean(tenant, &mut record)
            .map_err(|e| vec![e])
            .and_then(|()| record_id::<R>(&record))
        {
            Ok(id) => id,
            Err(errors) => {
                let id = record
                    .get("id")
                    .and_then(|v| crate::records::spec::id_text(v).ok());
                outcome.errors.push(RecordError { index, id, errors });
                continue;
            }
        };
        // Locked until commit: a concurrent upsert of the same record on
        // another server merges into this one's result, not beside it.
        let existing: Option<(i64, String)> = tx
            .query_opt(
                &format!(
                    "SELECT seq, record FROM {} WHERE company_id = ?1 AND erp_id = ?2{lock}",
                    R::TABLE
                ),
                &args![tenant.company_id(), &erp_id],
            )?
            .map(|r| Ok::<_, StorageError>((r.get(0)?, r.get(1)?)))
            .transpose()?;
        let (seq, mut merged) = match existing {
            Some((seq, old)) => (Some(seq), serde_json::from_str::<Map<String, Value>>(&old)?),
            None => (None, Map::new()),
        };
        merged.extend(record);
        R::canonical(&mut merged);
        let columns = match R::index(&merged) {
            Ok((_, columns)) => columns,
            Err(errors) => {
                outcome.errors.push(RecordError {
                    index,
                    id: Some(erp_id),
                    errors,
                });
                continue;
            }
        };
        merged.insert("modifieddAt".into(), now.clone().into());
        match seq {
            Some(seq) => {
                write_update::<R>(&mut tx, seq, &erp_id, &merged, columns)?;
                outcome.updated += 1;
            }
            None => {
                merged.insert("_id".into(), random_id(17).into());
                merged.insert("createdAt".into(), now.clone().into());
                merged.insert("createdUser".into(), "API".into());
                write_insert::<R>(&mut tx, tenant, &erp_id, &merged, columns)?;
                outcome.inserted += 1;
            }
        }
    }
    tx.commit()?;
    Ok(outcome)
}

fn write_insert<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    erp_id: &str,
    record: &Map<String, Value>,
    columns: Vec<SqlValue>,
) -> Result<(), StorageError> {
    let doc_id = record
        .get("_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let names = R::COLUMNS.join(", ");
    let marks: Vec<String> = (6..6 + R::COLUMNS.len()).map(|i| format!("?{i}")).collect();
    let mut values = vec![
        SqlValue::Integer(tenant.company_id()),
        SqlValue::Text(doc_id.to_owned()),
        SqlValue::Text(erp_id.to_owned()),
        SqlValue::Integer(1),
        SqlValue::Text(serde_json::to_string(record)?),
    ];
    values.extend(columns);
    conn.execute(
        &format!(
            "INSERT INTO {} (company_id, doc_id, erp_id, version, record, {names}) VALUES (?1, ?2, ?3, ?4, ?5, {})",
            R::TABLE,
            marks.join(", ")
        ),
        &values,
    )?;
    Ok(())
}

fn write_update<R: Resource>(
    conn: &mut Conn<'_>,
    seq: i64,
    erp_id: &str,
    record: &Map<String, Value>,
    columns: Vec<SqlValue>,
) -> Result<(), StorageError> {
    let sets: Vec<String> = R::COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ?{}", i + 4))
        .collect();
    let mut values = vec![
        SqlValue::Integer(seq),
        SqlValue::Text(erp_id.to_owned()),
        SqlValue::Text(serde_json::to_string(record)?),
    ];
    values.extend(columns);
    conn.execute(
        &format!(
            "UPDATE {} SET erp_id = ?2, record = ?3, version = version + 1, {} WHERE seq = ?1",
            R::TABLE,
            sets.join(", ")
        ),
        &values,
    )?;
    Ok(())
}

/// Why a partial update was refused.
#[derive(Debug)]
pub enum UpdateError {
    /// No such record for this tenant.
    NotFound,
    /// The merged record is invalid.
    Invalid(Vec<FieldError>),
    /// The database failed.
    Storage(StorageError),
}

impl From<StorageError> for UpdateError {
    fn from(e: StorageError) -> Self {
        Self::Storage(e)
    }
}

/// Merges `patch` into the tenant's record `key` (fields present replace,
/// others stay) and bumps its version.
pub fn update<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
    mut patch: Map<String, Value>,
) -> Result<(), UpdateError> {
    let mut tx = conn.transaction()?;
    tx.serialize_writes(&format!("{}:{}", R::TABLE, tenant.company_id()))?;
    let (seq, old, _) = find::<R>(&mut tx, tenant, key, true)?.ok_or(UpdateError::NotFound)?;
    let mut record: Map<String, Value> = serde_json::from_str(&old).map_err(StorageError::from)?;
    clean(tenant, &mut patch).map_err(|e| UpdateError::Invalid(vec![e]))?;
    record.extend(patch);
    R::canonical(&mut record);
    let (erp_id, columns) = R::index(&record).map_err(UpdateError::Invalid)?;
    let taken = tx.query_opt(
        &format!(
            "SELECT seq FROM {} WHERE company_id = ?1 AND erp_id = ?2 AND seq != ?3",
            R::TABLE
        ),
        &args![tenant.company_id(), &erp_id, seq],
    )?;
    if taken.is_some() {
        return Err(UpdateError::Invalid(vec![FieldError::new(
            "id",
            format!("{erp_id} is already the id of another {}", R::NOUN),
        )]));
    }
    record.insert(
        "modifieddAt".into(),
        datetime_text(now_millis(), tenant.zone()).into(),
    );
    write_update::<R>(&mut tx, seq, &erp_id, &record, columns)?;
    tx.commit()?;
    Ok(())
}

/// Deletes the tenant's record `key`; false when there is none.
pub fn delete<R: Resource>(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    key: &str,
) -> Result<bool, StorageError> {
    match find::<R>(conn, tenant, key, false)? {
        Some((seq, _, _)) => {
            conn.execute(
                &format!("DELETE FROM {} WHERE seq = ?1", R::TABLE),
                &args![seq],
            )?;
            Ok(true)
        }
        None => Ok(false),
    }
}
