//! Validates a [`PlanRequest`] and translates it into a [`Problem`].
//!
//! Locations are laid out as every driver's start, then every driver's
//! end (a slot even for open routes), then every request visit, so a
//! supplied matrix and the geodesic model index the same way. Closed and
//! skipped visits, and visits without a usable location, never reach the
//! model. Eligibility (skills, allowed vehicles, territory) is kept per
//! visit so that unassigned reasons can say which filter emptied the fleet.

use std::collections::{HashMap, HashSet};

use super::lenient::{BoolLike, NumberLike};
use super::request::{
    DriverRequest, LatLng, PlanRequest, TravelRequest, VisitRequest, WindowRequest,
};
use super::reroute::{is_reroute, Replan, Restart, VisitRule};
use super::spatial_order;
use super::PlanDate;
use super::PlanError;
use crate::model::{
    Break, DenseMatrix, Geodesic, Problem, ProblemBuilder, SkillSet, TimeWindow, Vehicle, Visit,
};

/// Default detour factor of the geodesic model.
const DEFAULT_DETOUR: f64 = 1.3;
/// Default average speed of the geodesic model, km/h.
const DEFAULT_SPEED_KMH: f64 = 40.0;
/// Priority of a visit that does not say.
const DEFAULT_PRIORITY: u8 = 5;

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
    /// Request index, priority and detail of visits without a location.
    pub missing_location: Vec<(usize, u8, String)>,
    /// Re-route: request index, priority and detail of visits whose every
    /// window closed before `now`.
    pub expired: Vec<(usize, u8, String)>,
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

pub(super) fn visit_record(i: usize, visit: &VisitRequest) -> String {
    match (&visit.doc_id, &visit.id) {
        (Some(doc), _) => format!("visits[{i}] (_id {doc})"),
        (None, Some(id)) => format!("visits[{i}] (id {})", id.text()),
        (None, None) => format!("visits[{i}]"),
    }
}

fn number(record: &str, field: &str, value: &NumberLike) -> Result<f64, PlanError> {
    value
        .value()
        .map_err(|problem| PlanError::field(record, field, problem))
}

fn non_negative(record: &str, field: &str, value: &NumberLike) -> Result<f64, PlanError> {
    let v = number(record, field, value)?;
    if v < 0.0 {
        return Err(PlanError::field(
            record,
            field,
            format!("must be >= 0, got {v}"),
        ));
    }
    Ok(v)
}

fn flag(record: &str, field: &str, value: &Option<BoolLike>) -> Result<bool, PlanError> {
    value.as_ref().map_or(Ok(false), |b| {
        b.value()
            .map_err(|problem| PlanError::field(record, field, problem))
    })
}

fn window(record: &str, field: &str, w: &WindowRequest) -> Result<TimeWindow, PlanError> {
    let earliest = number(record, &format!("{field}.earliest"), &w.earliest)?;
    let latest = number(record, &format!("{field}.latest"), &w.latest)?;
    if earliest > latest {
        return Err(PlanError::field(
            record,
            field,
            format!("earliest {earliest} is after latest {latest}"),
        ));
    }
    Ok(TimeWindow::new(earliest, latest))
}

/// A point, or why it is unusable.
fn point(lat: Option<&NumberLike>, lng: Option<&NumberLike>) -> Result<(f64, f64), String> {
    let (Some(lat), Some(lng)) = (lat, lng) else {
        return Err("lat/lng missing".into());
    };
    let (lat, lng) = (lat.value()?, lng.value()?);
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
        return Err(format!("lat/lng ({lat}, {lng}) out of range"));
    }
    Ok((lat, lng))
}

fn driver_point(record: &str, field: &str, p: &LatLng) -> Result<(f64, f64), PlanError> {
    point(Some(&p.lat), Some(&p.lng)).map_err(|problem| PlanError::field(record, field, problem))
}

/// Sorted windows with overlapping or touching ones merged (the model
/// wants them disjoint); none means "any time".
fn visit_windows(record: &str, windows: &[WindowRequest]) -> Result<Vec<TimeWindow>, PlanError> {
    let mut out: Vec<TimeWindow> = windows
        .iter()
        .enumerate()
        .map(|(k, w)| window(record, &format!("time_windows[{k}]"), w))
        .collect::<Result<_, _>>()?;
    if out.is_empty() {
        return Ok(vec![TimeWindow::unbounded()]);
    }
    out.sort_by(|a, b| a.earliest.total_cmp(&b.earliest));
    let mut merged: Vec<TimeWindow> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(last) if w.earliest <= last.latest => last.latest = last.latest.max(w.latest),
            _ => merged.push(w),
        }
    }
    Ok(merged)
}

fn vehicle(
    record: &str,
    d: usize,
    n_drivers: usize,
    driver: &DriverRequest,
    skills: SkillSet,
) -> Result<Vehicle, PlanError> {
    let shift = window(record, "shift", &driver.shift)?;
    let capacity = match &driver.capacity {
        Some(c) => non_negative(record, "capacity", c)?.floor() as i64,
        None => i64::MAX / 4,
    };
    let lunch_break = match &driver.lunch_break {
        Some(b) => {
            let bw = window(
                record,
                "break",
                &WindowRequest {
                    earliest: b.earliest.clone(),
                    latest: b.latest.clone(),
                },
            )?;
            let duration = non_negative(record, "break.duration", &b.duration)?;
            Some(Break {
                window: bw,
                duration,
            })
        }
        None => None,
    };
    let max_working_time = match &driver.max_working_time {
        Some(m) => Some(non_negative(record, "maxWorkingTime", m)?),
        None => None,
    };
    Ok(Vehicle {
        id: driver.id.clone(),
        start: d,
        end: driver.end.as_ref().map(|_| n_drivers + d),
        shift,
        capacity,
        skills,
        fixed_cost: 0.0,
        max_working_time,
        lunch_break,
    })
}

/// Renumbers the geodesic locations by place (see [`spatial_order`]) and
/// points the drivers and visits at the new numbers.
fn number_by_place(
    coords: Vec<(f64, f64)>,
    vehicles: &mut [Vehicle],
    visits: &mut [Visit],
) -> Vec<(f64, f64)> {
    let renumber = spatial_order::renumber_by_place(&coords);
    for k in vehicles.iter_mut() {
        k.start = renumber[k.start];
        k.end = k.end.map(|e| renumber[e]);
    }
    for v in visits.iter_mut() {
        v.location = renumber[v.location];
    }
    spatial_order::permute(&coords, &renumber)
}

fn travel(request: &PlanRequest, coords: Vec<(f64, f64)>) -> Result<DenseMatrix, PlanError> {
    let n = coords.len();
    let record = "options.travel";
    match &request.options.travel {
        None => Ok(DenseMatrix::from_model(&Geodesic {
            coords,
            detour_factor: DEFAULT_DETOUR,
            speed_mps: DEFAULT_SPEED_KMH / 3.6,
        })),
        Some(TravelRequest::Geodesic {
            detour_factor,
            speed_kmh,
        }) => {
            let detour = match detour_factor {
                Some(f) => number(record, "detourFactor", f)?,
                None => DEFAULT_DETOUR,
            };
            let speed = match speed_kmh {
                Some(s) => number(record, "speedKmh", s)?,
                None => DEFAULT_SPEED_KMH,
            };
            if detour < 1.0 {
                return Err(PlanError::field(record, "detourFactor", "must be >= 1"));
            }
            if speed <= 0.0 {
                return Err(PlanError::field(record, "speedKmh", "must be > 0"));
            }
            Ok(DenseMatrix::from_model(&Geodesic {
                coords,
                detour_factor: detour,
                speed_mps: speed / 3.6,
            }))
        }
        Some(TravelRequest::Matrix {
            durations,
            distances,
        }) => {
            let durations = flat_table(record, "durations", durations, n)?;
            match distances {
                Some(d) => Ok(DenseMatrix::from_tables(
                    n,
                    flat_table(record, "distances", d, n)?,
                    Some(durations),
                )),
                None => Ok(DenseMatrix::from_tables(n, durations, None)),
            }
        }
    }
}

fn flat_table(
    record: &str,
    field: &str,
    rows: &[Vec<f64>],
    n: usize,
) -> Result<Vec<f64>, PlanError> {
    if rows.len() != n {
        return Err(PlanError::field(
            record,
            field,
            format!(
                "needs {n} rows (drivers' starts, drivers' ends, visits), got {}",
                rows.len()
            ),
        ));
    }
    let mut flat = Vec::with_capacity(n * n);
    for (r, row) in rows.iter().enumerate() {
        if row.len() != n {
            return Err(PlanError::field(
                record,
                format!("{field}[{r}]"),
                format!("needs {n} entries, got {}", row.len()),
            ));
        }
        if let Some(bad) = row.iter().find(|v| !v.is_finite() || **v < 0.0) {
            return Err(PlanError::field(
                record,
                format!("{field}[{r}]"),
                format!("entries must be finite and >= 0, got {bad}"),
            ));
        }
        flat.extend_from_slice(row);
    }
    Ok(flat)
}

/// Moves each driver's start to where a re-plan restarts them: their
/// `current` position (their own start slot, geodesic travel only), or the
/// location slot of the visit they are at.
fn place_restarts(
    request: &PlanRequest,
    replan: &Replan,
    matrix: bool,
    coords: &mut [(f64, f64)],
    vehicles: &mut [Vehicle],
) -> Result<(), PlanError> {
    let n_drivers = request.drivers.len();
    for (d, driver) in request.drivers.iter().enumerate() {
        let record = format!("drivers[{d}] (id {})", driver.id);
        match replan.restart(&record, d, driver)? {
            Restart::Point(..) if matrix => {
                return Err(PlanError::field(
                    &record,
                    "current",
                    "a position needs the geodesic travel model (give only `at` with a matrix)",
                ))
            }
            Restart::Point(lat, lng) => coords[d] = (lat, lng),
            Restart::Visit(i) => {
                let v = &request.visits[i];
                let location = 2 * n_drivers + i;
                if matrix {
                    vehicles[d].start = location;
                } else if let Ok(p) = point(v.lat.as_ref(), v.lng.as_ref()) {
                    coords[location] = p;
                    vehicles[d].start = location;
                }
            }
            Restart::Home => {}
        }
    }
    Ok(())
}

/// Validates `request` and builds the model.
pub fn translate(request: &PlanRequest) -> Result<Translation, PlanError> {
    let date =
        PlanDate::parse(&request.date).map_err(|p| PlanError::field("request", "date", p))?;
    let n_drivers = request.drivers.len();
    if n_drivers == 0 {
        return Err(PlanError::field(
            "request",
            "drivers",
            "needs at least one driver",
        ));
    }
    let matrix = matches!(request.options.travel, Some(TravelRequest::Matrix { .. }));

    let mut skill_ids: HashMap<String, usize> = HashMap::new();
    let mut intern = |s: &str| {
        let next = skill_ids.len();
        *skill_ids.entry(s.to_string()).or_insert(next)
    };
    let mut driver_index: HashMap<&str, usize> = HashMap::new();
    let mut vehicles = Vec::with_capacity(n_drivers);
    let mut coords = vec![(0.0, 0.0); 2 * n_drivers + request.visits.len()];
    for (d, driver) in request.drivers.iter().enumerate() {
        let record = format!("drivers[{d}] (id {})", driver.id);
        if driver.id.trim().is_empty() {
            return Err(PlanError::field(
                &format!("drivers[{d}]"),
                "id",
                "must not be empty",
            ));
        }
        if driver_index.insert(driver.id.as_str(), d).is_some() {
            return Err(PlanError::field(&record, "id", "duplicate driver id"));
        }
        if !matrix {
            coords[d] = driver_point(&record, "start", &driver.start)?;
            coords[n_drivers + d] = match &driver.end {
                Some(end) => driver_point(&record, "end", end)?,
                None => coords[d],
            };
        }
        let skills = SkillSet::from_ids(driver.skills.iter().map(|s| intern(s)));
        vehicles.push(vehicle(&record, d, n_drivers, driver, skills)?);
    }
    let replan = if is_reroute(request)? {
        let replan = Replan::parse(request, &driver_index, visit_record)?;
        place_restarts(request, &replan, matrix, &mut coords, &mut vehicles)?;
        Some(replan)
    } else {
        None
    };
    // allowed_vehicles names drivers by vehicle id or by driver id.
    let mut by_vehicle_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (d, driver) in request.drivers.iter().enumerate() {
        by_vehicle_name
            .entry(driver.id.as_str())
            .or_default()
            .push(d);
        if let Some(v) = &driver.vehicle_id {
            by_vehicle_name.entry(v.as_str()).or_default().push(d);
        }
    }

    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut visits = Vec::new();
    let mut request_index = Vec::new();
    let mut priorities = Vec::new();
    let mut eligibility = Vec::new();
    let mut missing_location = Vec::new();
    let mut expired = Vec::new();
    let mut excluded = 0;
    for (i, v) in request.visits.iter().enumerate() {
        let record = visit_record(i, v);
        let Some(identity) = visit_identity(v) else {
            return Err(PlanError::field(&record, "_id", "needs an _id or an id"));
        };
        if !seen_ids.insert(identity.clone()) {
            return Err(PlanError::field(
                &record,
                "_id",
                format!("duplicate visit id {identity}"),
            ));
        }
        // Closed and skipped visits are ignored before their other fields
        // are validated: a stale record should not sink the whole request.
        let closed = flag(&record, "closed", &v.closed)?;
        let skipped = flag(&record, "skipped", &v.skipped)?;
        if closed || skipped {
            excluded += 1;
            continue;
        }
        let in_progress = flag(&record, "inProgress", &v.in_progress)?;
        let precedence = flag(
            &record,
            "precedencePriorityVisit",
            &v.precedence_priority_visit,
        )?;
        let priority = match &v.priority {
            Some(p) => {
                let p = p
                    .integer()
                    .map_err(|problem| PlanError::field(&record, "priority", problem))?;
                u8::try_from(p)
                    .ok()
                    .filter(|p| (1..=10).contains(p))
                    .ok_or_else(|| {
                        PlanError::field(&record, "priority", format!("must be 1..10, got {p}"))
                    })?
            }
            None => DEFAULT_PRIORITY,
        };
        let duration = match &v.duration {
            Some(d) => non_negative(&record, "duration", d)?,
            None => 0.0,
        };
        let rule = match &replan {
            Some(replan) => replan.visit_rule(&record, i, v, duration)?,
            None => VisitRule::default(),
        };
        let service = rule.service.unwrap_or(duration);
        let demand = match &v.demand {
            Some(d) => {
                non_negative(&record, "demand", d)?;
                d.integer()
                    .map_err(|problem| PlanError::field(&record, "demand", problem))?
            }
            None => 0,
        };
        let windows = match &replan {
            _ if rule.any_time => vec![TimeWindow::unbounded()],
            Some(replan) => replan.open_windows(visit_windows(&record, &v.time_windows)?),
            None => visit_windows(&record, &v.time_windows)?,
        };
        if windows.is_empty() {
            expired.push((
                i,
                priority,
                "every time window closed before now".to_string(),
            ));
            continue;
        }
        let in_progress_lock = if in_progress {
            let driver = v.driver_id.as_deref().unwrap_or("");
            Some(*driver_index.get(driver).ok_or_else(|| {
                PlanError::field(
                    &record,
                    "driverId",
                    format!(
                        "the visit is in progress but driver \"{driver}\" is not in the request"
                    ),
                )
            })?)
        } else {
            None
        };
        let lock = in_progress_lock.or(rule.lock);
        let location = 2 * n_drivers + i;
        if !matrix {
            match point(v.lat.as_ref(), v.lng.as_ref()) {
                Ok(p) => coords[location] = p,
                Err(detail) => {
                    missing_location.push((i, priority, detail));
                    continue;
                }
            }
        }
        let skills = SkillSet::from_ids(v.required_skills.iter().map(|s| intern(s)));
        let allowed: Option<HashSet<usize>> = (!v.allowed_vehicles.is_empty()).then(|| {
            v.allowed_vehicles
                .iter()
                .flat_map(|name| by_vehicle_name.get(name.as_str()).into_iter().flatten())
                .copied()
                .collect()
        });
        let territory = v.territory.as_deref().filter(|t| !t.is_empty());
        let by_skills: Vec<usize> = (0..n_drivers)
            .filter(|&d| vehicles[d].skills.contains_all(&skills))
            .collect();
        let by_allowed: Vec<usize> = by_skills
            .iter()
            .copied()
            .filter(|d| allowed.as_ref().is_none_or(|a| a.contains(d)))
            .filter(|&d| lock.is_none_or(|l| l == d))
            .collect();
        let by_territory: Vec<usize> = by_allowed
            .iter()
            .copied()
            .filter(|&d| {
                let listed = &request.drivers[d].territories;
                territory.is_none_or(|t| listed.is_empty() || listed.iter().any(|x| x == t))
            })
            .collect();
        let restricted = allowed.is_some() || territory.is_some() || lock.is_some();
        visits.push(Visit {
            id: identity,
            location,
            service,
            demand,
            windows,
            skills,
            allowed_vehicles: restricted.then(|| by_territory.clone()),
            // A re-plan's fixed head is happening now: nothing outranks it.
            priority: if rule.head { 1 } else { priority },
            required: false,
            vehicle_lock: lock,
            must_be_first: in_progress || rule.head,
            precedence,
            sequence_lock: rule.rank,
            reassignment: rule.reassignment,
        });
        request_index.push(i);
        priorities.push(priority);
        eligibility.push(Eligibility {
            by_skills,
            by_allowed,
            by_territory,
        });
    }

    if !matrix {
        coords = number_by_place(coords, &mut vehicles, &mut visits);
    }
    let matrix = travel(request, coords)?;
    if let Some(replan) = &replan {
        replan.settle(request, &mut vehicles, &mut visits, &request_index, &matrix)?;
    }
    let mut builder = ProblemBuilder::new(request.date.clone(), matrix);
    for v in visits {
        builder.visit(v);
    }
    for k in vehicles {
        builder.vehicle(k);
    }
    let problem = builder
        .build()
        .map_err(|e| PlanError::Model(e.to_string()))?;
    Ok(Translation {
        date,
        problem,
        request_index,
        priority: priorities,
        eligibility,
        missing_location,
        expired,
        excluded,
        replan,
    })
}
