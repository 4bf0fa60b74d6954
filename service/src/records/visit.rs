//! The visit record of the visits document: its fields, and the columns
//! storage indexes for the list filters.

use ordo_solver::model::{LatLng, Priority};
use ordo_solver::plan::check_visit_record;
use serde_json::{Map, Value};

use super::planner::planner_errors;
use super::spec::{
    boolean, canonical, field as f, id_text, integer_in, validate, Field, FieldError, Kind,
    DAY_SECONDS, LOCKS,
};

const TEXT: Kind = Kind::Text;
const BOOL: Kind = Kind::Bool;
/// The priorities of [`Priority`].
const PRIORITY: Kind = Kind::Integer {
    min: Priority::HIGHEST.get() as i64,
    max: Priority::LOWEST.get() as i64,
};

/// Every documented visit field a client sends. `companyId`, marked
/// required in the document, is optional here: the API key names the
/// company, and a record naming another company is refused. So are
/// `driverId` (a visit not planned yet has no driver: absent means ""),
/// `docNo` and `customer` (labels: nothing is keyed or planned by them)
/// and `address`/`city`, which the document needs to geocode a visit
/// without `lat`/`lng`: they are required only then ([`visit_columns`]).
pub const VISIT_FIELDS: &[Field] = &[
    f(
        "driverId",
        TEXT,
        false,
        "The driver id for this visit (absent or \"\" when unassigned).",
    ),
    f("name", TEXT, false, "The driver name for this visit."),
    f(
        "date",
        Kind::Date,
        true,
        "The expected date for this service, YYYY-MM-DD.",
    ),
    f("id", Kind::Id, true, "Your ERP id: the upsert key."),
    f(
        "docType",
        TEXT,
        false,
        "The document type associated with the visit.",
    ),
    f(
        "docNo",
        TEXT,
        false,
        "The document number associated with the visit.",
    ),
    f(
        "serviceOrder",
        Kind::Integer {
            min: 0,
            max: 1_000_000,
        },
        false,
        "Sequence within the driver's day; planning overwrites it.",
    ),
    f("customer", TEXT, false, "The customer name."),
    f(
        "siteId",
        Kind::IdOrEmpty,
        false,
        "Your ERP customer address id.",
    ),
    f(
        "lat",
        Kind::Number {
            min: *LatLng::LATITUDES.start(),
            max: *LatLng::LATITUDES.end(),
        },
        false,
        "The address latitude.",
    ),
    f(
        "lng",
        Kind::Number {
            min: *LatLng::LONGITUDES.start(),
            max: *LatLng::LONGITUDES.end(),
        },
        false,
        "The address longitude.",
    ),
    f("site", TEXT, false, "The site (address) description."),
    f("address", TEXT, false, "Street address."),
    f("postCode", TEXT, false, "Post code."),
    f("city", TEXT, false, "City."),
    f("obs", TEXT, false, "The visit observations."),
    f(
        "contactPerson",
        TEXT,
        false,
        "Contact person at the customer.",
    ),
    f("contactPhone", TEXT, false, "Phone of the contact person."),
    f(
        "emailMandatory",
        BOOL,
        false,
        "Email mandatory in the signature screen.",
    ),
    f("priority", PRIORITY, false, "1 (highest) .. 10 (lowest)."),
    f(
        "showItemsOnOrderSection",
        BOOL,
        false,
        "Show the items-on-order section.",
    ),
    f(
        "hideEquipmentDetails",
        BOOL,
        false,
        "Hide the equipment details section.",
    ),
    f(
        "hideDeliveryItemsSection",
        BOOL,
        false,
        "Hide the delivery items section.",
    ),
    f("signeeName", TEXT, false, "Who signed on close."),
    f("signeeEmail", TEXT, false, "Email of who signed."),
    f(
        "subContractorIds",
        Kind::TextList,
        false,
        "Sub-contractor names.",
    ),
    f(
        "territory",
        TEXT,
        false,
        "The geographic territory of the visit.",
    ),
    f(
        "useStartPauseStopStyleButtonsInJobs",
        BOOL,
        false,
        "Start/pause/stop buttons.",
    ),
    f(
        "inMobileApp",
        BOOL,
        false,
        "Available in the driver's mobile app.",
    ),
    f("NPSMandatory", BOOL, false, "NPS mandatory."),
    f(
        "precedencePriorityVisit",
        BOOL,
        false,
        "Served before the driver's regular visits.",
    ),
    f(
        "closeVisitOnLastJobClose",
        BOOL,
        false,
        "Close the visit with its last job.",
    ),
    f("country", TEXT, false, "Two-letter country code."),
    f(
        "companyId",
        TEXT,
        false,
        "Your company id (as given to `ordo keys create --company-id`) or name; absent = the \
         API key's company. Answers show the id.",
    ),
    f(
        "time_windows",
        Kind::Windows,
        false,
        "Opening times, seconds from midnight: [{earliest, latest}].",
    ),
    f(
        "required_skills",
        Kind::TextList,
        false,
        "Skills the driver must all hold.",
    ),
    f(
        "allowed_vehicles",
        Kind::TextList,
        false,
        "Drivers or vehicles allowed (empty = any).",
    ),
    f(
        "confirmClose",
        BOOL,
        false,
        "Closing confirmed by your ERP.",
    ),
    f(
        "inProgress",
        BOOL,
        false,
        "Being serviced now (stays with its driver).",
    ),
    f("closed", BOOL, false, "Closed (not planned)."),
    f("skipped", BOOL, false, "Skipped (not planned)."),
    f(
        "skippedReasonId",
        Kind::IdOrEmpty,
        false,
        "The skip reason id (\"\" for none).",
    ),
    f(
        "duration",
        Kind::Number {
            min: 0.0,
            max: 86_400.0,
        },
        false,
        "Service time in seconds.",
    ),
    f(
        "eta",
        DAY_SECONDS,
        false,
        "Re-route: the published service start, seconds from midnight.",
    ),
    f(
        "lock",
        Kind::OneOf(LOCKS),
        false,
        "Re-route: keep driver and order (locked), the driver (keepDriver), or nothing (free); \
         overrides the driver's lock.",
    ),
    f(
        "remainingDuration",
        Kind::Number {
            min: 0.0,
            max: 86_400.0,
        },
        false,
        "Re-route, in progress: service seconds still to go.",
    ),
    f(
        "lines",
        Kind::Any,
        false,
        "The visit's line items (kept as sent).",
    ),
];

/// A visit in the GET shape of the visits document: booleans as
/// `true`/`false`, numbers as numbers, and `priority` as the document's
/// GET example shows it, a string (`"priority": "3"`).
pub fn canonical_visit(record: &mut Map<String, Value>) {
    canonical(VISIT_FIELDS, record);
    if let Some(p) = record
        .get("priority")
        .and_then(|v| integer_in(v, 1, 10).ok())
    {
        record.insert("priority".into(), p.to_string().into());
    }
}

/// What storage indexes of a visit, for the list filters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VisitColumns {
    /// `id` as text.
    pub erp_id: String,
    /// `date`.
    pub date: String,
    /// `driverId`.
    pub driver_id: Option<String>,
    /// `docNo`.
    pub doc_no: Option<String>,
    /// `closed`.
    pub closed: bool,
    /// `confirmClose`.
    pub confirm_close: bool,
    /// `inProgress`.
    pub in_progress: bool,
    /// `priority`.
    pub priority: Option<i64>,
    /// `skipped`.
    pub skipped: bool,
}

/// A visit is found by its coordinates, or else by the address the
/// document geocodes (`address` and `city`).
fn located(record: &Map<String, Value>) -> Vec<FieldError> {
    let has = |name: &str| {
        record
            .get(name)
            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    };
    if has("lat") && has("lng") {
        return Vec::new();
    }
    ["address", "city"]
        .into_iter()
        .filter(|name| !has(name))
        .map(|name| FieldError::new(name, "is required when lat and lng are not both given"))
        .collect()
}

/// Validates a complete visit and extracts its indexed columns. Errors
/// name the field.
pub fn visit_columns(record: &Map<String, Value>) -> Result<VisitColumns, Vec<FieldError>> {
    let mut errors = validate(VISIT_FIELDS, record, false);
    errors.extend(located(record));
    let planner = planner_errors(&errors, check_visit_record(record));
    errors.extend(planner);
    if !errors.is_empty() {
        return Err(errors);
    }
    // Validated above, so the conversions below cannot fail; the
    // fallbacks only keep this free of unwraps.
    let present = |name: &str| record.get(name).filter(|v| !v.is_null());
    let flag = |name: &str| present(name).and_then(|v| boolean(v).ok()).unwrap_or(false);
    let text = |name: &str| present(name).and_then(Value::as_str).map(str::to_owned);
    Ok(VisitColumns {
        erp_id: present("id")
            .and_then(|v| id_text(v).ok())
            .unwrap_or_default(),
        date: text("date").unwrap_or_default(),
        driver_id: text("driverId").filter(|d| !d.is_empty()),
        doc_no: text("docNo"),
        closed: flag("closed"),
        confirm_close: flag("confirmClose"),
        in_progress: flag("inProgress"),
        priority: present("priority")
            .and_then(|v| integer_in(v, i64::MIN, i64::MAX).ok())
            .and_then(|p| Priority::new(p).ok())
            .map(|p| i64::from(p.get())),
        skipped: flag("skipped"),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A minimal valid visit with ERP id `id` on `date`.
    pub(crate) fn visit(id: i64, date: &str) -> Map<String, Value> {
        json!({"id": id, "date": date, "driverId": "", "docNo": format!("H-{id:06}"),
               "customer": "Green Sleeve", "address": "1 High St", "city": "Inverurie",
               "lat": 57.1, "lng": -2.1, "priority": "3", "closed": "0",
               "time_windows": [{"earliest": 30600, "latest": 64800}], "duration": 1800})
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn columns_come_from_lenient_values() {
        let mut v = visit(42, "2026-11-23");
        v.insert("closed".into(), json!("1"));
        v.insert("driverId".into(), json!("d1"));
        let c = visit_columns(&v).unwrap();
        assert_eq!(c.erp_id, "42");
        assert_eq!(c.priority, Some(3));
        assert!(c.closed && !c.skipped);
        assert_eq!(c.driver_id.as_deref(), Some("d1"));
    }

    #[test]
    fn visits_read_back_in_the_document_shape() {
        let mut v = visit(42, "2026-11-23");
        v.insert("emailMandatory".into(), json!("1"));
        v.insert("serviceOrder".into(), json!("4"));
        v.insert("skippedReasonId".into(), json!(""));
        canonical_visit(&mut v);
        assert_eq!(v["closed"], json!(false));
        assert_eq!(v["emailMandatory"], json!(true));
        assert_eq!(v["priority"], json!("3"));
        assert_eq!(v["serviceOrder"], json!(4));
        assert!(visit_columns(&v).is_ok());
    }

    #[test]
    fn reroute_fields_are_checked() {
        let mut v = visit(42, "2026-11-23");
        v.insert("eta".into(), json!("39600"));
        v.insert("lock".into(), json!("keepDriver"));
        v.insert("remainingDuration".into(), json!(600));
        assert!(visit_columns(&v).is_ok());
        v.insert("eta".into(), json!(-1));
        v.insert("lock".into(), json!("frozen"));
        v.insert("remainingDuration".into(), json!("soon"));
        let fields: Vec<String> = visit_columns(&v)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["eta", "lock", "remainingDuration"]);
    }

    #[test]
    fn what_the_planner_reads_is_checked_by_the_planner() {
        let mut v = visit(42, "2026-11-23");
        v.insert("demand".into(), json!("lots"));
        v.insert("priority".into(), json!(11));
        v.insert("remainingDuration".into(), json!(-1));
        let errors = visit_columns(&v).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["priority", "remainingDuration", "demand"],
            "each once"
        );
        assert!(errors[2].message.contains("expected a number"));
        v.insert("demand".into(), json!(1.5));
        v.insert("priority".into(), json!(2));
        v.insert("remainingDuration".into(), json!(60));
        assert_eq!(visit_columns(&v).unwrap_err()[0].field, "demand");
        v.insert("demand".into(), json!("3"));
        assert!(visit_columns(&v).is_ok());
    }

    #[test]
    fn missing_and_mistyped_fields_are_named() {
        let mut v = visit(42, "2026-02-30");
        v.remove("customer");
        v.insert("lat".into(), json!("north"));
        assert_eq!(
            visit_columns(&v)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect::<Vec<_>>(),
            ["date", "lat"]
        );
        // Without both coordinates the address is needed to find the visit.
        v.remove("lng");
        v.remove("address");
        let fields: Vec<String> = visit_columns(&v)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["date", "lat", "address"]);
        v.remove("lat");
        v.insert("address".into(), json!("1 High St"));
        v.insert("date".into(), json!("2026-02-28"));
        assert!(
            visit_columns(&v).is_ok(),
            "no docNo, no customer, no coordinates"
        );
    }
}
