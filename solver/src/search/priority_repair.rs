//! The priority promise, kept exactly after every search: no visit of
//! priority p stays left out while a route could serve it in place of at
//! most two visits of lower priority.
//!
//! Why a search of its own: [`super::make_room`] and [`super::evict`] find
//! most such trades, but the latter takes every lower-priority visit off a
//! route at once, and a shorter route is not always easier. A driver with
//! a working-time cap counts from a just-in-time start at the first visit:
//! taking an early visit off can start the day earlier and leave a long
//! wait before a later window, so the shorter day breaks the cap where the
//! one with a single visit replaced does not. On over-full field days
//! with such caps, a 5 s search left a priority-3 visit out while a route
//! could serve it in place of a priority-5 visit on 2 days of 6. This
//! repair tries every route that may serve the visit with nothing, every
//! single lower-priority visit and every pair of them taken out (order
//! kept, the visit at its cheapest feasible place, every rule checked by
//! the route's exact schedule), re-inserts what it took out wherever it
//! fits, and keeps the cheapest outcome; it repeats until a whole pass
//! serves nothing more, so its end state is the proof.

use std::sync::Arc;

use super::make_room::make_room;
use super::placement::{apply, cheapest_place, cheapest_position};
use super::state::SearchState;
use crate::model::{ArcCost, Cost, Objective, Problem};
use crate::route::RouteState;

/// Most visits a left-out visit may take the place of on one route.
pub const MAX_EJECTED: usize = 2;

/// Serves every left-out visit of `state` that some route can take in
/// place of at most [`MAX_EJECTED`] visits of lower priority, most
/// important first, until no such visit is left; returns how many it
/// served. Each trade serves one more visit of some tier and loses at most
/// two visits of lower tiers, so the loop ends.
pub fn keep_priority_promise(problem: &Problem, arcs: &ArcCost, state: &mut SearchState) -> usize {
    let mut served = 0;
    loop {
        let in_pass = one_pass(problem, arcs, state);
        if in_pass == 0 {
            break;
        }
        served += in_pass;
        // What a trade took out may fit once other visits move.
        make_room(problem, arcs, state);
    }
    state.drop_empty_routes();
    served
}

fn one_pass(problem: &Problem, arcs: &ArcCost, state: &mut SearchState) -> usize {
    // The visits set aside as fitting no empty day are tried too: a break
    // before the first visit starts the working time at the shift start,
    // so a visit can fail alone and fit after other visits.
    let unservable = std::mem::take(&mut state.unservable);
    let mut left_out: Vec<(usize, bool)> = std::mem::take(&mut state.unassigned)
        .into_iter()
        .map(|v| (v, false))
        .chain(unservable.into_iter().map(|v| (v, true)))
        .collect();
    left_out.sort_by_key(|&(v, _)| (problem.visits[v].priority, v));
    let mut served = 0;
    let mut still_out = Vec::new();
    for (v, set_aside) in left_out {
        match serve_by_ejection(problem, arcs, state, v) {
            Some(next) => {
                *state = next;
                served += 1;
            }
            None => still_out.push((v, set_aside)),
        }
    }
    for (v, set_aside) in still_out {
        if set_aside {
            state.unservable.push(v);
        } else {
            state.unassigned.push(v);
        }
    }
    served
}

/// The best state serving `v` (left out, and not in `state`'s unassigned
/// list) directly or in place of at most [`MAX_EJECTED`] visits of lower
/// priority on one route; `None` when no route can take it.
fn serve_by_ejection(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    v: usize,
) -> Option<SearchState> {
    if let Some((_, place)) = cheapest_place(problem, arcs, state, v) {
        let mut next = state.clone();
        apply(problem, arcs, &mut next, v, place);
        return Some(next);
    }
    // Only tiers and travel are compared: every candidate serves `v`.
    let objective = Objective::default();
    let mut best: Option<(Cost, SearchState)> = None;
    for size in 1..=MAX_EJECTED {
        for r in 0..state.routes.len() {
            if !problem.may_serve(state.routes[r].vehicle, v) {
                continue;
            }
            for out in ejections(problem, state, r, v, size) {
                let Some(trial) = trade(problem, arcs, state, r, &out, v) else {
                    continue;
                };
                let cost = trial.cost(problem, arcs, &objective);
                if best.as_ref().is_none_or(|(c, _)| cost.better_than(c)) {
                    best = Some((cost, trial));
                }
            }
        }
        // A trade that re-seats everything it took out loses nothing; a
        // bigger ejection cannot beat it by more than travel, so stop.
        if best.as_ref().is_some_and(|(_, s)| s.unassigned.is_empty()) {
            break;
        }
    }
    best.map(|(_, s)| s)
}

/// The positions of route `r` that may go to make room for `v`, in sets
/// of `size`: visits of lower priority than `v`'s, neither in progress nor
/// required, whose leaving frees enough capacity.
fn ejections(
    problem: &Problem,
    state: &SearchState,
    r: usize,
    v: usize,
    size: usize,
) -> Vec<Vec<usize>> {
    let route = &state.routes[r];
    let priority = problem.visits[v].priority;
    let candidates: Vec<usize> = (0..route.visits.len())
        .filter(|&i| {
            let w = &problem.visits[route.visits[i]];
            w.priority > priority && !w.must_be_first && !w.required
        })
        .collect();
    let sets: Vec<Vec<usize>> = match size {
        1 => candidates.iter().map(|&i| vec![i]).collect(),
        _ => candidates
            .iter()
            .enumerate()
            .flat_map(|(a, &i)| candidates[a + 1..].iter().map(move |&j| vec![i, j]))
            .collect(),
    };
    let capacity = problem.vehicles[route.vehicle].capacity;
    let demand = problem.visits[v].demand;
    sets.into_iter()
        .filter(|out| {
            let freed: i64 = out
                .iter()
                .map(|&i| problem.visits[route.visits[i]].demand)
                .sum();
            route.load - freed + demand <= capacity
        })
        .collect()
}

/// `state` with the visits at positions `out` of route `r` replaced by
/// `v`, and each of them re-inserted at its cheapest place elsewhere
/// (most important first) or left out; `None` when `v` does not fit.
fn trade(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    r: usize,
    out: &[usize],
    v: usize,
) -> Option<SearchState> {
    let route = &state.routes[r];
    let kept: Vec<usize> = (0..route.visits.len())
        .filter(|i| !out.contains(i))
        .map(|i| route.visits[i])
        .collect();
    let mut ejected: Vec<usize> = out.iter().map(|&i| route.visits[i]).collect();
    let mut reduced = RouteState::new(problem, arcs, route.vehicle, kept);
    // The reduced route alone may break a rule that the full one keeps
    // (travel that breaks the triangle inequality, a working-time cap), so
    // only the route with `v` in it is judged.
    let (_, position) = cheapest_position(problem, arcs, &reduced, v)?;
    reduced.insert(problem, arcs, v, position);
    if !reduced.is_feasible(problem) {
        return None;
    }
    let mut trial = state.clone();
    trial.routes[r] = Arc::new(reduced);
    ejected.sort_by_key(|&w| (problem.visits[w].priority, w));
    for w in ejected {
        match cheapest_place(problem, arcs, &trial, w) {
            Some((_, place)) => apply(problem, arcs, &mut trial, w, place),
            None => trial.unassigned.push(w),
        }
    }
    Some(trial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::check;
    use crate::model::{DenseMatrix, ProblemBuilder, SkillSet, TimeWindow, Vehicle, Visit};
    use crate::search::evict::serve_instead;
    use crate::solution::{Route, Solution};

    /// One driver whose working time is capped at 135 s, every leg 10 s.
    /// The day is `a` (priority 5, served at 100), `b` (priority 5, any
    /// time) and `late` (priority 1, served at 200); `x` (priority 3, 60 s,
    /// starting by 150) is left out. `x` fits in `b`'s place (a, x, late:
    /// 90-220). Taking `a` out too starts the day just in time for `x` at
    /// 0, and the wait for `late` breaks the cap.
    fn capped_day() -> (Problem, Solution) {
        let n = 5;
        let legs: Vec<f64> = (0..n * n)
            .map(|c| if c / n == c % n { 0.0 } else { 10.0 })
            .collect();
        let mut b = ProblemBuilder::new("capped", DenseMatrix::from_tables(n, legs, None));
        let mut visit = |id: &str, location, service, window: TimeWindow, priority| {
            let mut v = Visit::new(id, location, service, 1, window);
            v.priority = priority;
            v.required = false;
            b.visit(v);
        };
        visit("a", 1, 10.0, TimeWindow::new(100.0, 100.0), 5);
        visit("b", 2, 10.0, TimeWindow::new(0.0, 300.0), 5);
        visit("late", 3, 10.0, TimeWindow::new(200.0, 200.0), 1);
        visit("x", 4, 60.0, TimeWindow::new(0.0, 150.0), 3);
        b.vehicle(Vehicle {
            id: "d".into(),
            start: 0,
            end: Some(0),
            shift: TimeWindow::new(0.0, 300.0),
            capacity: 10,
            skills: SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time: Some(135.0),
            limits: Default::default(),
            lunch_break: None,
        });
        let problem = b.build().expect("valid");
        let start = Solution {
            routes: vec![Route::new(0, vec![0, 1, 2])],
            unassigned: vec![3],
        };
        (problem, start)
    }

    #[test]
    fn a_visit_takes_the_place_of_one_lower_priority_visit() {
        let (problem, start) = capped_day();
        assert!(check(&problem, &start).is_feasible());
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        let mut without_x = state.clone();
        without_x.unassigned.clear();
        assert!(
            serve_instead(&problem, &arcs, &without_x, 3).is_none(),
            "taking every lower-priority visit out at once finds no room"
        );
        assert_eq!(keep_priority_promise(&problem, &arcs, &mut state), 1);
        let solution = state.to_solution(&problem);
        assert!(check(&problem, &solution).is_feasible());
        assert_eq!(solution.unassigned, vec![1], "b made room for x");
        assert_eq!(solution.routes[0].visits, vec![0, 3, 2]);
    }

    #[test]
    fn nothing_moves_when_the_left_out_visit_is_the_least_important() {
        let (mut problem, start) = capped_day();
        problem.visits[3].priority = 9;
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        assert_eq!(keep_priority_promise(&problem, &arcs, &mut state), 0);
        assert_eq!(state.to_solution(&problem), start);
    }

    /// Travel that breaks the triangle inequality (a to b takes 100 s, a to
    /// w to b 20 s), as rounded or road tables do: `b` is on time only
    /// through `w`'s place. The day is full by capacity, so `x` (priority
    /// 3, at `w`'s place) can be served only in place of `w` (priority 8),
    /// although the day without `w` alone is late at `b`.
    #[test]
    fn a_visit_replaces_one_whose_route_is_infeasible_without_it() {
        let n = 5;
        let legs: Vec<f64> = (0..n * n)
            .map(|c| match (c / n, c % n) {
                (a, b) if a == b => 0.0,
                (1, 3) | (3, 1) => 100.0,
                _ => 10.0,
            })
            .collect();
        let mut b = ProblemBuilder::new("detour", DenseMatrix::from_tables(n, legs, None));
        for (id, location, window, priority) in [
            ("a", 1, TimeWindow::new(0.0, 300.0), 1),
            ("w", 2, TimeWindow::new(0.0, 300.0), 8),
            ("b", 3, TimeWindow::new(0.0, 50.0), 1),
            ("x", 4, TimeWindow::new(0.0, 300.0), 3),
        ] {
            let mut v = Visit::new(id, location, 5.0, 1, window);
            v.priority = priority;
            v.required = false;
            b.visit(v);
        }
        b.vehicle(Vehicle {
            id: "d".into(),
            start: 0,
            end: Some(0),
            shift: TimeWindow::new(0.0, 300.0),
            capacity: 3,
            skills: SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time: None,
            limits: Default::default(),
            lunch_break: None,
        });
        let problem = b.build().expect("valid");
        let start = Solution {
            routes: vec![Route::new(0, vec![0, 1, 2])],
            unassigned: vec![3],
        };
        assert!(check(&problem, &start).is_feasible());
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        assert_eq!(keep_priority_promise(&problem, &arcs, &mut state), 1);
        let solution = state.to_solution(&problem);
        assert!(check(&problem, &solution).is_feasible());
        assert_eq!(solution.routes[0].visits, vec![0, 3, 2]);
        assert_eq!(solution.unassigned, vec![1]);
    }
}
