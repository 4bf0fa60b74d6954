//! What a re-plan changes in the model: each driver restarts where they
//! are at `max(now, current.at)` with what is left of their break and
//! working time; each visit gets its lock, its place in a fixed route head
//! (in progress, frozen), its published vehicle with the driver-change
//! cost, and, in progress, the service time still to go.

use super::super::situation::{LockLevel, Replan};
use super::super::valid_driver::Current;
use crate::model::{DenseMatrix, Reassignment, TimeWindow, Vehicle, Visit};

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
    /// The model fields of request visit `i` (not closed or skipped), of
    /// service `duration` and, in progress, `remaining` seconds to go
    /// when the request says.
    pub fn visit_rule(&self, i: usize, duration: f64, remaining: Option<f64>) -> VisitRule {
        let Some(d) = self.published_driver[i] else {
            return VisitRule::default();
        };
        let reassignment = Some(Reassignment {
            vehicle: d,
            cost: self.weights.driver_change,
        });
        // Rank 0 is the visit in progress; published ranks start at 1.
        let rank = Some(self.published_rank[i]);
        if self.in_progress[i] {
            let remaining = remaining.unwrap_or(match self.eta[i] {
                Some(started) => (started + duration - self.now).clamp(0.0, duration),
                None => duration,
            });
            return VisitRule {
                lock: Some(d),
                head: true,
                rank: Some(0),
                reassignment,
                service: Some(remaining),
                any_time: true,
            };
        }
        if self.frozen(i) {
            return VisitRule {
                lock: Some(d),
                head: true,
                rank,
                reassignment,
                ..VisitRule::default()
            };
        }
        match self.lock[i] {
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
        }
    }

    /// Where driver `d`, currently at `current` (checked), restarts.
    pub fn restart(&self, d: usize, current: Option<&Current>) -> Restart {
        match current.and_then(|c| c.point) {
            Some(p) => Restart::Point(p.lat(), p.lng()),
            None => match self.anchor[d] {
                Some(i) => Restart::Visit(i),
                None => Restart::Home,
            },
        }
    }

    /// The windows of a visit not in progress from `now` on: service
    /// cannot start in the past. Empty when every window has closed.
    pub fn open_windows(&self, windows: Vec<TimeWindow>) -> Vec<TimeWindow> {
        windows
            .into_iter()
            .filter(|w| w.latest >= self.now)
            .map(|w| TimeWindow::new(w.earliest.max(self.now), w.latest))
            .collect()
    }

    /// Sets every driver's restart time once travel is known. A driver
    /// leaves no earlier than `max(shift start, now, current.at)`, except
    /// one already on the way to their next published stop (no `current`,
    /// nothing in progress, the just-in-time departure towards a stop
    /// published after `now` has passed): that stop joins the fixed head
    /// and the driver restarts from where they left, when they left, so
    /// they arrive as published. A break whose window closed before the
    /// restart counts as taken; a driver who has already worked (a visit
    /// closed or in progress, or on the way) has the time since the shift
    /// start taken off their working-time cap.
    pub fn settle(
        &self,
        currents: &[Option<Current>],
        vehicles: &mut [Vehicle],
        visits: &mut [Visit],
        request_index: &[usize],
        travel: &DenseMatrix,
    ) {
        let mut model_of = vec![None; self.published_driver.len()];
        for (v, &i) in request_index.iter().enumerate() {
            model_of[i] = Some(v);
        }
        for (d, current) in currents.iter().enumerate() {
            let vehicle = &mut vehicles[d];
            let at = current.and_then(|c| c.at).unwrap_or(f64::NEG_INFINITY);
            let shift_start = vehicle.shift.earliest;
            let mut restart = shift_start.max(self.now).max(at);
            let mut worked = self.anchor[d].is_some();
            let in_progress = self.anchor[d].is_some_and(|i| self.in_progress[i]);
            if current.is_none() && !in_progress {
                if let Some(leave) = self.on_the_way(d, vehicle, visits, &model_of, travel) {
                    restart = leave.max(shift_start);
                    worked = true;
                }
            }
            let restart = restart.min(vehicle.shift.latest);
            vehicle.shift.earliest = restart;
            if vehicle
                .lunch_break
                .is_some_and(|b| b.window.latest < restart)
            {
                vehicle.lunch_break = None;
            }
            if worked {
                if let Some(cap) = vehicle.max_working_time.as_mut() {
                    *cap = (*cap - (restart - shift_start).max(0.0)).max(0.0);
                }
            }
        }
    }

    /// When driver `d` left for their next published stop, if they have
    /// already left at `now`; pins that stop at the head of their route.
    fn on_the_way(
        &self,
        d: usize,
        vehicle: &Vehicle,
        visits: &mut [Visit],
        model_of: &[Option<usize>],
        travel: &DenseMatrix,
    ) -> Option<f64> {
        let i = self.next_stop[d]?;
        let v = model_of[i]?;
        let eta = self.eta[i].filter(|&e| e > self.now)?;
        let free = self.anchor_departure[d].unwrap_or(vehicle.shift.earliest);
        let leave = (eta - travel.duration(vehicle.start, visits[v].location)).max(free);
        let servable = vehicle.skills.contains_all(&visits[v].skills)
            && visits[v]
                .allowed_vehicles
                .as_ref()
                .is_none_or(|a| a.contains(&d))
            && visits[v].vehicle_lock.is_none_or(|k| k == d);
        if leave >= self.now || !servable {
            return None;
        }
        let visit = &mut visits[v];
        visit.must_be_first = true;
        visit.vehicle_lock = Some(d);
        visit.sequence_lock = Some(self.published_rank[i]);
        visit.priority = 1;
        Some(leave)
    }
}
