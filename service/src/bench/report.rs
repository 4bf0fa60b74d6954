//! Per-instance benchmark results and the summary rows by class, by size
//! and overall.

use std::fmt::Write as _;

/// The outcome of one instance.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Instance name (file stem).
    pub instance: String,
    /// Number of visits.
    pub customers: usize,
    /// Routes used.
    pub vehicles: usize,
    /// Checker-recomputed distance.
    pub distance: f64,
    /// Best-known vehicles and distance, if known.
    pub bks: Option<super::bks::Bks>,
    /// Wall seconds of the solve.
    pub seconds: f64,
    /// Seconds until the first complete solution.
    pub first_solution: f64,
    /// Whether the checker accepted the solution.
    pub feasible: bool,
}

impl RunResult {
    /// Gap to the BKS distance in percent.
    pub fn gap(&self) -> Option<f64> {
        self.bks
            .map(|b| 100.0 * (self.distance - b.distance) / b.distance)
    }

    /// Benchmark class: the letters and first digit (`RC1` of `RC1_2_3`,
    /// `R2` of `R205`).
    pub fn class(&self) -> String {
        let letters: String = self
            .instance
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let digit = self.instance[letters.len()..]
            .chars()
            .next()
            .filter(char::is_ascii_digit);
        format!(
            "{}{}",
            letters.to_ascii_uppercase(),
            digit.map(String::from).unwrap_or_default()
        )
    }
}

/// Aggregates of a group of runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Group label.
    pub label: String,
    /// Instances in the group.
    pub count: usize,
    /// Runs with a BKS.
    pub with_bks: usize,
    /// Mean gap over runs with a BKS.
    pub mean_gap: f64,
    /// Worst gap.
    pub worst_gap: f64,
    /// Runs using the BKS vehicle count (or fewer).
    pub vehicles_reached: usize,
    /// Mean gap where vehicles equal the BKS.
    pub mean_gap_equal_vehicles: Option<f64>,
    /// Mean seconds.
    pub mean_seconds: f64,
    /// Infeasible results.
    pub infeasible: usize,
}

/// Summarises `runs` under `label`.
pub fn summarise(label: &str, runs: &[&RunResult]) -> Summary {
    let gaps: Vec<f64> = runs.iter().filter_map(|r| r.gap()).collect();
    let equal: Vec<f64> = runs
        .iter()
        .filter(|r| r.bks.is_some_and(|b| r.vehicles == b.vehicles))
        .filter_map(|r| r.gap())
        .collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    Summary {
        label: label.to_string(),
        count: runs.len(),
        with_bks: gaps.len(),
        mean_gap: mean(&gaps),
        worst_gap: gaps.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        vehicles_reached: runs
            .iter()
            .filter(|r| r.bks.is_some_and(|b| r.vehicles <= b.vehicles))
            .count(),
        mean_gap_equal_vehicles: (!equal.is_empty()).then(|| mean(&equal)),
        mean_seconds: mean(&runs.iter().map(|r| r.seconds).collect::<Vec<_>>()),
        infeasible: runs.iter().filter(|r| !r.feasible).count(),
    }
}

/// Summary rows: one per class, one per size when sizes differ, and the total.
pub fn summaries(runs: &[RunResult]) -> Vec<Summary> {
    let mut out = Vec::new();
    let mut classes: Vec<String> = runs.iter().map(RunResult::class).collect();
    classes.sort();
    classes.dedup();
    for class in &classes {
        let group: Vec<&RunResult> = runs.iter().filter(|r| &r.class() == class).collect();
        out.push(summarise(class, &group));
    }
    let mut sizes: Vec<usize> = runs.iter().map(|r| r.customers).collect();
    sizes.sort_unstable();
    sizes.dedup();
    if sizes.len() > 1 {
        for size in sizes {
            let group: Vec<&RunResult> = runs.iter().filter(|r| r.customers == size).collect();
            out.push(summarise(&format!("n={size}"), &group));
        }
    }
    let all: Vec<&RunResult> = runs.iter().collect();
    out.push(summarise("all", &all));
    out
}

/// The per-instance table.
pub fn instance_table(runs: &[RunResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>5} {:>4} {:>11} {:>4} {:>11} {:>7} {:>7} {:>7} {:>8}",
        "instance", "n", "veh", "distance", "bksv", "bks", "gap%", "secs", "first", "feasible"
    );
    for r in runs {
        let (bv, bd) = r.bks.map_or(("-".into(), "-".into()), |b| {
            (b.vehicles.to_string(), format!("{:.2}", b.distance))
        });
        let gap = r.gap().map_or("-".into(), |g| format!("{g:.2}"));
        let _ = writeln!(
            out,
            "{:<12} {:>5} {:>4} {:>11.2} {:>4} {:>11} {:>7} {:>7.2} {:>7.3} {:>8}",
            r.instance,
            r.customers,
            r.vehicles,
            r.distance,
            bv,
            bd,
            gap,
            r.seconds,
            r.first_solution,
            r.feasible
        );
    }
    out
}

/// The summary table.
pub fn summary_table(rows: &[Summary]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<8} {:>5} {:>9} {:>9} {:>13} {:>14} {:>7} {:>10}",
        "group", "count", "mean gap%", "worst%", "veh<=bks", "gap% veh=bks", "secs", "infeasible"
    );
    for s in rows {
        let worst = if s.with_bks > 0 {
            format!("{:.2}", s.worst_gap)
        } else {
            "-".into()
        };
        let mean = if s.with_bks > 0 {
            format!("{:.2}", s.mean_gap)
        } else {
            "-".into()
        };
        let eq = s
            .mean_gap_equal_vehicles
            .map_or("-".into(), |g| format!("{g:.2}"));
        let _ = writeln!(
            out,
            "{:<8} {:>5} {:>9} {:>9} {:>13} {:>14} {:>7.2} {:>10}",
            s.label,
            s.count,
            mean,
            worst,
            format!("{}/{}", s.vehicles_reached, s.with_bks),
            eq,
            s.mean_seconds,
            s.infeasible
        );
    }
    out
}

/// CSV of the per-instance results (quoted where a field needs it, such
/// as an instance name with a comma).
pub fn csv(runs: &[RunResult]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "instance",
        "class",
        "customers",
        "vehicles",
        "distance",
        "bks_vehicles",
        "bks_distance",
        "gap_pct",
        "seconds",
        "first_solution_seconds",
        "feasible",
    ];
    // Writing to a Vec cannot fail: the errors are I/O errors.
    let _ = writer.write_record(header);
    for r in runs {
        let _ = writer.write_record([
            r.instance.clone(),
            r.class(),
            r.customers.to_string(),
            r.vehicles.to_string(),
            format!("{:.4}", r.distance),
            r.bks.map_or(String::new(), |b| b.vehicles.to_string()),
            r.bks.map_or(String::new(), |b| b.distance.to_string()),
            r.gap().map_or(String::new(), |g| format!("{g:.4}")),
            format!("{:.3}", r.seconds),
            format!("{:.3}", r.first_solution),
            r.feasible.to_string(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::bks::Bks;
    use super::*;

    fn run(name: &str, vehicles: usize, distance: f64, bks: (usize, f64)) -> RunResult {
        RunResult {
            instance: name.into(),
            customers: 100,
            vehicles,
            distance,
            bks: Some(Bks {
                vehicles: bks.0,
                distance: bks.1,
            }),
            seconds: 1.0,
            first_solution: 0.01,
            feasible: true,
        }
    }

    #[test]
    fn classes_and_summaries() {
        let runs = vec![
            run("C101", 10, 110.0, (10, 100.0)),
            run("C102", 11, 100.0, (10, 100.0)),
            run("RC1_2_1", 20, 200.0, (20, 200.0)),
        ];
        assert_eq!(runs[0].class(), "C1");
        assert_eq!(runs[2].class(), "RC1");
        let rows = summaries(&runs);
        let c1 = &rows[0];
        assert_eq!(
            (c1.label.as_str(), c1.count, c1.vehicles_reached),
            ("C1", 2, 1)
        );
        assert!((c1.mean_gap - 5.0).abs() < 1e-9 && (c1.worst_gap - 10.0).abs() < 1e-9);
        assert_eq!(c1.mean_gap_equal_vehicles, Some(10.0));
        let all = rows.last().map(|s| s.count);
        assert_eq!(all, Some(3));
        assert!(csv(&runs)
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("C101,C1,100,10,110.0000,10,100,10.0000")));
    }

    #[test]
    fn csv_quotes_a_name_with_a_comma() {
        let runs = vec![run("odd,name", 10, 110.0, (10, 100.0))];
        let text = csv(&runs);
        assert!(
            text.lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("\"odd,name\",")),
            "{text}"
        );
    }
}
