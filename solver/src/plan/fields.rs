//! Reading one lenient field ([`NumberLike`], [`BoolLike`], a window) into
//! its value, or into a [`FieldIssue`] naming the field with a stable code.
//! Every check of the plan format's records is written with these.

use super::error::{FieldIssue, IssueCode};
use super::lenient::{BoolLike, NumberLike};
use super::request::{SoftLimitRequest, WindowRequest};
use crate::model::{LatLng, Priority, SoftLimit, TimeWindow};

/// A finite number.
pub fn number(field: &str, value: &NumberLike) -> Result<f64, FieldIssue> {
    value
        .value()
        .map_err(|problem| FieldIssue::new(field, IssueCode::InvalidType, problem))
}

/// An optional finite number.
pub fn optional_number(field: &str, value: &Option<NumberLike>) -> Result<Option<f64>, FieldIssue> {
    value.as_ref().map(|v| number(field, v)).transpose()
}

/// A number `>= 0`.
pub fn non_negative(field: &str, value: &NumberLike) -> Result<f64, FieldIssue> {
    let v = number(field, value)?;
    if v < 0.0 {
        return Err(FieldIssue::new(
            field,
            IssueCode::OutOfRange,
            format!("must be >= 0, got {v}"),
        ));
    }
    Ok(v)
}

/// A whole number.
pub fn whole(field: &str, value: &NumberLike) -> Result<i64, FieldIssue> {
    number(field, value)?;
    value
        .integer()
        .map_err(|problem| FieldIssue::new(field, IssueCode::NotWhole, problem))
}

/// A boolean; absent is false.
pub fn flag(field: &str, value: &Option<BoolLike>) -> Result<bool, FieldIssue> {
    value.as_ref().map_or(Ok(false), |b| {
        b.value()
            .map_err(|problem| FieldIssue::new(field, IssueCode::InvalidType, problem))
    })
}

/// A priority; absent is [`Priority::DEFAULT`].
pub fn priority(field: &str, value: &Option<NumberLike>) -> Result<Priority, FieldIssue> {
    match value {
        Some(p) => Priority::new(whole(field, p)?)
            .map_err(|problem| FieldIssue::new(field, IssueCode::OutOfRange, problem)),
        None => Ok(Priority::DEFAULT),
    }
}

/// A point from its two coordinates (both numbers, in range).
pub fn point(field: &str, lat: &NumberLike, lng: &NumberLike) -> Result<LatLng, FieldIssue> {
    let invalid = |problem: String| FieldIssue::new(field, IssueCode::InvalidType, problem);
    let (lat, lng) = (lat.value().map_err(invalid)?, lng.value().map_err(invalid)?);
    LatLng::new(lat, lng).map_err(|problem| FieldIssue::new(field, IssueCode::OutOfRange, problem))
}

/// A window with `earliest <= latest`; both ends are checked.
pub fn window(field: &str, w: &WindowRequest) -> Result<TimeWindow, Vec<FieldIssue>> {
    let earliest = number(&format!("{field}.earliest"), &w.earliest);
    let latest = number(&format!("{field}.latest"), &w.latest);
    match (earliest, latest) {
        (Ok(earliest), Ok(latest)) if earliest > latest => Err(vec![FieldIssue::new(
            field,
            IssueCode::WindowOrder,
            format!("earliest {earliest} is after latest {latest}"),
        )]),
        (Ok(earliest), Ok(latest)) => Ok(TimeWindow::new(earliest, latest)),
        (earliest, latest) => Err(earliest.err().into_iter().chain(latest.err()).collect()),
    }
}

/// A soft limit (`lateness`, `shift.overtime`): both values given and
/// `>= 0`; each bad one is an issue naming `field.maxSeconds` or
/// `field.costPerSecond`.
pub fn soft_limit(field: &str, l: &SoftLimitRequest) -> Result<SoftLimit, Vec<FieldIssue>> {
    let read = |name: &str, value: &Option<NumberLike>| {
        let field = format!("{field}.{name}");
        match value {
            Some(v) => non_negative(&field, v),
            None => Err(FieldIssue::new(field, IssueCode::Required, "is required")),
        }
    };
    match (
        read("maxSeconds", &l.max_seconds),
        read("costPerSecond", &l.cost_per_second),
    ) {
        (Ok(max_seconds), Ok(cost)) => Ok(SoftLimit::new(max_seconds, cost)),
        (max, cost) => Err(max.err().into_iter().chain(cost.err()).collect()),
    }
}

/// An optional soft limit.
pub fn optional_soft_limit(
    field: &str,
    l: &Option<SoftLimitRequest>,
) -> Result<Option<SoftLimit>, Vec<FieldIssue>> {
    l.as_ref().map(|l| soft_limit(field, l)).transpose()
}

/// Collects the issues of several fields while reading them.
#[derive(Debug, Default)]
pub struct Collect(pub Vec<FieldIssue>);

impl Collect {
    /// The value of a read, or `fallback` after recording its issue.
    pub fn take<T>(&mut self, read: Result<T, FieldIssue>, fallback: T) -> T {
        read.unwrap_or_else(|issue| {
            self.0.push(issue);
            fallback
        })
    }

    /// Like [`Collect::take`] for reads with several issues.
    pub fn take_all<T>(&mut self, read: Result<T, Vec<FieldIssue>>, fallback: T) -> T {
        read.unwrap_or_else(|issues| {
            self.0.extend(issues);
            fallback
        })
    }

    /// `value` when no read failed, else every issue.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldIssue>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}
