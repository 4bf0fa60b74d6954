//! The visits document's response envelope: `{"meta": {...}, "data": ...}`,
//! with list metadata (`totalRecords`, `returnedRecords`,
//! `remainingRecords`, `nextStart`) and the `pagination` start parameter.

use std::collections::HashMap;

use axum::Json;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::storage::Page;

/// List metadata.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    /// Records matching the filters.
    pub total_records: usize,
    /// Records in this page (at most 100).
    pub returned_records: usize,
    /// Records after this page.
    pub remaining_records: usize,
    /// `pagination` value of the next page.
    pub next_start: usize,
}

impl ListMeta {
    /// The metadata of `page`.
    pub fn of<T>(page: &Page<T>) -> Self {
        let returned = page.records.len();
        let next_start = page.start + returned;
        Self {
            total_records: page.total,
            returned_records: returned,
            remaining_records: page.total.saturating_sub(next_start),
            next_start,
        }
    }
}

/// `{"meta": meta, "data": data}`.
pub fn envelope(meta: impl Serialize, data: impl Serialize) -> Json<Value> {
    Json(json!({"meta": meta, "data": data}))
}

/// A list page in the envelope.
pub fn list(page: Page<Value>) -> Json<Value> {
    let meta = ListMeta::of(&page);
    envelope(meta, page.records)
}

/// The `pagination` query parameter: where the page starts (default 0).
pub fn pagination(query: &HashMap<String, String>) -> Result<usize, ApiError> {
    match query.get("pagination") {
        None => Ok(0),
        // Exactly as the document states it: empty or digits (no
        // whitespace around them).
        Some(text) if text.is_empty() => Ok(0),
        Some(text) => text.parse().map_err(|_| {
            ApiError::BadRequest(format!(
                "pagination: expected a start index (0, 100, 200 ...), got \"{text}\""
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: usize, start: usize, returned: usize) -> Page<u8> {
        Page {
            records: vec![0; returned],
            total,
            start,
        }
    }

    #[test]
    fn list_meta_counts_what_remains() {
        let meta = ListMeta::of(&page(2000, 0, 100));
        assert_eq!(
            serde_json::to_value(meta).unwrap(),
            json!({"totalRecords": 2000, "returnedRecords": 100,
                   "remainingRecords": 1900, "nextStart": 100})
        );
        let last = ListMeta::of(&page(250, 200, 50));
        assert_eq!((last.remaining_records, last.next_start), (0, 250));
        let past = ListMeta::of(&page(10, 500, 0));
        assert_eq!((past.remaining_records, past.next_start), (0, 500));
    }

    #[test]
    fn pagination_parses_or_says_why() {
        let q = |v: &str| HashMap::from([("pagination".to_string(), v.to_string())]);
        assert_eq!(pagination(&HashMap::new()).unwrap(), 0);
        assert_eq!(pagination(&q("100")).unwrap(), 100);
        assert!(matches!(pagination(&q("-1")), Err(ApiError::BadRequest(_))));
        assert!(matches!(
            pagination(&q("ten")),
            Err(ApiError::BadRequest(_))
        ));
    }
}
