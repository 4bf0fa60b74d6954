//! What a re-plan changes in the model: each driver restarts where they
//! are at `max(now, current.at)` with what is left of their break and
//! working time; each visit gets its lock, its place in a fixed route head
//! (in progress, frozen), its published vehicle with the driver-change
//! cost, and, in progress, the service time still to go.

use super::super::request::{DriverRequest, VisitRequest};
use super::super::PlanError;
use super::situation::{LockLevel, Replan};
use crate::model::{Reassignment, Vehicle};

/// Model fields of one visit under a re-plan.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VisitRule {
    /// Only this vehicle may serve it.
    pub lock: Option<usize>,
    /// In the fixed head of its route.
    pub head: bool,
    /// Locked rank among its vehicle's locked visits.
    pub rank: Option<u32>,
    /// Published vehicle and driver-change cost.
    pub reassignment: Option<Reassignment>,
    /// Service time to plan instead of `duration` (in progress).
    pub service: Option<f64>,
    /// Windows no longer apply (service already started).
    pub any_time: bool,
}

/// Where a driver's route restarts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Restart {
    /// At the driver's own start slot, moved to this point (`current`).
    Point(f64, f64),
    /// At the location slot of this request visit (in progress, last closed).
    Visit(usize),
    /// Where the day started.
    Home,
}

impl Replan {
    /// The model fields of request visit `i` (not closed or skipped).
    pub fn visit_rule(
        &self,
        record: &str,
        i: usize,
        visit: &VisitRequest,
        duration: f64,
    ) -> Result<VisitRule, PlanError> {
        let Some(d) = self.published_driver[i] else {
            return Ok(VisitRule::default());
        };
        let reassignment = Some(Reassignment {
            vehicle: d,
            cost: self.weights.driver_change,
        });
        // Rank 0 is the visit in progress; published ranks start at 1.
        let rank = Some(self.published_rank[i]);
        if self.in_progress[i] {
            let remaining = match &visit.remaining_duration {
                Some(r) => {
                    let r = r
                        .value()
                        .map_err(|p| PlanError::field(record, "remainingDuration", p))?;
                    if !r.is_finite() || r < 0.0 {
                        return Err(PlanError::field(
                            record,
                            "remainingDuration",
                            format!("must be >= 0, got {r}"),
                        ));
                    }
                    r
                }
                None => match self.eta[i] {
                    Some(started) => (started + duration - self.now).clamp(0.0, duration),
                    None => duration,
                },
            };
            return Ok(VisitRule {
                lock: Some(d),
                head: true,
                rank: Some(0),
                reassignment,
                service: Some(remaining),
                any_time: true,
            });
        }
        if self.frozen(i) {
            return Ok(VisitRule {
                lock: Some(d),
                head: true,
                rank,
                reassignment,
                ..VisitRule::default()
            });
        }
        Ok(match self.lock[i] {
            LockLevel::Locked => VisitRule {
                lock: Some(d),
                rank,
                reassignment,
                ..VisitRule::default()
            },
            LockLevel::KeepDriver => VisitRule {
                lock: Some(d),
                reassignment,
                ..VisitRule::default()
            },
            LockLevel::Free => VisitRule {
                reassignment,
                ..VisitRule::default()
            },
        })
    }

    /// Where driver `d` restarts, validated (`current` needs both `lat` and
    /// `lng`, in range).
    pub fn restart(
        &self,
        record: &str,
        d: usize,
        driver: &DriverRequest,
    ) -> Result<Restart, PlanError> {
        let current = driver.current.as_ref();
        match current.map(|c| (&c.lat, &c.lng)) {
            Some((Some(lat), Some(lng))) => {
                let lat = lat
                    .value()
                    .map_err(|p| PlanError::field(record, "current.lat", p))?;
                let lng = lng
                    .value()
                    .map_err(|p| PlanError::field(record, "current.lng", p))?;
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
                    return Err(PlanError::field(
                        record,
                        "current",
                        format!("lat/lng ({lat}, {lng}) out of range"),
                    ));
                }
                Ok(Restart::Point(lat, lng))
            }
            Some((None, None)) | None => Ok(match self.anchor[d] {
                Some(i) => Restart::Visit(i),
                None => Restart::Home,
            }),
            Some(_) => Err(PlanError::field(
                record,
                "current",
                "needs both lat and lng (or neither)",
            )),
        }
    }

    /// Moves driver `d`'s day to its restart: leaves no earlier than
    /// `max(shift start, now, current.at)`; a break whose window has
    /// closed is taken as done; a driver who has already worked (a visit
    /// in progress or closed) has the time since the shift start taken off
    /// their working-time cap.
    pub fn adjust_vehicle(
        &self,
        record: &str,
        d: usize,
        driver: &DriverRequest,
        vehicle: &mut Vehicle,
    ) -> Result<(), PlanError> {
        let at = match driver.current.as_ref().and_then(|c| c.at.as_ref()) {
            Some(at) => at
                .value()
                .map_err(|p| PlanError::field(record, "current.at", p))?,
            None => f64::NEG_INFINITY,
        };
        let shift_start = vehicle.shift.earliest;
        let restart = shift_start.max(self.now).max(at).min(vehicle.shift.latest);
        vehicle.shift.earliest = restart;
        if vehicle
            .lunch_break
            .is_some_and(|b| b.window.latest < restart)
        {
            vehicle.lunch_break = None;
        }
        if self.anchor[d].is_some() {
            if let Some(cap) = vehicle.max_working_time.as_mut() {
                *cap = (*cap - (restart - shift_start)).max(0.0);
            }
        }
        Ok(())
    }
}
