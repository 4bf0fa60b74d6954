//! Criterion bench: the field-service path up to the first complete plan
//! (parse, translate with the geodesic matrix, construction with breaks)
//! on the bundled 500-visit day.

use criterion::{criterion_group, criterion_main, Criterion};
use ordo_solver::construction::regret_insertion;
use ordo_solver::plan::{translate, PlanRequest};
use ordo_solver::Objective;

fn bench_plan(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/field-500.json");
    let text = std::fs::read_to_string(path).expect("bundled field-500.json");
    let objective = Objective {
        distance_weight: 0.001,
        travel_time_weight: 1.0,
        ..Objective::default()
    };
    let mut group = c.benchmark_group("plan/field-500");
    group.sample_size(10);
    group.bench_function("parse+translate", |b| {
        b.iter(|| translate(&PlanRequest::from_json(&text).expect("valid")).expect("valid"))
    });
    let translation = translate(&PlanRequest::from_json(&text).expect("valid")).expect("valid");
    group.bench_function("construction", |b| {
        b.iter(|| regret_insertion(&translation.problem, &objective))
    });
    group.finish();
}

criterion_group!(benches, bench_plan);
criterion_main!(benches);
