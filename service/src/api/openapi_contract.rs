//! What every operation of the OpenAPI document can answer and accept,
//! added to the document the handlers' attributes generate: the error
//! answers the shared layers give (bad request, key, media types, size,
//! rate limit, unknown id), the query parameters' exact ranges and formats,
//! required bodies, batch bodies as arrays of objects (each record is
//! checked on its own and reported in `meta.errors`), and partial-update
//! bodies without required fields. schemathesis (`.ci/run-schemathesis`)
//! holds the server to it.

use serde_json::{json, Map, Value};

use crate::records::location::MAX_SUBMITTED_AT;
use crate::records::spec::location_schema;

/// HTTP methods of a path item.
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Every answer an operation can give through the shared layers.
const ALWAYS: [(&str, &str); 4] = [
    (
        "400",
        "The request cannot be read: malformed JSON, a bad query or path parameter",
    ),
    ("401", "Missing or unknown API key"),
    ("406", "The client does not accept application/json"),
    (
        "429",
        "Over the rate limit of the key; the rate-limit headers say when to retry",
    ),
];

/// The answers of an operation with a request body.
const WITH_BODY: [(&str, &str); 3] = [
    ("413", "The body is over the size limit (32 MiB)"),
    ("415", "The body's Content-Type is not JSON"),
    (
        "422",
        "The body is valid JSON of the wrong shape, or a field is invalid (meta.errors names it)",
    ),
];

/// The example body of `POST /visits` in the visits document
/// (`../shared/seeds/visits-api.txt`), verbatim, so schemathesis' example
/// phase sends it.
const SEED_VISIT_BATCH: &str = r#"[
 {
  "driverId": "FEn9BJz93svSNPx7p",
  "name": "Liam",
  "date": "2020-03-31",
  "id": 10816703,
  "docType": "CALL OUT",
  "docNo": "H-017623",
  "serviceOrder": 3,
  "customer": "The Green Sleeve",
  "siteId": "30101308",
  "lat": 57.0,
  "lng": -2.0,
  "site": "The Green Sleeve",
  "address": "999 West High Street",
  "postCode": "AB51 3QR",
  "city": "INVERURIE",
  "obs": "Contact Info: The Green Sleeve, John: 01999999999 \r\n AQUARIUS TONE7/3 2001 - Side of the shop\r\nAccess 9am - 5.30pm\r\nNo parking onsite ",
  "contactPerson": "John",
  "contactPhone": "01999999999",
  "emailMandatory": "1",
  "priority": "3",
  "showItemsOnOrderSection": "1",
  "hideEquipmentDetails": "0",
  "hideDeliveryItemsSection": "0",
  "signeeName": "John",
  "signeeEmail": "john@email.com",
  "subContractorIds": [
   "My Subcontractor"
  ],
  "territory": "AB-Aberdeen",
  "useStartPauseStopStyleButtonsInJobs": "1",
  "inMobileApp": "1",
  "NPSMandatory": "1",
  "precedencePriorityVisit": "0",
  "closeVisitOnLastJobClose": "0",
  "country": "GB",
  "companyId": "LPeaJNaLQT6RqcFdt",
  "time_windows": [
   {
    "earliest": 30600,
    "latest": 64800
   }
  ],
  "required_skills": [
   "Plumber",
   "Hot water technician",
   "Installer"
  ],
  "allowed_vehicles": [],
  "confirmClose": "1",
  "inProgress": "0",
  "closed": "1",
  "skipped": "0",
  "duration": 2100
 }
]"#;

/// The largest `pagination` start the server parses.
const MAX_START: u64 = u64::MAX;

/// The schema of a query parameter of the list filters, by name.
fn query_schema(name: &str) -> Option<Value> {
    Some(match name {
        // Empty means 0.
        "pagination" => json!({"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": MAX_START},
            {"type": "string", "maxLength": 0}]}),
        // Empty means the default (insertion order, ascending).
        "order_field" => json!({"type": "string",
            "enum": ["serviceOrder", "date", "driverId", "id", ""]}),
        "order_direction" => json!({"type": "string", "enum": ["asc", "desc", ""]}),
        "date" => json!({"type": "string", "format": "date"}),
        // The spellings a boolean filter takes (empty means 0).
        "closed" | "confirmClose" | "inProgress" | "skipped" => json!({
            "type": ["integer", "string"],
            "enum": [0, 1, "0", "1", "true", "false", "yes", "no", ""],
        }),
        "priority" => json!({"type": "integer", "minimum": 1, "maximum": 10}),
        _ => return None,
    })
}

fn error_answer(description: &str) -> Value {
    json!({"description": description,
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
}

/// A performer location report: one, `{data: one or a batch}`, or a batch.
fn location_report() -> Value {
    let one = json!({"type": "object", "required": ["location"], "properties": {
        "location": location_schema(),
        "submitted_at": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_SUBMITTED_AT,
                         "description": "ms since the epoch (default now)"}}});
    let batch = json!({"type": "array", "minItems": 1, "items": one});
    json!({"description": "One location report, {data: report or batch}, or a batch",
           "anyOf": [one, batch, {"type": "object", "required": ["data"],
                                  "properties": {"data": {"anyOf": [one, batch]}}}]})
}

/// Completes `doc` (the generated OpenAPI document) in place.
pub fn complete(doc: &mut Value) {
    add_patch_schemas(doc);
    if let Some(report) = doc.pointer_mut("/components/schemas/LocationReport") {
        *report = location_report();
    }
    if let Some(job) = doc.pointer_mut("/components/schemas/PlanJob") {
        *job = super::openapi_jobs::plan_job();
    }
    // A re-route needs its moment, and a driver's current position gives
    // both coordinates or neither (checked only then).
    if let Some(Value::Object(job)) = doc.pointer_mut("/components/schemas/PlanJobRequest") {
        let needs = |a: &str, b: &str| {
            json!({"if": {"required": [a], "properties": {a: {"type": "number"}}},
                   "then": {"required": [b], "properties": {b: {"type": "number"}}}})
        };
        let current = json!({"allOf": [needs("lat", "lng"), needs("lng", "lat")]});
        // A plan job's zone: an IANA name of the bundled database, or
        // empty for the company's.
        let mut zones: Vec<Value> = jiff::tz::db()
            .available()
            .map(|name| Value::from(name.as_str()))
            .collect();
        zones.extend([Value::from(""), Value::Null]);
        if let Some(zone) = job
            .get_mut("properties")
            .and_then(|p| p.get_mut("timeZone"))
            .and_then(Value::as_object_mut)
        {
            zone.insert("enum".into(), zones.into());
        }
        job.insert(
            "if".into(),
            json!({"required": ["mode"], "properties": {"mode": {"const": "reroute"}}}),
        );
        job.insert(
            "then".into(),
            json!({"required": ["now"], "properties": {"now": {"type": "number"},
                "drivers": {"items": {"properties": {"current": current}}}}}),
        );
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            if METHODS.contains(&method.as_str()) {
                complete_operation(path, method, operation);
            }
        }
    }
}

fn complete_operation(path: &str, method: &str, operation: &mut Value) {
    let has_body = operation.get("requestBody").is_some();
    if has_body {
        operation["requestBody"]["required"] = true.into();
        let content = &mut operation["requestBody"]["content"]["application/json"]["schema"];
        if let Some(target) = content.get("$ref").and_then(Value::as_str) {
            if let Some(replacement) = body_schema(target, method) {
                *content = replacement;
            }
        }
    }
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters {
            let name = parameter["name"].as_str().unwrap_or_default().to_owned();
            if parameter["in"] == "query" {
                if let Some(schema) = query_schema(&name) {
                    parameter["schema"] = schema;
                }
            }
        }
    }
    let responses = operation
        .as_object_mut()
        .map(|o| o.entry("responses").or_insert_with(|| json!({})));
    let Some(responses) = responses.and_then(Value::as_object_mut) else {
        return;
    };
    let mut add = |code: &str, description: &str| {
        responses
            .entry(code)
            .or_insert_with(|| error_answer(description));
    };
    for (code, description) in ALWAYS {
        add(code, description);
    }
    if path.contains('{') {
        add("404", "No such record or job (for this company)");
    }
    if has_body {
        for (code, description) in WITH_BODY {
            add(code, description);
        }
    }
}

/// The request schema that replaces a reference: batches are arrays of
/// objects (records are checked one by one, bad ones reported in
/// `meta.errors` of a 200), partial updates take any subset of the fields.
fn body_schema(target: &str, method: &str) -> Option<Value> {
    let record = |name: &str| format!("#/components/schemas/{name}");
    for name in ["Visit", "Driver"] {
        if target == record(&format!("{name}Batch")) {
            let mut batch = json!({
                "type": "array",
                "items": {"type": "object", "description": format!(
                    "A {name} record (#/components/schemas/{name}); a record that breaks its \
                     rules is refused alone and reported in meta.errors, the others are stored."
                )},
            });
            if name == "Visit" {
                if let Ok(example) = serde_json::from_str::<Value>(SEED_VISIT_BATCH) {
                    batch["example"] = example;
                }
            }
            return Some(batch);
        }
        if method == "put" && target == record(name) {
            return Some(json!({"$ref": record(&format!("{name}Patch"))}));
        }
    }
    None
}

/// `VisitPatch` and `DriverPatch`: the record schemas without required
/// fields (a PUT sends only what changes).
fn add_patch_schemas(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut patches = Map::new();
    for name in ["Visit", "Driver"] {
        if let Some(mut patch) = schemas.get(name).cloned() {
            if let Some(obj) = patch.as_object_mut() {
                obj.remove("required");
                obj.insert(
                    "description".into(),
                    format!("Fields of a {name} to change; the others are kept.").into(),
                );
            }
            patches.insert(format!("{name}Patch"), patch);
        }
    }
    schemas.extend(patches);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_example_is_the_documents_post_body() {
        let example: Value = serde_json::from_str(SEED_VISIT_BATCH).unwrap();
        assert_eq!(example[0]["docNo"], "H-017623");
        assert_eq!(example[0]["id"], 10816703);
    }

    #[test]
    fn every_operation_documents_the_shared_errors() {
        let mut doc = json!({
            "paths": {"/api/v2/visits/{id}": {"put": {
                "requestBody": {"content": {"application/json": {"schema":
                    {"$ref": "#/components/schemas/Visit"}}}},
                "responses": {"200": {"description": "ok"}}}},
                "/api/v2/visits": {"get": {"parameters": [
                    {"name": "date", "in": "query", "schema": {"type": "string"}}],
                    "responses": {}}}},
            "components": {"schemas": {"Visit": {"type": "object", "required": ["id"]}}},
        });
        complete(&mut doc);
        let put = &doc["paths"]["/api/v2/visits/{id}"]["put"];
        for code in [
            "200", "400", "401", "404", "406", "413", "415", "422", "429",
        ] {
            assert!(put["responses"][code].is_object(), "{code}");
        }
        assert_eq!(put["requestBody"]["required"], true);
        assert_eq!(
            put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/VisitPatch"
        );
        assert!(doc["components"]["schemas"]["VisitPatch"]["required"].is_null());
        let get = &doc["paths"]["/api/v2/visits"]["get"];
        assert_eq!(get["parameters"][0]["schema"]["format"], "date");
        assert!(get["responses"]["404"].is_null());
    }
}
