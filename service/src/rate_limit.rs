//! Per-key rate limit: at most `limit` requests per fixed window that
//! starts with a key's first request (100 per 10 s by default, as the
//! visits document says). Every answer to an authenticated request carries
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
//! (seconds until the window restarts); a 429 adds `Retry-After`.
//!
//! Written here rather than taken from a crate: token-bucket limiters
//! (governor) refill continuously, which lets a 101st request through
//! inside the 10 s the document promises to refuse.
//!
//! [`limit`] is the layer: it counts every request that names a key (valid
//! or not, any path), so 401, 404, 405 and 406 answers carry the headers
//! too, as the document says every response does.
//!
//! On a database several servers share (PostgreSQL), the counts live in
//! it ([`check_shared`]), so a key's limit holds across every replica;
//! the windows are then aligned to the clock (`now - now % window`), the
//! one start every server agrees on. Should the database not answer, the
//! server's own counts decide, so the limit degrades to per server rather
//! than failing requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::key_of;
use crate::error::ApiError;
use crate::storage::keys::hash_key;
use crate::storage::{now_millis, rate_windows, Storage, StorageError};

/// Middleware: 429 over the limit; the rate-limit headers on every answer
/// to a request that names a key.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(key) = key_of(request.headers(), request.uri()) else {
        return next.run(request).await;
    };
    let decision = if state.storage.is_shared() {
        let (limiter, counted) = (Arc::clone(&state.limiter), key.clone());
        let shared = state
            .with_storage(move |storage| check_shared(storage, &counted, &limiter))
            .await;
        match shared {
            Ok(Ok(decision)) => decision,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "shared rate limit unavailable, counting locally");
                state.limiter.check(&key)
            }
            Err(e) => {
                tracing::warn!(error = ?e, "shared rate limit unavailable, counting locally");
                state.limiter.check(&key)
            }
        }
    } else {
        state.limiter.check(&key)
    };
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        ApiError::TooManyRequests {
            limit: state.limiter.limit(),
            window: state.limiter.window().as_secs(),
        }
        .into_response()
    };
    decision.write_headers(response.headers_mut());
    response
}

/// Counts a request of `key` in the database every server shares, in the
/// clock-aligned window of `limiter`'s length, and decides with its limit.
/// The first request of a key's window also drops windows long past.
fn check_shared<C: Clock>(
    storage: &Storage,
    key: &str,
    limiter: &RateLimiter<C>,
) -> Result<Decision, StorageError> {
    let window = i64::try_from(limiter.window().as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    let now = now_millis();
    let start = now - now.rem_euclid(window);
    let count = storage.run(|c| {
        let count = rate_windows::count_request(c, &hash_key(key), start)?;
        if count == 1 {
            rate_windows::forget_before(c, start - window)?;
        }
        Ok(count)
    })?;
    let limit = limiter.limit();
    let used = u32::try_from(count).unwrap_or(u32::MAX);
    let left_ms = (start + window - now).max(0) as f64;
    Ok(Decision {
        allowed: used <= limit,
        limit,
        remaining: limit.saturating_sub(used),
        reset_after: (left_ms / 1000.0).ceil().max(1.0) as u64,
    })
}

/// Where "now" comes from (a fake in tests).
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Let it through.
    pub allowed: bool,
    /// Requests per window.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// Whole seconds until the window restarts (at least 1).
    pub reset_after: u64,
}

impl Decision {
    /// The rate-limit headers of this decision.
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut set = |name: &'static str, value: u64| {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        };
        set("x-ratelimit-limit", self.limit.into());
        set("x-ratelimit-remaining", self.remaining.into());
        set("x-ratelimit-reset", self.reset_after);
        if !self.allowed {
            set("retry-after", self.reset_after);
        }
    }
}

/// OpenAPI: the rate-limit headers on every response of every operation
/// (each names a key; `Retry-After` comes with a 429).
pub struct RateLimitHeaders;

impl utoipa::Modify for RateLimitHeaders {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::RefOr;
        let header = |description: &str| {
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some(description))
                .build()
        };
        let headers = [
            (
                "X-RateLimit-Limit",
                "Requests allowed per window for this key.",
            ),
            ("X-RateLimit-Remaining", "Requests left in this window."),
            ("X-RateLimit-Reset", "Seconds until the window restarts."),
        ];
        for item in api.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for response in operation.responses.responses.values_mut() {
                    if let RefOr::T(response) = response {
                        for (name, description) in headers {
                            response.headers.insert(name.into(), header(description));
                        }
                    }
                }
            }
        }
    }
}

struct Window {
    started: Instant,
    count: u32,
}

/// Fixed windows per key.
pub struct RateLimiter<C: Clock = SystemClock> {
    limit: u32,
    window: Duration,
    clock: C,
    windows: Mutex<HashMap<String, Window>>,
}

/// Past this many tracked keys, expired windows are dropped on the next
/// request (so memory stays bounded by the keys active in one window).
const PRUNE_ABOVE: usize = 10_000;

impl<C: Clock> RateLimiter<C> {
    /// `limit` requests per `window` for each key.
    pub fn new(limit: u32, window: Duration, clock: C) -> Self {
        Self {
            limit,
            window,
            clock,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Requests per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Window length.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Counts a request of `key` and decides.
    pub fn check(&self, key: &str) -> Decision {
        let now = self.clock.now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() > PRUNE_ABOVE {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let w = windows.entry(key.to_owned()).or_insert(Window {
            started: now,
            count: 0,
        });
        if now.duration_since(w.started) >= self.window {
            *w = Window {
                started: now,
                count: 0,
            };
        }
        let allowed = w.count < self.limit;
        if allowed {
            w.count += 1;
        }
        let left = self.window.saturating_sub(now.duration_since(w.started));
        Decision {
            allowed,
            limit: self.limit,
            remaining: self.limit - w.count,
            reset_after: left.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A clock the test moves by hand.
    #[derive(Clone)]
    struct FakeClock(Arc<Mutex<Instant>>);

    impl FakeClock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Instant {
            *self.0.lock().unwrap()
        }
    }

    #[test]
    fn the_101st_request_in_the_window_is_refused_until_it_restarts() {
        let clock = FakeClock(Arc::new(Mutex::new(Instant::now())));
        let limiter = RateLimiter::new(100, Duration::from_secs(10), clock.clone());
        for i in 0..100 {
            let d = limiter.check("k");
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 99 - i);
            clock.advance(Duration::from_millis(50));
        }
        let refused = limiter.check("k");
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset_after), (0, 5));
        // Other keys have their own window.
        assert!(limiter.check("other").allowed);
        clock.advance(Duration::from_millis(4_900));
        assert!(!limiter.check("k").allowed);
        clock.advance(Duration::from_millis(100));
        let fresh = limiter.check("k");
        assert!(fresh.allowed);
        assert_eq!((fresh.remaining, fresh.reset_after), (99, 10));
    }

    #[test]
    fn headers_are_named_and_retry_after_only_on_refusal() {
        let mut headers = HeaderMap::new();
        let d = Decision {
            allowed: false,
            limit: 100,
            remaining: 0,
            reset_after: 7,
        };
        d.write_headers(&mut headers);
        assert_eq!(headers["x-ratelimit-limit"], "100");
        assert_eq!(headers["x-ratelimit-remaining"], "0");
        assert_eq!(headers["x-ratelimit-reset"], "7");
        assert_eq!(headers["retry-after"], "7");
        let mut ok = HeaderMap::new();
        Decision { allowed: true, ..d }.write_headers(&mut ok);
        assert!(!ok.contains_key("retry-after"));
    }
}
