//! `ordo keys create --company NAME`: makes an API key for a company (the
//! company is created on first use). The key is printed once, as the last
//! word of the output; the database keeps only its hash.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::storage::{keys, Storage};

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
        /// Database file (created when missing).
        #[arg(long, default_value = "ordo.db")]
        db: PathBuf,
    },
}

/// Runs `ordo keys`.
pub fn run(args: KeysArgs) -> Result<ExitCode> {
    match args.command {
        KeysCommand::Create { company, db } => {
            let company = company.trim();
            anyhow::ensure!(!company.is_empty(), "--company must not be empty");
            let storage =
                Storage::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
            let key = storage.run(|c| keys::create_key(c, company))?;
            println!("API key for company {company}: {key}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
