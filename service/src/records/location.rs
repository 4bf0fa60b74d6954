//! Locations in every format of the jobs/workflows document, and the
//! performer-location payloads (one location or a batch). We store and
//! answer in the document's primary format, the CSV string `lat,lon`.

use ordo_solver::model::LatLng;
use serde::Serialize;
use serde_json::Value;

use super::spec::{integer_in, number_in};

/// A point in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// Latitude, -90..=90.
    pub lat: f64,
    /// Longitude, -180..=180.
    pub lng: f64,
}

impl Point {
    fn checked(lat: f64, lng: f64) -> Result<Self, String> {
        let p = LatLng::new(lat, lng)?;
        Ok(Self {
            lat: p.lat(),
            lng: p.lng(),
        })
    }

    /// The document's primary format: `lat,lon`.
    pub fn csv(&self) -> String {
        format!("{},{}", self.lat, self.lng)
    }
}

const FORMATS: &str =
    "expected \"lat,lon\", \"(lat,lon)\", {\"x\", \"y\"}, {\"lat\", \"lon\"} or {\"lat\", \"lng\"}";

/// Parses `"lat,lon"`, `"(lat,lon)"`, `{x: lat, y: lon}`, `{lat, lon}` or
/// `{lat, lng}` (numbers may be strings).
/// The latest `submitted_at` taken: the last millisecond of year 9999 (so
/// the range is exact in JSON numbers, and the OpenAPI document states it).
pub const MAX_SUBMITTED_AT: i64 = 253_402_300_799_999;

pub fn parse_location(value: &Value) -> Result<Point, String> {
    match value {
        Value::String(text) => {
            let inner = text.trim();
            let inner = inner
                .strip_prefix('(')
                .and_then(|t| t.strip_suffix(')'))
                .unwrap_or(inner);
            let (lat, lng) = inner
                .split_once(',')
                .ok_or_else(|| format!("{FORMATS}, got \"{text}\""))?;
            let num = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| format!("{FORMATS}, got \"{text}\""))
            };
            Point::checked(num(lat)?, num(lng)?)
        }
        Value::Object(obj) => {
            let pair = [("x", "y"), ("lat", "lon"), ("lat", "lng")]
                .into_iter()
                .find(|(a, b)| obj.contains_key(*a) && obj.contains_key(*b));
            let (a, b) = pair.ok_or_else(|| format!("{FORMATS}, got {value}"))?;
            let get = |name: &str| {
                obj.get(name)
                    .ok_or_else(|| format!("{name} is required"))
                    .and_then(|v| {
                        number_in(v, f64::MIN, f64::MAX).map_err(|e| format!("{name}: {e}"))
                    })
            };
            Point::checked(get(a)?, get(b)?)
        }
        _ => Err(format!("{FORMATS}, got {value}")),
    }
}

/// One performer location report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocationReport {
    /// Where.
    pub point: Point,
    /// When, ms since the epoch; `None` = now (set by the caller).
    pub submitted_at: Option<i64>,
}

/// Reads a performer-location body: `{location, submitted_at}`, the same
/// wrapped in `{"data": ...}`, or a batch `{"data": [...]}` / `[...]`.
/// Errors name the batch entry.
pub fn parse_location_reports(body: &Value) -> Result<Vec<LocationReport>, String> {
    match body {
        Value::Array(items) => {
            if items.is_empty() {
                return Err("the batch is empty".into());
            }
            items
                .iter()
                .enumerate()
                .map(|(i, item)| one_report(item).map_err(|e| format!("data[{i}]: {e}")))
                .collect()
        }
        Value::Object(obj) if !obj.contains_key("location") && obj.contains_key("data") => {
            parse_location_reports(&obj["data"])
        }
        _ => one_report(body).map(|r| vec![r]),
    }
}

fn one_report(item: &Value) -> Result<LocationReport, String> {
    let location = item
        .get("location")
        .ok_or_else(|| "location is required".to_string())?;
    let point = parse_location(location).map_err(|e| format!("location: {e}"))?;
    let submitted_at = match item.get("submitted_at") {
        None | Some(Value::Null) => None,
        Some(v) => {
            Some(integer_in(v, 0, MAX_SUBMITTED_AT).map_err(|e| format!("submitted_at: {e}"))?)
        }
    };
    Ok(LocationReport {
        point,
        submitted_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_document_format_parses() {
        let paris = Point {
            lat: 48.856181,
            lng: 2.3519511,
        };
        for value in [
            json!("48.856181,2.3519511"),
            json!(" (48.856181, 2.3519511) "),
            json!({"x": 48.856181, "y": 2.3519511}),
            json!({"lat": 48.856181, "lon": 2.3519511}),
            json!({"lat": "48.856181", "lng": "2.3519511"}),
        ] {
            assert_eq!(parse_location(&value), Ok(paris), "{value}");
        }
        assert_eq!(paris.csv(), "48.856181,2.3519511");
    }

    #[test]
    fn bad_locations_say_why() {
        for value in [
            json!("48.8"),
            json!("a,b"),
            json!("(1,2"),
            json!({"lat": 1}),
            json!(12),
        ] {
            assert!(
                parse_location(&value).unwrap_err().contains("expected"),
                "{value}"
            );
        }
        assert!(parse_location(&json!("91,0"))
            .unwrap_err()
            .contains("latitude"));
        assert!(parse_location(&json!({"x": 0, "y": 200}))
            .unwrap_err()
            .contains("longitude"));
    }

    #[test]
    fn single_wrapped_and_batch_reports() {
        let one = parse_location_reports(&json!({"location": "1,1"})).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].submitted_at, None);
        let wrapped = parse_location_reports(&json!({"data": {"location": {"lat": 1, "lng": 2},
                                                      "submitted_at": 1602023711000_i64}}))
        .unwrap();
        assert_eq!(wrapped[0].submitted_at, Some(1602023711000));
        let batch = parse_location_reports(&json!({"data": [
            {"location": "1,1"}, {"location": "2,1", "submitted_at": "1602023711000"}]}))
        .unwrap();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[1].point, Point { lat: 2.0, lng: 1.0 });
        let bad = parse_location_reports(&json!([{"location": "1,1"}, {"place": "x"}]));
        assert_eq!(bad.unwrap_err(), "data[1]: location is required");
    }
}
