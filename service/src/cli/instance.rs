//! Loads an instance file for any subcommand, detecting its format.

use std::path::Path;

use anyhow::{bail, Context, Result};
use ordo_solver::io::solomon;
use ordo_solver::model::{Problem, Rounding};

/// Instance formats the CLI reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Solomon / Gehring-Homberger text.
    Solomon,
}

/// Whether `path` holds a plan request (JSON starting with `{`).
pub fn is_plan_json(path: &Path, format: Option<Format>) -> Result<bool> {
    if format.is_some() {
        return Ok(false);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read instance {}", path.display()))?;
    Ok(text.trim_start().starts_with('{'))
}

/// Reads `path` as `format`, or guesses it from the content.
pub fn load(path: &Path, format: Option<Format>, rounding: Rounding) -> Result<Problem> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read instance {}", path.display()))?;
    let format = match format {
        Some(f) => f,
        None if text.trim_start().starts_with('{') => {
            bail!(
                "{}: plan JSON is solved by `ordo solve`, not read as a benchmark",
                path.display()
            )
        }
        None => Format::Solomon,
    };
    match format {
        Format::Solomon => Ok(solomon::parse(
            &text,
            &path.display().to_string(),
            rounding,
        )?),
    }
}
