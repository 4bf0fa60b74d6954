//! `ordo solve plan.json`: plans a field-service day and writes the result
//! JSON; the summary line goes to standard error (or standard output when
//! the result goes to `--out`).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use ordo_solver::plan::{self, NumberLike};
use ordo_solver::Stop;

use super::solve::SolveArgs;
use crate::render::progress::SolveProgress;
use crate::render::{self, Picture};

/// Runs the plan path of `ordo solve`.
pub fn run(args: &SolveArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let router = args
        .router
        .as_deref()
        .map(crate::routing::Router::parse_flag)
        .transpose()?;
    let fetch_started = Instant::now();
    let read = crate::routing::read_plan(&text, router.as_ref())
        .with_context(|| format!("{}", args.file.display()))?;
    let mut request = read.request;
    if let Some((_, f)) = &read.road {
        report_road(f);
    }
    // The command line wins over the file's options.
    request.options.time_limit_seconds = Some(args.search.time_limit.into());
    request.options.seed = Some(NumberLike::exact(args.search.seed));
    if let Some(threads) = args.search.threads {
        request.options.threads = Some((threads.max(1) as f64).into());
    }
    if let Some(n) = args.search.iterations {
        request.options.iterations = Some((n as f64).into());
    }
    request.options.recombine = Some(args.search.recombine.is_on());
    let limit = request
        .options
        .time_limit()
        .with_context(|| format!("--time-limit {}", args.search.time_limit))?;
    // The time limit is the wall time to the answer, fetching included.
    let stop = Stop::after(limit.saturating_sub(fetch_started.elapsed()));
    let started = fetch_started;
    let bar = SolveProgress::new(limit);
    let planned = plan::plan_and_check(&request, &stop, &mut |p| {
        let km = format!("{:.1} km", p.distance / 1000.0);
        bar.update(p.fraction, p.served, p.served + p.unassigned, &km);
    });
    bar.finish();
    let (result, report) = planned.with_context(|| format!("{}", args.file.display()))?;
    if args.svg.is_some() || args.geojson.is_some() {
        let picture = Picture::from_plan(
            &serde_json::from_str(&text)?,
            &serde_json::to_value(&result)?,
        );
        render::write_files(&picture, args.svg.as_deref(), args.geojson.as_deref())?;
    }
    let s = &result.summary;
    let summary = format!(
        "plan {} visits {} served {} unassigned {} drivers {} travel {:.0}s distance {:.1}km time {:.2}s feasible {}",
        args.file.display(),
        s.visits,
        s.served,
        result.unassigned.len(),
        s.drivers_used,
        s.travel_time,
        s.distance / 1000.0,
        started.elapsed().as_secs_f64(),
        report.is_feasible()
    );
    let mut shown = serde_json::to_value(&result)?;
    if let Some((road, resolved)) = &read.road {
        crate::routing::annotate(&mut shown, resolved);
        if road.geometry {
            crate::routing::add_geometry(&mut shown, &request, road);
        }
    }
    let json = serde_json::to_string_pretty(&shown)?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, json + "\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("{summary}");
        }
        None => {
            eprintln!("{summary}");
            println!("{json}");
        }
    }
    for v in &report.violations {
        eprintln!("violation: {v}");
    }
    Ok(if report.is_feasible() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The road matrix's line on standard error: the fetch, what the router
/// could not reach, and a fall-back to straight lines, never silent.
fn report_road(f: &crate::routing::Resolved) {
    if let Some(reason) = &f.fallback {
        eprintln!("road matrix: FALLBACK to geodesic travel: {reason}");
        return;
    }
    eprintln!(
        "road matrix: {} places, {} tiles, {} requests, {} unroutable pairs, {:.2}s",
        f.places, f.stats.tiles, f.stats.requests, f.unroutable_pairs, f.stats.seconds
    );
    for d in &f.left_out_drivers {
        eprintln!("driver {} left out (NO_ROUTE): {}", d.id, d.detail);
    }
}
