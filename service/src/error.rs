//! `ApiError`: every failure of the HTTP API, turned into the visits
//! document's envelope (`meta` says what went wrong, `data` is null) with
//! its status code. Causes of 500s are logged, never returned.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::records::FieldError;
use crate::storage::StorageError;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request cannot be read (bad JSON, bad query parameter).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no API key, or not one we know.
    #[error("missing or invalid API key: send Authorization: Bearer KEY or ?api_key=KEY")]
    Unauthorized,
    /// 404: no such resource (for this company) or endpoint.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    /// 406: the client does not accept JSON.
    #[error("this API only answers application/json")]
    NotAcceptable,
    /// 409: the request cannot be carried out in the resource's current
    /// state (a plan whose visits changed since it read them); `conflicts`
    /// lists what is in the way.
    #[error("{message}")]
    Conflict {
        /// Summary.
        message: String,
        /// What conflicts (e.g. `{visitId, id, reason}` per visit).
        conflicts: Vec<serde_json::Value>,
    },
    /// 413: body over the size limit.
    #[error("request body too large")]
    PayloadTooLarge,
    /// 415: a body that says it is not JSON.
    #[error("send JSON bodies with Content-Type: application/json")]
    UnsupportedMediaType,
    /// 422: well-formed but invalid; `errors` name the fields.
    #[error("{message}")]
    Validation {
        /// Summary.
        message: String,
        /// Per-field reasons.
        errors: Vec<FieldError>,
    },
    /// 429: over the rate limit (the headers say when to retry).
    #[error("rate limit exceeded: {limit} requests per {window} s")]
    TooManyRequests {
        /// Requests per window.
        limit: u32,
        /// Window in seconds.
        window: u64,
    },
    /// 500: our fault; the cause is logged.
    #[error("internal server error")]
    Internal(String),
}

impl ApiError {
    /// A 422 about one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        Self::Validation {
            message: format!("{}: {}", error.field, error.message),
            errors: vec![error],
        }
    }

    /// A 422 about several fields of one record.
    pub fn fields(errors: Vec<FieldError>) -> Self {
        let message = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self::Validation { message, errors }
    }

    /// Status code and stable short code.
    pub fn status(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::NotAcceptable => (StatusCode::NOT_ACCEPTABLE, "not_acceptable"),
            Self::Conflict { .. } => (StatusCode::CONFLICT, "conflict"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Self::Validation { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_server_error"),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        Self::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status();
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        let mut meta = json!({"status": status.as_u16(), "code": code, "error": self.to_string()});
        if let Self::Validation { errors, .. } = &self {
            meta["errors"] = json!(errors);
        }
        if let Self::Conflict { conflicts, .. } = &self {
            meta["conflicts"] = json!(conflicts);
        }
        (status, Json(json!({"meta": meta, "data": null}))).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(error: ApiError) -> (StatusCode, serde_json::Value) {
        let response = error.into_response();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn errors_use_the_envelope() {
        let (status, json) = body(ApiError::NotFound("visit 7 not found".into())).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            json,
            json!({"meta": {"status": 404, "code": "not_found", "error": "visit 7 not found"},
                   "data": null})
        );
        let (status, json) = body(ApiError::field("priority", "must be in 1..=10")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(json["meta"]["errors"][0]["field"], "priority");
        assert_eq!(json["meta"]["error"], "priority: must be in 1..=10");
        let conflict =
            json!({"visitId": "abc", "id": 7, "reason": "modified after the plan started"});
        let (status, json) = body(ApiError::Conflict {
            message: "1 visit changed".into(),
            conflicts: vec![conflict.clone()],
        })
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            json,
            json!({"meta": {"status": 409, "code": "conflict", "error": "1 visit changed",
                            "conflicts": [conflict]}, "data": null})
        );
        let (status, json) = body(ApiError::Internal("disk on fire".into())).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!json.to_string().contains("disk"));
    }
}
