//! Criterion benches of the search's hot paths: insertion evaluation, one
//! full local-search pass on a 1000-customer instance, one SISR iteration.
//!
//! The 1000-customer benches read `RC1_10_1` from the public datasets
//! (`$ORDO_DATASETS` or `../shared/datasets`) and are skipped with a
//! message when it is absent.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use ordo_solver::construction::regret_insertion;
use ordo_solver::io::solomon;
use ordo_solver::model::{ArcCost, Problem, Rounding};
use ordo_solver::search::local_search::local_search;
use ordo_solver::search::neighbours::Neighbours;
use ordo_solver::search::recreate::{greedy_insert, RecreateParams};
use ordo_solver::search::ruin::{string_removal, RuinParams};
use ordo_solver::search::state::SearchState;
use ordo_solver::search::SearchContext;
use ordo_solver::{Objective, Stop};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn large_instance() -> Option<Problem> {
    let dir = std::env::var_os("ORDO_DATASETS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/datasets"));
    let path = dir.join("homberger/RC1_10_1.txt");
    match solomon::read_file(&path, Rounding::Dimacs) {
        Ok(p) => Some(p),
        Err(e) => {
            eprintln!("SKIPPED 1000-customer benches: {e}");
            None
        }
    }
}

fn bench_search(c: &mut Criterion) {
    let Some(problem) = large_instance() else {
        return;
    };
    let objective = Objective::default();
    let arcs = ArcCost::new(&objective);
    let start =
        SearchState::from_solution(&problem, &arcs, &regret_insertion(&problem, &objective));
    let neighbours = Neighbours::new(&problem, 40);
    let stop = Stop::after(std::time::Duration::from_secs(3600));
    let ctx = SearchContext {
        problem: &problem,
        arcs,
        objective: &objective,
        neighbours: neighbours.clone(),
        ruin: RuinParams::default(),
        stop: stop.clone(),
        regional: false,
    };

    c.bench_function(
        "insertion_delta/all positions of one route (RC1_10_1)",
        |b| {
            let route = &start.routes[0];
            b.iter(|| {
                (0..problem.n_visits())
                    .filter_map(|v| {
                        (0..=route.visits.len())
                            .find_map(|p| route.insertion_delta(&problem, &arcs, v, p))
                    })
                    .count()
            })
        },
    );

    let mut group = c.benchmark_group("1000 customers");
    group.sample_size(10);
    group.bench_function("local_search/full pass from construction (RC1_10_1)", |b| {
        b.iter_batched(
            || (start.clone(), ChaCha8Rng::seed_from_u64(1)),
            |(mut state, mut rng)| local_search(&ctx, &mut state, &mut rng, None),
            BatchSize::LargeInput,
        )
    });
    let recreate = RecreateParams {
        blink_rate: 0.01,
        max_routes: problem.vehicles.len(),
        prefer_existing: false,
        left_out_first: false,
        rejects_short_steps: true,
    };
    group.bench_function("sisr/one ruin-and-recreate iteration (RC1_10_1)", |b| {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        b.iter_batched(
            || start.clone(),
            |mut state| {
                let removed = string_removal(
                    &problem,
                    &arcs,
                    &neighbours,
                    &RuinParams::default(),
                    &mut state,
                    &mut rng,
                );
                greedy_insert(
                    &problem,
                    &arcs,
                    &neighbours,
                    &recreate,
                    &mut state,
                    removed,
                    &mut rng,
                );
                state
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
