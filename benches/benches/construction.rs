//! Criterion bench: regret insertion on a Solomon-format instance.

use criterion::{criterion_group, criterion_main, Criterion};
use ordo_solver::construction::regret_insertion;
use ordo_solver::io::solomon;
use ordo_solver::model::Rounding;
use ordo_solver::Objective;

fn bench_construction(c: &mut Criterion) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/examples/sample-25.txt");
    let problem = solomon::read_file(&path, Rounding::Exact).expect("bundled sample parses");
    c.bench_function("regret_insertion/sample-25", |b| {
        b.iter(|| regret_insertion(&problem, &Objective::default()))
    });
}

criterion_group!(benches, bench_construction);
criterion_main!(benches);
