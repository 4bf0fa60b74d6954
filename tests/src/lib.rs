//! Shared helpers of the end-to-end tests: where the `ordo` binary and the
//! public datasets are; `server` runs `ordo serve` for the HTTP tests;
//! `osrm` runs a local OSRM for the road-travel tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Path to the `ordo` binary of the current profile, built on first use
/// (cargo does not build another package's binaries for this crate's tests).
/// `ORDO_BIN` names another binary instead (a long soak runs a copy, so
/// rebuilding the workspace meanwhile does not replace it).
pub fn ordo_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("ORDO_BIN") {
            return PathBuf::from(bin);
        }
        let exe = std::env::current_exe().expect("test executable path");
        // target/<profile>/deps/<test> -> target/<profile>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("test executable lives in target/<profile>/deps");
        let release = profile_dir.ends_with("release");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(workspace_root())
            .args(["build", "-p", "ordo-service", "--bin", "ordo"]);
        if release {
            build.arg("--release");
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "cargo build of the ordo binary failed");
        profile_dir.join("ordo")
    })
    .clone()
}

/// The public benchmark datasets, or `None` (with a visible message) when
/// they are not on this machine.
pub fn datasets_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ORDO_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/datasets"));
    if dir.join("solomon").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: public datasets not found at {} (set ORDO_DATASETS)",
            dir.display()
        );
        None
    }
}

/// Sorted `*.txt` files of a dataset folder.
pub fn instance_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

pub mod osrm;
pub mod same_value;
pub mod server;
pub mod valhalla;
pub mod webdriver;
