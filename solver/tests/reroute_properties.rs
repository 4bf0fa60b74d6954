//! Re-route invariants on many random situations: generated days
//! published and re-planned at a random hour, with random visit and driver
//! locks, a random freeze horizon and sometimes a driver gone. Whatever the
//! situation, the result passes the checker, and every lock holds or the
//! visit is reported. `ORDO_DUMP=DIR` writes each situation's request to
//! `DIR/situation-SEED.json` for replaying a failure with `ordo solve`.

use std::collections::HashMap;

use ordo_solver::plan::generate::GenerateParams;
use ordo_solver::plan::generate_reroute::{generate_reroute, RerouteParams};
use ordo_solver::plan::{plan_and_check, BoolLike, PlanRequest, ReasonCode};
use ordo_solver::Stop;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn is(flag: &Option<BoolLike>) -> bool {
    flag.as_ref().is_some_and(|b| b.value().unwrap_or(false))
}

/// A random re-route situation from `seed`.
fn situation(seed: u64) -> PlanRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let at = f64::from(rng.gen_range(9..15)) * 3600.0;
    let day = GenerateParams {
        visits: rng.gen_range(30..60),
        drivers: rng.gen_range(3..7),
        seed,
    };
    let mut request = generate_reroute(&RerouteParams {
        plan_iterations: 200,
        ..RerouteParams::new(day, at)
    })
    .expect("generated scenario plans");
    let locks = ["locked", "keepDriver", "free"];
    for v in &mut request.visits {
        if rng.gen_bool(0.3) {
            v.lock = Some(locks[rng.gen_range(0..3)].into());
        }
    }
    for d in &mut request.drivers {
        if rng.gen_bool(0.2) {
            d.lock = Some(locks[rng.gen_range(0..3)].into());
        }
    }
    if rng.gen_bool(0.5) {
        request.freeze_until = Some((at + f64::from(rng.gen_range(0..7200))).into());
    }
    if rng.gen_bool(0.3) && request.drivers.len() > 1 {
        let gone = request.drivers.remove(0).id;
        for v in &mut request.visits {
            if v.driver_id.as_deref() == Some(gone.as_str()) {
                v.in_progress = Some(BoolLike::Bool(false));
            }
        }
    }
    request.options.iterations = Some(150.0.into());
    request.options.time_limit_seconds = Some(30.0.into());
    request
}

#[test]
fn locks_hold_and_results_pass_the_checker_in_random_situations() {
    for seed in 1..=24u64 {
        let request = situation(seed);
        if let Ok(dir) = std::env::var("ORDO_DUMP") {
            let path = format!("{dir}/situation-{seed}.json");
            std::fs::write(path, serde_json::to_string(&request).unwrap_or_default()).ok();
        }
        let (result, report) = plan_and_check(
            &request,
            &Stop::after(std::time::Duration::from_secs(60)),
            &mut |_| {},
        )
        .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert!(report.is_feasible(), "seed {seed}: {:?}", report.violations);
        let now = request
            .now
            .as_ref()
            .and_then(|n| n.value().ok())
            .unwrap_or(0.0);
        let mut at: HashMap<&str, (&str, usize, f64)> = HashMap::new();
        for route in &result.routes {
            for stop in &route.stops {
                at.insert(
                    &stop.visit_id,
                    (&route.driver_id, stop.service_order, stop.service_start),
                );
            }
        }
        let reason: HashMap<&str, ReasonCode> = result
            .unassigned
            .iter()
            .map(|u| (u.visit_id.as_str(), u.reason))
            .collect();
        let driver_lock: HashMap<&str, Option<&str>> = request
            .drivers
            .iter()
            .map(|d| (d.id.as_str(), d.lock.as_deref()))
            .collect();
        // Per driver: the new places of their locked visits, by published order.
        let mut locked_order: HashMap<&str, Vec<(f64, usize)>> = HashMap::new();
        for v in &request.visits {
            let vid = v.doc_id.as_deref().unwrap_or_default();
            if is(&v.closed) || is(&v.skipped) {
                assert!(
                    !at.contains_key(vid) && !reason.contains_key(vid),
                    "seed {seed}: {vid}"
                );
                continue;
            }
            let Some(published) = v
                .driver_id
                .as_deref()
                .filter(|d| driver_lock.contains_key(d))
            else {
                continue;
            };
            let lock = v
                .lock
                .as_deref()
                .or(driver_lock.get(published).copied().flatten());
            let kept = is(&v.in_progress) || matches!(lock, Some("locked" | "keepDriver"));
            match at.get(vid) {
                Some(&(driver, order, start)) => {
                    if kept {
                        assert_eq!(driver, published, "seed {seed}: {vid} ({lock:?}) moved");
                    }
                    if is(&v.in_progress) {
                        assert_eq!(order, 1, "seed {seed}: in progress {vid} not first");
                    } else {
                        assert!(start >= now - 1e-6, "seed {seed}: {vid} before now");
                    }
                    if lock == Some("locked") && driver == published {
                        let rank = v.service_order.as_ref().and_then(|o| o.value().ok());
                        locked_order
                            .entry(published)
                            .or_default()
                            .push((rank.unwrap_or(f64::MAX), order));
                    }
                }
                None => assert!(
                    !kept || reason.contains_key(vid),
                    "seed {seed}: kept {vid} neither served nor reported"
                ),
            }
        }
        for (driver, mut places) in locked_order {
            places.sort_by(|a, b| a.0.total_cmp(&b.0));
            assert!(
                places.windows(2).all(|w| w[0].1 < w[1].1),
                "seed {seed}: driver {driver}'s locked visits out of order: {places:?}"
            );
        }
        let changes = result.summary.changes.as_ref().expect("changes counted");
        assert_eq!(changes.changed_visits, result.changes.len());
    }
}
