//! Phase timers: how long each step of a solve takes (travel table,
//! neighbour lists, construction, each regional round, the handling of
//! left-out visits), as `tracing` debug events under the target
//! `ordo::phase`. `RUST_LOG=ordo::phase=debug ordo bench day.json` prints
//! them; they are how the growth of each phase with the size of a day was
//! measured (issue 23). Each event gives wall seconds and the process's
//! CPU seconds over the phase: on a shared machine the wall time of a
//! phase says more about the neighbours than about the phase.

use std::time::Instant;

/// Runs `work` and reports its wall and CPU time as phase `name`.
pub fn timed<T>(name: &'static str, work: impl FnOnce() -> T) -> T {
    if !tracing::enabled!(target: "ordo::phase", tracing::Level::DEBUG) {
        return work();
    }
    let started = Instant::now();
    let cpu_before = process_cpu_seconds();
    let out = work();
    tracing::debug!(
        target: "ordo::phase",
        phase = name,
        seconds = started.elapsed().as_secs_f64(),
        cpu_seconds = process_cpu_seconds() - cpu_before
    );
    out
}

/// User plus system CPU seconds of this process so far (Linux; 0
/// elsewhere), at the kernel's tick of 10 ms.
pub fn process_cpu_seconds() -> f64 {
    /// Clock ticks per second of `/proc/self/stat` on Linux.
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at ')'.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (ticks(11) + ticks(12)) / TICKS_PER_SECOND
}
