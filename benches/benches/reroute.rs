//! Criterion bench: the dispatcher re-route path on the bundled 500-visit
//! re-route (`datasets/field-500-reroute.json`: 11:00, one driver an hour
//! late, one urgent visit): parse and translate, the warm start (the
//! published plan repaired), and the whole re-plan end to end with a fixed
//! budget of 200 search iterations (so the figure measures work, not the
//! clock; `ordo solve ... --time-limit 0.8` is the time-bounded run).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ordo_solver::plan::reroute::warm_start;
use ordo_solver::plan::{plan, translate, PlanRequest};
use ordo_solver::{Objective, Stop};

fn bench_reroute(c: &mut Criterion) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/field-500-reroute.json");
    let text = std::fs::read_to_string(path).expect("bundled field-500-reroute.json");
    let objective = Objective {
        distance_weight: 0.001,
        travel_time_weight: 1.0,
        ..Objective::default()
    };
    let mut group = c.benchmark_group("reroute/field-500");
    group.sample_size(10);
    group.bench_function("parse+translate", |b| {
        b.iter(|| translate(&PlanRequest::from_json(&text).expect("valid")).expect("valid"))
    });
    let translation = translate(&PlanRequest::from_json(&text).expect("valid")).expect("valid");
    let replan = translation.replan.clone().expect("a re-route request");
    group.bench_function("warm-start", |b| {
        b.iter(|| {
            warm_start(&translation.problem, &objective, 1, |v| {
                replan.published_rank[translation.request_index[v]]
            })
        })
    });
    let mut request = PlanRequest::from_json(&text).expect("valid");
    request.options.iterations = Some(200.0.into());
    request.options.time_limit_seconds = Some(60.0.into());
    group.bench_function("end-to-end-200-iterations", |b| {
        b.iter(|| {
            let text = serde_json::to_string(&request).expect("serialisable");
            let parsed = PlanRequest::from_json(&text).expect("valid");
            plan(&parsed, &Stop::after(Duration::from_secs(60)), &mut |_| {}).expect("plans")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_reroute);
criterion_main!(benches);
