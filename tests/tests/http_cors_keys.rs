//! Browser clients and key hygiene against a real `ordo serve`: CORS
//! preflights answered without a key (any origin by default, only the
//! `--cors-origin` ones when given), rate-limit headers on every answer to
//! a request naming a key (401, 404, 405 and 406 included), `ordo keys
//! list` and `ordo keys revoke` (refused at once, cache or not), and a
//! late performer location kept in the driver's history.

use std::process::{Command, Output};

use ordo_e2e::ordo_bin;
use ordo_e2e::server::{Reply, Server};
use serde_json::json;

const ORIGIN: &str = "https://dispatch.example.com";

fn preflight(server: &Server, origin: &str) -> Reply {
    server.raw(
        "OPTIONS",
        "/api/v2/visits",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        "",
    )
}

#[test]
fn preflights_need_no_key_and_answers_expose_the_rate_limit() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let p = preflight(&server, ORIGIN);
    assert!(p.status < 300, "{} {:?}", p.status, p.headers);
    assert_eq!(p.header("access-control-allow-origin"), Some("*"));
    let methods = p.header("access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("PUT"),
        "{methods}"
    );
    let allowed = p
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");

    let bearer = format!("Bearer {key}");
    let r = server.raw(
        "GET",
        "/api/v2/visits",
        &[("Origin", ORIGIN), ("Authorization", &bearer)],
        "",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }
}

#[test]
fn only_the_configured_origins_are_allowed() {
    let server = Server::start(&["--cors-origin", ORIGIN]);
    let ok = preflight(&server, ORIGIN);
    assert_eq!(ok.header("access-control-allow-origin"), Some(ORIGIN));
    let other = preflight(&server, "https://elsewhere.example.org");
    assert_eq!(other.header("access-control-allow-origin"), None);
    let out = Command::new(ordo_bin())
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--cors-origin",
            "not an origin",
            "--db",
        ])
        .arg(server.db())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cors-origin"));
}

/// Method, path, headers, expected status.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, u16);

#[test]
fn every_answer_to_a_request_naming_a_key_has_rate_limit_headers() {
    let server = Server::start(&["--rate-limit", "50"]);
    let key = server.key("acme");
    let bearer = format!("Bearer {key}");
    let cases: [Case; 5] = [
        (
            "GET",
            "/api/v2/visits",
            vec![("Authorization", &bearer)],
            200,
        ),
        (
            "GET",
            "/api/v2/nowhere",
            vec![("Authorization", &bearer)],
            404,
        ),
        (
            "PATCH",
            "/api/v2/visits",
            vec![("Authorization", &bearer)],
            405,
        ),
        (
            "GET",
            "/api/v2/visits",
            vec![("Authorization", &bearer), ("Accept", "text/html")],
            406,
        ),
        (
            "GET",
            "/api/v2/visits",
            vec![("Authorization", "Bearer ordo_not_a_key")],
            401,
        ),
    ];
    let mut remaining = Vec::new();
    for (method, path, headers, status) in cases {
        let r = server.raw(method, path, &headers, "");
        assert_eq!(r.status, status, "{method} {path}: {}", r.json);
        assert_eq!(
            r.header("x-ratelimit-limit"),
            Some("50"),
            "{method} {path} {status}"
        );
        assert!(r.header("x-ratelimit-reset").is_some());
        remaining.push(
            r.header("x-ratelimit-remaining")
                .unwrap()
                .parse::<u32>()
                .unwrap(),
        );
    }
    // The same key's window counts down across 200, 404, 405 and 406.
    assert_eq!(remaining[..4], [49, 48, 47, 46]);
    // Without a key there is no window to report.
    let anonymous = server.raw("GET", "/api/v2/visits", &[], "");
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("x-ratelimit-limit"), None);
}

fn keys(server: &Server, args: &[&str]) -> Output {
    Command::new(ordo_bin())
        .arg("keys")
        .args(args)
        .arg("--db")
        .arg(server.db())
        .output()
        .expect("run ordo keys")
}

#[test]
fn keys_are_listed_and_a_revoked_key_is_refused_at_once() {
    let server = Server::start(&[]);
    let (first, second) = (server.key("acme"), server.key("globex"));
    // Both used once, so the server has cached them.
    for key in [&first, &second] {
        assert_eq!(server.get("/api/v2/visits", key).status, 200);
    }
    let listed = keys(&server, &["list"]);
    assert!(listed.status.success());
    let text = String::from_utf8_lossy(&listed.stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with(&first[..12]) && lines[1].contains("acme"),
        "{text}"
    );
    assert!(
        lines[2].starts_with(&second[..12]) && lines[2].contains("globex"),
        "{text}"
    );
    assert!(!text.contains(&first), "the list never shows a whole key");

    let revoked = keys(&server, &["revoke", &first[..12]]);
    assert!(
        revoked.status.success(),
        "{}",
        String::from_utf8_lossy(&revoked.stderr)
    );
    assert_eq!(server.get("/api/v2/visits", &first).status, 401);
    assert_eq!(server.get("/api/v2/visits", &second).status, 200);
    let listed = String::from_utf8_lossy(&keys(&server, &["list"]).stdout).to_string();
    assert!(!listed.contains(&first[..12]));

    for (prefix, says) in [(&first[..12], "no key"), ("ordo", "too short")] {
        let out = keys(&server, &["revoke", prefix]);
        assert!(!out.status.success(), "{prefix}");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(stderr.contains(says), "{prefix}: {stderr}");
    }
}

#[test]
fn an_older_location_goes_to_the_history_and_the_answer_says_so() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let driver = json!([{"id": "d1", "start": "57.1,-2.1",
                         "shift": {"earliest": 28800, "latest": 61200}}]);
    let r = server.call("POST", "/api/v2/drivers", Some(&key), Some(&driver));
    assert_eq!(r.json["meta"]["recordsInserted"], 1, "{}", r.json);
    // 2026-11-23 10:00 and 09:00 UTC.
    let (ten, nine) = (1_795_428_000_000_i64, 1_795_424_400_000_i64);
    let path = "/api/v2/drivers/d1/location";
    let r = server.call(
        "PUT",
        path,
        Some(&key),
        Some(&json!({"location": "57.2,-2.2", "submitted_at": ten})),
    );
    assert_eq!(r.status, 204, "{}", r.json);
    let r = server.call(
        "PUT",
        path,
        Some(&key),
        Some(&json!({"location": "57.3,-2.3", "submitted_at": nine})),
    );
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"]["latest"], false);
    assert_eq!(r.json["meta"]["olderThanLatest"], 1);
    assert_eq!(r.json["meta"]["latestSubmittedAt"], ten);
    let latest = server.get(path, &key);
    assert_eq!(latest.json["data"]["location"], "57.2,-2.2");
    let day = server.get("/api/v2/drivers/d1/locations?date=2026-11-23", &key);
    assert_eq!(day.status, 200, "{}", day.json);
    let points: Vec<(i64, &str)> = day.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["submitted_at"].as_i64().unwrap(),
                p["location"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(points, [(nine, "57.3,-2.3"), (ten, "57.2,-2.2")]);
    let other_day = server.get("/api/v2/drivers/d1/locations?date=2026-11-24", &key);
    assert_eq!(other_day.json["data"], json!([]));
    let r = server.get("/api/v2/drivers/d1/locations", &key);
    assert_eq!(r.status, 400);
    assert!(r.json["meta"]["error"]
        .as_str()
        .unwrap()
        .starts_with("date"));
    assert_eq!(
        server
            .get("/api/v2/drivers/d9/locations?date=2026-11-23", &key)
            .status,
        404
    );
}
