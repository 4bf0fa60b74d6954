//! Recombination results: checker-valid, and never worse than the solution
//! that seeded the MILP, on instances with every field rule.

use std::time::Duration;

use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::pool::RoutePool;
use super::*;
use crate::checker::{check, Violation};
use crate::construction::regret_insertion;
use crate::model::{ArcCost, Objective, Problem};
use crate::params::Stop;
use crate::random_instance::{random_problem, Features};
use crate::route::RouteState;
use crate::search::neighbours::Neighbours;
use crate::search::ruin::{string_removal, RuinParams};

fn context<'a>(problem: &'a Problem, objective: &'a Objective) -> SearchContext<'a> {
    SearchContext {
        problem,
        arcs: ArcCost::new(objective),
        objective,
        neighbours: Neighbours::new(problem, 10),
        ruin: RuinParams::default(),
        stop: Stop::after(Duration::from_secs(60)),
        regional: false,
    }
}

/// Fills a pool with the routes of a random walk of ruin-and-recreate
/// steps from the construction; returns the pool, the best state of the
/// walk and the last one.
fn random_walk(
    ctx: &SearchContext,
    recreate: &RecreateParams,
    steps: usize,
    rng: &mut ChaCha8Rng,
) -> (RoutePool, SearchState, SearchState) {
    let (problem, arcs) = (ctx.problem, &ctx.arcs);
    let start = regret_insertion(problem, ctx.objective);
    let mut state = SearchState::from_solution(problem, arcs, &start);
    let mut pool = RoutePool::new(problem, POOL_CAPACITY);
    let mut best = state.clone();
    for _ in 0..steps {
        let removed = string_removal(problem, arcs, &ctx.neighbours, &ctx.ruin, &mut state, rng);
        greedy_insert(
            problem,
            arcs,
            &ctx.neighbours,
            recreate,
            &mut state,
            removed,
            rng,
        );
        pool.offer(problem, arcs, &state);
        let cost = |s: &SearchState| s.cost(problem, arcs, ctx.objective);
        if cost(&state).better_than(&cost(&best)) {
            best = state.clone();
        }
    }
    (pool, best, state)
}

/// Recombines with `seed` and checks the two promises; returns whether the
/// result is strictly better than `seed`.
fn recombine_and_verify(
    ctx: &SearchContext,
    recreate: &RecreateParams,
    pool: &mut RoutePool,
    seed: &SearchState,
    rng: &mut ChaCha8Rng,
) -> Result<bool, TestCaseError> {
    let (problem, arcs, objective) = (ctx.problem, &ctx.arcs, ctx.objective);
    let found = recombine_once(ctx, recreate, pool, seed, Duration::from_secs(10), rng);
    let solution = found.to_solution(problem);
    // A required visit the seed could not serve either is the instance's
    // fault (random fleets are small), not recombination's.
    let report = check(problem, &solution);
    let violations: Vec<&Violation> = report
        .violations
        .iter()
        .filter(|v| !matches!(v, Violation::RequiredNotServed { visit } if seed.to_solution(problem).unassigned.contains(visit)))
        .collect();
    prop_assert!(violations.is_empty(), "{:?}", violations);
    // The checker's view of the result, not the search's cached one.
    let reloaded = SearchState::from_solution(problem, arcs, &solution);
    prop_assert_eq!(reloaded.served(), found.served());
    let before = seed.cost(problem, arcs, objective);
    let after = reloaded.cost(problem, arcs, objective);
    prop_assert!(
        !before.better_than(&after),
        "recombined {after:?} is worse than its seed {before:?}"
    );
    Ok(after.better_than(&before))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Seeded with the best or with the last solution of a random walk
    /// (so that the pool holds better routes than the seed and the MILP
    /// really recombines), on instances with every rule.
    #[test]
    fn recombined_solutions_pass_the_checker_and_never_lose(
        seed in any::<u64>(),
        n in 8usize..30,
        m in 2usize..5,
        hierarchical in any::<bool>(),
        field_rules in any::<bool>(),
    ) {
        let features = if field_rules { Features::ALL } else { Features::VRPTW };
        let problem = random_problem(seed, n, m, features);
        let objective = Objective {
            kind: if hierarchical { ObjectiveKind::Hierarchical } else { ObjectiveKind::Distance },
            ..Objective::default()
        };
        let ctx = context(&problem, &objective);
        let recreate = RecreateParams {
            blink_rate: 0.01,
            max_routes: problem.vehicles.len(),
            prefer_existing: hierarchical,
            left_out_first: false,
            rejects_short_steps: false,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut pool, best, last) = random_walk(&ctx, &recreate, 60, &mut rng);
        recombine_and_verify(&ctx, &recreate, &mut pool, &best, &mut rng)?;
        recombine_and_verify(&ctx, &recreate, &mut pool, &last, &mut rng)?;
    }
}

/// The MILP does find better combinations than a poor seed: on plain
/// VRPTW instances, recombining a random walk's last solution improves it
/// on most seeds.
#[test]
fn recombination_improves_a_poor_seed() {
    let objective = Objective::default();
    let mut improved = 0;
    for seed in 0..10u64 {
        let problem = random_problem(seed, 40, 6, Features::VRPTW);
        let ctx = context(&problem, &objective);
        let recreate = RecreateParams {
            blink_rate: 0.01,
            max_routes: problem.vehicles.len(),
            prefer_existing: false,
            left_out_first: false,
            rejects_short_steps: false,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let (mut pool, _, last) = random_walk(&ctx, &recreate, 200, &mut rng);
        if recombine_and_verify(&ctx, &recreate, &mut pool, &last, &mut rng)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
        {
            improved += 1;
        }
    }
    assert!(improved >= 5, "only {improved} of 10 seeds improved");
}

/// One route per vehicle class and visit set, in its cheapest order; the
/// pool never grows past its capacity and keeps the routes seen last.
#[test]
fn pool_keeps_the_cheapest_order_of_each_visit_set_within_capacity() {
    let problem = random_problem(3, 12, 3, Features::VRPTW);
    let objective = Objective::default();
    let arcs = ArcCost::new(&objective);
    let route = |visits: Vec<usize>| RouteState::new(&problem, &arcs, 0, visits);
    let lone = |r: RouteState| SearchState {
        vehicle_used: (0..problem.vehicles.len()).map(|k| k == 0).collect(),
        routes: vec![r.into()],
        unassigned: Vec::new(),
        unservable: Vec::new(),
    };
    let mut pool = RoutePool::new(&problem, 4);
    let (a, b) = (route(vec![1, 2, 3]), route(vec![3, 2, 1]));
    let cheaper = if a.travel <= b.travel {
        a.clone()
    } else {
        b.clone()
    };
    pool.offer(&problem, &arcs, &lone(a));
    pool.offer(&problem, &arcs, &lone(b));
    assert_eq!(pool.len(), 1);
    assert_eq!(pool.routes()[0].visits, cheaper.visits);
    assert!(pool.find(&route(vec![2, 1, 3])).is_some());
    assert!(pool.find(&route(vec![1, 2])).is_none());
    for v in 4..12 {
        pool.offer(&problem, &arcs, &lone(route(vec![v])));
        assert!(pool.len() <= 4);
    }
    assert!(pool.find(&route(vec![11])).is_some());
    assert!(pool.find(&route(vec![4])).is_none());
}
