//! Companies, their API keys (stored as SHA-256 hashes, never in clear)
//! and the [`Tenant`] a valid key yields.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{now_millis, random_id, StorageError};

/// The company an authenticated request acts for. Built only from a valid
/// key (or by tests), so holding one proves the caller's company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    company_id: i64,
    name: String,
}

impl Tenant {
    /// Row id of the company (the filter of every query).
    pub fn company_id(&self) -> i64 {
        self.company_id
    }

    /// The company's name, which records show as `companyId`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Hex SHA-256 of a key: what the database keeps.
fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates a key for `company` (creating the company on first use) and
/// returns it; only its hash is stored.
pub fn create_key(conn: &mut Connection, company: &str) -> Result<String, StorageError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO companies (name, created_at) VALUES (?1, ?2)",
        params![company, now_millis()],
    )?;
    let company_id: i64 =
        tx.query_row("SELECT id FROM companies WHERE name = ?1", [company], |r| {
            r.get(0)
        })?;
    // 32 alphanumerics: about 190 bits, so a plain hash (no salt or
    // stretching) is enough to make a stolen database useless.
    let key = format!("ordo_{}", random_id(32));
    tx.execute(
        "INSERT INTO api_keys (hash, company_id, created_at) VALUES (?1, ?2, ?3)",
        params![hash_key(&key), company_id, now_millis()],
    )?;
    tx.commit()?;
    Ok(key)
}

/// The tenant of `key`, or `None` when no company has it.
pub fn tenant_for_key(conn: &Connection, key: &str) -> Result<Option<Tenant>, StorageError> {
    Ok(conn
        .query_row(
            "SELECT c.id, c.name FROM api_keys k JOIN companies c ON c.id = k.company_id
             WHERE k.hash = ?1",
            [hash_key(key)],
            |r| {
                Ok(Tenant {
                    company_id: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// The tenant of a stored company (a plan job resumed after a restart acts
/// for the company that submitted it).
pub(crate) fn tenant_of_company(
    conn: &Connection,
    company_id: i64,
) -> Result<Option<Tenant>, StorageError> {
    Ok(conn
        .query_row(
            "SELECT id, name FROM companies WHERE id = ?1",
            [company_id],
            |r| {
                Ok(Tenant {
                    company_id: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        )
        .optional()?)
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
                let ka = create_key(c, "acme")?;
                let kb = create_key(c, "globex")?;
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
                let key = create_key(c, "acme")?;
                let again = create_key(c, "acme")?;
                assert_ne!(key, again);
                let stored: String =
                    c.query_row("SELECT hash FROM api_keys LIMIT 1", [], |r| r.get(0))?;
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
}
