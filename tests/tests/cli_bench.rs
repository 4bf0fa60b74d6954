//! `ordo bench` end to end: tables, summary rows and CSV on real files.

use std::process::Command;

use ordo_e2e::{datasets_dir, ordo_bin};

#[test]
fn bench_prints_tables_and_writes_csv() {
    let Some(data) = datasets_dir() else { return };
    let csv = std::env::temp_dir().join(format!("ordo-bench-{}.csv", std::process::id()));
    let files = ["C101", "R201", "RC105"].map(|n| data.join("solomon").join(format!("{n}.txt")));
    let run = Command::new(ordo_bin())
        .arg("bench")
        .args(files.iter().map(|f| f.to_str().unwrap()))
        .args([
            "--time-limit",
            "0.3",
            "--rounding",
            "dimacs",
            "--csv",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for name in ["C101", "R201", "RC105"] {
        let row = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default();
        assert!(row.ends_with("true"), "{row}");
    }
    for group in ["C1 ", "R2 ", "RC1 ", "all "] {
        assert!(
            out.lines().any(|l| l.starts_with(group)),
            "missing {group}: {out}"
        );
    }
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    // C101's DIMACS BKS is 827.3; the search reaches it within 0.3 s or comes close.
    let c101: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(c101[0], "C101");
    assert_eq!(c101[6], "827.3");
    let gap: f64 = c101[7].parse().unwrap();
    assert!((0.0..3.0).contains(&gap), "gap {gap}");
    let _ = std::fs::remove_file(&csv);
}

#[test]
fn bench_rejects_missing_paths() {
    let run = Command::new(ordo_bin())
        .args(["bench", "/nonexistent/folder", "--time-limit", "1"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no such file or folder"));
}

#[test]
fn bench_takes_the_recombine_switch() {
    let Some(data) = datasets_dir() else { return };
    let file = data.join("solomon").join("R101.txt");
    for switch in ["on", "off"] {
        let run = Command::new(ordo_bin())
            .arg("bench")
            .arg(&file)
            .args(["--iterations", "200", "--rounding", "dimacs"])
            .args(["--recombine", switch])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "--recombine {switch}: {out}");
        let row = out
            .lines()
            .find(|l| l.starts_with("R101"))
            .unwrap_or_default();
        assert!(row.ends_with("true"), "--recombine {switch}: {row}");
    }
    let run = Command::new(ordo_bin())
        .arg("bench")
        .arg(&file)
        .args(["--recombine", "maybe"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
}

#[test]
fn bench_plans_a_field_day_with_checkpoints() {
    let plan = ordo_e2e::workspace_root().join("datasets/field-60.json");
    let run = Command::new(ordo_bin())
        .args(["bench", plan.to_str().unwrap()])
        .args(["--time-limit", "1", "--checkpoints", "0.25,0.5"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let header = out.lines().next().unwrap_or_default();
    assert!(
        header.contains("gap@0.25s %") && header.contains("gap@0.5s %"),
        "{out}"
    );
    let row: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("field-60"))
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(row.last(), Some(&"true"), "{out}");
    let visits: usize = row[1].parse().unwrap();
    let served: usize = row[2].parse().unwrap();
    let unserved: usize = row[3].parse().unwrap();
    assert_eq!(visits, served + unserved);
    // The plan at a checkpoint is never better than the final plan.
    for cell in &row[7..9] {
        if let Ok(gap) = cell.parse::<f64>() {
            assert!(gap >= -1e-9, "{out}");
        }
    }
}
