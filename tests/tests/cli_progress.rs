//! `ordo solve`'s progress bar, seen as a user sees it: under a real
//! pseudo-terminal (util-linux `script`) it draws the elapsed time of the
//! budget and the served visits and travel of the best plan so far; with
//! standard error a pipe it stays quiet (only the summary line).

use std::path::Path;
use std::process::{Command, Stdio};

use ordo_e2e::{ordo_bin, workspace_root};

/// The bundled 60-visit day (58 plannable visits) and 1.5 s of search
/// (the bar rounds the budget up: "of 2s").
const DAY: &str = "datasets/field-60.json";
const BUDGET: &str = "1.5";

fn solve_args(out: &Path) -> Vec<String> {
    vec![
        "solve".into(),
        DAY.into(),
        "--time-limit".into(),
        BUDGET.into(),
        "--out".into(),
        out.display().to_string(),
    ]
}

/// `text` quoted for `sh -c`.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn the_progress_bar_draws_on_a_terminal() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("SKIPPED: util-linux `script` (a pseudo-terminal) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut command = vec![quoted(&ordo_bin().display().to_string())];
    command.extend(
        solve_args(&dir.path().join("plan.json"))
            .iter()
            .map(|a| quoted(a)),
    );
    // `script` runs the command on a new pseudo-terminal (its standard
    // error included) and copies what it writes to our standard output.
    let run = Command::new("script")
        .current_dir(workspace_root())
        .args([
            "--quiet",
            "--return",
            "--command",
            &command.join(" "),
            "/dev/null",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    assert!(run.status.success(), "{run:?}");
    let screen = String::from_utf8_lossy(&run.stdout);
    // A bar frame: `█░░… 00:00:01 of 2s  served 44/58  travel 653.2 km`,
    // redrawn in place.
    let frames: Vec<&str> = screen
        .split(['\r', '\n'])
        .filter(|line| line.contains(" of 2s  served "))
        .collect();
    assert!(!frames.is_empty(), "no progress bar in {screen:?}");
    let frame = frames.last().copied().unwrap_or_default();
    assert!(frame.contains("/58  travel "), "{frame:?}");
    assert!(frame.contains(" km"), "{frame:?}");
    assert!(frame.contains("00:00:0"), "elapsed: {frame:?}");
    assert!(
        screen.contains("feasible true"),
        "the summary line follows: {screen:?}"
    );
}

#[test]
fn without_a_terminal_solve_prints_only_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let run = Command::new(ordo_bin())
        .current_dir(workspace_root())
        .args(solve_args(&dir.path().join("plan.json")))
        .stdin(Stdio::null())
        .output()
        .expect("run ordo solve");
    assert!(run.status.success(), "{run:?}");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("feasible true"), "{all:?}");
    assert!(!all.contains(" of 2s"), "a bar on a pipe: {all:?}");
    assert!(!all.contains('\r') && !all.contains('\u{1b}'), "{all:?}");
    assert_eq!(all.lines().count(), 1, "one summary line: {all:?}");
}
