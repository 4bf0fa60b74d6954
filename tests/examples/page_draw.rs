//! Time to first draw of a planned day in the dispatcher's page (headless
//! Chromium): `cargo run --release -p ordo-e2e --example page_draw --
//! datasets/field-2000.json 10` loads the file with `ordo serve --demo-file`,
//! plans it for that many seconds from the page, and prints how long the
//! page took to draw the finished plan (map, timeline, panels, to the next
//! frame) and the page's first draw of the day's visits. A third argument
//! sets the server's `--rate-limit` (default 100000; `100` is the server's
//! default, where the page has to pace itself), and the browser console's
//! errors are printed at the end.

use ordo_e2e::webdriver::{browser, screenshot_dir, Browser, DemoServer};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "datasets/field-2000.json".into());
    let seconds = args.next().unwrap_or_else(|| "10".into());
    let rate_limit = args.next().unwrap_or_else(|| "100000".into());
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let server = DemoServer::start(&["--demo-file", &file, "--rate-limit", &rate_limit]);
    let page = Browser::start(&chromium, &chromedriver);
    page.open(&format!(
        "{}/#key={}&date={}",
        server.base, server.key, server.date
    ));
    page.wait_for("the day", "return document.body.dataset.loaded;");
    page.wait_for(
        "the first draw",
        "return window.ordoPage.timings.length > 0;",
    );
    let visits_draw = page.eval("return window.ordoPage.timings[0];", json!([]));
    page.type_into("#budget", &seconds);
    page.click("#plan");
    page.wait_for(
        "the plan",
        "return ['done','failed','cancelled'].includes(document.body.dataset.jobStatus);",
    );
    page.wait_for(
        "the plan's draw",
        "const t = window.ordoPage.timings; return t.length && t[t.length - 1].stops > 0;",
    );
    let timings = page.eval("return window.ordoPage.timings;", json!([]));
    let last = &timings[timings.as_array().map_or(1, Vec::len) - 1];
    println!(
        "day's visits drawn in {:.0} ms",
        visits_draw["ms"].as_f64().unwrap_or(0.0)
    );
    println!(
        "finished plan ({} stops) drawn in {:.0} ms; every draw: {timings}",
        last["stops"],
        last["ms"].as_f64().unwrap_or(0.0)
    );
    page.screenshot(&screenshot_dir().join("page-field-2000.png"));
    let waits = page.eval("return window.ordoPage.api.pacer.waits;", json!([]));
    let errors = page.console_errors();
    println!(
        "requests that waited for the rate limit: {waits}; console errors: {}",
        errors.len()
    );
    for error in errors {
        println!("  {error}");
    }
}
