//! A declarative table of a record's fields (name, kind, required, doc),
//! used both to validate incoming JSON and to describe the record in the
//! OpenAPI document, so the two cannot drift apart.

use ordo_solver::plan::{BoolLike, IdLike, NumberLike, PlanDate};
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::openapi::schema::{ObjectBuilder, Schema};
use utoipa::openapi::RefOr;

use super::location::parse_location;

/// What a field holds. Numbers and booleans are lenient, as the visits
/// document sends them (`"priority": "3"`, `"closed": "1"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A JSON string.
    Text,
    /// A string or a whole number of at most 64 bits (ERP identifiers),
    /// kept exactly: a number beyond that range is refused, not rounded.
    Id,
    /// As [`Kind::Id`], or `""` for none (`"skippedReasonId": ""`).
    IdOrEmpty,
    /// A number or numeric string within `[min, max]`.
    Number { min: f64, max: f64 },
    /// A whole number (or numeric string) within `[min, max]`.
    Integer { min: i64, max: i64 },
    /// `true`/`false`, `1`/`0`, `"1"`/`"0"`.
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// An array of strings.
    TextList,
    /// `[{earliest, latest}]`, seconds from midnight.
    Windows,
    /// `{earliest, latest}`.
    Window,
    /// `{earliest, latest, duration}`.
    Break,
    /// A location in any format of the jobs document.
    Location,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An object with these fields (errors name `parent.child`).
    Object(&'static [Field]),
    /// An array of objects with these fields (errors name `parent[i].child`).
    Objects(&'static [Field]),
    /// Anything (kept as sent).
    Any,
}

/// The re-route locks of visits and drivers (plan format).
pub const LOCKS: &[&str] = &["locked", "keepDriver", "free"];

/// Seconds from midnight of the plan's day (up to a week, as time windows).
pub const DAY_SECONDS: Kind = Kind::Number {
    min: 0.0,
    max: 7.0 * 86_400.0,
};

/// One documented field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// JSON name.
    pub name: &'static str,
    /// Type.
    pub kind: Kind,
    /// Must be present and not null.
    pub required: bool,
    /// One line for the OpenAPI description.
    pub doc: &'static str,
}

/// A field table entry (short, for the tables of the record files).
pub const fn field(name: &'static str, kind: Kind, required: bool, doc: &'static str) -> Field {
    Field {
        name,
        kind,
        required,
        doc,
    }
}

/// A field that failed its check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// The field's JSON name.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks every documented field of `record`; `partial` skips the
/// required-field check (a PUT sends only what changes). Unknown fields
/// pass untouched.
pub fn validate(fields: &[Field], record: &Map<String, Value>, partial: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    validate_at(fields, record, partial, "", &mut errors);
    errors
}

/// [`validate`] of a nested object whose field names get `prefix`.
fn validate_at(
    fields: &[Field],
    record: &Map<String, Value>,
    partial: bool,
    prefix: &str,
    errors: &mut Vec<FieldError>,
) {
    for field in fields {
        let name = format!("{prefix}{}", field.name);
        match (record.get(field.name), field.kind) {
            (None | Some(Value::Null), _) => {
                if field.required && !partial {
                    errors.push(FieldError::new(name, "is required"));
                }
            }
            (Some(value), Kind::Object(inner)) => match value.as_object() {
                Some(obj) => validate_at(inner, obj, false, &format!("{name}."), errors),
                None => errors.push(FieldError::new(
                    name,
                    format!("expected an object, got {value}"),
                )),
            },
            (Some(value), Kind::Objects(inner)) => match value.as_array() {
                Some(list) => {
                    for (i, item) in list.iter().enumerate() {
                        let item_name = format!("{name}[{i}]");
                        match item.as_object() {
                            Some(obj) => {
                                validate_at(inner, obj, false, &format!("{item_name}."), errors)
                            }
                            None => errors.push(FieldError::new(
                                item_name,
                                format!("expected an object, got {item}"),
                            )),
                        }
                    }
                }
                None => errors.push(FieldError::new(
                    name,
                    format!("expected an array of objects, got {value}"),
                )),
            },
            (Some(value), kind) => {
                if let Err(message) = check(kind, value) {
                    errors.push(FieldError::new(name, message));
                }
            }
        }
    }
}

/// A value among `options`.
pub fn one_of(value: &Value, options: &[&str]) -> Result<String, String> {
    let quoted = || {
        options
            .iter()
            .map(|o| format!("\"{o}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    value
        .as_str()
        .filter(|v| options.contains(v))
        .map(str::to_owned)
        .ok_or_else(|| format!("must be one of {}, got {value}", quoted()))
}

fn parse<T: serde::de::DeserializeOwned>(value: &Value, what: &str) -> Result<T, String> {
    serde_json::from_value(value.clone()).map_err(|_| format!("expected {what}, got {value}"))
}

/// A value's number, checked against `[min, max]`.
pub fn number_in(value: &Value, min: f64, max: f64) -> Result<f64, String> {
    let v = parse::<NumberLike>(value, "a number")?.value()?;
    if v < min || v > max {
        return Err(format!("must be in {min}..={max}, got {v}"));
    }
    Ok(v)
}

/// A value's whole number, checked against `[min, max]`.
pub fn integer_in(value: &Value, min: i64, max: i64) -> Result<i64, String> {
    let v = parse::<NumberLike>(value, "a whole number")?.integer()?;
    if v < min || v > max {
        return Err(format!("must be in {min}..={max}, got {v}"));
    }
    Ok(v)
}

/// A value's boolean.
pub fn boolean(value: &Value) -> Result<bool, String> {
    parse::<BoolLike>(value, "a boolean (true/false, 1/0)")?.value()
}

/// A value's identifier as text (non-empty). Numbers must be whole and
/// fit 64 bits: JSON parsing turns any other into a float, which would
/// store (and answer) a different id than the one sent.
pub fn id_text(value: &Value) -> Result<String, String> {
    if let Value::Number(n) = value {
        // A whole number written with a fraction (`342.0`, JSON Schema's
        // integer too) is exact below 2^53.
        let whole = n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0);
        if let (true, Some(f)) = (n.is_f64(), whole) {
            return Ok(format!("{}", f as i64));
        }
        if n.is_f64() {
            return Err(format!(
                "the number {n} cannot be kept exactly as an id (whole numbers up to \
                 18446744073709551615 can): send it as a string"
            ));
        }
    }
    let id = parse::<IdLike>(value, "a string or a number")?.text();
    if id.trim().is_empty() {
        return Err("must not be empty".into());
    }
    Ok(id)
}

fn window(value: &Value) -> Result<(f64, f64), String> {
    let obj = value
        .as_object()
        .ok_or_else(|| format!("expected {{\"earliest\", \"latest\"}}, got {value}"))?;
    let get = |name: &str| {
        obj.get(name)
            .ok_or_else(|| format!("{name} is required"))
            .and_then(|v| number_in(v, 0.0, 7.0 * 86_400.0).map_err(|e| format!("{name}: {e}")))
    };
    let (earliest, latest) = (get("earliest")?, get("latest")?);
    if earliest > latest {
        return Err(format!("earliest {earliest} is after latest {latest}"));
    }
    Ok((earliest, latest))
}

fn check(kind: Kind, value: &Value) -> Result<(), String> {
    match kind {
        Kind::Text => value
            .as_str()
            .map(|_| ())
            .ok_or_else(|| format!("expected a string, got {value}")),
        Kind::Id => id_text(value).map(|_| ()),
        Kind::IdOrEmpty if value.as_str() == Some("") => Ok(()),
        Kind::IdOrEmpty => id_text(value).map(|_| ()),
        Kind::Number { min, max } => number_in(value, min, max).map(|_| ()),
        Kind::Integer { min, max } => integer_in(value, min, max).map(|_| ()),
        Kind::Bool => boolean(value).map(|_| ()),
        Kind::Date => {
            let text = value
                .as_str()
                .ok_or_else(|| format!("expected a date YYYY-MM-DD, got {value}"))?;
            PlanDate::parse(text).map(|_| ())
        }
        Kind::TextList => parse::<Vec<String>>(value, "an array of strings").map(|_| ()),
        Kind::Windows => {
            let list = value
                .as_array()
                .ok_or_else(|| format!("expected an array of windows, got {value}"))?;
            for (i, w) in list.iter().enumerate() {
                window(w).map_err(|e| format!("[{i}]: {e}"))?;
            }
            Ok(())
        }
        Kind::Window => window(value).map(|_| ()),
        Kind::Break => {
            window(value)?;
            let duration = value
                .get("duration")
                .ok_or_else(|| "duration is required".to_string())?;
            number_in(duration, 0.0, 86_400.0)
                .map(|_| ())
                .map_err(|e| format!("duration: {e}"))
        }
        Kind::Location => parse_location(value).map(|_| ()),
        Kind::OneOf(options) => one_of(value, options).map(|_| ()),
        // Nested objects are checked field by field in `validate_at`.
        Kind::Object(_) | Kind::Objects(_) | Kind::Any => Ok(()),
    }
}

/// Rewrites each documented field that parses in its one form: booleans
/// as `true`/`false`, numbers sent as text as numbers (whole ones as
/// integers). Values that do not parse stay as sent, for validation to
/// name.
pub fn canonical(fields: &[Field], record: &mut Map<String, Value>) {
    for field in fields {
        let Some(value) = record.get_mut(field.name) else {
            continue;
        };
        let rewritten = match (field.kind, &*value) {
            (_, Value::Null) => None,
            (Kind::Bool, _) => boolean(value).ok().map(Value::Bool),
            (Kind::Number { min, max }, Value::String(_)) => {
                number_in(value, min, max).ok().map(number_value)
            }
            (Kind::Integer { min, max }, Value::String(_) | Value::Number(_)) => {
                integer_in(value, min, max).ok().map(Value::from)
            }
            _ => None,
        };
        if let Some(v) = rewritten {
            *value = v;
        }
    }
}

/// A number as JSON: whole values (within f64's exact range) as integers.
fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

/// The OpenAPI schema of a record with these fields (extra properties allowed).
pub fn schema(fields: &[Field], description: &str) -> Schema {
    let mut object = ObjectBuilder::new()
        .description(Some(description))
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(true),
        ));
    for field in fields {
        object = object.property(field.name, field_schema(field));
        if field.required {
            object = object.required(field.name);
        }
    }
    Schema::Object(object.build())
}

/// The JSON schema of one field, exactly what [`validate`] accepts: an
/// optional field may also be null (taken as absent); numbers carry their
/// range; booleans list the spellings the document uses.
fn field_schema(field: &Field) -> RefOr<Schema> {
    serde_json::from_value(field_json(field)).unwrap_or_else(|_| RefOr::T(Schema::default()))
}

fn field_json(field: &Field) -> Value {
    let mut schema = kind_schema(field.kind);
    if !field.required {
        allow_null(&mut schema);
    }
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("description".into(), field.doc.into());
    }
    schema
}

/// Adds `null` to a schema's types (and to its enum, if any).
fn allow_null(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    match obj.get_mut("type") {
        Some(Value::String(one)) => {
            let one = one.clone();
            obj.insert("type".into(), json!([one, "null"]));
        }
        Some(Value::Array(many)) => many.push("null".into()),
        _ => {}
    }
    if let Some(Value::Array(options)) = obj.get_mut("enum") {
        options.push(Value::Null);
    }
}

/// The largest whole number [`integer_in`] takes (`NumberLike::integer`).
const LARGEST_WHOLE: i64 = 8_999_999_999_999_999;

fn kind_schema(kind: Kind) -> Value {
    match kind {
        Kind::Text => json!({"type": "string"}),
        Kind::Date => json!({"type": "string", "format": "date"}),
        // Non-blank text or a whole number (kept exactly, up to 2^64-1).
        Kind::Id => json!({"type": ["string", "integer"], "pattern": "\\S",
            "minimum": i64::MIN, "maximum": u64::MAX}),
        // Also empty (the document sends `"skippedReasonId": ""`).
        Kind::IdOrEmpty => json!({"type": ["string", "integer"],
            "minimum": i64::MIN, "maximum": u64::MAX}),
        Kind::Number { min, max } => json!({"type": "number", "minimum": min, "maximum": max}),
        // Whole numbers are read through f64, exact below 9e15.
        Kind::Integer { min, max } => json!({"type": "integer",
            "minimum": min.max(-LARGEST_WHOLE), "maximum": max.min(LARGEST_WHOLE)}),
        Kind::Bool => json!({"type": ["boolean", "integer", "string"],
            "enum": [true, false, 0, 1, "1", "0", "true", "false", "yes", "no", ""]}),
        Kind::TextList => json!({"type": "array", "items": {"type": "string"}}),
        Kind::Windows => json!({"type": "array", "items": window_schema()}),
        Kind::Window => window_schema(),
        Kind::Break => {
            let mut schema = window_schema();
            schema["properties"]["duration"] =
                json!({"type": "number", "minimum": 0, "maximum": 86_400});
            schema["required"] = json!(["earliest", "latest", "duration"]);
            schema
        }
        Kind::Location => location_schema(),
        Kind::OneOf(options) => json!({"type": "string", "enum": options}),
        Kind::Object(inner) => nested(inner),
        Kind::Objects(inner) => json!({"type": "array", "items": nested(inner)}),
        Kind::Any => json!({}),
    }
}

/// The schema of a nested object: its fields, documented like a record's.
fn nested(fields: &[Field]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        properties.insert(field.name.into(), field_json(field));
        if field.required {
            required.push(Value::from(field.name));
        }
    }
    json!({"type": "object", "properties": properties, "required": required})
}

/// A location as an object (`{x, y}`, `{lat, lon}` or `{lat, lng}`; latitude
/// first). The strings `"lat,lng"` and `"(lat,lng)"` are accepted too, but
/// left out of the schema, which cannot state their ranges.
pub fn location_schema() -> Value {
    let lat = json!({"type": "number", "minimum": -90, "maximum": 90});
    let lng = json!({"type": "number", "minimum": -180, "maximum": 180});
    let pair = |a: &str, b: &str| json!({"type": "object", "required": [a, b], "properties": {a: lat.clone(), b: lng.clone()}});
    json!({
        "description": "{x, y}, {lat, lon} or {lat, lng} (also \"lat,lng\" or \"(lat,lng)\")",
        "anyOf": [pair("x", "y"), pair("lat", "lon"), pair("lat", "lng")],
    })
}

/// `{earliest, latest}`, seconds from midnight (up to a week); earliest
/// must not be after latest.
fn window_schema() -> Value {
    let bound = json!({"type": "number", "minimum": 0, "maximum": 7 * 86_400});
    json!({"type": "object", "required": ["earliest", "latest"],
        "properties": {"earliest": bound, "latest": bound},
        "description": "earliest must not be after latest"})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[Field] = &[
        Field {
            name: "id",
            kind: Kind::Id,
            required: true,
            doc: "",
        },
        Field {
            name: "priority",
            kind: Kind::Integer { min: 1, max: 10 },
            required: false,
            doc: "",
        },
        Field {
            name: "closed",
            kind: Kind::Bool,
            required: false,
            doc: "",
        },
        Field {
            name: "time_windows",
            kind: Kind::Windows,
            required: false,
            doc: "",
        },
    ];

    const INNER: &[Field] = &[
        Field {
            name: "lock",
            kind: Kind::OneOf(&["locked", "free"]),
            required: false,
            doc: "",
        },
        Field {
            name: "id",
            kind: Kind::Id,
            required: true,
            doc: "",
        },
    ];

    #[test]
    fn nested_fields_are_named_with_their_path() {
        const OUTER: &[Field] = &[
            Field {
                name: "one",
                kind: Kind::Object(INNER),
                required: false,
                doc: "",
            },
            Field {
                name: "many",
                kind: Kind::Objects(INNER),
                required: false,
                doc: "",
            },
        ];
        let record = json!({"one": {"lock": "frozen", "id": 1},
                            "many": [{"id": 2, "lock": "free"}, {"lock": "locked"}, 3]});
        let e: Vec<String> = validate(OUTER, record.as_object().unwrap(), false)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(e, ["one.lock", "many[1].id", "many[2]"]);
        let ok = json!({"one": {"id": "x", "lock": "locked"}, "many": []});
        assert!(validate(OUTER, ok.as_object().unwrap(), false).is_empty());
    }

    fn errors(record: Value) -> Vec<String> {
        validate(FIELDS, record.as_object().unwrap(), false)
            .into_iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect()
    }

    #[test]
    fn ids_are_kept_exactly_or_refused() {
        let big: Value = serde_json::from_str("9007199254740993").unwrap();
        assert_eq!(id_text(&big).unwrap(), "9007199254740993");
        let max: Value = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(id_text(&max).unwrap(), "18446744073709551615");
        let huge: Value = serde_json::from_str("123456789012345678901234567890").unwrap();
        assert!(id_text(&huge).unwrap_err().contains("send it as a string"));
        assert!(id_text(&json!(1.5)).is_err());
        assert_eq!(
            id_text(&json!("123456789012345678901234567890")).unwrap(),
            "123456789012345678901234567890"
        );
        assert!(check(Kind::IdOrEmpty, &json!("")).is_ok());
        assert!(check(Kind::Id, &json!("")).is_err());
    }

    #[test]
    fn canonical_forms_of_lenient_values() {
        let mut record = json!({"id": "7", "priority": "3", "closed": "1",
                                "time_windows": "kept", "extra": "1"})
        .as_object()
        .cloned()
        .unwrap();
        canonical(FIELDS, &mut record);
        assert_eq!(
            Value::Object(record),
            json!({"id": "7", "priority": 3, "closed": true, "time_windows": "kept", "extra": "1"})
        );
        let mut bad = json!({"closed": "maybe", "priority": "high"})
            .as_object()
            .cloned()
            .unwrap();
        canonical(FIELDS, &mut bad);
        assert_eq!(bad["closed"], "maybe");
        assert_eq!(number_value(2100.0), json!(2100));
        assert_eq!(number_value(57.5), json!(57.5));
    }

    #[test]
    fn lenient_numbers_and_booleans_pass() {
        let ok = json!({"id": 7, "priority": "3", "closed": "1", "extra": [1],
                        "time_windows": [{"earliest": "30600", "latest": 64800}]});
        assert!(errors(ok).is_empty());
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = json!({"priority": 11, "closed": "maybe",
                         "time_windows": [{"earliest": 5, "latest": 1}]});
        let e = errors(bad);
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].starts_with("id: is required"));
        assert!(e[1].starts_with("priority: must be in 1..=10"));
        assert!(e[2].starts_with("closed:"));
        assert!(e[3].contains("[0]: earliest 5 is after latest 1"));
        let partial = validate(FIELDS, json!({"closed": 1}).as_object().unwrap(), true);
        assert!(partial.is_empty());
    }
}
