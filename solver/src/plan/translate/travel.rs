//! The travel model of a request (geodesic by default, or supplied
//! tables) and the numbering of its locations by place.

use super::super::defaults;
use super::super::error::{IssueCode, Issues};
use super::super::fields::number;
use super::super::lenient::NumberLike;
use super::super::request::{PlanRequest, SpeedBandRequest, TravelRequest};
use super::super::spatial_order;
use crate::model::{DenseMatrix, Geodesic, SpeedBand, SpeedProfile, Vehicle, Visit};

/// Renumbers the geodesic locations by place (see [`spatial_order`]) and
/// points the drivers and visits at the new numbers.
pub(super) fn number_by_place(
    coords: Vec<(f64, f64)>,
    vehicles: &mut [Vehicle],
    visits: &mut [Visit],
) -> Vec<(f64, f64)> {
    let renumber = spatial_order::renumber_by_place(&coords);
    for k in vehicles.iter_mut() {
        k.start = renumber[k.start];
        k.end = k.end.map(|e| renumber[e]);
    }
    for v in visits.iter_mut() {
        v.location = renumber[v.location];
    }
    spatial_order::permute(&coords, &renumber)
}

/// The travel matrix over `coords` (or the supplied tables); `None` after
/// recording the issues.
pub(super) fn travel(
    request: &PlanRequest,
    coords: Vec<(f64, f64)>,
    issues: &mut Issues,
) -> Option<DenseMatrix> {
    let n = coords.len();
    let record = "options.travel";
    let geodesic = |detour_factor: f64, speed_kmh: f64| {
        DenseMatrix::from_geodesic(&Geodesic {
            coords,
            detour_factor,
            speed_mps: speed_kmh / 3.6,
        })
    };
    match &request.options.travel {
        None => Some(geodesic(defaults::DETOUR_FACTOR, defaults::SPEED_KMH)),
        Some(TravelRequest::Geodesic {
            detour_factor,
            speed_kmh,
        }) => {
            let mut read = |field: &str,
                            value: &Option<NumberLike>,
                            default: f64,
                            ok: fn(f64) -> bool,
                            rule: &str| {
                match value.as_ref().map(|v| number(field, v)).transpose() {
                    Ok(v) if ok(v.unwrap_or(default)) => Some(v.unwrap_or(default)),
                    Ok(_) => {
                        issues.push(record, field, IssueCode::OutOfRange, rule);
                        None
                    }
                    Err(issue) => {
                        issues.extend(record, [issue]);
                        None
                    }
                }
            };
            let detour = read(
                "detourFactor",
                detour_factor,
                defaults::DETOUR_FACTOR,
                |f| f >= 1.0,
                "must be >= 1",
            );
            let speed = read(
                "speedKmh",
                speed_kmh,
                defaults::SPEED_KMH,
                |s| s > 0.0,
                "must be > 0",
            );
            Some(geodesic(detour?, speed?))
        }
        Some(TravelRequest::Matrix {
            durations,
            distances,
        }) => {
            let durations = flat_table(record, "durations", durations, n, issues);
            let distances = distances
                .as_ref()
                .map(|d| flat_table(record, "distances", d, n, issues));
            match distances {
                Some(distances) => Some(DenseMatrix::from_tables(n, distances?, Some(durations?))),
                None => Some(DenseMatrix::from_tables(n, durations?, None)),
            }
        }
    }
}

/// The request's speed profile (`options.travel.speedProfile`), checked:
/// every band's numbers, `from < to`, `factor > 0`, sorted without
/// overlaps. `None` without one, or after recording the issues.
pub(super) fn speed_profile(request: &PlanRequest, issues: &mut Issues) -> Option<SpeedProfile> {
    let bands: &[SpeedBandRequest] = request.options.speed_profile.as_deref()?;
    let record = "options.travel";
    let mut read = |k: usize, name: &str, value: &NumberLike| {
        number(&format!("speedProfile[{k}].{name}"), value)
            .map_err(|issue| issues.extend(record, [issue]))
            .ok()
    };
    let read_bands: Vec<Option<SpeedBand>> = bands
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let (from, to, factor) = (
                read(k, "from", &b.from),
                read(k, "to", &b.to),
                read(k, "factor", &b.factor),
            );
            Some(SpeedBand {
                from: from?,
                to: to?,
                factor: factor?,
            })
        })
        .collect();
    let read_bands: Vec<SpeedBand> = read_bands.into_iter().collect::<Option<_>>()?;
    match SpeedProfile::new(read_bands) {
        Ok(profile) => Some(profile),
        Err((k, problem)) => {
            issues.push(
                record,
                &format!("speedProfile[{k}]"),
                IssueCode::OutOfRange,
                problem,
            );
            None
        }
    }
}

fn flat_table(
    record: &str,
    field: &str,
    rows: &[Vec<f64>],
    n: usize,
    issues: &mut Issues,
) -> Option<Vec<f64>> {
    if rows.len() != n {
        issues.push(
            record,
            field,
            IssueCode::Inconsistent,
            format!(
                "needs {n} rows (drivers' starts, drivers' ends, visits), got {}",
                rows.len()
            ),
        );
        return None;
    }
    let mut flat = Vec::with_capacity(n * n);
    let mut valid = true;
    for (r, row) in rows.iter().enumerate() {
        let field = format!("{field}[{r}]");
        if row.len() != n {
            let problem = format!("needs {n} entries, got {}", row.len());
            issues.push(record, &field, IssueCode::Inconsistent, problem);
            valid = false;
        } else if let Some(bad) = row.iter().find(|v| !v.is_finite() || **v < 0.0) {
            let problem = format!("entries must be finite and >= 0, got {bad}");
            issues.push(record, &field, IssueCode::OutOfRange, problem);
            valid = false;
        }
        flat.extend_from_slice(row);
    }
    valid.then_some(flat)
}
