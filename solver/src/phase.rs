//! Phase timers: how long each step of a solve takes (travel table,
//! neighbour lists, construction, each regional round, the handling of
//! left-out visits), as `tracing` debug events under the target
//! `ordo::phase`. `RUST_LOG=ordo::phase=debug ordo bench day.json` prints
//! them; they are how the growth of each phase with the size of a day was
//! measured (issue 23).

use std::time::Instant;

/// Runs `work` and reports its wall time as phase `name`.
pub fn timed<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = work();
    tracing::debug!(
        target: "ordo::phase",
        phase = name,
        seconds = started.elapsed().as_secs_f64()
    );
    out
}
