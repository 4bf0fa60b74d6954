//! Realistic field-service plan requests in Aberdeen and Aberdeenshire,
//! for demos, benchmarks and property tests: two-window customers, skill
//! mixes, priorities 1-10, territories, lunch breaks, and some visits in
//! progress, closed, skipped or restricted to a few vans.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::lenient::{BoolLike, IdLike, NumberLike};
use super::request::{
    BreakRequest, DriverRequest, PlanOptions, PlanRequest, PointRequest, ShiftRequest,
    TravelRequest, VisitRequest, WindowRequest,
};

/// Territories: name and centre (lat, lng).
const TERRITORIES: [(&str, f64, f64); 5] = [
    ("AB-Aberdeen", 57.1497, -2.0943),
    ("AB-Inverurie", 57.2840, -2.3760),
    ("AB-Stonehaven", 56.9630, -2.2110),
    ("AB-Ellon", 57.3650, -2.0710),
    ("AB-Banchory", 57.0510, -2.4900),
];

const SKILLS: [&str; 5] = [
    "Plumber",
    "Electrician",
    "Gas Safe",
    "Installer",
    "Hot water technician",
];

const HOUR: f64 = 3600.0;

/// The shape of a generated day.
#[derive(Debug, Clone, Copy)]
pub struct GenerateParams {
    /// Number of visits.
    pub visits: usize,
    /// Number of drivers.
    pub drivers: usize,
    /// Seed: same parameters, same request.
    pub seed: u64,
}

fn window(earliest: f64, latest: f64) -> WindowRequest {
    WindowRequest {
        earliest: earliest.into(),
        latest: latest.into(),
    }
}

fn near(rng: &mut ChaCha8Rng, territory: usize, spread: f64) -> (f64, f64) {
    let (_, lat, lng) = TERRITORIES[territory];
    // Longitude degrees are about half as long as latitude degrees here.
    (
        lat + rng.gen_range(-spread..spread),
        lng + rng.gen_range(-2.0 * spread..2.0 * spread),
    )
}

fn point(p: (f64, f64)) -> PointRequest {
    PointRequest {
        lat: round6(p.0).into(),
        lng: round6(p.1).into(),
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn doc_id(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    (0..17)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

fn driver(rng: &mut ChaCha8Rng, d: usize) -> DriverRequest {
    let home = d % TERRITORIES.len();
    let mut skills = vec![SKILLS[0]];
    for s in &SKILLS[1..] {
        if rng.gen_bool(0.5) {
            skills.push(s);
        }
    }
    if d % 3 == 1 {
        // Not every engineer plumbs.
        skills.remove(0);
        skills.push(SKILLS[1]);
        skills.dedup();
    }
    let territories = match rng.gen_range(0..10) {
        0..=2 => Vec::new(),
        3..=6 => vec![
            TERRITORIES[home].0.to_string(),
            TERRITORIES[(home + 1) % TERRITORIES.len()].0.to_string(),
        ],
        _ => vec![TERRITORIES[home].0.to_string()],
    };
    let start_hour = if rng.gen_bool(0.3) { 7.5 } else { 8.0 };
    let start = point(near(rng, home, 0.05));
    DriverRequest {
        id: format!("drv-{d:03}"),
        name: Some(format!("Engineer {}", d + 1)),
        skills: skills.iter().map(|s| s.to_string()).collect(),
        vehicle_id: Some(format!("van-{}", d + 1)),
        capacity: Some(100.0.into()),
        territories,
        end: (!rng.gen_bool(0.1)).then(|| start.clone()),
        start,
        shift: ShiftRequest {
            earliest: (start_hour * HOUR).into(),
            latest: ((start_hour + 9.0) * HOUR).into(),
            overtime: None,
        },
        lunch_break: Some(BreakRequest {
            earliest: (12.0 * HOUR).into(),
            latest: (14.0 * HOUR).into(),
            duration: (0.5 * HOUR).into(),
        }),
        max_working_time: rng.gen_bool(0.3).then(|| (8.5 * HOUR).into()),
        max_visits: None,
        max_distance: None,
        current: None,
        lock: None,
    }
}

fn time_windows(rng: &mut ChaCha8Rng) -> Vec<WindowRequest> {
    match rng.gen_range(0..10) {
        // Two-window customers: open mornings and afternoons.
        0..=3 => vec![
            window(8.5 * HOUR, 12.0 * HOUR),
            window(13.5 * HOUR, 17.0 * HOUR),
        ],
        4..=5 => vec![window(8.0 * HOUR, 12.0 * HOUR)],
        6 => vec![window(13.0 * HOUR, 17.0 * HOUR)],
        _ => vec![window(8.0 * HOUR, 18.0 * HOUR)],
    }
}

fn visit(
    rng: &mut ChaCha8Rng,
    i: usize,
    date: &str,
    drivers: &[DriverRequest],
    in_progress_taken: &mut [bool],
) -> VisitRequest {
    let territory = rng.gen_range(0..TERRITORIES.len());
    let (lat, lng) = near(rng, territory, 0.07);
    let mut skills: Vec<String> = Vec::new();
    match rng.gen_range(0..10) {
        0..=4 => skills.push(SKILLS[0].into()),
        5..=6 => skills.push(SKILLS[1].into()),
        7 => skills.extend([SKILLS[0].into(), SKILLS[4].into()]),
        8 => skills.extend([SKILLS[2].into(), SKILLS[3].into()]),
        _ => {}
    }
    let priority = *[1u8, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 9, 10]
        .choose(rng)
        .unwrap_or(&5);
    let priority = if rng.gen_bool(0.5) {
        NumberLike::Text(priority.to_string())
    } else {
        NumberLike::Number(f64::from(priority))
    };
    let mut v = VisitRequest {
        doc_id: Some(doc_id(rng)),
        id: Some(IdLike::Number((10_816_703 + i as u64).into())),
        driver_id: Some(drivers[rng.gen_range(0..drivers.len())].id.clone()),
        date: Some(date.to_string()),
        lat: Some(round6(lat).into()),
        lng: Some(round6(lng).into()),
        time_windows: time_windows(rng),
        duration: Some(f64::from(rng.gen_range(3..=12) * 300).into()),
        required_skills: skills,
        allowed_vehicles: Vec::new(),
        priority: Some(priority),
        precedence_priority_visit: Some(BoolLike::Bool(rng.gen_bool(0.05))),
        territory: Some(TERRITORIES[territory].0.to_string()),
        in_progress: Some(BoolLike::Bool(false)),
        closed: Some(BoolLike::Text(
            if rng.gen_bool(0.03) { "1" } else { "0" }.into(),
        )),
        skipped: Some(BoolLike::Bool(rng.gen_bool(0.01))),
        service_order: Some(f64::from((i % 9) as u32 + 1).into()),
        demand: Some(f64::from(rng.gen_range(0..=5)).into()),
        eta: None,
        lock: None,
        remaining_duration: None,
        lateness: None,
        unreadable: Vec::new(),
    };
    if rng.gen_bool(0.05) {
        let a = rng.gen_range(0..drivers.len());
        v.allowed_vehicles = vec![
            drivers[a].vehicle_id.clone().unwrap_or_default(),
            drivers[(a + 1) % drivers.len()].id.clone(),
        ];
    }
    let d = rng.gen_range(0..drivers.len());
    if rng.gen_bool(0.03) && !in_progress_taken[d] {
        // Being serviced now by its driver: doable by them, anywhere.
        in_progress_taken[d] = true;
        v.in_progress = Some(BoolLike::Bool(true));
        v.closed = Some(BoolLike::Bool(false));
        v.skipped = Some(BoolLike::Bool(false));
        v.driver_id = Some(drivers[d].id.clone());
        v.required_skills.clear();
        v.allowed_vehicles.clear();
        v.territory = None;
        v.time_windows = vec![window(7.0 * HOUR, 18.0 * HOUR)];
    }
    v
}

/// A plan request for one day (2026-11-23) with geodesic travel.
pub fn generate(params: GenerateParams) -> PlanRequest {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let date = "2026-11-23".to_string();
    let drivers: Vec<DriverRequest> = (0..params.drivers.max(1))
        .map(|d| driver(&mut rng, d))
        .collect();
    let mut in_progress_taken = vec![false; drivers.len()];
    let visits = (0..params.visits)
        .map(|i| visit(&mut rng, i, &date, &drivers, &mut in_progress_taken))
        .collect();
    PlanRequest {
        date,
        visits,
        drivers,
        mode: None,
        now: None,
        freeze_until: None,
        options: PlanOptions {
            time_limit_seconds: Some(5.0.into()),
            seed: Some(1.0.into()),
            threads: None,
            iterations: None,
            recombine: None,
            distance_weight: None,
            travel: Some(TravelRequest::Geodesic {
                detour_factor: Some(1.3.into()),
                speed_kmh: Some(40.0.into()),
            }),
            speed_profile: None,
            lateness: None,
            disruption: None,
            warm_start: None,
            invalid_visits: None,
        },
    }
}
