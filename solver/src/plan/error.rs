//! Why a plan request is rejected: the record and the field, in words.

use thiserror::Error;

/// A request that cannot be planned. Visits with a missing location are
/// not errors: they come back unassigned with `MISSING_LOCATION`.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not a plan request (syntax or value shape).
    #[error("invalid plan JSON: {0}")]
    Json(String),
    /// One field of one record is invalid.
    #[error("{record}: {field}: {problem}")]
    Field {
        /// The record, e.g. `visits[3] (_id abc)` or `drivers[0] (id d1)`.
        record: String,
        /// The field, e.g. `time_windows[1].latest`.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The model rejected the translated problem (should not happen after
    /// validation; kept as an error rather than a panic).
    #[error("invalid problem: {0}")]
    Model(String),
}

impl PlanError {
    /// A field error.
    pub fn field(record: &str, field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Field {
            record: record.to_string(),
            field: field.into(),
            problem: problem.into(),
        }
    }
}
