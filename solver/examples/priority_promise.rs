//! Measures the priority promise on over-full field days: how many days
//! leave a visit out while a driver could serve it in place of at most two
//! lower-priority visits (checked by the brute force of the property test,
//! which judges routes with the independent checker only), and the travel
//! of what is served.
//!
//! `cargo run --release -p ordo-solver --example priority_promise -- \
//!     [--days 20] [--time-limit 1] [--visits 300] [--drivers 15] [--first-seed 1] \
//!     [--max-working-hours H]`
//!
//! Days come from the plan generator (the visits API's shape: two-window
//! customers, skills, priorities, territories, breaks, visits in progress)
//! with seeds `first-seed..first-seed + days`, every driver's working
//! time capped at `H` hours when given (the cap whose just-in-time start
//! makes shorter days sometimes infeasible); each is solved on one
//! thread. A benchmark, not a test: its figures depend on the clock.

#[path = "../tests/promise/mod.rs"]
mod promise;

use std::time::{Duration, Instant};

use ordo_solver::checker::check;
use ordo_solver::plan::generate::{generate, GenerateParams};
use ordo_solver::plan::translate;
use ordo_solver::{solve, Stop};

struct Args {
    days: u64,
    time_limit: f64,
    visits: usize,
    drivers: usize,
    first_seed: u64,
    max_working_hours: Option<f64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        days: 20,
        time_limit: 1.0,
        visits: 300,
        drivers: 15,
        first_seed: 1,
        max_working_hours: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag}: {e}");
        match flag.as_str() {
            "--days" => args.days = value.parse().map_err(|e| bad(&e))?,
            "--time-limit" => args.time_limit = value.parse().map_err(|e| bad(&e))?,
            "--visits" => args.visits = value.parse().map_err(|e| bad(&e))?,
            "--drivers" => args.drivers = value.parse().map_err(|e| bad(&e))?,
            "--first-seed" => args.first_seed = value.parse().map_err(|e| bad(&e))?,
            "--max-working-hours" => {
                args.max_working_hours = Some(value.parse().map_err(|e| bad(&e))?)
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let mut broken_days = 0;
    let mut broken_visits = 0;
    let mut travel_hours = 0.0;
    let mut served = 0;
    println!("seed served unassigned broken travel_h solve_s");
    for seed in args.first_seed..args.first_seed + args.days {
        let mut request = generate(GenerateParams {
            visits: args.visits,
            drivers: args.drivers,
            seed,
        });
        if let Some(hours) = args.max_working_hours {
            for driver in &mut request.drivers {
                driver.max_working_time = Some((hours * 3600.0).into());
            }
        }
        let translation = match translate(&request) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: day {seed}: {e}");
                std::process::exit(1);
            }
        };
        let problem = &translation.problem;
        let stop = Stop::after(Duration::from_secs_f64(args.time_limit));
        // The plan's own objective and settings, on one thread.
        let mut params = match request.options.solve_params(&stop) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: day {seed}: {e}");
                std::process::exit(1);
            }
        };
        params.time_limit = Duration::from_secs_f64(args.time_limit);
        params.threads = 1;
        params.seed = seed;
        let started = Instant::now();
        let solution = solve(problem, &params, &stop);
        let seconds = started.elapsed().as_secs_f64();
        let report = check(problem, &solution);
        if !report.is_feasible() {
            eprintln!(
                "error: day {seed}: infeasible plan: {:?}",
                report.violations
            );
            std::process::exit(1);
        }
        let broken = promise::broken_promises(problem, &solution);
        if let (false, Some(dir)) = (broken.is_empty(), std::env::var_os("PROMISE_DUMP")) {
            // The day's solution and what the brute force found, to replay.
            let path = std::path::Path::new(&dir).join(format!("day-{seed}.json"));
            let dump =
                serde_json::json!({"solution": solution, "witnesses": format!("{broken:?}")});
            if let Err(e) = std::fs::write(&path, dump.to_string()) {
                eprintln!("error: {}: {e}", path.display());
            }
        }
        let day_served = problem.n_visits() - solution.unassigned.len();
        println!(
            "{seed} {day_served} {} {} {:.2} {seconds:.2}",
            solution.unassigned.len(),
            broken.len(),
            report.travel_time / 3600.0
        );
        broken_days += usize::from(!broken.is_empty());
        broken_visits += broken.len();
        travel_hours += report.travel_time / 3600.0;
        served += day_served;
    }
    let days = args.days as f64;
    println!(
        "{} days at {} s: {:.0} days with a broken promise per 100 days ({broken_visits} visits in all); mean served {:.1}, mean travel {:.2} h",
        args.days,
        args.time_limit,
        100.0 * broken_days as f64 / days,
        served as f64 / days,
        travel_hours / days
    );
}
