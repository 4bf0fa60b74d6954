//! Reader for the Solomon / Gehring-Homberger VRPTW text format.
//!
//! Layout: a name line, a `VEHICLE` section (`NUMBER CAPACITY` header, then
//! fleet size and capacity), a `CUSTOMER` section (a column header, then
//! rows `id x y demand ready due service`; row 0 is the depot, whose `due`
//! is the horizon). Lines may end in CRLF and columns are split on
//! whitespace, since header spacing differs between files.

use std::path::Path;

use super::ReadError;
use crate::model::{
    DenseMatrix, Euclidean, ModelError, Problem, ProblemBuilder, Rounding, SkillSet, TimeWindow,
    Vehicle, Visit,
};

/// Reads a Solomon-format file.
pub fn read_file(path: &Path, rounding: Rounding) -> Result<Problem, ReadError> {
    let text = super::read_to_string(path)?;
    parse(&text, &path.display().to_string(), rounding)
}

struct Row {
    line: usize,
    id: i64,
    x: f64,
    y: f64,
    demand: i64,
    ready: f64,
    due: f64,
    service: f64,
}

/// Parses Solomon-format text; `origin` names it in error messages.
pub fn parse(text: &str, origin: &str, rounding: Rounding) -> Result<Problem, ReadError> {
    let syntax = |line: usize, problem: String| syntax_error(origin, line, problem);
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let (_, name) = *lines
        .first()
        .ok_or_else(|| syntax(1, "empty file: expected an instance name".into()))?;
    let find = |keyword: &str| {
        lines
            .iter()
            .position(|(_, l)| l.eq_ignore_ascii_case(keyword))
    };
    let vehicle_at = find("VEHICLE").ok_or_else(|| syntax(1, "no VEHICLE section".into()))?;
    // VEHICLE, then the NUMBER/CAPACITY header, then the values.
    let &(fleet_line, fleet_text) = lines
        .get(vehicle_at + 2)
        .ok_or_else(|| syntax(lines[vehicle_at].0, "VEHICLE section ends early".into()))?;
    let (n_vehicles, capacity) = read_fleet(origin, fleet_line, fleet_text)?;
    let customer_at =
        find("CUSTOMER").ok_or_else(|| syntax(fleet_line, "no CUSTOMER section".into()))?;
    // Skip CUSTOMER and its column header.
    let rows = lines
        .iter()
        .skip(customer_at + 2)
        .map(|&(line, text)| read_row(origin, line, text))
        .collect::<Result<Vec<Row>, ReadError>>()?;
    if rows.is_empty() {
        return Err(syntax(
            lines[customer_at].0,
            "no customer rows (the depot row 0 is missing)".into(),
        ));
    }
    check_rows(origin, &rows)?;
    build(name, &rows, n_vehicles, capacity, rounding).map_err(|source| ReadError::Model {
        path: origin.to_string(),
        source,
    })
}

fn syntax_error(origin: &str, line: usize, problem: String) -> ReadError {
    ReadError::Syntax {
        path: origin.to_string(),
        line,
        problem,
    }
}

/// The VEHICLE section's values: `NUMBER CAPACITY`.
fn read_fleet(origin: &str, line: usize, text: &str) -> Result<(usize, i64), ReadError> {
    let syntax = |problem: String| syntax_error(origin, line, problem);
    let fleet: Vec<&str> = text.split_whitespace().collect();
    if fleet.len() != 2 {
        return Err(syntax(format!("expected 'NUMBER CAPACITY', got '{text}'")));
    }
    let n_vehicles: usize = fleet[0]
        .parse()
        .map_err(|_| syntax(format!("vehicle number '{}' is not an integer", fleet[0])))?;
    let capacity: i64 = fleet[1]
        .parse()
        .map_err(|_| syntax(format!("capacity '{}' is not an integer", fleet[1])))?;
    Ok((n_vehicles, capacity))
}

/// One customer row: `id x y demand ready due service`.
fn read_row(origin: &str, line: usize, text: &str) -> Result<Row, ReadError> {
    let syntax = |problem: String| syntax_error(origin, line, problem);
    let fields: Vec<&str> = text.split_whitespace().collect();
    if fields.len() != 7 {
        return Err(syntax(format!(
            "expected 7 columns (id x y demand ready due service), got {}",
            fields.len()
        )));
    }
    let num = |k: usize, what: &str| -> Result<f64, ReadError> {
        let v: f64 = fields[k]
            .parse()
            .map_err(|_| syntax(format!("{what} '{}' is not a number", fields[k])))?;
        if !v.is_finite() {
            return Err(syntax(format!("{what} '{}' is not finite", fields[k])));
        }
        Ok(v)
    };
    let int = |k: usize, what: &str| -> Result<i64, ReadError> {
        fields[k]
            .parse()
            .map_err(|_| syntax(format!("{what} '{}' is not an integer", fields[k])))
    };
    Ok(Row {
        line,
        id: int(0, "customer number")?,
        x: num(1, "x coordinate")?,
        y: num(2, "y coordinate")?,
        demand: int(3, "demand")?,
        ready: num(4, "ready time")?,
        due: num(5, "due date")?,
        service: num(6, "service time")?,
    })
}

/// Rows numbered 0, 1, 2, ... with sensible values.
fn check_rows(origin: &str, rows: &[Row]) -> Result<(), ReadError> {
    for (expected, row) in rows.iter().enumerate() {
        if row.id != expected as i64 {
            return Err(syntax_error(
                origin,
                row.line,
                format!(
                    "customer number {} out of sequence: expected {expected}",
                    row.id
                ),
            ));
        }
        if row.demand < 0 || row.ready > row.due || row.service < 0.0 {
            return Err(syntax_error(
                origin,
                row.line,
                "negative demand or service, or ready time after due date".into(),
            ));
        }
    }
    Ok(())
}

/// The problem of checked rows (row 0 is the depot): identical vehicles at
/// the depot over its horizon.
fn build(
    name: &str,
    rows: &[Row],
    n_vehicles: usize,
    capacity: i64,
    rounding: Rounding,
) -> Result<Problem, ModelError> {
    let depot = &rows[0];
    let travel = DenseMatrix::from_model(&Euclidean {
        coords: rows.iter().map(|r| (r.x, r.y)).collect(),
        rounding,
    });
    let mut builder = ProblemBuilder::new(name, travel);
    let horizon = TimeWindow::new(depot.ready, depot.due);
    for k in 0..n_vehicles {
        builder.vehicle(Vehicle {
            id: (k + 1).to_string(),
            start: 0,
            end: Some(0),
            shift: horizon,
            capacity,
            skills: SkillSet::new(),
            fixed_cost: 0.0,
            max_working_time: None,
            limits: Default::default(),
            lunch_break: None,
        });
    }
    for row in &rows[1..] {
        builder.visit(Visit::new(
            row.id.to_string(),
            row.id as usize,
            row.service,
            row.demand,
            TimeWindow::new(row.ready, row.due),
        ));
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str = "TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         10\r\n\r\nCUSTOMER\r\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n \r\n    0      0         0          0          0       100          0\r\n    1      3         4          5          0        50         10\r\n    2      0         1          5         20        60          5\r\n";

    #[test]
    fn parses_crlf_and_depot() {
        let p = parse(TINY, "tiny", Rounding::Exact).unwrap();
        assert_eq!(p.name, "TINY");
        assert_eq!(p.vehicles.len(), 2);
        assert_eq!(p.vehicles[0].capacity, 10);
        assert_eq!(p.vehicles[0].shift, TimeWindow::new(0.0, 100.0));
        assert_eq!(p.visits.len(), 2);
        assert_eq!(p.visits[0].id, "1");
        assert_eq!(p.visits[1].windows, vec![TimeWindow::new(20.0, 60.0)]);
        assert_eq!(p.distance(0, 1), 5.0);
    }

    #[test]
    fn names_line_of_bad_row() {
        let bad = TINY.replace("    2      0         1 ", "    2      0         x ");
        let err = parse(&bad, "tiny", Rounding::Exact)
            .unwrap_err()
            .to_string();
        assert!(err.contains("tiny:12"), "{err}");
        assert!(err.contains("y coordinate 'x'"), "{err}");
    }

    #[test]
    fn rejects_short_row_and_missing_sections() {
        let short = TINY.replace("        60          5", "        60");
        let err = parse(&short, "t", Rounding::Exact).unwrap_err().to_string();
        assert!(err.contains("expected 7 columns"), "{err}");
        let err = parse("X\nfoo\n", "t", Rounding::Exact)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no VEHICLE section"), "{err}");
        let err = parse("", "t", Rounding::Exact).unwrap_err().to_string();
        assert!(err.contains("empty file"), "{err}");
    }

    #[test]
    fn rejects_out_of_sequence_ids() {
        let bad = TINY.replace("    2      0 ", "    7      0 ");
        let err = parse(&bad, "t", Rounding::Exact).unwrap_err().to_string();
        assert!(err.contains("out of sequence"), "{err}");
    }
}
