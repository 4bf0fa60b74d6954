//! `ordo solve` with soft windows, overtime, caps and rush hours on the
//! bundled field plan: the plan is written, feasible by the checker, with
//! its lateness and overtime reported; bad values exit 2 naming the field.

use std::process::Command;

use ordo_e2e::{ordo_bin, workspace_root};
use serde_json::{json, Value};

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ordo-e2e-soft-{}-{name}", std::process::id()))
}

fn field_60() -> Value {
    let input = workspace_root().join("datasets/field-60.json");
    serde_json::from_str(&std::fs::read_to_string(input).unwrap()).unwrap()
}

#[test]
fn solve_reports_lateness_and_overtime_on_a_soft_day() {
    let mut plan = field_60();
    plan["options"]["lateness"] = json!({"maxSeconds": 1800, "costPerSecond": 1});
    plan["options"]["travel"]["speedProfile"] = json!([{"from": 25200, "to": 34200, "factor": 0.6}, {"from": 57600, "to": 64800, "factor": 0.7}]);
    plan["drivers"][0]["shift"]["overtime"] = json!({"maxSeconds": 1800, "costPerSecond": 2});
    plan["drivers"][1]["maxVisits"] = json!(3);
    let input = temp_path("soft-plan.json");
    let out = temp_path("soft-result.json");
    std::fs::write(&input, plan.to_string()).unwrap();
    let run = Command::new(ordo_bin())
        .args([
            "solve",
            input.to_str().unwrap(),
            "--iterations",
            "50",
            "--threads",
            "1",
        ])
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
    assert!(
        result["summary"]["lateSeconds"].as_f64().is_some(),
        "{}",
        result["summary"]
    );
    assert!(result["summary"]["overtimeSeconds"].as_f64().is_some());
    let stops = result["routes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["stops"].as_array().unwrap());
    assert!(stops.into_iter().all(|s| s["lateSeconds"]
        .as_f64()
        .is_some_and(|l| (0.0..=1800.0 + 1e-6).contains(&l))));
    for route in result["routes"].as_array().unwrap() {
        if route["driverId"] == plan["drivers"][1]["id"] {
            assert!(
                route["stops"].as_array().unwrap().len() <= 3,
                "maxVisits 3: {route}"
            );
        }
    }
}

#[test]
fn solve_names_bad_soft_limits_and_bands_and_exits_2() {
    let mut plan = field_60();
    plan["visits"][0]["lateness"] = json!({"maxSeconds": -60, "costPerSecond": 1});
    plan["drivers"][0]["shift"]["overtime"] = json!({"maxSeconds": 600, "costPerSecond": -2});
    plan["drivers"][1]["maxDistance"] = json!(-5);
    plan["options"]["travel"]["speedProfile"] = json!([{"from": 30000, "to": 40000, "factor": 0.5}, {"from": 35000, "to": 45000, "factor": 1}]);
    let bad = temp_path("bad-soft-plan.json");
    std::fs::write(&bad, plan.to_string()).unwrap();
    let run = Command::new(ordo_bin())
        .args(["solve", bad.to_str().unwrap(), "--iterations", "10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    for expected in [
        "): lateness.maxSeconds: must be >= 0, got -60 [OUT_OF_RANGE]",
        "): shift.overtime.costPerSecond: must be >= 0, got -2 [OUT_OF_RANGE]",
        "): maxDistance: must be >= 0, got -5 [OUT_OF_RANGE]",
        "options.travel: speedProfile[1]: overlaps band 0 [OUT_OF_RANGE]",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    assert!(run.stdout.is_empty(), "no plan is written");
}
