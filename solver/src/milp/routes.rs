//! Enumerates the cheapest feasible route of each vehicle class for every
//! subset of visits, by labelling with dominance.
//!
//! A label is a partial route: the set of visits served, the last one, the
//! earliest time the driver is free, the travel cost so far, and what the
//! rules still need (break taken, a regular visit seen, last locked rank,
//! the just-in-time departure). Among labels with the same set, last visit
//! and rule state, one that is no later, no dearer and departed no earlier
//! dominates. The simulation follows the schedule semantics of
//! [`crate::solution`] on its own, sharing no code with the search.

use std::collections::HashMap;

use super::{MilpError, MAX_LABELS};
use crate::model::{fleet_classes, ArcCost, Objective, Problem, Time, EPS};
use crate::params::Stop;

/// A feasible route usable as a set-partitioning column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Vehicle class index.
    pub class: usize,
    /// Visits, in service order.
    pub visits: Vec<usize>,
    /// Break position, when the class has a break.
    pub break_position: Option<usize>,
    /// Travel plus fixed cost.
    pub cost: f64,
}

/// Columns and the classes they refer to.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Vehicle classes ([`fleet_classes`]), each its member vehicles.
    pub classes: Vec<Vec<usize>>,
    /// Cheapest route per (class, visit set).
    pub columns: Vec<Column>,
}

/// Visit set, last visit, break taken, regular visit seen, last locked
/// rank: labels compete only within the same rule state.
type RuleState = (u32, usize, bool, bool, Option<u32>);

#[derive(Debug, Clone, Copy)]
struct Label {
    set: u32,
    last: usize,
    time: Time,
    cost: f64,
    departure: Time,
    break_at: Option<usize>,
    seen_regular: bool,
    last_rank: Option<u32>,
    len: usize,
    parent: Option<usize>,
}

/// Enumerates every class's best route per visit set.
pub fn enumerate(
    problem: &Problem,
    objective: &Objective,
    stop: &Stop,
) -> Result<Columns, MilpError> {
    let classes = fleet_classes(problem);
    let arcs = ArcCost::new(objective);
    let mut columns = Vec::new();
    for (c, class) in classes.iter().enumerate() {
        columns.extend(enumerate_class(problem, &arcs, c, class[0], stop)?);
    }
    Ok(Columns { classes, columns })
}

fn enumerate_class(
    problem: &Problem,
    arcs: &ArcCost,
    class: usize,
    k: usize,
    stop: &Stop,
) -> Result<Vec<Column>, MilpError> {
    let mut labelling = Labelling::new(problem, arcs, k);
    // Cheapest closed route per visit set: cost, last label, break position.
    let mut best: HashMap<u32, (f64, usize, Option<usize>)> = HashMap::new();
    // Labels are extended layer by layer (by number of visits), so every
    // label of a layer has met all its rivals before it is extended, and
    // those dominated meanwhile are skipped.
    labelling.extend(None)?;
    let mut layer = std::mem::take(&mut labelling.frontier);
    while !layer.is_empty() {
        for id in std::mem::take(&mut layer) {
            if id % 4096 == 0 && stop.should_stop() {
                return Err(MilpError::TimeLimit);
            }
            if !labelling.alive[id] {
                continue;
            }
            let label = labelling.labels[id];
            // Close the route here if that is feasible.
            if let Some((cost, break_at)) = close(problem, arcs, k, &label) {
                let entry = best.entry(label.set).or_insert((f64::INFINITY, id, None));
                if cost < entry.0 - 1e-9 {
                    *entry = (cost, id, break_at);
                }
            }
            labelling.extend(Some(id))?;
        }
        layer = std::mem::take(&mut labelling.frontier);
    }
    let mut out: Vec<Column> = best
        .into_values()
        .map(|(cost, id, break_position)| Column {
            class,
            visits: labelling.visits_of(id),
            break_position,
            cost,
        })
        .collect();
    out.sort_by(|a, b| a.visits.cmp(&b.visits));
    Ok(out)
}

/// The labelling of one vehicle: every label made so far, which are still
/// undominated, the Pareto front of each rule state, and the labels made
/// for the next layer.
struct Labelling<'a> {
    problem: &'a Problem,
    arcs: &'a ArcCost,
    k: usize,
    /// Visits the vehicle may serve.
    eligible: Vec<bool>,
    labels: Vec<Label>,
    alive: Vec<bool>,
    fronts: HashMap<RuleState, Vec<usize>>,
    frontier: Vec<usize>,
}

impl<'a> Labelling<'a> {
    fn new(problem: &'a Problem, arcs: &'a ArcCost, k: usize) -> Self {
        let eligible = (0..problem.n_visits())
            .map(|i| {
                problem.compatible(k, i) && problem.visits[i].vehicle_lock.is_none_or(|l| l == k)
            })
            .collect();
        Labelling {
            problem,
            arcs,
            k,
            eligible,
            labels: Vec::new(),
            alive: Vec::new(),
            fronts: HashMap::new(),
            frontier: Vec::new(),
        }
    }

    /// Extends from the start (`None`) or from label `from_id` by every
    /// visit the rules allow next, with and without the break before it.
    fn extend(&mut self, from_id: Option<usize>) -> Result<(), MilpError> {
        let from = from_id.map(|id| self.labels[id]);
        let vehicle = &self.problem.vehicles[self.k];
        let (set, time, len) = match from {
            None => (0u32, vehicle.shift.earliest, 0usize),
            Some(l) => (l.set, l.time, l.len),
        };
        for j in 0..self.eligible.len() {
            if !self.eligible[j] || set & (1 << j) != 0 || !order_allows(self.problem, from, j) {
                continue;
            }
            // Either take the break before j (if not yet taken) or not.
            let taken = from.and_then(|l| l.break_at);
            let mut options: Vec<(Time, Option<usize>)> = vec![(time, taken)];
            if let (Some(b), None) = (vehicle.lunch_break, taken) {
                let start = time.max(b.window.earliest);
                if start <= b.window.latest + EPS {
                    options.push((start + b.duration, Some(len)));
                }
            }
            for (free, break_at) in options {
                if let Some(label) = self.successor(from, from_id, j, free, break_at) {
                    self.admit(label)?;
                }
            }
        }
        Ok(())
    }

    /// The label of visit `j` served after `from` by a driver free at
    /// `free`, or `None` when that breaks a window, the shift, the capacity
    /// or the working-time limit.
    fn successor(
        &self,
        from: Option<Label>,
        from_id: Option<usize>,
        j: usize,
        free: Time,
        break_at: Option<usize>,
    ) -> Option<Label> {
        let problem = self.problem;
        let vehicle = &problem.vehicles[self.k];
        let visit = &problem.visits[j];
        let (set, at, cost, len) = match from {
            None => (0u32, vehicle.start, 0.0, 0usize),
            Some(l) => (l.set, problem.visits[l.last].location, l.cost, l.len),
        };
        let travel = problem.duration(at, visit.location);
        let start = visit.service_start(free + travel)?;
        // Departure matters only under a working-time limit; without
        // one it stays 0 so it never blocks dominance.
        let departure = match from {
            _ if vehicle.max_working_time.is_none() => 0.0,
            Some(l) => l.departure,
            None if break_at == Some(0) => vehicle.shift.earliest,
            None => (start - travel).max(vehicle.shift.earliest),
        };
        let seen_regular = from.is_some_and(|l| l.seen_regular);
        let last_rank = from.and_then(|l| l.last_rank);
        let label = Label {
            set: set | (1 << j),
            last: j,
            time: start + visit.service,
            cost: cost + self.arcs.arc(problem, at, visit.location),
            departure,
            break_at,
            seen_regular: seen_regular || !(visit.precedence || visit.must_be_first),
            last_rank: visit.sequence_lock.or(last_rank),
            len: len + 1,
            parent: from_id,
        };
        let load: i64 = (0..problem.n_visits())
            .filter(|&i| label.set & (1 << i) != 0)
            .map(|i| problem.visits[i].demand)
            .sum();
        let within_limits = load <= vehicle.capacity
            && label.time <= vehicle.shift.latest + EPS
            && vehicle
                .max_working_time
                .is_none_or(|m| label.time - label.departure <= m + EPS);
        within_limits.then_some(label)
    }

    /// Keeps `label` unless a label of its rule state dominates it, and
    /// retires the labels it dominates.
    fn admit(&mut self, label: Label) -> Result<(), MilpError> {
        let key = (
            label.set,
            label.last,
            label.break_at.is_some(),
            label.seen_regular,
            label.last_rank,
        );
        let front = self.fronts.entry(key).or_default();
        let dominated = front.iter().any(|&o| {
            let o = &self.labels[o];
            o.time <= label.time + EPS
                && o.cost <= label.cost + EPS
                && o.departure + EPS >= label.departure
        });
        if dominated {
            return Ok(());
        }
        front.retain(|&o| {
            let other = &self.labels[o];
            let keep = !(label.time <= other.time + EPS
                && label.cost <= other.cost + EPS
                && label.departure + EPS >= other.departure);
            if !keep {
                self.alive[o] = false;
            }
            keep
        });
        self.labels.push(label);
        self.alive.push(true);
        if self.labels.len() > MAX_LABELS {
            return Err(MilpError::TooManyRoutes(MAX_LABELS));
        }
        let id = self.labels.len() - 1;
        front.push(id);
        self.frontier.push(id);
        Ok(())
    }

    /// The visits of the route that ends in label `id`, in order.
    fn visits_of(&self, id: usize) -> Vec<usize> {
        let mut visits = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at {
            visits.push(self.labels[i].last);
            at = self.labels[i].parent;
        }
        visits.reverse();
        visits
    }
}

/// Whether visit `j` may follow `from` (the start when `None`): a visit
/// that must be first comes first, precedence visits before regular ones,
/// locked ranks in order.
fn order_allows(problem: &Problem, from: Option<Label>, j: usize) -> bool {
    let visit = &problem.visits[j];
    let len = from.map_or(0, |l| l.len);
    if visit.must_be_first && len > 0 {
        return false;
    }
    if visit.precedence && from.is_some_and(|l| l.seen_regular) {
        return false;
    }
    let last_rank = from.and_then(|l| l.last_rank);
    !matches!((visit.sequence_lock, last_rank), (Some(r), Some(last)) if r < last)
}

/// Cost of ending the route after `label` (break at the end if still due),
/// or `None` when the end breaks a rule.
fn close(
    problem: &Problem,
    arcs: &ArcCost,
    k: usize,
    label: &Label,
) -> Option<(f64, Option<usize>)> {
    let vehicle = &problem.vehicles[k];
    let mut time = label.time;
    let mut break_at = label.break_at;
    if let (Some(b), None) = (vehicle.lunch_break, break_at) {
        let start = time.max(b.window.earliest);
        if start > b.window.latest + EPS {
            return None;
        }
        time = start + b.duration;
        break_at = Some(label.len);
    }
    let at = problem.visits[label.last].location;
    let (end, tail) = match vehicle.end {
        Some(e) => (time + problem.duration(at, e), arcs.arc(problem, at, e)),
        None => (time, 0.0),
    };
    if end > vehicle.shift.latest + EPS {
        return None;
    }
    if vehicle
        .max_working_time
        .is_some_and(|m| end - label.departure > m + EPS)
    {
        return None;
    }
    Some((label.cost + tail + arcs.vehicle(problem, k), break_at))
}
