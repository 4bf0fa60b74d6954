//! The dispatcher's page in a real (headless) Chromium: sign in, load the
//! bundled day, plan it, check what the page shows against what the API
//! returned, apply, re-route with a late driver, and check the changes
//! listed. Screenshots go to `target/browser/`. Skips with a message only
//! when no browser can be installed.

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

fn wait_done(page: &Browser, what: &str) {
    let status = page.wait_for(
        what,
        "const s = document.body.dataset.jobStatus; return ['done','failed','cancelled'].includes(s) && s;",
    );
    assert_eq!(status, "done", "{what}");
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
    page.open(&format!("{}/", server.base));

    // Sign in as a user does: paste the key, pick the day, load it.
    page.type_into("#key", &server.key);
    page.eval(
        "document.getElementById('date').value = arguments[0];",
        json!([server.date]),
    );
    page.click("#load");
    page.wait_for("the day to load", "return document.body.dataset.loaded;");
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

    // Apply: the stored visits now carry the plan's driver and order.
    page.click("#apply");
    page.wait_for(
        "the plan to be applied",
        "return document.body.dataset.applied;",
    );
    let stored = server.api("GET", &format!("/api/v2/visits?date={}", server.date), None);
    let stored: BTreeMap<String, &Value> = stored["data"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| (v["_id"].as_str().unwrap_or("").to_string(), v))
        .collect();
    for route in plan["routes"].as_array().expect("routes") {
        for stop in route["stops"].as_array().expect("stops") {
            let visit = stored[stop["visitId"].as_str().expect("visitId")];
            assert_eq!(visit["driverId"], route["driverId"]);
            assert_eq!(visit["serviceOrder"], stop["serviceOrder"]);
            assert!(visit["customer"].is_string(), "fields kept: {visit}");
        }
    }

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
    let at = stored[first.as_str().expect("visitId")];
    let body = json!({"location": format!("{},{}", at["lat"], at["lng"]), "submitted_at": noon});
    server.api("PUT", &path, Some(body));
    page.click("#reroute");
    wait_done(&page, "the re-route job");
    let job = page_job(&page, &server);
    assert_eq!(job["params"]["mode"], "reroute", "{}", job["params"]);
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

    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
}
