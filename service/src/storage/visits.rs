//! Visits: the [`Resource`] mapping, the day's visits for a plan, and
//! applying a plan (serviceOrder and driverId) in one transaction, skipping
//! visits changed since the plan read them.

use serde_json::{Map, Value};

use super::db::{args, Conn, SqlValue};
use super::resource::Resource;
use super::{datetime_text, now_millis, StorageError, Tenant};
use crate::records::visit::{canonical_visit, visit_columns};
use crate::records::FieldError;

/// The visits table.
pub struct Visits;

impl Resource for Visits {
    const TABLE: &'static str = "visits";
    const NOUN: &'static str = "visit";
    const COLUMNS: &'static [&'static str] = &[
        "date",
        "driver_id",
        "doc_no",
        "closed",
        "confirm_close",
        "in_progress",
        "priority",
        "skipped",
    ];

    fn index(record: &Map<String, Value>) -> Result<(String, Vec<SqlValue>), Vec<FieldError>> {
        let c = visit_columns(record)?;
        let text = |t: Option<String>| t.map_or(SqlValue::Null, SqlValue::Text);
        Ok((
            c.erp_id,
            vec![
                SqlValue::Text(c.date),
                text(c.driver_id),
                text(c.doc_no),
                SqlValue::Integer(c.closed.into()),
                SqlValue::Integer(c.confirm_close.into()),
                SqlValue::Integer(c.in_progress.into()),
                c.priority.map_or(SqlValue::Null, SqlValue::Integer),
                SqlValue::Integer(c.skipped.into()),
            ],
        ))
    }

    fn canonical(record: &mut Map<String, Value>) {
        canonical_visit(record);
    }
}

/// A visit as a plan read it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitSnapshot {
    /// `_id`.
    pub doc_id: String,
    /// Version when read: applying checks it is unchanged.
    pub version: i64,
    /// The record.
    pub record: Value,
}

/// The tenant's visits of `date` (optionally of one territory), in
/// insertion order.
pub fn for_plan(
    conn: &mut Conn<'_>,
    tenant: &Tenant,
    date: &str,
    territory: Option<&str>,
) -> Result<Vec<VisitSnapshot>, StorageError> {
    let (sql, params) = match territory {
        None => (
            "SELECT doc_id, version, record FROM visits
             WHERE company_id = ?1 AND date = ?2 ORDER BY seq"
                .to_owned(),
            args![tenant.company_id(), date].to_vec(),
        ),
        Some(territory) => (
            format!(
                "SELECT doc_id, version, record FROM visits
                 WHERE company_id = ?1 AND date = ?2 AND {} = ?3 ORDER BY seq",
                conn.dialect().json_text("record", "territory")
            ),
            args![tenant.company_id(), date, territory].to_vec(),
        ),
    };
    let mut visits = Vec::new();
    for row in conn.query(&sql, &params)? {
        visits.push(VisitSnapshot {
            doc_id: row.get(0)?,
            version: row.get(1)?,
            record: serde_json::from_str(&row.get::<String>(2)?)?,
        });
    }
    Ok(visits)
}

/// One planned visit to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// `_id`.
    pub doc_id: String,
    /// Version the plan read.
    pub version: i64,
    /// New `driverId`.
    pub driver_id: String,
    /// New `serviceOrder`.
    pub service_order: usize,
    /// Planned service start, seconds from midnight: written as `eta`, so
    /// a later re-route knows the published times (freeze horizon, ETA
    /// shifts).
    pub eta: f64,
}

/// What applying a plan did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplyOutcome {
    /// Visits written.
    pub applied: usize,
    /// `_id`s of visits changed (or deleted) since the plan read them, left alone.
    pub conflicts: Vec<(String, &'static str)>,
}

/// Writes `serviceOrder`, `driverId` and `eta` of every assignment whose visit is
/// still at the version the plan read, inside the caller's transaction (the
/// plan job records its result in the same one, so a crash keeps both or
/// neither). Each visit is locked as it is read, and its write again
/// requires the version read: of two servers applying plans of one day at
/// once, the second finds the first's writes and reports them as
/// conflicts.
pub fn apply(
    tx: &mut Conn<'_>,
    tenant: &Tenant,
    assignments: &[Assignment],
) -> Result<ApplyOutcome, StorageError> {
    let mut outcome = ApplyOutcome::default();
    let now = datetime_text(now_millis(), tenant.zone());
    let read = format!(
        "SELECT seq, version, record FROM visits WHERE company_id = ?1 AND doc_id = ?2{}",
        tx.dialect().for_update()
    );
    for a in assignments {
        let row = tx.query_opt(&read, &args![tenant.company_id(), &a.doc_id])?;
        let row: Option<(i64, i64, String)> = match row {
            Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?)),
            None => None,
        };
        let Some((seq, version, record)) = row else {
            outcome
                .conflicts
                .push((a.doc_id.clone(), "deleted after the plan started"));
            continue;
        };
        if version != a.version {
            outcome
                .conflicts
                .push((a.doc_id.clone(), "modified after the plan started"));
            continue;
        }
        let mut record: Map<String, Value> = serde_json::from_str(&record)?;
        record.insert("driverId".into(), a.driver_id.clone().into());
        record.insert("serviceOrder".into(), a.service_order.into());
        record.insert("eta".into(), a.eta.into());
        record.insert("modifieddAt".into(), now.clone().into());
        record.insert("modifyUser".into(), "ordo-plan".into());
        let written = tx.execute(
            "UPDATE visits SET record = ?2, driver_id = ?3, version = version + 1
             WHERE seq = ?1 AND version = ?4",
            &args![seq, serde_json::to_string(&record)?, &a.driver_id, version],
        )?;
        if written == 0 {
            outcome
                .conflicts
                .push((a.doc_id.clone(), "modified after the plan started"));
            continue;
        }
        outcome.applied += 1;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::visit::tests::visit;
    use crate::storage::keys::tests::two_tenants;
    use crate::storage::resource::{self, Filter};
    use serde_json::json;

    fn batch(ids: std::ops::Range<i64>, date: &str) -> Vec<Value> {
        ids.map(|i| Value::Object(visit(i, date))).collect()
    }

    #[test]
    fn tenants_never_see_each_other() {
        let (storage, acme, globex) = two_tenants();
        storage
            .run(|c| {
                let out = resource::upsert::<Visits>(c, &acme, batch(1..4, "2026-11-23"))?;
                assert_eq!(out.inserted, 3);
                // Same ERP ids, other company: new records, not updates.
                let out = resource::upsert::<Visits>(c, &globex, batch(1..3, "2026-11-23"))?;
                assert_eq!((out.inserted, out.updated), (2, 0));
                let all = Filter::default();
                assert_eq!(resource::list::<Visits>(c, &acme, &all, 0)?.total, 3);
                assert_eq!(resource::list::<Visits>(c, &globex, &all, 0)?.total, 2);
                assert!(resource::get::<Visits>(c, &globex, "3")?.is_none());
                assert!(!resource::delete::<Visits>(c, &globex, "3")?);
                let acme_3 = resource::get::<Visits>(c, &acme, "3")?.unwrap();
                let doc_id = acme_3["_id"].as_str().unwrap().to_owned();
                assert!(resource::get::<Visits>(c, &globex, &doc_id)?.is_none());
                assert_eq!(acme_3["companyId"], "acme");
                assert_eq!(for_plan(c, &globex, "2026-11-23", None)?.len(), 2);
                // A plan of globex cannot touch acme's visit.
                let out = apply(
                    &mut *c.transaction()?,
                    &globex,
                    &[Assignment {
                        doc_id,
                        version: 1,
                        driver_id: "x".into(),
                        service_order: 1,
                        eta: 30_000.0,
                    }],
                )?;
                assert_eq!(out.applied, 0);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn filters_select_by_every_column() {
        let (storage, acme, _) = two_tenants();
        storage
            .run(|c| {
                let mut items = batch(1..11, "2026-11-23");
                items.extend(batch(11..16, "2026-11-24"));
                items[0]["closed"] = json!(1);
                items[1]["skipped"] = json!("1");
                items[2]["inProgress"] = json!(true);
                items[3]["confirmClose"] = json!("1");
                items[4]["priority"] = json!(1);
                items[5]["driverId"] = json!("d7");
                resource::upsert::<Visits>(c, &acme, items)?;
                let mut count = |f: &dyn Fn(&mut Filter)| {
                    let mut filter = Filter::default();
                    f(&mut filter);
                    resource::list::<Visits>(c, &acme, &filter, 0).map(|p| p.total)
                };
                assert_eq!(count(&|f| f.eq("date", "2026-11-24".to_owned()))?, 5);
                assert_eq!(count(&|f| f.eq("closed", 1))?, 1);
                assert_eq!(count(&|f| f.eq("closed", 0))?, 14);
                assert_eq!(count(&|f| f.eq("skipped", 1))?, 1);
                assert_eq!(count(&|f| f.eq("in_progress", 1))?, 1);
                assert_eq!(count(&|f| f.eq("confirm_close", 1))?, 1);
                assert_eq!(count(&|f| f.eq("priority", 1))?, 1);
                assert_eq!(count(&|f| f.eq("driver_id", "d7".to_owned()))?, 1);
                assert_eq!(count(&|f| f.eq("erp_id", "12".to_owned()))?, 1);
                assert_eq!(count(&|f| f.contains("doc_no", "h-00001"))?, 6);
                assert_eq!(
                    count(&|f| {
                        f.eq("date", "2026-11-23".to_owned());
                        f.contains("doc_no", "H-00001");
                    })?,
                    1
                );
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn apply_skips_visits_changed_since_read() {
        let (storage, acme, _) = two_tenants();
        storage
            .run(|c| {
                resource::upsert::<Visits>(c, &acme, batch(1..3, "2026-11-23"))?;
                let snap = for_plan(c, &acme, "2026-11-23", None)?;
                let patch = json!({"obs": "gate code 1234"})
                    .as_object()
                    .cloned()
                    .unwrap();
                resource::update::<Visits>(c, &acme, "2", patch).map_err(|e| match e {
                    resource::UpdateError::Storage(s) => s,
                    other => panic!("{other:?}"),
                })?;
                let plan: Vec<Assignment> = snap
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Assignment {
                        doc_id: s.doc_id.clone(),
                        version: s.version,
                        driver_id: "d1".into(),
                        service_order: i + 1,
                        eta: 30_000.0 + 600.0 * i as f64,
                    })
                    .collect();
                let mut tx = c.transaction()?;
                let out = apply(&mut tx, &acme, &plan)?;
                tx.commit()?;
                assert_eq!(out.applied, 1);
                assert_eq!(
                    out.conflicts,
                    [(snap[1].doc_id.clone(), "modified after the plan started")]
                );
                let v1 = resource::get::<Visits>(c, &acme, "1")?.unwrap();
                assert_eq!(
                    (v1["serviceOrder"].as_i64(), v1["driverId"].as_str()),
                    (Some(1), Some("d1"))
                );
                let v2 = resource::get::<Visits>(c, &acme, "2")?.unwrap();
                assert_eq!(v2["driverId"], "");
                Ok(())
            })
            .unwrap();
    }
}
