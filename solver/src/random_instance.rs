//! Small random instances with every field-service rule, for property tests.
//!
//! Built from a seed so a failing proptest case names a reproducible
//! instance. Coordinates are planar (Euclidean travel) to keep numbers small.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::{
    Break, DenseMatrix, Euclidean, Problem, ProblemBuilder, Reassignment, Rounding, SkillSet,
    SoftLimit, SpeedBand, SpeedProfile, TimeWindow, Vehicle, Visit,
};

/// Which rules the instance exercises.
#[derive(Debug, Clone, Copy)]
pub struct Features {
    /// Visits with two windows.
    pub multi_window: bool,
    /// Skills, allowed vehicles, locks, precedence, in-progress visits.
    pub rules: bool,
    /// Breaks and working-time limits.
    pub breaks: bool,
    /// Optional visits with priorities.
    pub optional: bool,
}

impl Features {
    /// Every rule on.
    pub const ALL: Self = Self {
        multi_window: true,
        rules: true,
        breaks: true,
        optional: true,
    };
    /// The classic VRPTW.
    pub const VRPTW: Self = Self {
        multi_window: false,
        rules: false,
        breaks: false,
        optional: false,
    };
}

/// A random instance of `n` visits and `m` vehicles.
pub fn random_problem(seed: u64, n: usize, m: usize, features: Features) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut coords = vec![(50.0, 50.0)];
    for _ in 0..n {
        coords.push((
            rng.gen_range(0.0..100.0f64).round(),
            rng.gen_range(0.0..100.0f64).round(),
        ));
    }
    let travel = DenseMatrix::from_model(&Euclidean {
        coords,
        rounding: Rounding::Dimacs,
    });
    let mut b = ProblemBuilder::new(format!("random-{seed}"), travel);
    let horizon = 600.0;
    for k in 0..m {
        let mut skills = SkillSet::from_ids([0]);
        if features.rules && k % 2 == 0 {
            skills.insert(1);
        }
        b.vehicle(Vehicle {
            id: format!("v{k}"),
            start: 0,
            end: if features.rules && k == m - 1 {
                None
            } else {
                Some(0)
            },
            shift: TimeWindow::new(0.0, horizon),
            capacity: rng.gen_range(15..40),
            skills,
            fixed_cost: 0.0,
            max_working_time: (features.breaks && k % 2 == 1)
                .then_some(rng.gen_range(250.0..500.0)),
            limits: Default::default(),
            lunch_break: (features.breaks && k % 2 == 0).then(|| Break {
                window: TimeWindow::new(200.0, 260.0),
                duration: 30.0,
            }),
        });
    }
    for i in 1..=n {
        let start: f64 = rng.gen_range(0.0..400.0f64).round();
        let width: f64 = rng.gen_range(20.0..200.0f64).round();
        let mut windows = vec![TimeWindow::new(
            start,
            (start + width).min(horizon - 20.0).max(start),
        )];
        if features.multi_window && rng.gen_bool(0.4) {
            let second = (start + width + rng.gen_range(20.0..120.0f64)).round();
            if second + 30.0 < horizon {
                windows.push(TimeWindow::new(second, (second + 60.0).min(horizon - 10.0)));
            }
        }
        let mut visit = Visit::new(
            i.to_string(),
            i,
            rng.gen_range(5.0..20.0f64).round(),
            rng.gen_range(1..8),
            windows[0],
        );
        visit.windows = windows;
        if features.rules {
            if rng.gen_bool(0.2) {
                visit.skills = SkillSet::from_ids([1]);
            }
            if rng.gen_bool(0.1) {
                visit.allowed_vehicles = Some(vec![rng.gen_range(0..m)]);
            }
            if rng.gen_bool(0.1) {
                visit.precedence = true;
            }
            if rng.gen_bool(0.05) {
                visit.vehicle_lock = Some(rng.gen_range(0..m));
            }
        }
        if features.optional {
            visit.required = false;
            visit.priority = rng.gen_range(1..=10);
        }
        b.visit(visit);
    }
    // The builder only fails on invalid data, which this generator never makes.
    b.build()
        .unwrap_or_else(|e| panic!("random instance {seed} invalid: {e}"))
}

/// `problem` with soft limits drawn from `seed`: about half the visits
/// may start up to a while after their windows close (at a cost per
/// second), about half the vehicles may work overtime, and with `caps`
/// some vehicles get a cap on visits or distance; the rest unchanged.
pub fn soften(problem: &Problem, seed: u64, caps: bool) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x50F7_11A7);
    let mut b = ProblemBuilder::new(problem.name.clone(), (*problem.travel).clone());
    for vehicle in &problem.vehicles {
        let mut vehicle = vehicle.clone();
        if rng.gen_bool(0.5) {
            let max = rng.gen_range(0.0..120.0f64).round();
            vehicle.limits.overtime = Some(SoftLimit::new(max, rng.gen_range(0.0..3.0)));
        }
        if caps && rng.gen_bool(0.3) {
            vehicle.limits.max_visits = Some(rng.gen_range(2..8));
        }
        if caps && rng.gen_bool(0.3) {
            vehicle.limits.max_distance = Some(rng.gen_range(100.0..400.0f64).round());
        }
        b.vehicle(vehicle);
    }
    for visit in &problem.visits {
        let mut visit = visit.clone();
        if rng.gen_bool(0.5) {
            let max = rng.gen_range(0.0..90.0f64).round();
            visit.lateness = Some(SoftLimit::new(max, rng.gen_range(0.0..4.0)));
        }
        b.visit(visit);
    }
    b.build()
        .unwrap_or_else(|e| panic!("softened instance {seed} invalid: {e}"))
        .with_speed_profile(problem.speed_profile().cloned())
}

/// `problem` with rush hours drawn from `seed`: two or three bands over
/// the random instances' 600-unit day, slower (factor 0.4-0.9) or faster
/// (1.1-1.6) than the table, so legs cross band edges both ways.
pub fn with_rush_hours(problem: &Problem, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_5BED);
    let mut bands = Vec::new();
    let mut from: f64 = rng.gen_range(0.0..80.0f64).round();
    for _ in 0..rng.gen_range(2..=3) {
        let to = from + rng.gen_range(40.0..160.0f64).round();
        let factor = if rng.gen_bool(0.6) {
            rng.gen_range(0.4..0.9)
        } else {
            rng.gen_range(1.1..1.6)
        };
        bands.push(SpeedBand { from, to, factor });
        from = to + rng.gen_range(0.0..100.0f64).round();
    }
    let profile = SpeedProfile::new(bands).expect("drawn sorted and disjoint");
    problem.clone().with_speed_profile(Some(profile))
}

/// Turns `problem` into a re-plan: most visits get a published vehicle and
/// a reassignment cost, some of those a lock to it (with a locked rank) and
/// a few join its fixed head (frozen stops), so property tests exercise the
/// assignment costs and the order rules of locks.
pub fn publish_random_plan(problem: &mut Problem, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_CAFE);
    let m = problem.vehicles.len();
    for visit in &mut problem.visits {
        if !rng.gen_bool(0.7) {
            continue;
        }
        let vehicle = rng.gen_range(0..m);
        visit.reassignment = Some(Reassignment {
            vehicle,
            cost: rng.gen_range(1.0..50.0f64).round(),
        });
        match rng.gen_range(0..20) {
            0 | 1 => {
                visit.vehicle_lock = Some(vehicle);
                visit.sequence_lock = Some(rng.gen_range(3..20));
            }
            2 => {
                visit.vehicle_lock = Some(vehicle);
                visit.must_be_first = true;
                visit.sequence_lock = Some(rng.gen_range(0..3));
            }
            _ => {}
        }
    }
}
