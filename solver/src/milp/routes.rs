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
    let vehicle = &problem.vehicles[k];
    let n = problem.n_visits();
    let eligible: Vec<bool> = (0..n)
        .map(|i| problem.compatible(k, i) && problem.visits[i].vehicle_lock.is_none_or(|l| l == k))
        .collect();
    let mut labels: Vec<Label> = Vec::new();
    // Pareto front per rule state.
    let mut fronts: HashMap<RuleState, Vec<usize>> = HashMap::new();
    let mut best: HashMap<u32, (f64, usize, Option<usize>)> = HashMap::new();
    // Labels are extended layer by layer (by number of visits), so every
    // label of a layer has met all its rivals before it is extended, and
    // those dominated meanwhile are skipped.
    let mut frontier: Vec<usize> = Vec::new();
    let mut alive: Vec<bool> = Vec::new();

    // Extends from the start (no last visit) or from a label.
    let mut extend = |from: Option<Label>,
                      from_id: Option<usize>,
                      labels: &mut Vec<Label>,
                      alive: &mut Vec<bool>,
                      frontier: &mut Vec<usize>|
     -> Result<(), MilpError> {
        let (set, at, time, cost, len) = match from {
            None => (0u32, vehicle.start, vehicle.shift.earliest, 0.0, 0usize),
            Some(l) => (
                l.set,
                problem.visits[l.last].location,
                l.time,
                l.cost,
                l.len,
            ),
        };
        for (j, &ok) in eligible.iter().enumerate() {
            if !ok || set & (1 << j) != 0 {
                continue;
            }
            let visit = &problem.visits[j];
            if visit.must_be_first && len > 0 {
                continue;
            }
            let seen_regular = from.is_some_and(|l| l.seen_regular);
            if visit.precedence && seen_regular {
                continue;
            }
            let last_rank = from.and_then(|l| l.last_rank);
            if let (Some(r), Some(last)) = (visit.sequence_lock, last_rank) {
                if r < last {
                    continue;
                }
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
                let travel = problem.duration(at, visit.location);
                let arrival = free + travel;
                let Some(start) = visit.service_start(arrival) else {
                    continue;
                };
                // Departure matters only under a working-time limit; without
                // one it stays 0 so it never blocks dominance.
                let departure = match from {
                    _ if vehicle.max_working_time.is_none() => 0.0,
                    Some(l) => l.departure,
                    None if break_at == Some(0) => vehicle.shift.earliest,
                    None => (start - travel).max(vehicle.shift.earliest),
                };
                let label = Label {
                    set: set | (1 << j),
                    last: j,
                    time: start + visit.service,
                    cost: cost + arcs.arc(problem, at, visit.location),
                    departure,
                    break_at,
                    seen_regular: seen_regular || !(visit.precedence || visit.must_be_first),
                    last_rank: visit.sequence_lock.or(last_rank),
                    len: len + 1,
                    parent: from_id,
                };
                let load: i64 = (0..n)
                    .filter(|&i| label.set & (1 << i) != 0)
                    .map(|i| problem.visits[i].demand)
                    .sum();
                if load > vehicle.capacity || label.time > vehicle.shift.latest + EPS {
                    continue;
                }
                if vehicle
                    .max_working_time
                    .is_some_and(|m| label.time - label.departure > m + EPS)
                {
                    continue;
                }
                let key = (
                    label.set,
                    label.last,
                    label.break_at.is_some(),
                    label.seen_regular,
                    label.last_rank,
                );
                let front = fronts.entry(key).or_default();
                let dominated = front.iter().any(|&o| {
                    let o = &labels[o];
                    o.time <= label.time + EPS
                        && o.cost <= label.cost + EPS
                        && o.departure + EPS >= label.departure
                });
                if dominated {
                    continue;
                }
                front.retain(|&o| {
                    let other = &labels[o];
                    let keep = !(label.time <= other.time + EPS
                        && label.cost <= other.cost + EPS
                        && label.departure + EPS >= other.departure);
                    if !keep {
                        alive[o] = false;
                    }
                    keep
                });
                labels.push(label);
                alive.push(true);
                if labels.len() > MAX_LABELS {
                    return Err(MilpError::TooManyRoutes(MAX_LABELS));
                }
                let id = labels.len() - 1;
                front.push(id);
                frontier.push(id);
            }
        }
        Ok(())
    };
    extend(None, None, &mut labels, &mut alive, &mut frontier)?;
    let mut layer = std::mem::take(&mut frontier);
    while !layer.is_empty() {
        for id in std::mem::take(&mut layer) {
            if id % 4096 == 0 && stop.should_stop() {
                return Err(MilpError::TimeLimit);
            }
            if !alive[id] {
                continue;
            }
            let label = labels[id];
            // Close the route here if that is feasible.
            if let Some((cost, break_at)) = close(problem, arcs, k, &label) {
                let entry = best.entry(label.set).or_insert((f64::INFINITY, id, None));
                if cost < entry.0 - 1e-9 {
                    *entry = (cost, id, break_at);
                }
            }
            extend(
                Some(label),
                Some(id),
                &mut labels,
                &mut alive,
                &mut frontier,
            )?;
        }
        layer = std::mem::take(&mut frontier);
    }
    let mut out: Vec<Column> = best
        .into_iter()
        .map(|(_, (cost, id, break_position))| {
            let mut visits = Vec::new();
            let mut at = Some(id);
            while let Some(i) = at {
                visits.push(labels[i].last);
                at = labels[i].parent;
            }
            visits.reverse();
            Column {
                class,
                visits,
                break_position,
                cost,
            }
        })
        .collect();
    out.sort_by(|a, b| a.visits.cmp(&b.visits));
    Ok(out)
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
