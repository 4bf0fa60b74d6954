//! Builds a [`Problem`] and checks its invariants once, at the boundary.

use thiserror::Error;

use super::{DenseMatrix, Problem, Vehicle, Visit};

/// A problem that breaks an invariant of the model. The message names the
/// offending visit or vehicle and the field.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    /// A field of a visit is invalid.
    #[error("visit '{id}': {field}: {problem}")]
    Visit {
        /// External visit id.
        id: String,
        /// Field name.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A field of a vehicle is invalid.
    #[error("vehicle '{id}': {field}: {problem}")]
    Vehicle {
        /// External vehicle id.
        id: String,
        /// Field name.
        field: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// The problem as a whole is invalid.
    #[error("{0}")]
    Problem(String),
}

/// Collects visits, vehicles and travel, then validates them into a [`Problem`].
#[derive(Debug)]
pub struct ProblemBuilder {
    name: String,
    visits: Vec<Visit>,
    vehicles: Vec<Vehicle>,
    travel: DenseMatrix,
}

impl ProblemBuilder {
    /// Starts a problem over the locations of `travel`.
    pub fn new(name: impl Into<String>, travel: DenseMatrix) -> Self {
        Self {
            name: name.into(),
            visits: Vec::new(),
            vehicles: Vec::new(),
            travel,
        }
    }

    /// Adds a visit; returns its index.
    pub fn visit(&mut self, visit: Visit) -> usize {
        self.visits.push(visit);
        self.visits.len() - 1
    }

    /// Adds a vehicle; returns its index.
    pub fn vehicle(&mut self, vehicle: Vehicle) -> usize {
        self.vehicles.push(vehicle);
        self.vehicles.len() - 1
    }

    /// Validates everything and builds the problem.
    pub fn build(self) -> Result<Problem, ModelError> {
        let n_loc = self.travel.len();
        for v in &self.visits {
            let err = |field, problem: String| ModelError::Visit {
                id: v.id.clone(),
                field,
                problem,
            };
            if v.location >= n_loc {
                return Err(err(
                    "location",
                    format!("index {} out of range", v.location),
                ));
            }
            if !v.service.is_finite() || v.service < 0.0 {
                return Err(err("duration", format!("must be >= 0, got {}", v.service)));
            }
            if v.demand < 0 {
                return Err(err("demand", format!("must be >= 0, got {}", v.demand)));
            }
            if v.windows.is_empty() {
                return Err(err("time_windows", "needs at least one window".into()));
            }
            for (k, w) in v.windows.iter().enumerate() {
                if w.earliest.is_nan() || w.latest.is_nan() || w.earliest > w.latest {
                    return Err(err(
                        "time_windows",
                        format!("window {k}: earliest {} > latest {}", w.earliest, w.latest),
                    ));
                }
                if k > 0 && v.windows[k - 1].latest >= w.earliest {
                    return Err(err(
                        "time_windows",
                        format!("window {k} overlaps or precedes window {}", k - 1),
                    ));
                }
            }
            if let Err(problem) = super::Priority::new(i64::from(v.priority)) {
                return Err(err("priority", problem));
            }
            if let Some(r) = &v.reassignment {
                if r.vehicle >= self.vehicles.len() {
                    return Err(err(
                        "reassignment",
                        format!("vehicle {} out of range", r.vehicle),
                    ));
                }
                if !r.cost.is_finite() || r.cost < 0.0 {
                    return Err(err(
                        "reassignment",
                        format!("cost must be finite and >= 0, got {}", r.cost),
                    ));
                }
            }
            if let Some(Err(problem)) = v.lateness.map(|l| l.check()) {
                return Err(err("lateness", problem));
            }
            if let Some(allowed) = &v.allowed_vehicles {
                if let Some(bad) = allowed.iter().find(|&&a| a >= self.vehicles.len()) {
                    return Err(err(
                        "allowed_vehicles",
                        format!("vehicle {bad} out of range"),
                    ));
                }
            }
        }
        for v in &self.vehicles {
            let err = |field, problem: String| ModelError::Vehicle {
                id: v.id.clone(),
                field,
                problem,
            };
            if v.start >= n_loc || v.end.is_some_and(|e| e >= n_loc) {
                return Err(err("location", "start or end index out of range".into()));
            }
            if v.shift.earliest.is_nan() || v.shift.earliest > v.shift.latest {
                return Err(err(
                    "shift",
                    format!("start {} after end {}", v.shift.earliest, v.shift.latest),
                ));
            }
            if v.capacity < 0 {
                return Err(err("capacity", format!("must be >= 0, got {}", v.capacity)));
            }
            if let Some(Err(problem)) = v.limits.overtime.map(|l| l.check()) {
                return Err(err("shift.overtime", problem));
            }
            if v.limits.max_distance.is_some_and(|d| d.is_nan() || d < 0.0) {
                return Err(err("maxDistance", "must be >= 0".into()));
            }
            if let Some(b) = &v.lunch_break {
                if b.window.earliest > b.window.latest || b.duration.is_nan() || b.duration < 0.0 {
                    return Err(err("break", "window empty or negative duration".into()));
                }
            }
        }
        if self.vehicles.is_empty() && !self.visits.is_empty() {
            return Err(ModelError::Problem("no vehicles".into()));
        }
        Ok(assemble(
            self.name,
            self.visits,
            self.vehicles,
            std::sync::Arc::new(self.travel),
        ))
    }
}

/// The problem of checked parts, with its per-visit caches.
pub(super) fn assemble(
    name: String,
    visits: Vec<Visit>,
    vehicles: Vec<Vehicle>,
    travel: std::sync::Arc<DenseMatrix>,
) -> Problem {
    let compatible = compatibility(&visits, &vehicles);
    let mut problem = Problem {
        name,
        visits,
        vehicles,
        travel,
        compatible,
        drivers: Vec::new(),
        soft_costs: false,
        speed_profile: None,
    };
    problem.soft_costs = problem.visits.iter().any(|v| v.lateness.is_some())
        || problem.vehicles.iter().any(|k| k.limits.overtime.is_some());
    problem.drivers = (0..problem.n_visits())
        .map(|v| {
            (0..problem.vehicles.len())
                .filter(|&k| problem.may_serve(k, v))
                .count()
        })
        .collect();
    problem
}

/// `compatible[i * m + k]` (m vehicles): vehicle `k` holds visit `i`'s
/// skills and is among its allowed vehicles. Visit-major, because the
/// search asks about one visit and many vehicles (the routes a recreate
/// scans), and then one cache line answers for 64 of them.
fn compatibility(visits: &[Visit], vehicles: &[Vehicle]) -> Vec<bool> {
    let m = vehicles.len();
    let mut compatible = vec![false; visits.len() * m];
    for (i, visit) in visits.iter().enumerate() {
        for (k, vehicle) in vehicles.iter().enumerate() {
            compatible[i * m + k] = vehicle.skills.contains_all(&visit.skills)
                && visit
                    .allowed_vehicles
                    .as_ref()
                    .is_none_or(|allowed| allowed.contains(&k));
        }
    }
    compatible
}
