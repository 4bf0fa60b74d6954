//! The OpenAPI document at `/api/v2/openapi.json`: paths from the
//! handlers' `#[utoipa::path]` attributes, record schemas from the same
//! field tables that validate requests.

use std::sync::OnceLock;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

use super::envelope::ListMeta;
use crate::app::AppState;
use crate::jobs::PLAN_JOB_FIELDS;
use crate::rate_limit::RateLimitHeaders;
use crate::records::driver::DRIVER_FIELDS;
use crate::records::spec::schema;
use crate::records::visit::VISIT_FIELDS;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Ordo API", description = "Visits, drivers and planning jobs. Every answer is \
        {\"meta\": ..., \"data\": ...}; errors carry meta.status, meta.code and meta.error."),
    paths(
        super::visits::list, super::visits::one, super::visits::upsert, super::visits::upsert_at,
        super::visits::update, super::visits::remove,
        super::drivers::list, super::drivers::one, super::drivers::upsert,
        super::drivers::update, super::drivers::remove,
        super::drivers::report_location, super::drivers::location, super::drivers::location_history,
        super::plans::create, super::plans::show, super::plans::cancel,
        super::plan_apply::apply,
    ),
    components(schemas(ListMeta, super::visits::OrderField, super::visits::OrderDirection)),
    modifiers(&RecordSchemas, &RateLimitHeaders),
    security(("bearer" = []), ("api_key" = [])),
    tags((name = "visits"), (name = "drivers"), (name = "plans")),
)]
pub struct ApiDoc;

struct RecordSchemas;

fn object() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Object)
}

fn list_of(name: &str) -> Schema {
    Schema::Object(
        object()
            .property("meta", Ref::from_schema_name("ListMeta"))
            .property(
                "data",
                ArrayBuilder::new().items(Ref::from_schema_name(name)),
            )
            .build(),
    )
}

fn batch_of(name: &str) -> Schema {
    Schema::Array(
        ArrayBuilder::new()
            .items(Ref::from_schema_name(name))
            .build(),
    )
}

fn described(text: &str) -> Schema {
    Schema::Object(object().description(Some(text)).build())
}

impl Modify for RecordSchemas {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        let schemas: Vec<(&str, Schema)> = vec![
            (
                "Visit",
                schema(
                    VISIT_FIELDS,
                    "A visit of the visits document; unknown fields are kept.",
                ),
            ),
            ("VisitBatch", batch_of("Visit")),
            ("VisitList", list_of("Visit")),
            (
                "Driver",
                schema(
                    DRIVER_FIELDS,
                    "A driver and their vehicle (plan format's DriverRequest).",
                ),
            ),
            ("DriverBatch", batch_of("Driver")),
            ("DriverList", list_of("Driver")),
            (
                "PlanJobRequest",
                schema(
                    PLAN_JOB_FIELDS,
                    "A planning job. With mode \"reroute\" the \
                stored visits' driverId, serviceOrder (and eta, lock, remainingDuration) are the \
                published plan, closed/skipped/inProgress are as stored, and each driver restarts \
                from their latest performer location of date (drivers[].current overrides it).",
                ),
            ),
            // Its schema: `openapi_jobs`.
            ("PlanJob", described("A plan job.")),
            (
                "UpsertResult",
                described(
                    "meta: {recordsInserted, recordsUpdated, errors: [{error: 422, \
                message, index, id, field}]}, data: null",
                ),
            ),
            (
                "LocationReport",
                described(
                    "{location, submitted_at} or {data: {...}} or {data: [...]}; \
                location as \"lat,lon\", \"(lat,lon)\", {x, y}, {lat, lon} or {lat, lng}; \
                submitted_at in ms since the epoch (default now).",
                ),
            ),
            (
                "Error",
                described(
                    "meta: {status, code, error, errors?: [{field, message}], \
                conflicts?: [{visitId, id, reason}]}, data: null",
                ),
            ),
        ];
        for (name, s) in schemas {
            components.schemas.insert(name.to_owned(), RefOr::T(s));
        }
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::new("api_key"))),
        );
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
        super::openapi_contract::complete(&mut doc);
        if let Some(job) = doc.pointer_mut("/components/schemas/PlanJobRequest") {
            add_travel_rules(job);
        }
        doc
    })
}

/// `GET /api/v2/openapi.json` (no key needed).
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v2/openapi.json", get(|| async { Json(document()) }))
}

/// The rules of a job's `travel` the field list cannot state
/// (`routing::road_travel` checks them): a road model needs an http(s)
/// `url`, and a profile or costing is a plain name.
fn add_travel_rules(schema: &mut Value) {
    let Some(travel) = schema.pointer_mut("/properties/travel") else {
        return;
    };
    // Only the model that reads a field constrains it.
    for field in ["url", "profile", "costing"] {
        if let Some(property) = travel["properties"]
            .get_mut(field)
            .and_then(Value::as_object_mut)
        {
            property.remove("type");
        }
    }
    let road = |model: &str, name_field: &str| {
        json!({"if": {"required": ["model"], "properties": {"model": {"const": model}}},
            "then": {"required": ["url"], "properties": {
                "url": {"type": "string", "pattern": "^https?://[a-z0-9.]+(:[0-9]{1,5})?$"},
                name_field: {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"}}}})
    };
    travel["allOf"] = json!([road("osrm", "profile"), road("valhalla", "costing")]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_route_and_record_field() {
        let doc = document();
        for path in [
            "/api/v2/visits",
            "/api/v2/visits/{id}",
            "/api/v2/drivers/{id}/location",
            "/api/v2/plans",
            "/api/v2/plans/{id}",
            "/api/v2/plans/{id}/apply",
        ] {
            assert!(doc["paths"][path].is_object(), "{path}");
        }
        let apply = &doc["paths"]["/api/v2/plans/{id}/apply"]["post"]["responses"];
        for code in ["200", "404", "409", "429"] {
            assert!(apply[code].is_object(), "apply answers {code}");
        }
        let visit = &doc["components"]["schemas"]["Visit"];
        assert!(visit["properties"]["time_windows"].is_object());
        assert_eq!(
            visit["properties"]["lock"]["enum"],
            serde_json::json!(["locked", "keepDriver", "free", null]),
            "an optional field may be null"
        );
        let driver = &doc["components"]["schemas"]["Driver"];
        assert!(driver["properties"]["lock"]["enum"].is_array());
        let job = &doc["components"]["schemas"]["PlanJobRequest"]["properties"];
        assert_eq!(
            job["mode"]["enum"],
            serde_json::json!(["plan", "reroute", null])
        );
        assert!(job["now"].is_object());
        assert!(job["disruption"]["properties"]["driverChange"].is_object());
        let overrides = &job["drivers"]["items"];
        assert_eq!(overrides["required"], serde_json::json!(["id"]));
        assert!(overrides["properties"]["current"]["properties"]["at"].is_object());
        let list = &doc["paths"]["/api/v2/visits"]["get"];
        assert!(list["responses"]["200"]["headers"]["X-RateLimit-Remaining"].is_object());
        let params: Vec<&str> = list["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(params.contains(&"order_field") && params.contains(&"order_direction"));
        assert!(doc["paths"]["/api/v2/visits/{id}"]["post"].is_object());
        assert!(doc["paths"]["/api/v2/drivers/{id}/locations"]["get"].is_object());
        let required = visit["required"].as_array().unwrap();
        assert!(required.iter().any(|r| r == "id"));
        assert!(!required.iter().any(|r| r == "docNo"));
    }
}
