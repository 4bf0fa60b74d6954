//! Companies (their name, the id their records carry, their time zone),
//! their API keys (stored as SHA-256 hashes, never in clear, with a short
//! prefix to list and revoke them by) and the [`Tenant`] a valid key
//! yields.

use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use super::db::{args, Conn, Row};
use super::{now_millis, random_id, StorageError};

/// The company an authenticated request acts for. Built only from a valid
/// key (or by tests), so holding one proves the caller's company.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    company_id: i64,
    name: String,
    erp_id: String,
    zone_name: String,
    zone: TimeZone,
}

impl Tenant {
    /// Row id of the company (the filter of every query).
    pub fn company_id(&self) -> i64 {
        self.company_id
    }

    /// The company's name (records may also name it as `companyId`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The company's own id: what its records show as `companyId`.
    pub fn erp_id(&self) -> &str {
        &self.erp_id
    }

    /// The company's time zone: local times of its days and dates.
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The zone's IANA name.
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }
}

/// How many characters of a key are kept in clear to name it: `ordo_`
/// and 7 of its 32 random ones (the other 25 keep it secret).
const PREFIX_LEN: usize = 12;

/// Hex SHA-256 of a key: what the database keeps.
pub(crate) fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a new key's company is: its name, and optionally its own id and
/// IANA time zone (checked by the caller).
#[derive(Debug, Clone, Default)]
pub struct CompanySpec {
    /// Company name.
    pub name: String,
    /// The id its records carry as `companyId` (default: the name).
    pub erp_id: Option<String>,
    /// Time zone (default UTC).
    pub time_zone: Option<String>,
}

impl CompanySpec {
    /// A company known by name only.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }
}

/// Creates a key for `company` (creating the company on first use; an id
/// or zone given replaces the stored one) and returns it; only its hash
/// and prefix are stored.
pub fn create_key(conn: &mut Conn<'_>, company: &CompanySpec) -> Result<String, StorageError> {
    let mut tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO companies (name, erp_id, created_at) VALUES (?1, ?1, ?2)
         ON CONFLICT (name) DO NOTHING",
        &args![&company.name, now_millis()],
    )?;
    if let Some(id) = &company.erp_id {
        tx.execute(
            "UPDATE companies SET erp_id = ?2 WHERE name = ?1",
            &args![&company.name, id],
        )?;
    }
    if let Some(zone) = &company.time_zone {
        tx.execute(
            "UPDATE companies SET time_zone = ?2 WHERE name = ?1",
            &args![&company.name, zone],
        )?;
    }
    let company_id: i64 = tx
        .query_one(
            "SELECT id FROM companies WHERE name = ?1",
            &args![&company.name],
        )?
        .get(0)?;
    // 32 alphanumerics: about 190 bits, so a plain hash (no salt or
    // stretching) is enough to make a stolen database useless.
    let key = format!("ordo_{}", random_id(32));
    tx.execute(
        "INSERT INTO api_keys (hash, company_id, created_at, prefix) VALUES (?1, ?2, ?3, ?4)",
        &args![hash_key(&key), company_id, now_millis(), &key[..PREFIX_LEN]],
    )?;
    tx.commit()?;
    Ok(key)
}

/// The company columns a [`Tenant`] is made of, in [`tenant_from_row`]'s order.
const TENANT_COLUMNS: &str = "c.id, c.name, c.erp_id, c.time_zone";

/// A [`Tenant`] from a row of [`TENANT_COLUMNS`].
fn tenant_from_row(r: &Row) -> Result<Tenant, StorageError> {
    let company_id: i64 = r.get(0)?;
    let name: String = r.get(1)?;
    let erp_id: Option<String> = r.get(2)?;
    let zone_name: String = r.get(3)?;
    // Zones are checked when set; one this binary does not know (an
    // older tz database) falls back to UTC rather than locking out.
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    Ok(Tenant {
        company_id,
        erp_id: erp_id.unwrap_or_else(|| name.clone()),
        name,
        zone_name,
        zone,
    })
}

/// The tenant of `key`, or `None` when no company has it.
pub fn tenant_for_key(conn: &mut Conn<'_>, key: &str) -> Result<Option<Tenant>, StorageError> {
    conn.query_opt(
        &format!(
            "SELECT {TENANT_COLUMNS} FROM api_keys k
             JOIN companies c ON c.id = k.company_id WHERE k.hash = ?1"
        ),
        &args![hash_key(key)],
    )?
    .as_ref()
    .map(tenant_from_row)
    .transpose()
}

/// One key as `ordo keys list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The key's first characters, or `hash:` and its hash's first 12
    /// for keys made before prefixes were kept.
    pub prefix: String,
    /// Company name.
    pub company: String,
    /// The company's own id.
    pub company_id: String,
    /// Created, ms since the epoch.
    pub created_at: i64,
}

/// Every key, oldest first.
pub fn list_keys(conn: &mut Conn<'_>) -> Result<Vec<KeyInfo>, StorageError> {
    let rows = conn.query(
        "SELECT coalesce(k.prefix, 'hash:' || substr(k.hash, 1, 12)), c.name,
                coalesce(c.erp_id, c.name), k.created_at
         FROM api_keys k JOIN companies c ON c.id = k.company_id ORDER BY k.created_at, k.rowid",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(KeyInfo {
                prefix: r.get(0)?,
                company: r.get(1)?,
                company_id: r.get(2)?,
                created_at: r.get(3)?,
            })
        })
        .collect()
}

/// Why a revoke did nothing.
#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    /// Too short to name a key safely.
    #[error(
        "the prefix {0:?} is too short: give at least 8 characters, as `ordo keys list` shows them"
    )]
    TooShort(String),
    /// No key starts so.
    #[error("no key has the prefix {0}")]
    NoMatch(String),
    /// Several do: the prefix must name one key.
    #[error("{count} keys have the prefix {prefix}: give more characters")]
    Ambiguous {
        /// The prefix given.
        prefix: String,
        /// Keys matching.
        count: usize,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Deletes the one key whose prefix (as [`list_keys`] shows it) starts
/// with `prefix`, and bumps the revocation generation so running servers
/// drop their cached keys.
pub fn revoke_key(conn: &mut Conn<'_>, prefix: &str) -> Result<(), RevokeError> {
    let prefix = prefix.trim();
    // Short prefixes would name a key by accident.
    if prefix.chars().count() < MIN_REVOKE_PREFIX {
        return Err(RevokeError::TooShort(prefix.to_owned()));
    }
    let mut tx = conn.transaction()?;
    let matching: Vec<String> = tx
        .query(
            "SELECT hash FROM api_keys WHERE prefix LIKE ?1 ESCAPE '\\'
             OR ('hash:' || hash) LIKE ?1 ESCAPE '\\'",
            &args![like_prefix(prefix)],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    match matching.len() {
        0 => return Err(RevokeError::NoMatch(prefix.to_owned())),
        1 => {}
        count => {
            return Err(RevokeError::Ambiguous {
                prefix: prefix.to_owned(),
                count,
            })
        }
    }
    tx.execute("DELETE FROM api_keys WHERE hash = ?1", &args![&matching[0]])?;
    tx.execute(
        "UPDATE key_revocations SET generation = generation + 1 WHERE id = 1",
        &[],
    )?;
    tx.commit()?;
    Ok(())
}

/// The shortest prefix `ordo keys revoke` takes (`ordo_` and 3).
pub const MIN_REVOKE_PREFIX: usize = 8;

/// `prefix%` for LIKE, with LIKE's own wildcards escaped.
fn like_prefix(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// How many revokes there have been: a server whose cached keys are of an
/// older generation drops them.
pub fn revocation_generation(conn: &mut Conn<'_>) -> Result<i64, StorageError> {
    conn.query_one("SELECT generation FROM key_revocations WHERE id = 1", &[])?
        .get(0)
}

/// The tenant of a stored company (a plan job resumed after a restart acts
/// for the company that submitted it).
pub(crate) fn tenant_of_company(
    conn: &mut Conn<'_>,
    company_id: i64,
) -> Result<Option<Tenant>, StorageError> {
    conn.query_opt(
        &format!("SELECT {TENANT_COLUMNS} FROM companies c WHERE c.id = ?1"),
        &args![company_id],
    )?
    .as_ref()
    .map(tenant_from_row)
    .transpose()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::storage::Storage;

    /// A storage with two companies, and their tenants.
    pub(crate) fn two_tenants() -> (Storage, Tenant, Tenant) {
        let storage = Storage::in_memory().unwrap();
        let (a, b) = storage
            .run(|c| {
                let ka = create_key(c, &CompanySpec::named("acme"))?;
                let kb = create_key(c, &CompanySpec::named("globex"))?;
                Ok((
                    tenant_for_key(c, &ka)?.unwrap(),
                    tenant_for_key(c, &kb)?.unwrap(),
                ))
            })
            .unwrap();
        (storage, a, b)
    }

    #[test]
    fn keys_are_hashed_and_resolve_to_their_company() {
        let storage = Storage::in_memory().unwrap();
        storage
            .run(|c| {
                let key = create_key(c, &CompanySpec::named("acme"))?;
                let again = create_key(c, &CompanySpec::named("acme"))?;
                assert_ne!(key, again);
                let stored: String = c
                    .query_one("SELECT hash FROM api_keys LIMIT 1", &[])?
                    .get(0)?;
                assert_ne!(stored, key);
                assert_eq!(stored.len(), 64);
                let t = tenant_for_key(c, &key)?.unwrap();
                assert_eq!(t.name(), "acme");
                assert_eq!(tenant_for_key(c, &again)?.unwrap(), t);
                assert!(tenant_for_key(c, "ordo_wrong")?.is_none());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn companies_keep_their_id_and_zone_and_keys_can_be_revoked() {
        let storage = Storage::in_memory().unwrap();
        storage
            .run(|c| {
                let spec = CompanySpec {
                    name: "acme".into(),
                    erp_id: Some("LPeaJNaLQT6RqcFdt".into()),
                    time_zone: Some("Europe/London".into()),
                };
                let key = create_key(c, &spec)?;
                let other = create_key(c, &CompanySpec::named("acme"))?;
                let t = tenant_for_key(c, &key)?.unwrap();
                assert_eq!(t.erp_id(), "LPeaJNaLQT6RqcFdt");
                assert_eq!(t.zone_name(), "Europe/London");
                let listed = list_keys(c)?;
                assert_eq!(listed.len(), 2);
                assert_eq!(listed[0].prefix, key[..PREFIX_LEN]);
                assert_eq!(listed[1].company_id, "LPeaJNaLQT6RqcFdt");
                let generation = revocation_generation(c)?;
                assert!(matches!(
                    revoke_key(c, "ordo_"),
                    Err(RevokeError::TooShort(_))
                ));
                assert!(matches!(
                    revoke_key(c, "ordo_%%%"),
                    Err(RevokeError::NoMatch(_))
                ));
                revoke_key(c, &key[..10]).map_err(|e| match e {
                    RevokeError::Storage(s) => s,
                    other => panic!("{other}"),
                })?;
                assert!(tenant_for_key(c, &key)?.is_none());
                assert!(tenant_for_key(c, &other)?.is_some());
                assert_eq!(revocation_generation(c)?, generation + 1);
                Ok(())
            })
            .unwrap();
    }
}
