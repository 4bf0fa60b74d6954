//! The application: shared state (storage, rate limiter, key cache, plan
//! jobs), the router with its layers (CORS outermost, so a preflight needs
//! no key; the per-key rate limit on everything; the key check on the
//! resources; JSON-only answers, body limit, our 404 and 405), and the
//! server loop with graceful shutdown.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::header::{ACCEPT, ALLOW, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

use crate::api;
use crate::auth::{authenticate, KeyCache};
use crate::error::ApiError;
use crate::jobs::{JobManager, Role};
use crate::rate_limit::{RateLimiter, SystemClock};
use crate::storage::{Conn, Storage, StorageError};

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requests per window and key.
    pub rate_limit: u32,
    /// The rate-limit window.
    pub rate_window: Duration,
    /// Plan searches running at once; more jobs queue.
    pub max_solves: usize,
    /// Origins a browser may call from (`https://dispatch.example.com`);
    /// empty = any.
    pub cors_origins: Vec<HeaderValue>,
    /// What the dispatcher's page at `/` is told (tile URL).
    pub page: crate::web::PageConfig,
    /// Road travel of plan jobs that name none (`ordo serve --router`).
    pub router: Option<crate::routing::Router>,
    /// Whether this server solves plan jobs, serves the API, or both.
    pub role: Role,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            rate_limit: 100,
            rate_window: Duration::from_secs(10),
            max_solves: 2,
            cors_origins: Vec::new(),
            page: crate::web::PageConfig::default(),
            router: None,
            role: Role::All,
        }
    }
}

/// Body size cap: a batch of a few thousand visits.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub storage: Arc<Storage>,
    /// Per-key request counts.
    pub limiter: Arc<RateLimiter<SystemClock>>,
    /// Known API keys.
    pub keys: Arc<KeyCache>,
    /// Plan jobs.
    pub jobs: Arc<JobManager>,
    /// Origins allowed by CORS; empty = any.
    pub cors_origins: Arc<Vec<HeaderValue>>,
    /// The dispatcher's page settings.
    pub page: crate::web::PageConfig,
}

impl AppState {
    /// State over `storage` with `config`.
    pub fn new(storage: Arc<Storage>, config: &Config) -> Result<Self, StorageError> {
        Ok(Self {
            jobs: Arc::new(
                JobManager::new(Arc::clone(&storage), config.max_solves, config.role)?
                    .with_router(config.router.clone()),
            ),
            storage,
            limiter: Arc::new(RateLimiter::new(
                config.rate_limit,
                config.rate_window,
                SystemClock,
            )),
            keys: Arc::new(KeyCache::default()),
            cors_origins: Arc::new(config.cors_origins.clone()),
            page: config.page.clone(),
        })
    }

    /// Runs `f` on a blocking thread (SQLite calls block).
    pub async fn with_storage<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Storage) -> R + Send + 'static,
    ) -> Result<R, ApiError> {
        let storage = Arc::clone(&self.storage);
        tokio::task::spawn_blocking(move || f(&storage))
            .await
            .map_err(|e| ApiError::Internal(format!("storage task: {e}")))
    }

    /// Runs `f` with the connection on a blocking thread.
    pub async fn db<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Conn<'_>) -> Result<R, StorageError> + Send + 'static,
    ) -> Result<R, ApiError> {
        Ok(self.with_storage(move |s| s.run(f)).await??)
    }
}

/// The rate-limit headers (and the others a client script reads).
const EXPOSED: [HeaderName; 5] = [
    HeaderName::from_static("x-ratelimit-limit"),
    HeaderName::from_static("x-ratelimit-remaining"),
    HeaderName::from_static("x-ratelimit-reset"),
    RETRY_AFTER,
    LOCATION,
];

/// CORS for browser clients: answers preflights itself (no key needed),
/// allows `origins` (any when empty) and exposes the rate-limit headers.
pub fn cors(origins: &[HeaderValue]) -> CorsLayer {
    let allowed = if origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().cloned())
    };
    CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
        ])
        // Whatever headers the page asks for: the key check, not CORS,
        // guards the data (credentials are not allowed with any origin).
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(EXPOSED)
        .max_age(Duration::from_secs(600))
}

/// The whole HTTP application: the API, and the dispatcher's page at `/`
/// (outside the JSON-only layer: browsers ask for HTML).
pub fn router(state: AppState) -> Router {
    let page = crate::web::router(state.page.clone());
    let resources =
        api::resources().route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    let cors = cors(&state.cors_origins);
    Router::new()
        .merge(resources)
        .merge(api::openapi::router())
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .layer(middleware::from_fn(json_only))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::rate_limit::limit,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(cors)
        .with_state(state)
        .merge(page)
}

/// Whether an `Accept` header admits JSON.
fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|item| {
        let media = item
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        matches!(
            media.as_str(),
            "" | "*/*" | "application/*" | "application/json"
        ) || media.ends_with("+json")
    })
}

/// 406 for clients that do not accept JSON; axum's bare 405 re-shaped
/// into our envelope (keeping its `Allow` header).
async fn json_only(request: Request, next: Next) -> Response {
    let accept = request
        .headers()
        .get(ACCEPT)
        .map(|a| a.to_str().unwrap_or("?"));
    if accept.is_some_and(|a| !accepts_json(a)) {
        return ApiError::NotAcceptable.into_response();
    }
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|c| c.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::METHOD_NOT_ALLOWED && !is_json {
        let allow: Option<HeaderValue> = response.headers().get(ALLOW).cloned();
        let mut ours = ApiError::MethodNotAllowed.into_response();
        if let Some(allow) = allow {
            ours.headers_mut().insert(ALLOW, allow);
        }
        return ours;
    }
    response
}

/// Serves until Ctrl-C or SIGTERM, then stops running plan searches (they
/// end `cancelled`, keeping their best plan).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let jobs = Arc::clone(&state.jobs);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(crate::shutdown::signal())
        .await?;
    jobs.shutdown();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers() {
        for ok in [
            "*/*",
            "application/json",
            "text/html, application/json;q=0.9",
            "application/*",
            "application/problem+json",
        ] {
            assert!(accepts_json(ok), "{ok}");
        }
        for bad in ["text/html", "application/xml", "text/*"] {
            assert!(!accepts_json(bad), "{bad}");
        }
    }
}
