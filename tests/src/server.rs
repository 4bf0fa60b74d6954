//! A real `ordo serve` on a free loopback port with a fresh database, and
//! a small blocking HTTP client for it. Every wait has a timeout, and the
//! server is stopped when the handle drops.
//!
//! The backend comes from `ORDO_TEST_BACKEND`: `sqlite` (default; a file
//! in a temp dir) or `postgres` (a database of its own, created on the
//! cluster `ORDO_TEST_POSTGRES` names, which `.ci/setup-postgres` starts,
//! and dropped with the server). `.ci/run` runs every `http_*` test once
//! per backend. [`Server::replica`] starts another server on the same
//! database (PostgreSQL only: what several replicas share).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::ordo_bin;

/// How long any single wait may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(60);

/// A running server.
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    database: std::sync::Arc<Database>,
    args: Vec<String>,
    agent: ureq::Agent,
    /// `--role worker`: no HTTP, a ready line instead of an address.
    worker: bool,
}

/// The superuser URL of the test PostgreSQL cluster, when one runs.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("ORDO_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// True when this run's servers use PostgreSQL (`ORDO_TEST_BACKEND`).
pub fn on_postgres() -> bool {
    std::env::var("ORDO_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// One test's database.
pub enum Database {
    /// A file in a temp dir.
    Sqlite(tempfile::TempDir),
    /// A database of its own on the test cluster.
    Postgres {
        /// The cluster's superuser URL (to drop it).
        admin: String,
        /// Its name.
        name: String,
        /// Its URL, as `--db` takes it.
        url: String,
    },
}

impl Database {
    /// A fresh database of this run's backend.
    pub fn fresh() -> Self {
        if on_postgres() {
            let admin = postgres_admin_url().expect(
                "ORDO_TEST_BACKEND=postgres needs ORDO_TEST_POSTGRES (eval \"$(.ci/setup-postgres)\")",
            );
            Self::fresh_postgres(&admin)
        } else {
            Self::Sqlite(tempfile::tempdir().expect("temp dir"))
        }
    }

    /// A fresh database on the cluster of superuser URL `admin`.
    pub fn fresh_postgres(admin: &str) -> Self {
        let name = format!(
            "ordo_test_{}_{}",
            std::process::id(),
            NEXT_DATABASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test PostgreSQL {admin}: {e}"));
        // One statement each: neither may run inside a transaction block.
        for statement in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            client
                .batch_execute(&statement)
                .expect("create a test database");
        }
        let base = admin.rsplit_once('/').map_or(admin, |(base, _)| base);
        Self::Postgres {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// What `--db` takes.
    pub fn arg(&self) -> PathBuf {
        match self {
            Self::Sqlite(dir) => dir.path().join("ordo.db"),
            Self::Postgres { url, .. } => PathBuf::from(url),
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres { .. })
    }

    /// Runs SQL on a PostgreSQL database (tests that look behind the API).
    pub fn postgres_client(&self) -> Option<postgres::Client> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres { url, .. } => Some(
                postgres::Client::connect(url, postgres::NoTls).expect("connect to the database"),
            ),
        }
    }
}

static NEXT_DATABASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Drop for Database {
    fn drop(&mut self) {
        if let Self::Postgres { admin, name, .. } = self {
            if let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls) {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// One answer: status, headers we look at, JSON body (null when empty).
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `(name, value)` of every header, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body as JSON.
    pub json: Value,
}

impl Reply {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// Starts `ordo serve` with a fresh database and extra arguments.
    pub fn start(extra: &[&str]) -> Self {
        Self::on(std::sync::Arc::new(Database::fresh()), extra)
    }

    /// Starts `ordo serve` on `database` with extra arguments.
    pub fn on(database: std::sync::Arc<Database>, extra: &[&str]) -> Self {
        let mut server = Self {
            child: None,
            base: String::new(),
            worker: extra.windows(2).any(|w| w == ["--role", "worker"]),
            database,
            args: extra.iter().map(|s| s.to_string()).collect(),
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(30))
                .build(),
        };
        server.launch();
        server
    }

    /// Another server on this one's database (a replica), with its own
    /// arguments.
    pub fn replica(&self, extra: &[&str]) -> Self {
        Self::on(std::sync::Arc::clone(&self.database), extra)
    }

    /// The database this server runs on.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The server's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The database as `--db` takes it (the SQLite file, or the URL).
    pub fn db(&self) -> PathBuf {
        self.database.arg()
    }

    /// True when the server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    /// For tests that read or write the SQLite file behind the API: true
    /// (after saying so) when this run is on PostgreSQL, so the test skips.
    pub fn skip_unless_sqlite(&self, why: &str) -> bool {
        if self.is_postgres() {
            eprintln!("SKIPPED on PostgreSQL: {why}");
        }
        self.is_postgres()
    }

    fn launch(&mut self) {
        let mut child = Command::new(ordo_bin())
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--db"])
            .arg(self.db())
            .args(&self.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ordo serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(WAIT)
            .expect("ordo serve printed its address");
        if self.worker {
            assert!(
                line.starts_with("ordo worker "),
                "unexpected first line: {line:?}"
            );
            self.child = Some(child);
            return;
        }
        let base = line
            .split_whitespace()
            .last()
            .filter(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
        self.base = base.to_string();
        self.child = Some(child);
    }

    /// Stops the server with SIGTERM (graceful) and waits for it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let deadline = Instant::now() + WAIT;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
            panic!("ordo serve did not stop on SIGTERM");
        }
    }

    /// Kills the server with SIGKILL (a crash: nothing runs after it) and
    /// waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts again on the same database (new port), after [`Server::kill`].
    pub fn relaunch(&mut self) {
        assert!(self.child.is_none(), "relaunch: the server still runs");
        self.launch();
    }

    /// Stops and starts again on the same database (new port).
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// A new API key of `company`, made with `ordo keys create`.
    pub fn key(&self, company: &str) -> String {
        let out = Command::new(ordo_bin())
            .args(["keys", "create", "--company", company, "--db"])
            .arg(self.db())
            .output()
            .expect("run ordo keys create");
        assert!(out.status.success(), "ordo keys create failed");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .last()
            .expect("a key")
            .to_string()
    }

    /// Sends a request with the key (if any) and a JSON body (if any).
    pub fn call(&self, method: &str, path: &str, key: Option<&str>, body: Option<&Value>) -> Reply {
        let mut request = self.agent.request(method, &format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.set("Authorization", &format!("Bearer {key}"));
        }
        let result = match body {
            Some(body) => request
                .set("Content-Type", "application/json")
                .send_string(&body.to_string()),
            None => request.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        reply(response)
    }

    /// Sends raw text with chosen headers, on a connection of its own: a
    /// refused body may be left unread, and then the server closes the
    /// connection after answering, which a later request must not reuse.
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut request = self
            .agent
            .request(method, &format!("{}{path}", self.base))
            .set("Connection", "close");
        for (name, value) in headers {
            request = request.set(name, value);
        }
        match request.send_string(body) {
            Ok(r) | Err(ureq::Error::Status(_, r)) => reply(r),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    /// `GET` with a key.
    pub fn get(&self, path: &str, key: &str) -> Reply {
        self.call("GET", path, Some(key), None)
    }

    /// Polls `GET path` until `done` holds (or panics after [`WAIT`]).
    pub fn wait_for(&self, path: &str, key: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let r = self.get(path, key);
            if r.status == 429 {
                // Polled past the key's rate limit (a long wait): the
                // window restarts within seconds.
                assert!(Instant::now() < deadline, "{path}: rate limited");
                std::thread::sleep(Duration::from_millis(500));
                continue;
            }
            assert_eq!(r.status, 200, "{path}: {}", r.json);
            if done(&r.json) {
                return r.json;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting on {path}: {}",
                r.json
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn reply(response: ureq::Response) -> Reply {
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|n| response.header(&n).map(|v| (n.clone(), v.to_string())))
        .collect();
    let text = response.into_string().unwrap_or_default();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply {
        status,
        headers,
        json,
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A generated day (`ordo generate`) as API records: visits with the
/// document's required fields filled in, and drivers.
pub fn generated_day(visits: usize, drivers: usize, seed: u64) -> (String, Vec<Value>, Vec<Value>) {
    generated_day_in("aberdeen", visits, drivers, seed)
}

/// [`generated_day`] in a region of `ordo generate --region`.
pub fn generated_day_in(
    region: &str,
    visits: usize,
    drivers: usize,
    seed: u64,
) -> (String, Vec<Value>, Vec<Value>) {
    let out = Command::new(ordo_bin())
        .args(["generate", "--visits", &visits.to_string(), "--drivers"])
        .arg(drivers.to_string())
        .args(["--seed", &seed.to_string(), "--region", region])
        .output()
        .expect("run ordo generate");
    assert!(out.status.success());
    let request: Value = serde_json::from_slice(&out.stdout).expect("plan JSON");
    let date = request["date"].as_str().expect("date").to_string();
    let visits = request["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| {
            let mut v = v.clone();
            let obj = v.as_object_mut().expect("visit object");
            obj.remove("_id");
            obj.entry("driverId")
                .or_insert(Value::String(String::new()));
            let id = obj["id"].to_string();
            obj.insert("docNo".into(), format!("H-{id}").into());
            obj.insert("customer".into(), format!("Customer {id}").into());
            obj.insert("address".into(), "1 High Street".into());
            obj.insert("city".into(), "Aberdeen".into());
            v
        })
        .collect();
    let drivers = request["drivers"].as_array().expect("drivers").clone();
    (date, visits, drivers)
}
