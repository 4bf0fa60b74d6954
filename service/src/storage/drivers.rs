//! Drivers: the [`Resource`] mapping and the drivers a plan may use.

use serde_json::{Map, Value};

use super::db::{args, Conn, SqlValue};
use super::resource::Resource;
use super::{StorageError, Tenant};
use crate::records::driver::driver_id;
use crate::records::FieldError;

/// The drivers table.
pub struct Drivers;

impl Resource for Drivers {
    const TABLE: &'static str = "drivers";
    const NOUN: &'static str = "driver";
    const COLUMNS: &'static [&'static str] = &["vehicle_id"];

    fn index(record: &Map<String, Value>) -> Result<(String, Vec<SqlValue>), Vec<FieldError>> {
        let id = driver_id(record)?;
        let vehicle = record
            .get("vehicleId")
            .and_then(Value::as_str)
            .map_or(SqlValue::Null, |v| SqlValue::Text(v.to_owned()));
        Ok((id, vec![vehicle]))
    }

    fn canonical(record: &mut Map<String, Value>) {
        crate::records::spec::canonical(crate::records::driver::DRIVER_FIELDS, record);
    }
}

/// A stored driver row: its ERP id and its record, or why the record's
/// text does not parse (a row written behind the API's back).
pub struct StoredDriver {
    /// The `erp_id` column: the record's `id` as text.
    pub erp_id: String,
    /// The record, or the JSON error.
    pub record: Result<Value, String>,
}

/// Every driver row of the tenant, in insertion order, each parsed on its
/// own so one unreadable row does not hide the others.
pub fn all_stored(conn: &mut Conn<'_>, tenant: &Tenant) -> Result<Vec<StoredDriver>, StorageError> {
    let rows = conn.query(
        "SELECT erp_id, record FROM drivers WHERE company_id = ?1 ORDER BY seq",
        &args![tenant.company_id()],
    )?;
    let mut drivers = Vec::new();
    for row in rows {
        let (erp_id, text): (String, String) = (row.get(0)?, row.get(1)?);
        let record = serde_json::from_str(&text).map_err(|e| e.to_string());
        drivers.push(StoredDriver { erp_id, record });
    }
    Ok(drivers)
}

/// Every driver record of the tenant, in insertion order.
pub fn all(conn: &mut Conn<'_>, tenant: &Tenant) -> Result<Vec<Value>, StorageError> {
    let rows = conn.query(
        "SELECT record FROM drivers WHERE company_id = ?1 ORDER BY seq",
        &args![tenant.company_id()],
    )?;
    let mut drivers = Vec::new();
    for row in rows {
        drivers.push(serde_json::from_str(&row.get::<String>(0)?)?);
    }
    Ok(drivers)
}
