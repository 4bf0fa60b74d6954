//! Why a plan request is rejected: every bad field of every record, each
//! with the record, the field, a stable code and the problem in words.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// What is wrong with a field, stable for programs (the words may change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssueCode {
    /// A required field is absent.
    Required,
    /// The value has the wrong type (text where a number belongs, ...).
    InvalidType,
    /// A number outside its allowed range.
    OutOfRange,
    /// A fraction where a whole number belongs.
    NotWhole,
    /// A window whose `earliest` is after its `latest`.
    WindowOrder,
    /// An id given twice.
    Duplicate,
    /// A driver id that is not among the request's drivers.
    UnknownDriver,
    /// A text outside its allowed values (`mode`, `lock`).
    UnknownValue,
    /// Fields that do not fit together (a matrix of the wrong size, `lat`
    /// without `lng`).
    Inconsistent,
}

impl IssueCode {
    /// The code as the API and the command line print it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "REQUIRED",
            Self::InvalidType => "INVALID_TYPE",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::NotWhole => "NOT_WHOLE",
            Self::WindowOrder => "WINDOW_ORDER",
            Self::Duplicate => "DUPLICATE",
            Self::UnknownDriver => "UNKNOWN_DRIVER",
            Self::UnknownValue => "UNKNOWN_VALUE",
            Self::Inconsistent => "INCONSISTENT",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bad field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    /// The field, e.g. `time_windows[1].latest`.
    pub field: String,
    /// What kind of problem.
    pub code: IssueCode,
    /// What is wrong, in words.
    pub message: String,
}

impl FieldIssue {
    /// An issue of `field`.
    pub fn new(field: impl Into<String>, code: IssueCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.field, self.message, self.code)
    }
}

/// One bad field, with the record it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordIssue {
    /// The record, e.g. `visits[3] (_id abc)`, `drivers[0] (id d1)`,
    /// `options.travel` or `request`.
    pub record: String,
    /// The field and what is wrong with it.
    #[serde(flatten)]
    pub issue: FieldIssue,
}

impl fmt::Display for RecordIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.record, self.issue)
    }
}

/// A request that cannot be planned. Visits with a missing location are
/// not errors: they come back unassigned with `MISSING_LOCATION`.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not a plan request (syntax or value shape).
    #[error("invalid plan JSON: {0}")]
    Json(String),
    /// Fields of records are invalid: every one found, in request order.
    #[error("{}", list(.0))]
    Invalid(Vec<RecordIssue>),
    /// The model rejected the translated problem (should not happen after
    /// validation; kept as an error rather than a panic).
    #[error("invalid problem: {0}")]
    Model(String),
}

fn list(issues: &[RecordIssue]) -> String {
    match issues {
        [one] => one.to_string(),
        many => {
            let lines: Vec<String> = many.iter().map(|i| format!("  {i}")).collect();
            format!("{} invalid fields:\n{}", many.len(), lines.join("\n"))
        }
    }
}

impl PlanError {
    /// A single field error.
    pub fn field(
        record: &str,
        field: impl Into<String>,
        code: IssueCode,
        problem: impl Into<String>,
    ) -> Self {
        Self::Invalid(vec![RecordIssue {
            record: record.to_string(),
            issue: FieldIssue::new(field, code, problem),
        }])
    }

    /// Every field issue of the error (empty for JSON and model errors).
    pub fn issues(&self) -> &[RecordIssue] {
        match self {
            Self::Invalid(issues) => issues,
            _ => &[],
        }
    }
}

/// Issues gathered across a request, record by record.
#[derive(Debug, Default)]
pub(crate) struct Issues(Vec<RecordIssue>);

impl Issues {
    /// Adds the issues of `record`.
    pub fn extend(&mut self, record: &str, issues: impl IntoIterator<Item = FieldIssue>) {
        self.0.extend(issues.into_iter().map(|issue| RecordIssue {
            record: record.to_string(),
            issue,
        }));
    }

    /// Adds one issue of `record`.
    pub fn push(&mut self, record: &str, field: &str, code: IssueCode, problem: impl Into<String>) {
        self.extend(record, [FieldIssue::new(field, code, problem)]);
    }

    /// Adds the issues of a [`PlanError::Invalid`]; other errors are returned.
    pub fn absorb(&mut self, error: PlanError) -> Result<(), PlanError> {
        match error {
            PlanError::Invalid(issues) => {
                self.0.extend(issues);
                Ok(())
            }
            other => Err(other),
        }
    }

    /// `value` when nothing was found, else every issue.
    pub fn into_result<T>(self, value: T) -> Result<T, PlanError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(PlanError::Invalid(self.0))
        }
    }
}
