//! The dispatcher's page in a real (headless) Chromium: sign in, load the
//! bundled day, plan it, check what the page shows against what the API
//! returned, apply (`POST /plans/{id}/apply`), re-route with a late driver,
//! check the changes listed and apply them; cancel a long plan; plan and
//! apply a day whose visit ids a double cannot hold. Screenshots go to
//! `target/browser/`. Skips with a message only when no browser can be
//! installed.

use std::collections::BTreeMap;

use ordo_e2e::webdriver::{browser, screenshot_dir, Browser, DemoServer};
use serde_json::{json, Value};

/// The job the page started (its id is on `body[data-job-id]`), as the API
/// shows it.
fn page_job(page: &Browser, server: &DemoServer) -> Value {
    let id = page.eval("return document.body.dataset.jobId;", json!([]));
    let id = id.as_str().expect("the page names its job");
    server.api("GET", &format!("/api/v2/plans/{id}"), None)["data"].clone()
}

/// Waits for the page's job to end; its final status.
fn wait_final(page: &Browser, what: &str) -> Value {
    page.wait_for(
        what,
        "const s = document.body.dataset.jobStatus; return ['done','failed','cancelled'].includes(s) && s;",
    )
}

fn wait_done(page: &Browser, what: &str) {
    assert_eq!(wait_final(page, what), "done", "{what}");
}

/// Signs in as a user does: paste the key, pick the day, load it.
fn sign_in(page: &Browser, server: &DemoServer) {
    page.open(&format!("{}/", server.base));
    page.type_into("#key", &server.key);
    page.eval(
        "document.getElementById('date').value = arguments[0];",
        json!([server.date]),
    );
    page.click("#load");
    page.wait_for("the day to load", "return document.body.dataset.loaded;");
}

/// Clicks Apply and waits until the page says it applied; the visits the
/// server wrote.
fn apply_from_page(page: &Browser) -> u64 {
    page.eval("delete document.body.dataset.applied;", json!([]));
    page.click("#apply");
    let applied = page.wait_for(
        "the plan to be applied",
        "return document.body.dataset.applied;",
    );
    applied
        .as_str()
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

/// The stored visits of the day by `_id`.
fn stored_visits(server: &DemoServer) -> BTreeMap<String, Value> {
    let stored = server.api("GET", &format!("/api/v2/visits?date={}", server.date), None);
    stored["data"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| (v["_id"].as_str().unwrap_or("").to_string(), v.clone()))
        .collect()
}

/// Every stop of `plan` is stored with its driver, order and ETA.
fn assert_stored_as_planned(stored: &BTreeMap<String, Value>, plan: &Value) {
    for route in plan["routes"].as_array().expect("routes") {
        for stop in route["stops"].as_array().expect("stops") {
            let visit = &stored[stop["visitId"].as_str().expect("visitId")];
            assert_eq!(visit["driverId"], route["driverId"], "{visit}");
            assert_eq!(visit["serviceOrder"], stop["serviceOrder"], "{visit}");
            assert_eq!(visit["eta"].as_f64(), stop["serviceStart"].as_f64());
            assert!(visit["customer"].is_string(), "fields kept: {visit}");
        }
    }
}

fn served(plan: &Value) -> usize {
    plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| r["stops"].as_array().map_or(0, Vec::len))
        .sum()
}

/// What a user sees of a plan equals the API's plan: one line and one
/// timeline row per route, the unassigned panel grouped by reason.
fn assert_page_shows(page: &Browser, plan: &Value) {
    let routes = plan["routes"].as_array().expect("routes");
    assert!(!routes.is_empty(), "the plan uses drivers");
    assert_eq!(
        page.count("#map path.route-line"),
        routes.len(),
        "route lines"
    );
    assert_eq!(
        page.count("#timeline .tl-row"),
        routes.len(),
        "timeline rows"
    );
    let stops: usize = routes
        .iter()
        .map(|r| r["stops"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(page.count("#timeline .tl-service"), stops, "service blocks");
    let unassigned = plan["unassigned"].as_array().expect("unassigned");
    assert_eq!(page.count("#unassigned .unassigned-item"), unassigned.len());
    let mut by_reason = BTreeMap::<String, usize>::new();
    for item in unassigned {
        *by_reason
            .entry(item["reason"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    let shown = page.eval(
        "return [...document.querySelectorAll('.reason-group')].map(g => [g.dataset.reason, g.querySelectorAll('.unassigned-item').length, g.querySelector('summary .count').textContent]);",
        json!([]),
    );
    let shown: BTreeMap<String, usize> = shown
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            assert_eq!(
                g[2].as_str(),
                Some(g[1].to_string().as_str()),
                "group count {g}"
            );
            (
                g[0].as_str().unwrap_or("").to_string(),
                g[1].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect();
    assert_eq!(shown, by_reason);
}

#[test]
fn dispatcher_plans_applies_and_reroutes_in_a_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let server = DemoServer::start(&[]);
    let page = Browser::start(&chromium, &chromedriver);
    sign_in(&page, &server);
    assert_eq!(
        page.count("#map .visit-dot"),
        60,
        "the day's visits on the map"
    );
    assert_eq!(page.count("#drivers .driver-item"), 8);
    assert_eq!(
        page.eval("return sessionStorage.getItem('ordo.key');", json!([])),
        json!(server.key)
    );
    page.wait_for(
        "drivers' positions",
        "return document.querySelectorAll('#map .driver-current').length === 8;",
    );

    // Plan the day and watch it finish.
    page.type_into("#budget", "1");
    page.click("#plan");
    wait_done(&page, "the plan job");
    let job = page_job(&page, &server);
    assert_eq!(job["status"], "done");
    assert_eq!(
        job["result"]["feasible"], true,
        "checker: {}",
        job["result"]["violations"]
    );
    let plan = &job["result"]["plan"];
    assert_page_shows(&page, plan);
    assert_eq!(
        page.eval(
            "return document.getElementById('progress').getAttribute('aria-valuenow');",
            json!([])
        ),
        "100"
    );
    // Fewer than 400 stops: every stop carries its number.
    assert_eq!(
        page.count("#map .stop-marker"),
        plan["summary"]["served"].as_u64().unwrap_or(0) as usize
    );

    // Focus a service block: the tooltip names the visit, window and ETA;
    // clicking it highlights the stop on the map, and a map stop the block.
    page.eval(
        "document.querySelector('#timeline .tl-service').focus();",
        json!([]),
    );
    let tip = page.eval(
        "const t = document.getElementById('tip'); return t.hidden ? '' : t.textContent;",
        json!([]),
    );
    let tip = tip.as_str().unwrap_or_default();
    assert!(
        tip.contains("ETA") && tip.contains("window") && tip.contains("priority"),
        "{tip}"
    );
    page.click("#timeline .tl-service");
    assert_eq!(page.count("#map .stop-marker.selected"), 1);
    // Markers may overlap, so the click goes to the element itself.
    let picked = page.eval(
        "const m = [...document.querySelectorAll('#map .stop-marker')].pop(); m.click(); return document.body.dataset.selected;",
        json!([]),
    );
    let selected = page.eval(
        "return [...document.querySelectorAll('#timeline .tl-service.selected')].map(b => b.dataset.visit);",
        json!([]),
    );
    assert_eq!(
        selected,
        json!([picked]),
        "the map's stop selects its block"
    );
    page.screenshot(&screenshot_dir().join("page-planned.png"));

    // Apply: the server applies the job's plan; the stored visits now
    // carry its driver, order and ETA, and the job says it was applied.
    assert_eq!(apply_from_page(&page), served(plan) as u64);
    let stored = stored_visits(&server);
    assert_stored_as_planned(&stored, plan);
    assert_eq!(page_job(&page, &server)["result"]["applied"], true);

    // The busiest driver reports in at noon: a late driver. Re-route now.
    let busiest = plan["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .max_by_key(|r| r["stops"].as_array().map_or(0, Vec::len))
        .expect("a route");
    let driver = busiest["driverId"].as_str().expect("driverId");
    let path = format!("/api/v2/drivers/{driver}/location");
    let shift_start = server.api("GET", &path, None)["data"]["submitted_at"]
        .as_i64()
        .expect("the demo's location");
    let noon = shift_start + 4 * 3_600_000;
    let first = &busiest["stops"][0]["visitId"];
    let at = &stored[first.as_str().expect("visitId")];
    let body = json!({"location": format!("{},{}", at["lat"], at["lng"]), "submitted_at": noon});
    server.api("PUT", &path, Some(body));
    // Re-route at that noon, whatever the machine's clock says (at 19:00
    // every shift would be over and nothing left to re-route).
    let noon_of_day = (noon / 1000).rem_euclid(86_400);
    page.eval("ordoPage.fixedNow = arguments[0];", json!([noon_of_day]));
    page.click("#reroute");
    wait_done(&page, "the re-route job");
    let job = page_job(&page, &server);
    assert_eq!(job["params"]["mode"], "reroute", "{}", job["params"]);
    assert_eq!(job["params"]["now"].as_f64(), Some(noon_of_day as f64));
    assert_eq!(
        job["result"]["feasible"], true,
        "checker: {}",
        job["result"]["violations"]
    );
    let rerouted = &job["result"]["plan"];
    assert_page_shows(&page, rerouted);
    let changes = rerouted["changes"].as_array().cloned().unwrap_or_default();
    assert!(!changes.is_empty(), "a late driver changes the plan");
    assert_eq!(page.count("#changes .change-item"), changes.len());
    let listed = page.eval(
        "return [...document.querySelectorAll('#changes .change-item button')].map(b => b.dataset.visit);",
        json!([]),
    );
    let expected: Vec<&Value> = changes.iter().map(|c| &c["visitId"]).collect();
    assert_eq!(
        listed.as_array().expect("ids").iter().collect::<Vec<_>>(),
        expected
    );
    let highlighted = page.count("#timeline .tl-service.changed");
    let served_changes = changes
        .iter()
        .filter(|c| c["newDriverId"].is_string())
        .count();
    assert_eq!(highlighted, served_changes, "changed stops highlighted");
    page.screenshot(&screenshot_dir().join("page-reroute.png"));

    // Apply the re-route through the same endpoint.
    assert_eq!(apply_from_page(&page), served(rerouted) as u64);
    assert_stored_as_planned(&stored_visits(&server), rerouted);

    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

/// The requests the page made to the API so far.
fn api_requests(page: &Browser) -> u64 {
    page.eval(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/api/v2/')).length;",
        json!([]),
    )
    .as_u64()
    .expect("a count")
}

#[test]
fn cancelling_a_long_plan_stops_it_and_the_page_says_so() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let server = DemoServer::start(&[]);
    let page = Browser::start(&chromium, &chromedriver);
    sign_in(&page, &server);
    page.type_into("#budget", "600");
    page.click("#plan");
    page.wait_for(
        "the long plan to report progress",
        "return document.body.dataset.jobStatus === 'solving' && document.getElementById('progress-text').textContent.includes('served');",
    );
    assert_eq!(
        page.eval(
            "return document.getElementById('cancel').disabled;",
            json!([])
        ),
        false
    );
    page.click("#cancel");
    assert_eq!(wait_final(&page, "the cancelled job"), "cancelled");
    let job = page_job(&page, &server);
    assert_eq!(job["status"], "cancelled", "{job}");
    assert_eq!(job["params"]["timeLimitSeconds"].as_f64(), Some(600.0));
    assert_eq!(
        job["result"]["feasible"], true,
        "checker: {}",
        job["result"]["violations"]
    );
    assert_eq!(job["result"]["applied"], false);

    // The page says so, shows the kept plan, and offers no Apply.
    let said = page.eval(
        "return [document.getElementById('status').textContent, document.getElementById('progress-text').textContent];",
        json!([]),
    );
    assert!(
        said[0]
            .as_str()
            .unwrap_or_default()
            .starts_with("Cancelled"),
        "{said}"
    );
    assert!(
        said[1].as_str().unwrap_or_default().contains("cancelled"),
        "{said}"
    );
    assert_page_shows(&page, &job["result"]["plan"]);
    let buttons = page.eval(
        "return ['apply', 'cancel', 'plan'].map(id => document.getElementById(id).disabled);",
        json!([]),
    );
    assert_eq!(
        buttons,
        json!([true, true, false]),
        "apply, cancel, plan disabled"
    );

    // The progress stops: no more polling, the bar stays where it ended.
    let bar = "return document.getElementById('progress').getAttribute('aria-valuenow');";
    let (requests, at) = (api_requests(&page), page.eval(bar, json!([])));
    let percent: u64 = at
        .as_str()
        .and_then(|p| p.parse().ok())
        .expect("a percentage");
    assert!(
        percent < 100,
        "the bar stays where the search stopped: {percent}%"
    );
    std::thread::sleep(std::time::Duration::from_millis(2_000));
    assert_eq!(api_requests(&page), requests, "the page stopped polling");
    assert_eq!(page.eval(bar, json!([])), at);
    page.screenshot(&screenshot_dir().join("page-cancelled.png"));

    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

/// An id a double rounds (2^53 + 1) and a 30-digit string id.
const BIG_NUMBER_ID: u64 = 9_007_199_254_740_993;
const LONG_STRING_ID: &str = "123456789012345678901234567890";

#[test]
fn ids_beyond_double_precision_are_planned_and_applied_exactly() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let server = DemoServer::start(&[]);
    // Two more visits of the day, copies of a demo visit with those ids,
    // any time of the day and no skills, so a driver can take them.
    let model = stored_visits(&server)
        .into_values()
        .next()
        .expect("a demo visit");
    let copies: Vec<Value> = [json!(BIG_NUMBER_ID), json!(LONG_STRING_ID)]
        .into_iter()
        .map(|id| {
            let mut visit = model.clone();
            let fields = visit.as_object_mut().expect("a record");
            for server_side in ["_id", "companyId", "serviceOrder", "eta"] {
                fields.remove(server_side);
            }
            fields.insert("id".into(), id.clone());
            fields.insert("docNo".into(), format!("BIG-{id}").into());
            fields.insert("duration".into(), 300.into());
            fields.insert("time_windows".into(), json!([]));
            fields.insert("required_skills".into(), json!([]));
            visit
        })
        .collect();
    let saved = server.api("POST", "/api/v2/visits", Some(json!(copies)));
    assert_eq!(saved["meta"]["recordsInserted"], 2, "{saved}");
    let doc_id = |id: &Value| -> String {
        let found = stored_visits(&server)
            .into_values()
            .find(|v| &v["id"] == id)
            .unwrap_or_else(|| panic!("visit {id} stored"));
        found["_id"].as_str().expect("_id").to_string()
    };
    let (big, long) = (
        doc_id(&json!(BIG_NUMBER_ID)),
        doc_id(&json!(LONG_STRING_ID)),
    );

    let page = Browser::start(&chromium, &chromedriver);
    sign_in(&page, &server);
    // The page holds both ids exactly (the number as its digits).
    let held = page.eval(
        "return ordoPage.day.visits.filter(v => v.docNo.startsWith('BIG-')).map(v => String(v.id));",
        json!([]),
    );
    assert_eq!(held, json!([BIG_NUMBER_ID.to_string(), LONG_STRING_ID]));

    page.type_into("#budget", "1");
    page.click("#plan");
    wait_done(&page, "the plan job");
    let job = page_job(&page, &server);
    assert_eq!(
        job["result"]["feasible"], true,
        "checker: {}",
        job["result"]["violations"]
    );
    let plan = &job["result"]["plan"];
    for (doc, id) in [
        (&big, BIG_NUMBER_ID.to_string()),
        (&long, LONG_STRING_ID.to_string()),
    ] {
        let label = page.eval(
            "const b = document.querySelector(`#timeline .tl-service[data-visit=\"${arguments[0]}\"]`); return b ? b.getAttribute('aria-label') : null;",
            json!([doc]),
        );
        let label = label
            .as_str()
            .unwrap_or_else(|| panic!("visit {id} planned: {plan}"));
        assert!(label.contains(&format!("({id})")), "{label}");
    }

    assert_eq!(apply_from_page(&page), served(plan) as u64);
    let stored = stored_visits(&server);
    assert_stored_as_planned(&stored, plan);
    assert_eq!(
        stored[&big]["id"].as_u64(),
        Some(BIG_NUMBER_ID),
        "{}",
        stored[&big]
    );
    assert_eq!(stored[&long]["id"], LONG_STRING_ID, "{}", stored[&long]);
    page.screenshot(&screenshot_dir().join("page-big-ids.png"));

    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}

#[test]
fn a_tight_rate_limit_is_waited_out_without_console_errors() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    // Loading the demo takes 10 requests and the page's first draw 10 more
    // (visits, drivers, 8 positions): over 14 per 20 s, so the page has to
    // wait for the window to restart instead of drawing 429s.
    let server = DemoServer::start(&["--rate-limit", "14", "--rate-window", "20"]);
    let page = Browser::start(&chromium, &chromedriver);
    sign_in(&page, &server);
    page.wait_for(
        "drivers' positions",
        "return document.querySelectorAll('#map .driver-current').length === 8;",
    );
    page.type_into("#budget", "1");
    page.click("#plan");
    wait_done(&page, "the plan job");
    let waits = page.eval("return ordoPage.api.pacer.waits;", json!([]));
    eprintln!("requests that waited for the rate-limit window: {waits}");
    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
