//! Visits into model visits: each visit's fields read and checked once
//! ([`read_visit_fields`]), then its re-route rule, windows, lock,
//! location and eligibility. A visit that cannot be planned is left out
//! with its reason; one the planner cannot use is an issue of the request,
//! or unassigned when the request says so (`options.invalidVisits`).

use std::collections::HashSet;

use super::super::error::{FieldIssue, IssueCode, Issues};
use super::super::request::{InvalidVisits, PlanRequest, VisitRequest};
use super::super::reroute::{Replan, VisitRule};
use super::super::result::ReasonCode;
use super::super::translation::{visit_identity, visit_record, Eligibility, LeftOut};
use super::super::valid_visit::read_visit_fields;
use super::driver::Drivers;
use super::eligibility::{eligibility, VehicleNames};
use super::SkillIds;
use crate::model::{Priority, SoftLimit, TimeWindow, Visit};

/// What the visits' translation reads of the rest of the request.
pub(super) struct Context<'a> {
    pub request: &'a PlanRequest,
    /// Travel from a supplied matrix (no coordinates needed).
    pub matrix: bool,
    pub drivers: &'a Drivers<'a>,
    pub replan: Option<&'a Replan>,
    pub names: VehicleNames<'a>,
    /// `options.lateness`: the soft windows of visits without their own.
    pub lateness: Option<SoftLimit>,
}

/// The request's visits, split by what became of them.
#[derive(Debug, Default)]
pub(super) struct Visits {
    /// Model visits.
    pub model: Vec<Visit>,
    /// Request index of each model visit.
    pub request_index: Vec<usize>,
    /// Request priority of each model visit.
    pub priority: Vec<u8>,
    /// Eligible drivers of each model visit.
    pub eligibility: Vec<Eligibility>,
    /// Unusable, unassigned on request.
    pub invalid: Vec<LeftOut>,
    /// Without a location.
    pub missing_location: Vec<LeftOut>,
    /// Every window closed (re-route).
    pub expired: Vec<LeftOut>,
    /// Closed or skipped.
    pub excluded: usize,
}

/// What became of one visit.
enum Outcome {
    Excluded,
    LeftOut(ReasonCode, String),
    /// Unusable: its issues, and the reason when it is unassigned.
    Invalid(ReasonCode, Vec<FieldIssue>),
    Planned(Box<Visit>, Eligibility),
}

/// Every visit of the request; issues gathered.
pub(super) fn translate_visits(
    context: &Context,
    skills: &mut SkillIds,
    coords: &mut [(f64, f64)],
    issues: &mut Issues,
) -> Visits {
    let policy = context.request.options.invalid_visits.unwrap_or_default();
    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut visits = Visits::default();
    for (i, v) in context.request.visits.iter().enumerate() {
        let record = visit_record(i, v);
        let Some(identity) = visit_identity(v) else {
            issues.push(&record, "_id", IssueCode::Required, "needs an _id or an id");
            continue;
        };
        let (priority, outcome) = if seen_ids.insert(identity.clone()) {
            translate_visit(context, i, v, identity, skills, coords)
        } else {
            let issue = FieldIssue::new(
                "_id",
                IssueCode::Duplicate,
                format!("duplicate visit id {identity}"),
            );
            (
                Priority::DEFAULT,
                Outcome::Invalid(ReasonCode::InvalidRecord, vec![issue]),
            )
        };
        let left_out = |reason, detail| LeftOut {
            request_index: i,
            priority,
            reason,
            detail,
        };
        match outcome {
            Outcome::Excluded => visits.excluded += 1,
            Outcome::LeftOut(reason @ ReasonCode::MissingLocation, detail) => {
                visits.missing_location.push(left_out(reason, detail))
            }
            Outcome::LeftOut(reason, detail) => visits.expired.push(left_out(reason, detail)),
            Outcome::Invalid(reason, found) => match policy {
                InvalidVisits::Reject => issues.extend(&record, found),
                InvalidVisits::Unassign => {
                    let detail: Vec<String> = found.iter().map(ToString::to_string).collect();
                    visits.invalid.push(left_out(reason, detail.join("; ")));
                }
            },
            Outcome::Planned(visit, eligible) => {
                visits.model.push(*visit);
                visits.request_index.push(i);
                visits.priority.push(priority.get());
                visits.eligibility.push(eligible);
            }
        }
    }
    visits
}

/// Request visit `i` (identity `identity`, not seen before) and its
/// priority.
fn translate_visit(
    context: &Context,
    i: usize,
    v: &VisitRequest,
    identity: String,
    skills: &mut SkillIds,
    coords: &mut [(f64, f64)],
) -> (Priority, Outcome) {
    let (fields, found) = read_visit_fields(v);
    let priority = fields.priority;
    // Closed and skipped visits are ignored before their other fields
    // count: a stale record should not sink the whole request.
    if fields.excluded {
        return (priority, Outcome::Excluded);
    }
    if !found.is_empty() {
        return (priority, Outcome::Invalid(ReasonCode::InvalidRecord, found));
    }
    let rule = match context.replan {
        Some(replan) => replan.visit_rule(i, fields.duration, fields.remaining_duration),
        None => VisitRule::default(),
    };
    let windows = match context.replan {
        _ if rule.any_time => vec![TimeWindow::unbounded()],
        Some(replan) => replan.open_windows(fields.windows),
        None => fields.windows,
    };
    if windows.is_empty() {
        let detail = "every time window closed before now".to_string();
        return (
            priority,
            Outcome::LeftOut(ReasonCode::TimeWindowUnreachable, detail),
        );
    }
    let in_progress_lock = if fields.in_progress {
        let driver = v.driver_id.as_deref().unwrap_or("");
        match context.drivers.index.get(driver) {
            Some(&d) => Some(d),
            None => {
                let issue = FieldIssue::new(
                    "driverId",
                    IssueCode::UnknownDriver,
                    format!(
                        "in progress with driver \"{driver}\", who is not among the plan's drivers"
                    ),
                );
                return (
                    priority,
                    Outcome::Invalid(ReasonCode::DriverNotInPlan, vec![issue]),
                );
            }
        }
    } else {
        None
    };
    let lock = in_progress_lock.or(rule.lock);
    let location = 2 * context.request.drivers.len() + i;
    if !context.matrix {
        match fields.location {
            Ok(p) => coords[location] = p.pair(),
            Err(detail) => {
                return (
                    priority,
                    Outcome::LeftOut(ReasonCode::MissingLocation, detail),
                )
            }
        }
    }
    let skills = skills.set(&v.required_skills);
    let (eligible, allowed_vehicles) = eligibility(
        context.request,
        &context.drivers.vehicles,
        &context.names,
        v,
        &skills,
        lock,
    );
    let visit = Visit {
        id: identity,
        location,
        service: rule.service.unwrap_or(fields.duration),
        demand: fields.demand,
        windows,
        skills,
        allowed_vehicles,
        // A re-plan's fixed head is happening now: nothing outranks it.
        priority: if rule.head {
            Priority::HIGHEST
        } else {
            priority
        }
        .get(),
        required: false,
        vehicle_lock: lock,
        must_be_first: fields.in_progress || rule.head,
        precedence: fields.precedence,
        sequence_lock: rule.rank,
        reassignment: rule.reassignment,
        lateness: fields.lateness.or(context.lateness),
    };
    (priority, Outcome::Planned(Box::new(visit), eligible))
}
