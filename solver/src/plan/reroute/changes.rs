//! A plan against the published one: which visits changed driver, left
//! their published order, moved past the ETA threshold, were added or
//! dropped.
//!
//! "Out of order" is counted minimally: among the visits a driver keeps
//! from their published day, those outside a longest subsequence still in
//! published order (so inserting a visit, or moving one, counts one
//! change, not a shift of every later `serviceOrder`). Visits in progress
//! are not compared on ETA (their service started before the re-plan).

use super::super::request::PlanRequest;
use super::super::result::{ChangeKind, ChangeSummary, VisitChange};
use super::super::situation::{Replan, Weights};
use super::super::translation::{visit_identity, Translation};
use crate::solution::Solution;

/// The changes of a plan and their counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Changed visits, in request order.
    pub changes: Vec<VisitChange>,
    /// Their counts.
    pub summary: ChangeSummary,
}

impl Comparison {
    /// Cost of the order and ETA changes (driver changes are costed by the
    /// search itself).
    pub fn order_and_eta_cost(&self, weights: &Weights) -> f64 {
        weights.sequence_change * self.summary.sequence as f64
            + weights.eta_shift * self.summary.eta as f64
    }
}

/// Where a request visit ends up.
#[derive(Debug, Clone, Copy)]
struct Placed {
    driver: usize,
    order: usize,
    start: f64,
}

/// Indices (into `ranks`) outside one longest strictly increasing
/// subsequence: the fewest visits to call out of order.
fn out_of_order(ranks: &[u32]) -> Vec<usize> {
    let n = ranks.len();
    let mut length = vec![1usize; n];
    let mut previous = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if ranks[j] < ranks[i] && length[j] + 1 > length[i] {
                length[i] = length[j] + 1;
                previous[i] = j;
            }
        }
    }
    let mut keep = vec![false; n];
    let mut at = (0..n).max_by_key(|&i| (length[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep[i] = true;
        at = (previous[i] != usize::MAX).then_some(previous[i]);
    }
    (0..n).filter(|&i| !keep[i]).collect()
}

/// Compares `solution` (of `translation.problem`) with the published plan.
pub fn compare(
    request: &PlanRequest,
    translation: &Translation,
    replan: &Replan,
    solution: &Solution,
) -> Comparison {
    let problem = &translation.problem;
    let n = request.visits.len();
    let mut placed: Vec<Option<Placed>> = vec![None; n];
    let mut sequence = vec![false; n];
    for route in solution.routes.iter().filter(|r| !r.visits.is_empty()) {
        let timeline =
            crate::route::timeline(problem, route.vehicle, &route.visits, route.break_position);
        for (p, &v) in route.visits.iter().enumerate() {
            let start = timeline
                .as_ref()
                .and_then(|t| t.stops.get(p))
                .map_or(f64::NAN, |s| s.service_start);
            placed[translation.request_index[v]] = Some(Placed {
                driver: route.vehicle,
                order: p + 1,
                start,
            });
        }
        let kept: Vec<usize> = route
            .visits
            .iter()
            .map(|&v| translation.request_index[v])
            .filter(|&i| replan.published_driver[i] == Some(route.vehicle))
            .collect();
        let ranks: Vec<u32> = kept.iter().map(|&i| replan.published_rank[i]).collect();
        for k in out_of_order(&ranks) {
            sequence[kept[k]] = true;
        }
    }
    let mut out = Comparison::default();
    for (i, visit) in request.visits.iter().enumerate() {
        if replan.done[i] {
            continue;
        }
        let old_driver = replan.published_driver_id[i].clone();
        let now = placed[i];
        let new_driver = now.map(|p| request.drivers[p.driver].id.clone());
        let mut kinds = Vec::new();
        match (&old_driver, &new_driver) {
            (Some(old), Some(new)) if old != new => kinds.push(ChangeKind::Driver),
            (None, Some(_)) => kinds.push(ChangeKind::Added),
            (Some(_), None) => kinds.push(ChangeKind::Unassigned),
            _ => {}
        }
        if sequence[i] {
            kinds.push(ChangeKind::Sequence);
        }
        if let (Some(eta), Some(p), false) = (replan.eta[i], now, replan.in_progress[i]) {
            if (p.start - eta).abs() > replan.weights.eta_threshold {
                kinds.push(ChangeKind::Eta);
            }
        }
        if kinds.is_empty() {
            continue;
        }
        let s = &mut out.summary;
        for kind in &kinds {
            match kind {
                ChangeKind::Driver => s.driver += 1,
                ChangeKind::Sequence => s.sequence += 1,
                ChangeKind::Eta => s.eta += 1,
                ChangeKind::Added => s.added += 1,
                ChangeKind::Unassigned => s.unassigned += 1,
            }
        }
        s.changed_visits += 1;
        out.changes.push(VisitChange {
            visit_id: visit_identity(visit).unwrap_or_default(),
            id: visit.id.clone(),
            kinds,
            old_driver_id: old_driver,
            new_driver_id: new_driver,
            old_service_order: replan.published_order[i],
            new_service_order: now.map(|p| p.order),
            old_eta: replan.eta[i],
            new_eta: now.map(|p| p.start),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::out_of_order;

    #[test]
    fn out_of_order_counts_the_fewest_moved_visits() {
        assert!(out_of_order(&[1, 2, 3, 4]).is_empty());
        // One visit moved to the front: only it is out of order.
        assert_eq!(out_of_order(&[4, 1, 2, 3]), vec![0]);
        assert_eq!(out_of_order(&[1, 3, 2, 4]).len(), 1);
        assert_eq!(out_of_order(&[3, 2, 1]).len(), 2);
    }
}
