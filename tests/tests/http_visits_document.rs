//! The visits API as the users' document speaks it, against a real
//! `ordo serve`: every JSON example of `../shared/seeds/visits-api.txt`
//! sent verbatim (the POST array to `POST /api/v2/visits/1`, the GET record
//! posted back, the PUT body) and read back in the GET example's shape;
//! companies known by their own id; ids kept exactly; the lists' ordering
//! and filters.

use std::process::Command;

use ordo_e2e::server::Server;
use ordo_e2e::{ordo_bin, workspace_root};
use serde_json::{json, Value};

/// The company of the document's examples.
const COMPANY_ID: &str = "LPeaJNaLQT6RqcFdt";

/// A key made by `ordo keys create` with extra arguments.
fn key_with(server: &Server, args: &[&str]) -> String {
    let out = Command::new(ordo_bin())
        .args(["keys", "create"])
        .args(args)
        .arg("--db")
        .arg(server.db())
        .output()
        .expect("run ordo keys create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace().last().expect("a key").to_string()
}

/// The text from `open` (a `{` or `[` at `start`) to its matching close,
/// skipping brackets inside strings.
fn balanced(text: &str, start: usize) -> &str {
    let bytes = text.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return &text[start..=i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced JSON example at {start}");
}

/// The first `open` bracket after `marker` (and after `then`, if given),
/// parsed as JSON.
fn example(doc: &str, marker: &str, then: Option<&str>, open: char) -> Value {
    let mut at = doc
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in the document"));
    if let Some(then) = then {
        at += doc[at..].find(then).expect("second marker");
    }
    let start = at + doc[at..].find(open).expect("an example");
    let text = balanced(doc, start);
    serde_json::from_str(text).unwrap_or_else(|e| panic!("example after {marker:?}: {e}\n{text}"))
}

struct Examples {
    get_record: Value,
    post_array: Value,
    put_body: Value,
}

/// The document's examples, or `None` (with a message) when the document
/// is not beside the repository.
fn examples() -> Option<Examples> {
    let path = workspace_root().join("../shared/seeds/visits-api.txt");
    let Ok(doc) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} not found", path.display());
        return None;
    };
    // The GET example's meta misses a comma; its data array is valid JSON.
    let data = example(
        &doc,
        "returns JSON structured like this",
        Some("\"data\""),
        '[',
    );
    Some(Examples {
        get_record: data[0].clone(),
        post_array: example(
            &doc,
            "with a JSON structure similar to the below",
            None,
            '[',
        ),
        put_body: example(&doc, "Update a specific visit", Some("--data $'"), '{'),
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field the GET example shows (and the record has) has the
/// example's type.
fn assert_get_shape(record: &Value, get_example: &Value) {
    for (name, shown) in get_example.as_object().unwrap() {
        let Some(ours) = record.get(name) else {
            continue;
        };
        if shown.is_null() || ours.is_null() {
            continue;
        }
        assert_eq!(
            kind(ours),
            kind(shown),
            "{name}: {ours} vs the document's {shown}"
        );
    }
}

fn is_document_datetime(v: &Value) -> bool {
    let text = v.as_str().unwrap_or_default();
    let b = text.as_bytes();
    b.len() == 19
        && b[4] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && text.chars().filter(char::is_ascii_digit).count() == 14
}

#[test]
fn every_example_of_the_document_works_verbatim() {
    let Some(ex) = examples() else { return };
    let server = Server::start(&[]);
    let key = key_with(
        &server,
        &[
            "--company",
            "Green Sleeve Ltd",
            "--company-id",
            COMPANY_ID,
            "--time-zone",
            "Europe/London",
        ],
    );

    // "Add visits": the POST array, to the path the document's curl uses.
    let r = server.call("POST", "/api/v2/visits/1", Some(&key), Some(&ex.post_array));
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"]["recordsInserted"], 1, "{}", r.json);
    assert_eq!(r.json["meta"]["recordsUpdated"], 0);
    assert_eq!(r.json["meta"]["errors"], json!([]));
    assert_eq!(r.json["data"], Value::Null);

    // Read back in the GET example's shape: "1" as true, priority "3".
    let sent = &ex.post_array[0];
    let got = server.get("/api/v2/visits/10816703", &key);
    assert_eq!(got.status, 200, "{}", got.json);
    let record = &got.json["data"];
    assert_get_shape(record, &ex.get_record);
    assert_eq!(record["emailMandatory"], true);
    assert_eq!(record["hideEquipmentDetails"], false);
    assert_eq!(record["closed"], true);
    assert_eq!(record["priority"], "3");
    assert_eq!(record["companyId"], COMPANY_ID);
    assert_eq!(record["id"], 10816703);
    for name in ["createdAt", "modifieddAt"] {
        assert!(
            is_document_datetime(&record[name]),
            "{name}: {}",
            record[name]
        );
    }
    for (name, value) in sent.as_object().unwrap() {
        assert!(record.get(name).is_some(), "{name} was sent and is lost");
        if value.is_string() && !["1", "0", "3"].contains(&value.as_str().unwrap()) {
            assert_eq!(&record[name], value, "{name}");
        }
    }
    let our_id = record["_id"].as_str().unwrap().to_string();

    // The GET record posted back: "skippedReasonId": "", "geocoding": null.
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&key),
        Some(&json!([ex.get_record])),
    );
    assert_eq!(r.json["meta"]["errors"], json!([]), "{}", r.json);
    assert_eq!(r.json["meta"]["recordsUpdated"], 1);
    let again = &server.get("/api/v2/visits/10816703", &key).json["data"];
    assert_eq!(again["_id"], our_id.as_str(), "our _id is kept");
    assert_eq!(again["skippedReasonId"], "");
    assert_eq!(again["signature"], ex.get_record["signature"]);
    assert_eq!(again["modifyUser"], ex.get_record["modifyUser"]);
    assert_get_shape(again, &ex.get_record);

    // "subContractorIds": null, as the document says it comes without one.
    let mut none = ex.post_array[0].clone();
    none["id"] = json!(1);
    none["subContractorIds"] = Value::Null;
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&json!([none])));
    assert_eq!(r.json["meta"]["recordsInserted"], 1, "{}", r.json);

    // "Update a specific visit": PUT /api/v2/visits/1 with the body shown.
    let r = server.call("PUT", "/api/v2/visits/1", Some(&key), Some(&ex.put_body));
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["meta"], json!({"updatedRecords": 1}));
    let one = &server.get("/api/v2/visits/1", &key).json["data"];
    assert_eq!(one["date"], "2018-12-20");
    assert_eq!(one["driverId"], "12345");
    assert_eq!(one["obs"], "No parking available");
    assert_eq!(
        one["customer"], "The Green Sleeve",
        "fields not sent are kept"
    );

    // "Delete a specific visit".
    let r = server.call("DELETE", "/api/v2/visits/1", Some(&key), None);
    assert_eq!(r.json["meta"], json!({"deletedRecords": 1}));
}

#[test]
fn records_name_their_company_by_id_or_name_and_others_are_refused() {
    let server = Server::start(&[]);
    let key = key_with(&server, &["--company", "acme", "--company-id", COMPANY_ID]);
    let visit = |id: i64, company: Value| {
        json!({"id": id, "date": "2026-11-23", "driverId": "", "docNo": format!("H-{id}"),
               "customer": "C", "address": "A", "city": "X", "companyId": company})
    };
    let batch = json!([
        visit(1, json!(COMPANY_ID)),
        visit(2, json!("acme")),
        visit(3, json!("globex")),
        visit(4, Value::Null)
    ]);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&batch));
    assert_eq!(r.json["meta"]["recordsInserted"], 3, "{}", r.json);
    let errors = r.json["meta"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["index"], 2);
    assert_eq!(errors[0]["field"], "companyId");
    assert_eq!(errors[0]["error"], 422);
    for id in [1, 2, 4] {
        let got = server.get(&format!("/api/v2/visits/{id}"), &key);
        assert_eq!(got.json["data"]["companyId"], COMPANY_ID, "{id}");
    }
    assert_eq!(server.get("/api/v2/visits/3", &key).status, 404);
    // A company made by name only is known by its name.
    let plain = server.key("globex");
    let r = server.call(
        "POST",
        "/api/v2/visits",
        Some(&plain),
        Some(&json!([visit(3, json!("globex"))])),
    );
    assert_eq!(r.json["meta"]["recordsInserted"], 1, "{}", r.json);
    // A bad zone is refused by the CLI, naming the option.
    let out = Command::new(ordo_bin())
        .args([
            "keys",
            "create",
            "--company",
            "x",
            "--time-zone",
            "Mars/Olympus",
            "--db",
        ])
        .arg(server.db())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--time-zone"));
}

#[test]
fn ids_are_kept_exactly_or_refused() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let body = r#"[
      {"id": 9007199254740993, "date": "2026-11-23", "driverId": "", "docNo": "A",
       "customer": "C", "address": "A", "city": "X"},
      {"id": "123456789012345678901234567890", "date": "2026-11-23", "driverId": "",
       "docNo": "B", "customer": "C", "address": "A", "city": "X"},
      {"id": 123456789012345678901234567890, "date": "2026-11-23", "driverId": "",
       "docNo": "C", "customer": "C", "address": "A", "city": "X"},
      {"id": 18446744073709551615, "date": "2026-11-23", "driverId": "",
       "docNo": "D", "customer": "C", "address": "A", "city": "X"}
    ]"#;
    let r = server.raw(
        "POST",
        "/api/v2/visits",
        &[
            ("Authorization", &format!("Bearer {key}")),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    assert_eq!(r.json["meta"]["recordsInserted"], 3, "{}", r.json);
    let errors = r.json["meta"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0]["index"].as_u64(), errors[0]["field"].as_str()),
        (Some(2), Some("id"))
    );
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("send it as a string"));

    let got = server.get("/api/v2/visits/9007199254740993", &key);
    assert_eq!(got.json["data"]["id"].as_u64(), Some(9_007_199_254_740_993));
    let listed = server.get("/api/v2/visits?id=9007199254740993", &key);
    assert_eq!(listed.json["meta"]["totalRecords"], 1);
    let got = server.get("/api/v2/visits/123456789012345678901234567890", &key);
    assert_eq!(got.json["data"]["id"], "123456789012345678901234567890");
    let got = server.get("/api/v2/visits/18446744073709551615", &key);
    assert_eq!(got.json["data"]["id"].as_u64(), Some(u64::MAX));
    assert_eq!(
        server.get("/api/v2/visits/9007199254740992", &key).status,
        404
    );
    // The raw answer carries the digits as sent.
    let raw = server.raw(
        "GET",
        "/api/v2/visits?id=9007199254740993",
        &[("Authorization", &format!("Bearer {key}"))],
        "",
    );
    assert!(raw.json.to_string().contains("9007199254740993"));
}

#[test]
fn lists_find_unassigned_visits_order_by_field_and_fold_case() {
    let server = Server::start(&[]);
    let key = server.key("acme");
    let visit = |id: Value, driver: &str, order: i64, doc: &str, date: &str| {
        json!({"id": id, "date": date, "driverId": driver, "docNo": doc, "serviceOrder": order,
               "customer": "C", "address": "A", "city": "X"})
    };
    let batch = json!([
        visit(json!(10), "d1", 2, "STRAßE-1", "2026-11-24"),
        visit(json!(9), "d1", 1, "Ärger-2", "2026-11-23"),
        visit(json!(100), "", 0, "ΣΟΦΙΑ-3", "2026-11-25"),
        visit(json!("a-7"), "d2", 3, "plain-4", "2026-11-22"),
        visit(json!(11), "", 0, "other-5", "2026-11-23"),
    ]);
    let r = server.call("POST", "/api/v2/visits", Some(&key), Some(&batch));
    assert_eq!(r.json["meta"]["recordsInserted"], 5, "{}", r.json);
    let ids = |query: &str| -> Vec<Value> {
        let r = server.get(&format!("/api/v2/visits?{query}"), &key);
        assert_eq!(r.status, 200, "{query}: {}", r.json);
        r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].clone())
            .collect()
    };
    assert_eq!(ids("driverId="), [json!(100), json!(11)]);
    assert_eq!(
        ids("driverId=d1&order_field=serviceOrder"),
        [json!(9), json!(10)]
    );
    assert_eq!(
        ids("order_field=serviceOrder&order_direction=desc"),
        [json!("a-7"), json!(10), json!(9), json!(11), json!(100)]
    );
    assert_eq!(
        ids("order_field=id"),
        [json!(9), json!(10), json!(11), json!(100), json!("a-7")],
        "numbers numerically, then text"
    );
    assert_eq!(ids("order_field=date&order_direction=asc")[0], json!("a-7"));
    assert_eq!(
        ids("order_field=driverId&order_direction=desc")[0],
        json!("a-7")
    );
    assert_eq!(ids("docNo=strasse"), [json!(10)]);
    assert_eq!(ids("docNo=%C3%A4rger"), [json!(9)]);
    assert_eq!(ids("docNo=%C3%84RGER"), [json!(9)]);
    assert_eq!(ids("docNo=%CF%83%CE%BF%CF%86%CE%B9%CE%B1"), [json!(100)]);
    for bad in ["order_field=customer", "order_direction=sideways"] {
        let r = server.get(&format!("/api/v2/visits?{bad}"), &key);
        assert_eq!(r.status, 400, "{bad}");
        let field = bad.split('=').next().unwrap();
        assert!(
            r.json["meta"]["error"].as_str().unwrap().starts_with(field),
            "{}",
            r.json
        );
    }
}
