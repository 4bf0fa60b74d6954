//! Best-known solutions from a `bks.csv` (`instance,customers,convention,
//! vehicles,distance,source`), as shipped with the public datasets, read
//! with the `csv` crate (quoted fields, a `source` with commas).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// One best-known solution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bks {
    /// Routes in the best-known solution.
    pub vehicles: usize,
    /// Its distance.
    pub distance: f64,
}

/// Best-known solutions of one convention, by upper-case instance name.
#[derive(Debug, Clone, Default)]
pub struct BksTable {
    rows: HashMap<String, Bks>,
}

impl BksTable {
    /// Reads the rows of `convention` (`hierarchical` or `dimacs`).
    pub fn read(path: &Path, convention: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot read BKS file {}", path.display()))?;
        let columns = reader
            .headers()
            .with_context(|| format!("cannot read BKS file {}", path.display()))?
            .clone();
        let col = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .with_context(|| format!("{}: header lacks column '{name}'", path.display()))
        };
        let (ci, cc, cv, cd) = (
            col("instance")?,
            col("convention")?,
            col("vehicles")?,
            col("distance")?,
        );
        let mut rows = HashMap::new();
        for record in reader.records() {
            let record =
                record.with_context(|| format!("cannot read BKS file {}", path.display()))?;
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }
            let at = || format!("{}:{line}", path.display());
            let field = |k: usize| {
                record
                    .get(k)
                    .with_context(|| format!("{}: missing column {k}", at()))
            };
            if field(cc)? != convention {
                continue;
            }
            let vehicles = field(cv)?
                .parse()
                .with_context(|| format!("{}: vehicles is not an integer", at()))?;
            let distance: f64 = field(cd)?
                .parse()
                .with_context(|| format!("{}: distance is not a number", at()))?;
            if !distance.is_finite() || distance <= 0.0 {
                bail!("{}: distance must be positive", at());
            }
            rows.insert(field(ci)?.to_ascii_uppercase(), Bks { vehicles, distance });
        }
        Ok(Self { rows })
    }

    /// The BKS of `instance` (file stem or instance name, any case).
    pub fn get(&self, instance: &str) -> Option<Bks> {
        self.rows.get(&instance.to_ascii_uppercase()).copied()
    }
}

/// `bks.csv` beside an instance file or in the folder above it.
pub fn find_beside(instance: &Path) -> Option<PathBuf> {
    let dir = instance.parent()?;
    [dir.join("bks.csv"), dir.parent()?.join("bks.csv")]
        .into_iter()
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_convention_and_rejects_bad_rows() {
        let dir = std::env::temp_dir().join(format!("ordo-bks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join("bks.csv");
        std::fs::write(
            &path,
            "instance,customers,convention,vehicles,distance,source\nC101,100,dimacs,10,827.3,x\nC101,100,hierarchical,10,828.9369,y\n",
        )
        .ok();
        let t = BksTable::read(&path, "dimacs").ok();
        assert_eq!(
            t.and_then(|t| t.get("c101")),
            Some(Bks {
                vehicles: 10,
                distance: 827.3
            })
        );
        std::fs::write(
            &path,
            "instance,customers,convention,vehicles,distance,source\nR101,100,dimacs,19,1650.8,\"Jung, Moon 2002\"\n",
        )
        .ok();
        let quoted = BksTable::read(&path, "dimacs").ok();
        assert_eq!(
            quoted.and_then(|t| t.get("R101")).map(|b| b.vehicles),
            Some(19)
        );
        std::fs::write(
            &path,
            "instance,convention,vehicles,distance\nC101,dimacs,ten,1\n",
        )
        .ok();
        let err = BksTable::read(&path, "dimacs")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("bks.csv:2: vehicles is not an integer"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
