//! Runs the `ordo` binary on every Solomon instance and checks each written
//! solution with the independent checker, in-process and through `ordo check`.

use std::process::Command;

use ordo_e2e::{datasets_dir, instance_files, ordo_bin};
use ordo_solver::checker;
use ordo_solver::io::{solomon, solution_text};
use ordo_solver::model::Rounding;

#[test]
fn every_solomon_instance_solves_to_a_checked_solution() {
    let Some(data) = datasets_dir() else { return };
    let files = instance_files(&data.join("solomon"));
    assert_eq!(files.len(), 56, "expected the 56 Solomon instances");
    let out_dir = std::env::temp_dir().join(format!("ordo-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    for (k, file) in files.iter().enumerate() {
        let rounding = if k % 2 == 0 { "exact" } else { "dimacs" };
        let out = out_dir.join(file.file_name().unwrap());
        let run = Command::new(ordo_bin())
            .args(["solve", file.to_str().unwrap(), "--time-limit", "0.5"])
            .args(["--rounding", rounding, "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&run.stderr)
        );
        let summary = String::from_utf8_lossy(&run.stdout);
        assert!(summary.contains("feasible true"), "{summary}");

        let problem = solomon::read_file(file, rounding.parse::<Rounding>().unwrap()).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        let solution = solution_text::parse(&problem, &text, "out").unwrap();
        let report = checker::check(&problem, &solution);
        assert!(
            report.is_feasible(),
            "{}: {:?}",
            file.display(),
            report.violations
        );
        assert!(solution.unassigned.is_empty());

        let check = Command::new(ordo_bin())
            .args(["check", file.to_str().unwrap(), out.to_str().unwrap()])
            .args(["--rounding", rounding])
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "ordo check rejected {}",
            out.display()
        );
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("ordo-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        "BAD\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nhdr\n 0 0 0 0 0 100 0\n 1 3 oops 5 0 50 10\n",
    )
    .unwrap();
    let run = Command::new(ordo_bin())
        .args(["solve", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(
        err.contains("bad.txt:10: y coordinate 'oops' is not a number"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let missing = Command::new(ordo_bin())
        .args(["solve", dir.join("nope.txt").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read instance"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_public_instance_parses() {
    let Some(data) = datasets_dir() else { return };
    let mut count = 0;
    for set in ["solomon", "homberger"] {
        for file in instance_files(&data.join(set)) {
            for rounding in [Rounding::Exact, Rounding::Dimacs] {
                let p = solomon::read_file(&file, rounding)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                assert!(p.n_visits() >= 100 && p.n_visits().is_multiple_of(100));
            }
            count += 1;
        }
    }
    assert_eq!(count, 56 + 150);
}
