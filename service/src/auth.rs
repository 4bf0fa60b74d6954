//! Authentication and tenancy: the API key (`Authorization: Bearer KEY`,
//! a bare `Authorization: KEY`, or `?api_key=KEY` as the visits document
//! allows) is looked up by hash and yields the [`Tenant`] every handler
//! works for. (The per-key rate limit is a layer of its own, outside, so
//! that every answer to a request naming a key carries its headers.)

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::{keys, Tenant};

/// Keys seen recently, with their tenant. Misses are not cached, so a key
/// made by `ordo keys create` works at once. Every entry is dropped when
/// a key is revoked (`ordo keys revoke`, in any process, bumps the
/// database's revocation generation, read on every request), and each
/// lives at most [`KeyCache::MAX_AGE`], among at most
/// [`KeyCache::MAX_KEYS`].
#[derive(Default)]
pub struct KeyCache {
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    /// The revocation generation the entries were read under.
    generation: i64,
    entries: HashMap<String, (Tenant, Instant)>,
}

impl KeyCache {
    /// Entries kept at most (then the oldest half goes).
    pub const MAX_KEYS: usize = 10_000;
    /// An entry's longest life: a company's renamed id or zone shows
    /// within this.
    pub const MAX_AGE: Duration = Duration::from_secs(60);

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached tenant of `key` under revocation `generation`.
    fn get(&self, key: &str, generation: i64, now: Instant) -> Option<Tenant> {
        let mut state = self.lock();
        if state.generation != generation {
            state.entries.clear();
            state.generation = generation;
            return None;
        }
        match state.entries.get(key) {
            Some((tenant, at)) if now.duration_since(*at) < Self::MAX_AGE => Some(tenant.clone()),
            Some(_) => {
                state.entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Remembers `tenant` for `key`, read under `generation`.
    fn insert(&self, key: String, tenant: Tenant, generation: i64, now: Instant) {
        let mut state = self.lock();
        if state.generation != generation {
            return;
        }
        if state.entries.len() >= Self::MAX_KEYS {
            let mut ages: Vec<Instant> = state.entries.values().map(|(_, at)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            state.entries.retain(|_, (_, at)| *at > cut);
        }
        state.entries.insert(key, (tenant, now));
    }

    /// Entries held (tests).
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The key a request names, if any.
pub fn key_of(headers: &HeaderMap, uri: &Uri) -> Option<String> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().ok()?.trim();
        let key = match value.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ if value.eq_ignore_ascii_case("bearer") => "",
            _ => value,
        };
        return (!key.is_empty()).then(|| key.to_owned());
    }
    let axum::extract::Query(pairs) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri).ok()?;
    pairs
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("api_key"))
        .map(|(_, value)| value)
}

/// The key of a request, if it sends one.
fn request_key(parts: &Parts) -> Option<String> {
    key_of(&parts.headers, &parts.uri)
}

/// The tenant of `key`: one small read (the revocation generation) when
/// cached, the key lookup otherwise.
async fn tenant_of(state: &AppState, key: String) -> Result<Option<Tenant>, ApiError> {
    let cache = std::sync::Arc::clone(&state.keys);
    state
        .db(move |c| {
            let generation = keys::revocation_generation(c)?;
            let now = Instant::now();
            if let Some(t) = cache.get(&key, generation, now) {
                return Ok(Some(t));
            }
            let found = keys::tenant_for_key(c, &key)?;
            if let Some(t) = &found {
                cache.insert(key, t.clone(), generation, now);
            }
            Ok(found)
        })
        .await
}

/// Middleware: 401 without a valid key; otherwise the request goes on
/// with its [`Tenant`].
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Some(key) = request_key(&parts) else {
        return ApiError::Unauthorized.into_response();
    };
    match tenant_of(&state, key).await {
        Ok(Some(tenant)) => {
            parts.extensions.insert(tenant);
            next.run(Request::from_parts(parts, body)).await
        }
        Ok(None) => ApiError::Unauthorized.into_response(),
        Err(e) => e.into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Tenant>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request as HttpRequest;

    fn parts(auth: Option<&str>, uri: &str) -> Parts {
        let mut b = HttpRequest::builder().uri(uri);
        if let Some(a) = auth {
            b = b.header(AUTHORIZATION, a);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn keys_come_from_the_header_or_the_query() {
        assert_eq!(
            request_key(&parts(Some("Bearer k1"), "/")),
            Some("k1".into())
        );
        assert_eq!(request_key(&parts(Some("k2"), "/")), Some("k2".into()));
        assert_eq!(
            request_key(&parts(None, "/v?date=x&api_key=k3")),
            Some("k3".into())
        );
        assert_eq!(
            request_key(&parts(None, "/v?API_KEY=k%2B4")),
            Some("k+4".into())
        );
        assert_eq!(request_key(&parts(None, "/v?date=x")), None);
        assert_eq!(request_key(&parts(Some("Bearer "), "/")), None);
    }

    fn tenant() -> Tenant {
        let (_storage, acme, _) = crate::storage::keys::tests::two_tenants();
        acme
    }

    #[test]
    fn the_cache_forgets_on_revoke_with_age_and_when_full() {
        let cache = KeyCache::default();
        let acme = tenant();
        let tenant = || acme.clone();
        let t0 = Instant::now();
        cache.insert("k".into(), tenant(), 0, t0);
        assert!(cache.get("k", 0, t0 + Duration::from_secs(1)).is_some());
        assert!(
            cache.get("k", 0, t0 + KeyCache::MAX_AGE).is_none(),
            "too old"
        );
        cache.insert("k".into(), tenant(), 0, t0);
        assert!(cache.get("k", 1, t0).is_none(), "a key was revoked");
        assert!(cache.is_empty());
        cache.insert("stale".into(), tenant(), 0, t0);
        assert!(cache.is_empty(), "read under an older generation");
        for i in 0..=KeyCache::MAX_KEYS {
            cache.insert(
                format!("k{i}"),
                tenant(),
                1,
                t0 + Duration::from_millis(i as u64),
            );
        }
        assert!(cache.len() <= KeyCache::MAX_KEYS / 2 + 1, "{}", cache.len());
        assert!(cache
            .get(&format!("k{}", KeyCache::MAX_KEYS), 1, t0)
            .is_some());
    }
}
