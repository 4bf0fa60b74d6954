//! A headless Chromium driven over WebDriver (plain HTTP to `chromedriver`
//! with ureq), and `ordo serve --demo` beside it: what the browser tests
//! and the page's draw-time example share. Every wait has a timeout.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

use crate::{ordo_bin, workspace_root};

/// How long a page condition may take before the test fails.
pub const PAGE_WAIT: Duration = Duration::from_secs(120);

/// The key WebDriver names element references by.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// `chromium` and `chromedriver`, installed by `.ci/setup-chromium` when
/// missing; `None` (with a visible message) when they cannot be had.
pub fn browser() -> Option<(PathBuf, PathBuf)> {
    let find = || Some((which("chromium")?, which("chromedriver")?));
    if let Some(found) = find() {
        return Some(found);
    }
    let script = workspace_root().join(".ci/setup-chromium");
    let _ = Command::new(&script).status();
    let found = find();
    if found.is_none() {
        eprintln!(
            "SKIPPED: no chromium/chromedriver, and {} could not install them",
            script.display()
        );
    }
    found
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// `ordo serve --demo` on a free loopback port, stopped on drop.
pub struct DemoServer {
    child: Child,
    _dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The demo company's API key.
    pub key: String,
    /// The demo day.
    pub date: String,
}

impl DemoServer {
    /// Starts the server with `extra` arguments (e.g. `--demo-file`).
    pub fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new(ordo_bin())
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--tiles",
                "none",
                "--demo",
            ])
            .arg("--db")
            .arg(dir.path().join("ordo.db"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ordo serve --demo");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let lines: Vec<String> = (0..2)
            .map(|_| {
                rx.recv_timeout(PAGE_WAIT)
                    .expect("ordo serve --demo output")
            })
            .collect();
        let url = lines[1]
            .split_whitespace()
            .last()
            .unwrap_or_else(|| panic!("unexpected demo line {:?}", lines[1]));
        let (base, fragment) = url.split_once("/#").expect("URL with a fragment");
        let field = |name: &str| {
            fragment
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in {url}"))
                .to_string()
        };
        Self {
            base: base.to_string(),
            key: field("key"),
            date: field("date"),
            child,
            _dir: dir,
        }
    }

    /// `method path` with the key; the answer's JSON.
    pub fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let request = ureq::request(method, &format!("{}{path}", self.base))
            .set("Authorization", &format!("Bearer {}", self.key));
        let answer = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match answer {
            Ok(r) => r.into_json().unwrap_or(Value::Null),
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A WebDriver session on a headless Chromium, closed on drop.
pub struct Browser {
    driver: Child,
    url: String,
    agent: ureq::Agent,
}

impl Browser {
    /// Starts chromedriver and a 1280x800 headless session.
    pub fn start(chromium: &Path, chromedriver: &Path) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(120))
            .build();
        let root = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + PAGE_WAIT;
        while agent.get(&format!("{root}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--hide-scrollbars"]}}}});
        let session: Value = agent
            .post(&format!("{root}/session"))
            .send_json(capabilities)
            .expect("new WebDriver session")
            .into_json()
            .expect("session JSON");
        let id = session["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Self {
            driver,
            url: format!("{root}/session/{id}"),
            agent,
        }
    }

    fn command(&self, method: &str, path: &str, body: Value) -> Value {
        let request = self.agent.request(method, &format!("{}{path}", self.url));
        let answer = if method == "GET" {
            request.call()
        } else {
            request.send_json(body)
        };
        let json: Value = match answer {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r.into_json().expect("WebDriver JSON"),
            Err(e) => panic!("WebDriver {path}: {e}"),
        };
        if let Some(error) = json["value"]["error"].as_str() {
            panic!("WebDriver {path}: {error}: {}", json["value"]["message"]);
        }
        json["value"].clone()
    }

    /// Opens `url`.
    pub fn open(&self, url: &str) {
        self.command("POST", "/url", json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns
    /// its value.
    pub fn eval(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": args}),
        )
    }

    /// The number of elements matching `css`.
    pub fn count(&self, css: &str) -> usize {
        let n = self.eval(
            "return document.querySelectorAll(arguments[0]).length;",
            json!([css]),
        );
        n.as_u64().unwrap_or(0) as usize
    }

    fn element(&self, css: &str) -> String {
        let found = self.command(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    /// Clicks the first element matching `css`, as a user would.
    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.command("POST", &format!("/element/{id}/click"), json!({}));
    }

    /// Types `text` into the element matching `css`.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.command("POST", &format!("/element/{id}/clear"), json!({}));
        self.command(
            "POST",
            &format!("/element/{id}/value"),
            json!({ "text": text }),
        );
    }

    /// Waits until `script` returns a truthy value; returns that value.
    pub fn wait_for(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + PAGE_WAIT;
        loop {
            let value = self.eval(script, json!([]));
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The browser console's messages at level SEVERE (errors).
    pub fn console_errors(&self) -> Vec<String> {
        let logs = self.command("POST", "/se/log", json!({"type": "browser"}));
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// A PNG of the whole page (the window grown to the page's height)
    /// written to `path`.
    pub fn screenshot(&self, path: &Path) {
        // The window's outer height: the page plus the browser's own frame.
        let height = self
            .eval(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight;",
                json!([]),
            )
            .as_u64()
            .unwrap_or(800)
            .clamp(800, 4000);
        self.command(
            "POST",
            "/window/rect",
            json!({"width": 1280, "height": height}),
        );
        let png = self.command("GET", "/screenshot", json!({}));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().expect("base64 PNG"))
            .expect("PNG bytes");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, bytes).expect("write screenshot");
        self.command(
            "POST",
            "/window/rect",
            json!({"width": 1280, "height": 800}),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.url).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Where the browser tests put their screenshots: `target/browser/`.
pub fn screenshot_dir() -> PathBuf {
    workspace_root().join("target/browser")
}
