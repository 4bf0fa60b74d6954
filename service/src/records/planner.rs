//! The planner's own checks of a record (`ordo_solver::plan::check_visit`,
//! `check_driver`), added to the field table's: what the API stores, the
//! planner can use. A field the table already refuses is named once.

use ordo_solver::plan::FieldIssue;

use super::FieldError;

/// The planner's `issues` as field errors, but for fields (or their
/// parent) already in `found`.
pub fn planner_errors(found: &[FieldError], issues: Vec<FieldIssue>) -> Vec<FieldError> {
    let root = |field: &str| {
        field
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let named: Vec<String> = found.iter().map(|e| root(&e.field)).collect();
    issues
        .into_iter()
        .filter(|i| !named.contains(&root(&i.field)))
        .map(|i| FieldError::new(i.field, i.message))
        .collect()
}
