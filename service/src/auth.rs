//! Authentication and tenancy: the API key (`Authorization: Bearer KEY`,
//! a bare `Authorization: KEY`, or `?api_key=KEY` as the visits document
//! allows) is looked up by hash and yields the [`Tenant`] every handler
//! works for. The same middleware applies the per-key rate limit, since
//! the limit is per key and must be known before the handler runs.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::ApiError;
use crate::storage::{keys, Tenant};

/// Known keys. Keys cannot be revoked yet, so a hit stays valid; misses
/// are not cached, so a key made by `ordo keys create` works at once.
#[derive(Default)]
pub struct KeyCache {
    tenants: RwLock<HashMap<String, Tenant>>,
}

/// The key of a request, if it sends one.
fn request_key(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let value = value.to_str().ok()?.trim();
        let key = match value.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
            _ if value.eq_ignore_ascii_case("bearer") => "",
            _ => value,
        };
        return (!key.is_empty()).then(|| key.to_owned());
    }
    let axum::extract::Query(pairs) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).ok()?;
    pairs
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("api_key"))
        .map(|(_, value)| value)
}

async fn tenant_of(state: &AppState, key: String) -> Result<Option<Tenant>, ApiError> {
    let cache = &state.keys;
    if let Some(t) = cache
        .tenants
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return Ok(Some(t.clone()));
    }
    let lookup = key.clone();
    let found = state.db(move |c| keys::tenant_for_key(c, &lookup)).await?;
    if let Some(t) = &found {
        cache
            .tenants
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, t.clone());
    }
    Ok(found)
}

/// Middleware: 401 without a valid key, 429 over the limit; otherwise the
/// request goes on with its [`Tenant`], and the answer gets the
/// rate-limit headers.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Some(key) = request_key(&parts) else {
        return ApiError::Unauthorized.into_response();
    };
    let tenant = match tenant_of(&state, key.clone()).await {
        Ok(Some(t)) => t,
        Ok(None) => return ApiError::Unauthorized.into_response(),
        Err(e) => return e.into_response(),
    };
    let decision = state.limiter.check(&key);
    let mut response = if decision.allowed {
        parts.extensions.insert(tenant);
        next.run(Request::from_parts(parts, body)).await
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
}
