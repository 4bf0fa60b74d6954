//! Re-route scenarios for demos, tests and benchmarks: a generated day is
//! planned (the published plan), then the clock moves to `at`: visits
//! finished by then are closed, the ones being served are in progress,
//! one driver is running late and one urgent priority-1 visit arrives.

use super::generate::{generate, GenerateParams};
use super::lenient::{BoolLike, IdLike, NumberLike};
use super::request::{CurrentPosition, PlanRequest, VisitRequest, WindowRequest};
use super::{plan, PlanError, PlanResult};
use crate::solve::Stop;

/// The shape of a generated re-route.
#[derive(Debug, Clone, Copy)]
pub struct RerouteParams {
    /// The day to generate and publish.
    pub day: GenerateParams,
    /// The moment of the re-plan, seconds from midnight.
    pub at: f64,
    /// How late the late driver is, seconds after `at`.
    pub delay: f64,
    /// Search iterations of the published plan (fixed, so the scenario
    /// depends only on the parameters).
    pub plan_iterations: u64,
}

impl RerouteParams {
    /// A re-route at `at` of the day `day`: one driver an hour late, the
    /// published plan from 2000 search iterations.
    pub fn new(day: GenerateParams, at: f64) -> Self {
        Self {
            day,
            at,
            delay: 3600.0,
            plan_iterations: 2000,
        }
    }
}

fn yes() -> Option<BoolLike> {
    Some(BoolLike::Bool(true))
}

/// The day of `params.day`, planned and advanced to `params.at`.
pub fn generate_reroute(params: &RerouteParams) -> Result<PlanRequest, PlanError> {
    let mut request = generate(params.day);
    request.options.iterations = Some((params.plan_iterations as f64).into());
    request.options.time_limit_seconds = Some(600.0.into());
    let published = plan(
        &request,
        &Stop::after(std::time::Duration::from_secs(600)),
        &mut |_| {},
    )?;
    publish(&mut request, &published, params.at);
    request.mode = Some("reroute".into());
    request.now = Some(params.at.into());
    request.options.iterations = None;
    request.options.time_limit_seconds = Some(0.8.into());
    add_late_driver(&mut request, &published, params.at + params.delay);
    add_urgent_visit(&mut request, params.at);
    Ok(request)
}

/// Writes the published plan into the visits (driver, order, ETA) and
/// closes or starts what happened before `at`.
fn publish(request: &mut PlanRequest, published: &PlanResult, at: f64) {
    // Only the published stops below are part of today's plan (closed
    // and skipped visits of the generated day never were).
    for v in &mut request.visits {
        v.driver_id = None;
        v.service_order = None;
        v.in_progress = None;
    }
    let index: std::collections::HashMap<String, usize> = request
        .visits
        .iter()
        .enumerate()
        .filter_map(|(i, v)| super::translation::visit_identity(v).map(|id| (id, i)))
        .collect();
    for route in &published.routes {
        for stop in &route.stops {
            let Some(&i) = index.get(&stop.visit_id) else {
                continue;
            };
            let v = &mut request.visits[i];
            v.driver_id = Some(route.driver_id.clone());
            v.service_order = Some((stop.service_order as f64).into());
            v.eta = Some(stop.service_start.into());
            if stop.departure <= at {
                v.closed = yes();
            } else if stop.service_start <= at {
                v.in_progress = yes();
            }
        }
    }
}

/// The driver with the most stops still to do is free only from
/// `free_from`, where they are now.
fn add_late_driver(request: &mut PlanRequest, published: &PlanResult, free_from: f64) {
    let remaining =
        |r: &super::RouteResult| r.stops.iter().filter(|s| s.departure > free_from).count();
    let Some(route) = published.routes.iter().max_by_key(|r| remaining(r)) else {
        return;
    };
    if let Some(driver) = request.drivers.iter_mut().find(|d| d.id == route.driver_id) {
        driver.current = Some(CurrentPosition {
            at: Some(free_from.into()),
            ..CurrentPosition::default()
        });
    }
}

/// One urgent visit in central Aberdeen: priority 1, to start within three
/// hours, no published driver.
fn add_urgent_visit(request: &mut PlanRequest, at: f64) {
    request.visits.push(VisitRequest {
        doc_id: Some("URGENT-0001".into()),
        id: Some(IdLike::Number(99_000_001u64.into())),
        date: Some(request.date.clone()),
        lat: Some(57.1497.into()),
        lng: Some((-2.0943).into()),
        time_windows: vec![WindowRequest {
            earliest: at.into(),
            latest: (at + 3.0 * 3600.0).into(),
        }],
        duration: Some(1800.0.into()),
        required_skills: vec!["Plumber".into()],
        priority: Some(NumberLike::Number(1.0)),
        ..VisitRequest::default()
    });
}
