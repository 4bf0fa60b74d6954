//! `ordo keys`: `create --company NAME [--company-id ID] [--time-zone
//! ZONE]` makes an API key for a company (the company is created on first
//! use; the id and zone given replace the stored ones), printed once as the
//! last word of the output while the database keeps only its hash; `list`
//! shows each key's prefix, company and creation time; `revoke PREFIX`
//! deletes a key, refused at once by running servers too.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::storage::keys::{self, CompanySpec};
use crate::storage::{datetime_text, Storage};

/// Arguments of `ordo keys`.
#[derive(Debug, Args)]
pub struct KeysArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// `ordo keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create an API key for a company.
    Create {
        /// Company name (every record of the key is the company's).
        #[arg(long)]
        company: String,
        /// The company's id as its records carry it in `companyId`
        /// (default: the name).
        #[arg(long)]
        company_id: Option<String>,
        /// The company's IANA time zone, e.g. Europe/London (default UTC):
        /// its local times of day and dates.
        #[arg(long)]
        time_zone: Option<String>,
        /// Database file (created when missing), or a PostgreSQL URL
        /// (`postgres://...`, as `ordo serve --db` takes it).
        #[arg(long, default_value = "ordo.db")]
        db: PathBuf,
    },
    /// List the keys: prefix, company, company id, created (UTC).
    List {
        /// Database file.
        #[arg(long, default_value = "ordo.db")]
        db: PathBuf,
    },
    /// Revoke the key whose prefix (as `list` shows it) starts so.
    Revoke {
        /// At least 8 first characters of the key (or `hash:` and 6 of
        /// its hash, for keys made before prefixes were kept).
        prefix: String,
        /// Database file.
        #[arg(long, default_value = "ordo.db")]
        db: PathBuf,
    },
}

fn open(db: &Path, create: bool) -> Result<Storage> {
    let is_url = db.to_str().is_some_and(crate::storage::is_postgres_url);
    anyhow::ensure!(
        create || is_url || db.exists(),
        "no database at {} (give --db)",
        db.display()
    );
    Storage::open(db).with_context(|| format!("cannot open {}", db.display()))
}

/// Checks and trims an optional text argument.
fn non_empty(name: &str, value: Option<String>) -> Result<Option<String>> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if v.is_empty() => anyhow::bail!("--{name} must not be empty"),
        other => Ok(other),
    }
}

/// Runs `ordo keys`.
pub fn run(args: KeysArgs) -> Result<ExitCode> {
    match args.command {
        KeysCommand::Create {
            company,
            company_id,
            time_zone,
            db,
        } => {
            let name = company.trim();
            anyhow::ensure!(!name.is_empty(), "--company must not be empty");
            let time_zone = non_empty("time-zone", time_zone)?;
            if let Some(zone) = &time_zone {
                ordo_solver::plan::time_zone(zone)
                    .map_err(|e| anyhow::anyhow!("--time-zone: {e}"))?;
            }
            let spec = CompanySpec {
                name: name.to_owned(),
                erp_id: non_empty("company-id", company_id)?,
                time_zone,
            };
            let storage = open(&db, true)?;
            let key = storage.run(|c| keys::create_key(c, &spec))?;
            println!("API key for company {name}: {key}");
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::List { db } => {
            let storage = open(&db, false)?;
            let listed = storage.run(keys::list_keys)?;
            println!("PREFIX\tCOMPANY\tCOMPANY_ID\tCREATED_UTC");
            for k in listed {
                let created = datetime_text(k.created_at, &jiff::tz::TimeZone::UTC);
                println!("{}\t{}\t{}\t{created}", k.prefix, k.company, k.company_id);
            }
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Revoke { prefix, db } => {
            let storage = open(&db, false)?;
            let outcome = storage.run(|c| Ok(keys::revoke_key(c, &prefix)))?;
            outcome.with_context(|| format!("cannot revoke {prefix}"))?;
            println!("revoked key {}", prefix.trim());
            Ok(ExitCode::SUCCESS)
        }
    }
}
