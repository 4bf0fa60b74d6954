//! The plain-text solution format, compatible with Solomon-style listings.
//!
//! ```text
//! # Ordo solution for C101
//! Route 1 : 5 3 7
//! Route 2 : 13 17 18
//! Vehicle van-7 : 42 43
//! Unassigned : 9
//! Cost 828.94
//! ```
//! Visit ids are the instance's ids (Solomon customer numbers). `Route N`
//! is served by the N-th vehicle; `Vehicle ID` names a vehicle by its id.
//! `Break K` after the visit list (`Route 1 : 5 3 | Break 2`) places the
//! break after K visits. Lines starting with `#`, `Cost` and blank lines are
//! ignored. Visits on no line are unassigned.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::ReadError;
use crate::model::{Problem, VehicleClass};
use crate::solution::{Route, Solution};

/// Renders a solution; the reader below reads it back exactly.
pub fn write(problem: &Problem, solution: &Solution, comment: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Ordo solution for {}", problem.name);
    for line in comment.lines() {
        let _ = writeln!(out, "# {line}");
    }
    // `Route N` (the benchmark convention every checker reads) when the
    // route's vehicle is the N-th, or when any vehicle could drive any
    // route; otherwise the vehicle is named.
    let interchangeable = problem.vehicles.iter().all(|k| k.skills.is_empty())
        && (0..problem.vehicles.len())
            .all(|k| VehicleClass::of(problem, k) == VehicleClass::of(problem, 0));
    let homogeneous_order = interchangeable
        || solution
            .routes
            .iter()
            .enumerate()
            .all(|(k, r)| r.vehicle == k);
    for (k, route) in solution.routes.iter().enumerate() {
        let ids: Vec<&str> = route
            .visits
            .iter()
            .map(|&v| problem.visits[v].id.as_str())
            .collect();
        if homogeneous_order {
            let _ = write!(out, "Route {} : {}", k + 1, ids.join(" "));
        } else {
            let _ = write!(
                out,
                "Vehicle {} : {}",
                problem.vehicles[route.vehicle].id,
                ids.join(" ")
            );
        }
        if let Some(b) = route.break_position {
            let _ = write!(out, " | Break {b}");
        }
        out.push('\n');
    }
    if !solution.unassigned.is_empty() {
        let ids: Vec<&str> = solution
            .unassigned
            .iter()
            .map(|&v| problem.visits[v].id.as_str())
            .collect();
        let _ = writeln!(out, "Unassigned : {}", ids.join(" "));
    }
    out
}

/// Parses a solution for `problem`; `origin` names it in errors.
pub fn parse(problem: &Problem, text: &str, origin: &str) -> Result<Solution, ReadError> {
    let syntax = |line: usize, problem: String| ReadError::Syntax {
        path: origin.to_string(),
        line,
        problem,
    };
    let visit_by_id: HashMap<&str, usize> = problem
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let vehicle_by_id: HashMap<&str, usize> = problem
        .vehicles
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let mut routes = Vec::new();
    let mut listed = vec![false; problem.visits.len()];
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with("Cost") {
            continue;
        }
        let (head, body) = text
            .split_once(':')
            .ok_or_else(|| syntax(line, format!("expected 'Route N : ids', got '{text}'")))?;
        let mut head_words = head.split_whitespace();
        let kind = head_words.next().unwrap_or_default();
        let label = head_words.next();
        let (visits_text, break_text) = match body.split_once('|') {
            Some((v, b)) => (v, Some(b.trim())),
            None => (body, None),
        };
        let mut visits = Vec::new();
        for word in visits_text.split_whitespace() {
            let &v = visit_by_id
                .get(word)
                .ok_or_else(|| syntax(line, format!("unknown visit id '{word}'")))?;
            visits.push(v);
            listed[v] = true;
        }
        let vehicle = match (kind.to_ascii_lowercase().as_str(), label) {
            ("unassigned", _) => continue,
            ("route", Some(n)) => {
                let n: usize = n
                    .parse()
                    .map_err(|_| syntax(line, format!("route number '{n}' is not an integer")))?;
                if n == 0 || n > problem.vehicles.len() {
                    return Err(syntax(
                        line,
                        format!(
                            "route {n}: the fleet has {} vehicles",
                            problem.vehicles.len()
                        ),
                    ));
                }
                n - 1
            }
            ("vehicle", Some(id)) => *vehicle_by_id
                .get(id)
                .ok_or_else(|| syntax(line, format!("unknown vehicle id '{id}'")))?,
            _ => {
                return Err(syntax(
                    line,
                    format!("expected 'Route N :' or 'Vehicle ID :', got '{head}'"),
                ))
            }
        };
        let break_position = match break_text {
            None => None,
            Some(b) => {
                let k = b
                    .strip_prefix("Break")
                    .and_then(|k| k.trim().parse::<usize>().ok())
                    .ok_or_else(|| syntax(line, format!("expected 'Break K', got '{b}'")))?;
                Some(k)
            }
        };
        routes.push(Route {
            vehicle,
            visits,
            break_position,
        });
    }
    let unassigned = (0..problem.visits.len()).filter(|&v| !listed[v]).collect();
    Ok(Solution { routes, unassigned })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::solomon;
    use crate::model::Rounding;

    const TINY: &str = "TINY\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\nhdr\n 0 0 0 0 0 100 0\n 1 3 4 5 0 50 10\n 2 0 1 5 20 60 5\n 3 1 1 1 0 90 1\n";

    /// On an interchangeable fleet the routes are numbered whatever vehicle
    /// the search put them on: benchmark checkers read only `Route N`.
    #[test]
    fn interchangeable_fleet_writes_route_numbers() {
        let p = solomon::parse(TINY, "t", Rounding::Exact).unwrap();
        let s = Solution {
            routes: vec![Route::new(1, vec![1, 0])],
            unassigned: vec![2],
        };
        let text = write(&p, &s, "");
        assert!(text.contains("Route 1 : 2 1\n"), "{text}");
        assert!(!text.contains("Vehicle"), "{text}");
        let back = parse(&p, &text, "s").unwrap();
        assert_eq!(back.routes[0].visits, vec![1, 0]);
    }

    #[test]
    fn round_trips() {
        let p = solomon::parse(TINY, "t", Rounding::Exact).unwrap();
        let s = Solution {
            routes: vec![Route::new(0, vec![1, 0]), Route::new(1, vec![2])],
            unassigned: vec![],
        };
        let text = write(&p, &s, "vehicles 2");
        assert!(text.contains("Route 1 : 2 1\n"), "{text}");
        assert_eq!(parse(&p, &text, "s").unwrap(), s);
    }

    #[test]
    fn reads_vehicle_lines_breaks_and_unassigned() {
        let p = solomon::parse(TINY, "t", Rounding::Exact).unwrap();
        let s = parse(&p, "Vehicle 2 : 3 | Break 1\nCost 12.5\n", "s").unwrap();
        assert_eq!(
            s.routes,
            vec![Route {
                vehicle: 1,
                visits: vec![2],
                break_position: Some(1)
            }]
        );
        assert_eq!(s.unassigned, vec![0, 1]);
    }

    #[test]
    fn names_bad_lines() {
        let p = solomon::parse(TINY, "t", Rounding::Exact).unwrap();
        let err = parse(&p, "Route 1 : 1 99\n", "s").unwrap_err().to_string();
        assert!(err.contains("s:1: unknown visit id '99'"), "{err}");
        let err = parse(&p, "\nRoute 7 : 1\n", "s").unwrap_err().to_string();
        assert!(err.contains("s:2: route 7"), "{err}");
        let err = parse(&p, "garbage\n", "s").unwrap_err().to_string();
        assert!(err.contains("expected 'Route N : ids'"), "{err}");
    }
}
