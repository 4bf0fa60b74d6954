//! The rate limit of `ordo serve`: 100 requests per 10 s per key, then
//! 429 with the rate-limit headers; other keys are not affected.

use std::time::{Duration, Instant};

use ordo_e2e::server::Server;

#[test]
fn the_101st_request_inside_the_window_gets_429() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let other = server.key("acme");
    let started = Instant::now();
    for i in 0..100u64 {
        let r = server.get("/api/v2/visits", &key);
        assert_eq!(r.status, 200, "request {}", i + 1);
        assert_eq!(r.header("x-ratelimit-limit"), Some("100"));
        assert_eq!(
            r.header("x-ratelimit-remaining"),
            Some((99 - i).to_string().as_str())
        );
        assert!(r.header("x-ratelimit-reset").is_some());
    }
    let refused = server.get("/api/v2/visits", &key);
    if started.elapsed() >= Duration::from_secs(10) {
        eprintln!("SKIPPED: 100 requests took over 10 s on this machine; the window restarted");
        return;
    }
    assert_eq!(refused.status, 429, "{}", refused.json);
    assert_eq!(refused.json["meta"]["code"], "too_many_requests");
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=10).contains(&retry));
    assert_eq!(
        refused.header("x-ratelimit-reset"),
        refused.header("retry-after")
    );
    // Per key: another key (even of the same company) has its own budget.
    assert_eq!(server.get("/api/v2/visits", &other).status, 200);
}
