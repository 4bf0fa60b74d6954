//! Runs `ordo solve` on the bundled field-service plan and `ordo generate`,
//! and checks the written results.

use std::process::Command;

use ordo_e2e::{ordo_bin, workspace_root};
use serde_json::Value;

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ordo-e2e-plan-{}-{name}", std::process::id()))
}

#[test]
fn solve_bundled_field_plan() {
    let input = workspace_root().join("datasets/field-60.json");
    let out = temp_path("field-60-result.json");
    let run = Command::new(ordo_bin())
        .args(["solve", input.to_str().unwrap(), "--time-limit", "1"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(summary.contains("feasible true"), "{summary}");
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let served = result["summary"]["served"].as_u64().unwrap();
    let unassigned = result["unassigned"].as_array().unwrap().len() as u64;
    assert_eq!(
        served + unassigned,
        result["summary"]["visits"].as_u64().unwrap()
    );
    assert!(served > 0);
    let stop = &result["routes"][0]["stops"][0];
    assert_eq!(stop["serviceOrder"], 1);
    assert!(stop["arrivalIso"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-23T"));
    for u in result["unassigned"].as_array().unwrap() {
        assert!(u["reason"]
            .as_str()
            .unwrap()
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_'));
    }
}

#[test]
fn generate_then_solve() {
    let plan = temp_path("generated.json");
    let run = Command::new(ordo_bin())
        .args([
            "generate",
            "--visits",
            "30",
            "--drivers",
            "3",
            "--seed",
            "7",
        ])
        .args(["--out", plan.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let request: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(request["visits"].as_array().unwrap().len(), 30);
    assert_eq!(request["drivers"].as_array().unwrap().len(), 3);

    let run = Command::new(ordo_bin())
        .args(["solve", plan.to_str().unwrap(), "--time-limit", "1"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(result["date"], "2026-11-23");
    assert!(String::from_utf8_lossy(&run.stderr).contains("feasible true"));

    let bad = temp_path("bad.json");
    std::fs::write(
        &bad,
        r#"{"date": "2026-11-23", "visits": [{"_id": "x", "priority": "urgent"}], "drivers": []}"#,
    )
    .unwrap();
    let run = Command::new(ordo_bin())
        .args(["solve", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("drivers"));
}

/// The bundled re-route (`field-500-reroute.json`) re-plans within the
/// wall-time target and lists its changes; `ordo generate --reroute-at`
/// writes a re-route request.
#[test]
fn reroute_bundled_and_generated() {
    let input = workspace_root().join("datasets/field-500-reroute.json");
    let out = temp_path("field-500-reroute-result.json");
    let run = Command::new(ordo_bin())
        .args(["solve", input.to_str().unwrap(), "--time-limit", "0.8"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(summary.contains("feasible true"), "{summary}");
    let result: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let changes = &result["summary"]["changes"];
    let visits = result["summary"]["visits"].as_u64().unwrap();
    assert!(
        changes["driver"].as_u64().unwrap() * 10 <= visits,
        "{changes}"
    );
    assert_eq!(
        changes["changedVisits"].as_u64().unwrap(),
        result["changes"].as_array().unwrap().len() as u64
    );

    let request = temp_path("generated-reroute.json");
    let run = Command::new(ordo_bin())
        .args([
            "generate",
            "--visits",
            "40",
            "--drivers",
            "5",
            "--seed",
            "3",
        ])
        .args(["--reroute-at", "39600", "--out", request.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&request).unwrap()).unwrap();
    assert_eq!(written["mode"], "reroute");
    assert_eq!(written["now"], 39600.0);
}

/// The seed is a whole number end to end: one above 2^53 reaches the plan's
/// search (a detour through `f64` refused it as not whole).
#[test]
fn solve_plan_accepts_the_largest_seed() {
    let input = workspace_root().join("datasets/field-60.json");
    let out = temp_path("field-60-big-seed.json");
    let run = Command::new(ordo_bin())
        .args(["solve", input.to_str().unwrap(), "--iterations", "5"])
        .args(["--seed", &u64::MAX.to_string(), "--threads", "1"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(String::from_utf8_lossy(&run.stdout).contains("feasible true"));
    std::fs::remove_file(&out).ok();
}

#[test]
fn solve_lists_every_bad_field_of_a_plan_and_exits_2() {
    let input = workspace_root().join("datasets/field-60.json");
    let mut plan: Value = serde_json::from_str(&std::fs::read_to_string(input).unwrap()).unwrap();
    plan["visits"][0]["demand"] = "lots".into();
    plan["visits"][3]["priority"] = 11.into();
    plan["visits"][5]["time_windows"] = serde_json::json!([{"earliest": 100, "latest": 50}]);
    plan["drivers"][1]["shift"]["latest"] = (-1).into();
    let bad = temp_path("bad-plan.json");
    std::fs::write(&bad, plan.to_string()).unwrap();
    let run = Command::new(ordo_bin())
        .args(["solve", bad.to_str().unwrap(), "--iterations", "10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("4 invalid fields:"), "{stderr}");
    for expected in [
        "drivers[1] (id drv-001): shift: earliest 28800 is after latest -1 [WINDOW_ORDER]",
        "visits[0] (_id ",
        "): demand: expected a number, got \"lots\" [INVALID_TYPE]",
        "): priority: must be 1..10, got 11 [OUT_OF_RANGE]",
        "): time_windows[0]: earliest 100 is after latest 50 [WINDOW_ORDER]",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    assert!(run.stdout.is_empty(), "no plan is written");
}
