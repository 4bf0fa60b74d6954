//! The plan job's schema in the OpenAPI document: the envelope's `data`
//! with its status, its times (written as the visits document writes
//! dates, in the company's zone) and the drivers a job left out, so
//! schemathesis holds every job answer to them.

use serde_json::{json, Value};

/// `2020-03-09 15:48:17`: how [`crate::storage::datetime_text`] writes.
const DATETIME_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$";

const DESCRIPTION: &str = "data: {id, status, params, progress {fraction, served, \
    unassigned, distance}, bestPlan, result {plan, feasible, violations, applied, \
    appliedVisits, conflicts [{visitId, id, reason}], skippedDrivers [{id, code, field, \
    detail}]}, error, attempts, createdAt, startedAt, finishedAt}. Times are written \
    \"2020-03-09 15:48:17\", local to the company's time zone. skippedDrivers: stored \
    drivers the planner cannot use (code INVALID_RECORD, the field in error), left out \
    while the rest is planned. Plans follow docs/plan-format.md; a re-route's plan adds \
    changes [{visitId, id, kinds (driver, sequence, eta, added, unassigned), oldDriverId, \
    newDriverId, oldServiceOrder, newServiceOrder, oldEta, newEta}] and summary.changes \
    {changedVisits, driver, sequence, eta, added, unassigned}.";

/// The `PlanJob` schema (also the 202 answer, which has only id, status
/// and href, so no field is required).
pub fn plan_job() -> Value {
    let time = |nullable: bool| {
        let kind = if nullable {
            json!(["string", "null"])
        } else {
            json!("string")
        };
        json!({"type": kind, "pattern": DATETIME_PATTERN,
               "description": "Local to the company's zone, as the visits document writes dates."})
    };
    let skipped = json!({
        "type": "array",
        "description": "Stored drivers the planner cannot use, left out of the plan.",
        "items": {"type": "object", "required": ["id", "code", "field", "detail"], "properties": {
            "id": {"description": "The driver's id as stored."},
            "code": {"type": "string", "enum": ["INVALID_RECORD"]},
            "field": {"type": "string", "description": "The first field in error."},
            "detail": {"type": "string", "description": "Every error, field: message."},
        }},
    });
    json!({
        "description": DESCRIPTION,
        "type": "object",
        "properties": {"data": {"type": "object", "properties": {
            "id": {"type": "string"},
            "status": {"type": "string",
                       "enum": ["queued", "solving", "done", "failed", "cancelled"]},
            "createdAt": time(false),
            "startedAt": time(true),
            "finishedAt": time(true),
            "result": {"type": ["object", "null"], "properties": {"skippedDrivers": skipped}},
        }}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_matches_how_times_are_written() {
        let text = crate::storage::datetime_text(1_583_768_897_000, &jiff::tz::TimeZone::UTC);
        assert_eq!(text, "2020-03-09 15:48:17");
        // The pattern is digits in this shape, the separators as written.
        let shape = "0000-00-00 00:00:00";
        assert_eq!(text.len(), shape.len());
        for (written, expected) in text.bytes().zip(shape.bytes()) {
            let digit = expected == b'0';
            assert!(if digit {
                written.is_ascii_digit()
            } else {
                written == expected
            });
        }
        let data = &plan_job()["properties"]["data"]["properties"];
        assert_eq!(data["createdAt"]["pattern"], DATETIME_PATTERN);
        assert_eq!(data["finishedAt"]["type"], json!(["string", "null"]));
    }
}
