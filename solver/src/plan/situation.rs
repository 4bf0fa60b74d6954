//! The situation at a re-plan, read from a `mode: "reroute"` request before
//! the model is built: the moment `now`, the freeze horizon, the disruption
//! weights, each visit's published driver, rank and ETA, each driver's lock
//! and where each driver is. The re-route rules (`reroute/rules.rs`) turn
//! it into model fields. Visit fields were checked by
//! [`super::valid_visit`]; here a bad one reads as absent.

use std::collections::HashMap;

use super::defaults;
use super::error::{FieldIssue, IssueCode, Issues};
use super::fields::{flag, optional_number};
use super::lenient::NumberLike;
use super::request::{DisruptionRequest, PlanRequest};
use super::PlanError;

/// How much of the published plan a visit must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockLevel {
    /// Anything may change (at the disruption cost).
    #[default]
    Free,
    /// The driver is fixed; the order may change.
    KeepDriver,
    /// Driver and order among the driver's locked visits are fixed.
    Locked,
}

impl LockLevel {
    /// The lock named `text`, or the issue of `field`.
    pub fn parse(field: &str, text: &str) -> Result<Self, FieldIssue> {
        match text {
            "free" => Ok(Self::Free),
            "keepDriver" => Ok(Self::KeepDriver),
            "locked" => Ok(Self::Locked),
            other => Err(FieldIssue::new(
                field,
                IssueCode::UnknownValue,
                format!("must be \"locked\", \"keepDriver\" or \"free\", got \"{other}\""),
            )),
        }
    }
}

/// Costs of departing from the published plan, in the objective's unit
/// (seconds of travel).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Per visit served by another driver than published.
    pub driver_change: f64,
    /// Per visit out of its published order.
    pub sequence_change: f64,
    /// Per visit whose start moved more than `eta_threshold` from its ETA.
    pub eta_shift: f64,
    /// Tolerated ETA shift, seconds.
    pub eta_threshold: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            driver_change: defaults::DRIVER_CHANGE,
            sequence_change: defaults::SEQUENCE_CHANGE,
            eta_shift: defaults::ETA_SHIFT,
            eta_threshold: defaults::ETA_THRESHOLD,
        }
    }
}

/// A re-plan's situation, indexed by request visit and request driver.
#[derive(Debug, Clone)]
pub struct Replan {
    /// The moment of the re-plan, seconds from midnight.
    pub now: f64,
    /// Published stops starting before this keep driver and place.
    pub freeze_until: Option<f64>,
    /// Disruption costs.
    pub weights: Weights,
    /// Start the search from the published plan.
    pub warm_start: bool,
    /// Per request visit: its `driverId`, if any.
    pub published_driver_id: Vec<Option<String>>,
    /// Per request visit: index of its published driver in the request.
    pub published_driver: Vec<Option<usize>>,
    /// Per request visit: 1-based place in its published driver's day (by
    /// `serviceOrder`, then request order; closed visits count).
    pub published_rank: Vec<u32>,
    /// Per request visit: its published `serviceOrder`.
    pub published_order: Vec<Option<f64>>,
    /// Per request visit: its published ETA.
    pub eta: Vec<Option<f64>>,
    /// Per request visit: closed or skipped.
    pub done: Vec<bool>,
    /// Per request visit: in progress.
    pub in_progress: Vec<bool>,
    /// Per request visit: its lock, the driver's when it has none.
    pub lock: Vec<LockLevel>,
    /// Per driver: the request visit the driver is at (in progress, else
    /// the last closed one), where their route restarts without `current`.
    pub anchor: Vec<Option<usize>>,
    /// Per driver: when they left their anchor (a closed visit's published
    /// end of service), when the request says.
    pub anchor_departure: Vec<Option<f64>>,
    /// Per driver: the first published visit still to do (neither done
    /// nor in progress), which they may already be driving to.
    pub next_stop: Vec<Option<usize>>,
}

fn weights(disruption: Option<&DisruptionRequest>, issues: &mut Issues) -> Weights {
    let mut w = Weights::default();
    let Some(d) = disruption else {
        return w;
    };
    let record = "options.disruption";
    for (field, value, slot) in [
        ("driverChange", &d.driver_change, &mut w.driver_change),
        ("sequenceChange", &d.sequence_change, &mut w.sequence_change),
        ("etaShift", &d.eta_shift, &mut w.eta_shift),
        (
            "etaThresholdSeconds",
            &d.eta_threshold_seconds,
            &mut w.eta_threshold,
        ),
    ] {
        match optional_number(field, value) {
            Ok(Some(v)) if v < 0.0 => issues.push(
                record,
                field,
                IssueCode::OutOfRange,
                format!("must be >= 0, got {v}"),
            ),
            Ok(Some(v)) => *slot = v,
            Ok(None) => {}
            Err(issue) => issues.extend(record, [issue]),
        }
    }
    w
}

/// Whether the request asks for a re-route (`mode`), validated.
pub fn is_reroute(request: &PlanRequest) -> Result<bool, PlanError> {
    match request.mode.as_deref() {
        None | Some("plan") => Ok(false),
        Some("reroute") => Ok(true),
        Some(other) => Err(PlanError::field(
            "request",
            "mode",
            IssueCode::UnknownValue,
            format!("must be \"plan\" or \"reroute\", got \"{other}\""),
        )),
    }
}

/// A number that was checked before, read again (a bad one as absent).
fn checked(value: &Option<NumberLike>) -> Option<f64> {
    value.as_ref().and_then(|v| v.value().ok())
}

/// A flag that was checked before, read again (a bad one as false).
fn checked_flag(value: &Option<super::lenient::BoolLike>) -> bool {
    flag("", value).unwrap_or(false)
}

impl Replan {
    /// Reads the situation of a re-route request, given each driver's
    /// (checked) lock; every issue of the request-level fields.
    pub fn parse(
        request: &PlanRequest,
        driver_index: &HashMap<&str, usize>,
        driver_lock: &[LockLevel],
    ) -> Result<Self, PlanError> {
        let mut issues = Issues::default();
        let mut request_number = |field: &str, value: &Option<NumberLike>| {
            optional_number(field, value).unwrap_or_else(|issue| {
                issues.extend("request", [issue]);
                None
            })
        };
        let now = request_number("now", &request.now);
        let freeze_until = request_number("freezeUntil", &request.freeze_until);
        if request.now.is_none() {
            issues.push(
                "request",
                "now",
                IssueCode::Required,
                "a re-route needs the time of the re-plan",
            );
        }
        let weights = weights(request.options.disruption.as_ref(), &mut issues);
        let warm_start = match &request.options.warm_start {
            Some(_) => flag("warmStart", &request.options.warm_start).unwrap_or_else(|issue| {
                issues.extend("options", [issue]);
                true
            }),
            None => true,
        };
        issues.into_result(())?;
        let now = now.unwrap_or_default();
        let n = request.visits.len();
        let mut replan = Self {
            now,
            freeze_until,
            weights,
            warm_start,
            published_driver_id: Vec::with_capacity(n),
            published_driver: Vec::with_capacity(n),
            published_rank: vec![0; n],
            published_order: Vec::with_capacity(n),
            eta: Vec::with_capacity(n),
            done: Vec::with_capacity(n),
            in_progress: Vec::with_capacity(n),
            lock: Vec::with_capacity(n),
            anchor: vec![None; request.drivers.len()],
            anchor_departure: vec![None; request.drivers.len()],
            next_stop: vec![None; request.drivers.len()],
        };
        replan.read_visits(request, driver_index, driver_lock);
        replan.read_days(request);
        Ok(replan)
    }

    /// Each request visit's published driver, order, ETA, state and lock.
    fn read_visits(
        &mut self,
        request: &PlanRequest,
        driver_index: &HashMap<&str, usize>,
        driver_lock: &[LockLevel],
    ) {
        for v in &request.visits {
            let driver_id = v.driver_id.clone().filter(|s| !s.is_empty());
            let driver = driver_id
                .as_deref()
                .and_then(|id| driver_index.get(id).copied());
            let done = checked_flag(&v.closed) || checked_flag(&v.skipped);
            let own_lock = v
                .lock
                .as_deref()
                .and_then(|t| LockLevel::parse("lock", t).ok());
            let lock = match (own_lock, driver) {
                (Some(level), _) => level,
                (None, Some(d)) => driver_lock[d],
                (None, None) => LockLevel::Free,
            };
            self.published_driver_id.push(driver_id);
            self.published_driver.push(driver);
            self.published_order.push(if done {
                None
            } else {
                checked(&v.service_order)
            });
            self.eta.push(if done { None } else { checked(&v.eta) });
            self.in_progress.push(!done && checked_flag(&v.in_progress));
            self.done.push(done);
            self.lock.push(lock);
        }
    }

    /// Each driver's published day: the visits' ranks, where the driver
    /// is (anchor, and when they left it) and their next stop.
    fn read_days(&mut self, request: &PlanRequest) {
        // Ranks: each driver's published visits by serviceOrder (closed
        // ones included, which only matters for where the driver is).
        let mut days: Vec<Vec<(f64, usize)>> = vec![Vec::new(); request.drivers.len()];
        for (i, v) in request.visits.iter().enumerate() {
            if let Some(d) = self.published_driver[i] {
                let order = v
                    .service_order
                    .as_ref()
                    .and_then(|o| o.value().ok())
                    .unwrap_or(f64::INFINITY);
                days[d].push((order, i));
            }
        }
        for (d, day) in days.iter_mut().enumerate() {
            day.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for (rank, &(_, i)) in day.iter().enumerate() {
                self.published_rank[i] = rank as u32 + 1;
            }
            let closed = |&&(_, i): &&(f64, usize)| {
                let v = &request.visits[i];
                v.closed
                    .as_ref()
                    .is_some_and(|c| c.value().unwrap_or(false))
            };
            self.anchor[d] = day
                .iter()
                .find(|&&(_, i)| self.in_progress[i])
                .or_else(|| day.iter().rev().find(closed))
                .map(|&(_, i)| i);
            self.anchor_departure[d] =
                self.anchor[d]
                    .filter(|&i| !self.in_progress[i])
                    .and_then(|i| {
                        let v = &request.visits[i];
                        let eta = v.eta.as_ref()?.value().ok()?;
                        let duration = v.duration.as_ref().map_or(Some(0.0), |d| d.value().ok())?;
                        Some(eta + duration)
                    });
            self.next_stop[d] = day
                .iter()
                .map(|&(_, i)| i)
                .find(|&i| !self.done[i] && !self.in_progress[i]);
        }
    }

    /// Whether request visit `i` is frozen: published with an ETA before
    /// the freeze horizon.
    pub fn frozen(&self, i: usize) -> bool {
        match (self.freeze_until, self.eta[i], self.published_driver[i]) {
            (Some(until), Some(eta), Some(_)) => eta < until,
            _ => false,
        }
    }
}
