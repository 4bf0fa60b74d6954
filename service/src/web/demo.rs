//! `ordo serve --demo`: a bundled day (or any plan request file) loaded
//! into the running service through its own API, for a company `demo`, so
//! the page has something to show at once. The one place where a plan
//! request becomes API records (the visits document requires `docNo`,
//! `customer`, `address` and `city`, which plan requests do not carry).

use anyhow::{bail, Context, Result};
use axum::body::{to_bytes, Body};
use axum::http::{header, Method, Request};
use axum::Router;
use serde_json::{json, Map, Value};
use tower::ServiceExt;

/// The bundled 60-visit day around Aberdeen.
pub const FIELD_60: &str = include_str!("../../../datasets/field-60.json");

/// A plan request as API records.
#[derive(Debug, Clone)]
pub struct DemoDay {
    /// The request's `date`.
    pub date: String,
    /// Visit records for `POST /api/v2/visits`.
    pub visits: Vec<Value>,
    /// Driver records for `POST /api/v2/drivers`.
    pub drivers: Vec<Value>,
    /// `(driver id, location body)` for `PUT /api/v2/drivers/{id}/location`:
    /// each driver at their start at the start of their shift.
    pub locations: Vec<(String, Value)>,
}

impl DemoDay {
    /// Converts a plan request (JSON text). Visits keep every field they
    /// have; the document's required text fields get placeholders, and
    /// `_id` is left to the server.
    pub fn from_plan_json(text: &str) -> Result<Self> {
        let request: Value = serde_json::from_str(text).context("not JSON")?;
        let date = request["date"]
            .as_str()
            .context("date: missing")?
            .to_string();
        let visits = records(&request, "visits")?
            .into_iter()
            .map(|mut visit| {
                visit.remove("_id");
                let id = match visit.get("id") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let place = visit
                    .get("territory")
                    .and_then(Value::as_str)
                    .map(|t| t.trim_start_matches("AB-").to_string())
                    .unwrap_or_else(|| "Aberdeen".into());
                visit.entry("driverId").or_insert_with(|| "".into());
                visit
                    .entry("docNo")
                    .or_insert_with(|| format!("DEMO-{id}").into());
                visit
                    .entry("customer")
                    .or_insert_with(|| format!("Customer {id}").into());
                visit
                    .entry("address")
                    .or_insert_with(|| format!("{id} High Street").into());
                visit.entry("city").or_insert_with(|| place.into());
                Value::Object(visit)
            })
            .collect();
        let drivers = records(&request, "drivers")?;
        let locations = drivers
            .iter()
            .filter_map(|d| {
                let id = d.get("id")?.as_str()?.to_string();
                let start = d.get("start")?;
                let shift_start = d.get("shift")?.get("earliest")?.as_f64()?;
                let at = day_millis(&date)? + (shift_start * 1000.0) as i64;
                Some((id, json!({"location": start, "submitted_at": at})))
            })
            .collect();
        Ok(Self {
            date,
            visits,
            drivers: drivers.into_iter().map(Value::Object).collect(),
            locations,
        })
    }
}

fn records(request: &Value, key: &str) -> Result<Vec<Map<String, Value>>> {
    let Some(items) = request[key].as_array() else {
        bail!("{key}: expected an array");
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(o) => Ok(o.clone()),
            _ => bail!("{key}[{i}]: expected an object"),
        })
        .collect()
}

/// Milliseconds since the Unix epoch of midnight UTC of `YYYY-MM-DD`.
fn day_millis(date: &str) -> Option<i64> {
    let day: jiff::civil::Date = date.parse().ok()?;
    let midnight = day.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(midnight.timestamp().as_millisecond())
}

/// Loads `day` with `key` through `app`'s own routes (the same handlers,
/// checks and rate limit as any client), failing on the first refusal.
pub async fn load(app: &Router, key: &str, day: &DemoDay) -> Result<()> {
    let drivers = call(
        app,
        key,
        Method::POST,
        "/api/v2/drivers",
        json!(day.drivers),
    )
    .await?;
    refuse_errors("drivers", &drivers)?;
    let visits = call(app, key, Method::POST, "/api/v2/visits", json!(day.visits)).await?;
    refuse_errors("visits", &visits)?;
    for (driver, body) in &day.locations {
        let path = format!("/api/v2/drivers/{driver}/location");
        call(app, key, Method::PUT, &path, body.clone()).await?;
    }
    Ok(())
}

fn refuse_errors(what: &str, answer: &Value) -> Result<()> {
    match answer["meta"]["errors"].as_array() {
        Some(errors) if !errors.is_empty() => bail!("loading the demo {what}: {}", json!(errors)),
        _ => Ok(()),
    }
}

async fn call(app: &Router, key: &str, method: Method, path: &str, body: Value) -> Result<Value> {
    let request = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {key}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await?;
    if !status.is_success() {
        bail!(
            "{method} {path}: {status} {} (a large day may need a higher --rate-limit)",
            String::from_utf8_lossy(&bytes)
        );
    }
    Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_day_becomes_complete_records() {
        let day = DemoDay::from_plan_json(FIELD_60).unwrap();
        assert_eq!(day.date, "2026-11-23");
        assert_eq!(day.visits.len(), 60);
        for visit in &day.visits {
            for field in [
                "id", "docNo", "customer", "address", "city", "driverId", "lat",
            ] {
                assert!(visit.get(field).is_some(), "{field} in {visit}");
            }
            assert!(visit.get("_id").is_none());
        }
        assert_eq!(day.drivers.len(), day.locations.len());
        let (_, first) = &day.locations[0];
        // 2026-11-23 08:00 UTC.
        assert_eq!(
            first["submitted_at"],
            json!(1_795_392_000_000_i64 + 28_800_000)
        );
    }

    #[test]
    fn civil_days() {
        assert_eq!(day_millis("1970-01-01"), Some(0));
        assert_eq!(day_millis("2000-03-01"), Some(951_868_800_000));
        assert_eq!(day_millis("nope"), None);
    }
}
