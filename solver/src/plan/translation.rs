//! A request turned into a model, with the way back to request records:
//! what the translation produces and the result, the reasons and the
//! re-route read. A leaf of the plan module (it imports only the request,
//! the situation and the model), so the import graph is one-way.

use super::date::PlanDate;
use super::request::VisitRequest;
use super::result::ReasonCode;
use super::situation::Replan;
use crate::model::{Priority, Problem};

/// Drivers left after each eligibility filter, in order.
#[derive(Debug, Clone, Default)]
pub struct Eligibility {
    /// Drivers holding every required skill.
    pub by_skills: Vec<usize>,
    /// ... and allowed (`allowed_vehicles`, the in-progress driver).
    pub by_allowed: Vec<usize>,
    /// ... and covering the territory.
    pub by_territory: Vec<usize>,
}

/// A request visit that never reaches the model, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// Its index in the request.
    pub request_index: usize,
    /// Its priority (the default when its own is invalid).
    pub priority: Priority,
    /// Why.
    pub reason: ReasonCode,
    /// The details (the fields in issue, for `INVALID_RECORD`).
    pub detail: String,
}

/// A request turned into a model, with the way back to request records.
#[derive(Debug, Clone)]
pub struct Translation {
    /// The plan's date.
    pub date: PlanDate,
    /// The routing problem.
    pub problem: Problem,
    /// Request index of each model visit.
    pub request_index: Vec<usize>,
    /// Request priority of each model visit (a re-route raises the model
    /// priority of its fixed head to 1 so the search never trades it away).
    pub priority: Vec<u8>,
    /// Eligible drivers of each model visit.
    pub eligibility: Vec<Eligibility>,
    /// Visits the planner could not use (`INVALID_RECORD`,
    /// `DRIVER_NOT_IN_PLAN`), when the request asks to unassign them.
    pub invalid: Vec<LeftOut>,
    /// Visits without a location (`MISSING_LOCATION`).
    pub missing_location: Vec<LeftOut>,
    /// Re-route: visits whose every window closed before `now`.
    pub expired: Vec<LeftOut>,
    /// Closed or skipped visits.
    pub excluded: usize,
    /// The situation of a re-route (`mode: "reroute"`).
    pub replan: Option<Replan>,
}

/// The visit's identity in results: `_id`, else `id` as text.
pub fn visit_identity(visit: &VisitRequest) -> Option<String> {
    visit
        .doc_id
        .clone()
        .filter(|s| !s.is_empty())
        .or_else(|| visit.id.as_ref().map(|id| id.text()))
}

/// How errors name request visit `i`.
pub fn visit_record(i: usize, visit: &VisitRequest) -> String {
    match (&visit.doc_id, &visit.id) {
        (Some(doc), _) => format!("visits[{i}] (_id {doc})"),
        (None, Some(id)) => format!("visits[{i}] (id {})", id.text()),
        (None, None) => format!("visits[{i}]"),
    }
}

/// How errors name request driver `d` of id `id`.
pub fn driver_record(d: usize, id: &str) -> String {
    if id.trim().is_empty() {
        format!("drivers[{d}]")
    } else {
        format!("drivers[{d}] (id {id})")
    }
}
