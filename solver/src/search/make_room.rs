//! Making room for visits the search left out although each fits an
//! empty day: one to three visits move from a route to other routes, and
//! the left-out visit takes their place.
//!
//! Why: ruin-and-recreate re-inserts the most important visits first, each
//! at its cheapest place. A low-priority visit that only one or two
//! drivers may serve (allowed vehicles, skills, territory) then never gets
//! in once their days are full: the visits removed from those days are
//! more important, go back first, and their cheapest place is the day
//! they came from. 10 s field-2000 runs left such a visit out about one
//! time in eight. Serving it is worth any travel, so this step searches
//! for the room explicitly: every route that may serve the visit, every
//! visit, pair of visits or string of three moved out of it, the visit at
//! its cheapest place in what is left, the moved visits at their cheapest
//! places anywhere else; the cheapest such exchange wins. When no exchange
//! works, the visit may still take the place of less important visits
//! ([`super::evict`]).

use super::evict::serve_instead;
use super::placement::{apply, cheapest_place, with_reduced_route};
use super::state::SearchState;
use crate::model::{ArcCost, Problem};

/// Most left-out visits handled in one call. An exchange search costs
/// about routes x visits per route x a scan of every route, so it runs
/// once the search has served nearly everything by itself.
pub const MAX_LEFT_OUT: usize = 8;

/// Serves as many of `state`'s left-out visits as it can, most important
/// first, each by a direct insertion, else by moving a string out of a
/// route, else in place of less important visits ([`serve_instead`]);
/// returns how many it placed. The string moves are skipped when more than
/// [`MAX_LEFT_OUT`] are left out (the search is then still filling the
/// day, and does it faster itself).
pub fn make_room(problem: &Problem, arcs: &ArcCost, state: &mut SearchState) -> usize {
    let mut placed = 0;
    // A trade or an exchange can free room for a visit tried before it in
    // the same pass, so passes repeat while they place anything; each
    // placement serves one more visit of some tier and only loses less
    // important ones, so this ends, and a few passes settle it in practice.
    for _ in 0..MAX_PASSES {
        let in_pass = one_pass(problem, arcs, state);
        placed += in_pass;
        if in_pass == 0 || state.unassigned.is_empty() {
            break;
        }
    }
    state.drop_empty_routes();
    placed
}

/// Passes of [`make_room`] at most.
const MAX_PASSES: usize = 3;

/// Above this many left-out visits a pass tries at most [`MAX_TRADES`]
/// of them in place of less important ones ([`serve_instead`]).
const MANY_LEFT_OUT: usize = 200;
/// A trade tries every route, each with a copy of the day: on an
/// over-full 10,000-visit day with 4,000 visits left out, one pass took
/// 17 s of CPU and kept the first regional round from ending for most of
/// a minute (100 trades still took 11 s). The most important visits come
/// first; days with fewer left out (field-2000: about 80) are not affected.
const MAX_TRADES: usize = 10;

fn one_pass(problem: &Problem, arcs: &ArcCost, state: &mut SearchState) -> usize {
    if state.unassigned.is_empty() {
        return 0;
    }
    let exchanges = state.unassigned.len() <= MAX_LEFT_OUT;
    let mut left_out = std::mem::take(&mut state.unassigned);
    left_out.sort_by_key(|&v| (problem.visits[v].priority, v));
    let mut placed = 0;
    let mut trades_left = if left_out.len() > MANY_LEFT_OUT {
        MAX_TRADES
    } else {
        usize::MAX
    };
    for v in left_out {
        if let Some((_, place)) = cheapest_place(problem, arcs, state, v) {
            apply(problem, arcs, state, v, place);
            placed += 1;
        } else if let Some(changed) = exchanges
            .then(|| cheapest_exchange(problem, arcs, state, v))
            .flatten()
            .or_else(|| {
                trades_left = trades_left.checked_sub(1)?;
                serve_instead(problem, arcs, state, v)
            })
        {
            *state = changed;
            placed += 1;
        } else {
            state.unassigned.push(v);
        }
    }
    placed
}

/// Travel of a state's routes, fixed costs included.
fn travel(problem: &Problem, arcs: &ArcCost, state: &SearchState) -> f64 {
    state
        .routes
        .iter()
        .map(|r| r.travel + arcs.vehicle(problem, r.vehicle))
        .sum()
}

/// The cheapest state serving `v` besides everything `state` serves, made
/// by moving a few visits (see [`removals`]) out of a route that may
/// serve `v` to other routes.
fn cheapest_exchange(
    problem: &Problem,
    arcs: &ArcCost,
    state: &SearchState,
    v: usize,
) -> Option<SearchState> {
    let mut best: Option<(f64, SearchState)> = None;
    for r in 0..state.routes.len() {
        let route = &state.routes[r];
        if !problem.may_serve(route.vehicle, v) {
            continue;
        }
        for out in removals(route.visits.len()) {
            let rest: Vec<usize> = (0..route.visits.len())
                .filter(|i| !out.contains(i))
                .map(|i| route.visits[i])
                .collect();
            let Some(mut trial) = with_reduced_route(problem, arcs, state, r, rest, v) else {
                continue;
            };
            let moved = out.iter().all(|&i| {
                let w = route.visits[i];
                match cheapest_place(problem, arcs, &trial, w) {
                    Some((_, place)) => {
                        apply(problem, arcs, &mut trial, w, place);
                        true
                    }
                    None => false,
                }
            });
            if !moved {
                continue;
            }
            let cost = travel(problem, arcs, &trial);
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, trial));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// The sets of visit indices tried out of a route of `m` visits: every
/// visit, every pair, and every string of three. A full day with a long
/// visit to fit needed two visits out, not always neighbours.
fn removals(m: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = (0..m).map(|i| vec![i]).collect();
    for i in 0..m {
        for j in i + 1..m {
            out.push(vec![i, j]);
        }
    }
    for i in 0..m.saturating_sub(2) {
        out.push(vec![i, i + 1, i + 2]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::check;
    use crate::model::Objective;
    use crate::model::{
        DenseMatrix, Euclidean, ProblemBuilder, Rounding, SkillSet, TimeWindow, Vehicle, Visit,
    };
    use crate::solution::{Route, Solution};

    /// Two drivers at a depot; two important visits fill driver `a`'s day,
    /// and a low-priority visit only `a` may serve is left out. Driver `b`
    /// may serve the important ones when `b_helps`.
    fn full_day(b_helps: bool) -> (crate::model::Problem, Solution) {
        let travel = DenseMatrix::from_model(&Euclidean {
            coords: vec![(0.0, 0.0), (10.0, 0.0)],
            rounding: Rounding::Exact,
        });
        let mut builder = ProblemBuilder::new("full-day", travel);
        for id in ["w1", "w2"] {
            let mut w = Visit::new(id, 1, 30.0, 1, TimeWindow::new(0.0, 100.0));
            w.priority = 1;
            if !b_helps {
                w.allowed_vehicles = Some(vec![0]);
            }
            builder.visit(w);
        }
        let mut x = Visit::new("x", 1, 30.0, 1, TimeWindow::new(0.0, 100.0));
        x.priority = 10;
        x.required = false;
        x.allowed_vehicles = Some(vec![0]);
        builder.visit(x);
        for id in ["a", "b"] {
            builder.vehicle(Vehicle {
                id: id.into(),
                start: 0,
                end: Some(0),
                shift: TimeWindow::new(0.0, 100.0),
                capacity: 10,
                skills: SkillSet::new(),
                fixed_cost: 0.0,
                max_working_time: None,
                limits: Default::default(),
                lunch_break: None,
            });
        }
        let problem = builder.build().expect("valid");
        let start = Solution {
            routes: vec![Route {
                vehicle: 0,
                visits: vec![0, 1],
                break_position: None,
            }],
            unassigned: vec![2],
        };
        (problem, start)
    }

    #[test]
    fn a_visit_moves_to_another_driver_to_make_room() {
        let (problem, start) = full_day(true);
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        assert_eq!(state.unassigned, vec![2], "x fits alone, so it is retried");
        assert_eq!(make_room(&problem, &arcs, &mut state), 1);
        let solution = state.to_solution(&problem);
        assert!(solution.unassigned.is_empty());
        assert!(check(&problem, &solution).is_feasible());
        let route_of_x = solution.routes.iter().find(|r| r.visits.contains(&2));
        assert_eq!(route_of_x.map(|r| r.vehicle), Some(0));
    }

    #[test]
    fn an_important_visit_takes_the_place_of_less_important_ones() {
        let (mut problem, start) = full_day(false);
        // x (only driver a may serve it) now outranks the day's visits.
        problem.visits[2].priority = 1;
        for w in 0..2 {
            problem.visits[w].priority = 5;
            problem.visits[w].required = false;
        }
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        assert_eq!(make_room(&problem, &arcs, &mut state), 1);
        let solution = state.to_solution(&problem);
        assert!(check(&problem, &solution).is_feasible());
        assert!(solution.routes.iter().any(|r| r.visits.contains(&2)));
        assert_eq!(
            solution.unassigned.len(),
            1,
            "one of the day's visits makes room"
        );
        assert_eq!(state.served(), 2);
    }

    #[test]
    fn nothing_changes_when_no_room_can_be_made() {
        let (problem, start) = full_day(false);
        let arcs = ArcCost::new(&Objective::default());
        let mut state = SearchState::from_solution(&problem, &arcs, &start);
        assert_eq!(make_room(&problem, &arcs, &mut state), 0);
        assert_eq!(state.unassigned, vec![2]);
        assert_eq!(state.served(), 2);
    }
}
