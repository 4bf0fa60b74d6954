//! A [`Picture`] as a standalone SVG: routes in their colours (repeating
//! with a dash pattern past the palette), stops numbered when there are few
//! enough to read, depots as squares, visits left out as black diamonds.
//! Longitude is scaled by the cosine of the mean latitude so a plan's map
//! is not stretched.

use std::fmt::Write;

use super::{Picture, Point, PALETTE};

const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 30.0;
/// Above this many stops the numbers would overlap into noise.
const NUMBERED_MAX: usize = 300;
const DASHES: &[&str] = &["", "8 5", "2 5", "12 4 2 4"];

/// The SVG text of `picture`.
pub fn write(picture: &Picture) -> String {
    let project = Projection::fit(picture);
    let height = project.height;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&picture.title));
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#f4f6f8"/>"##
    );
    let stops: usize = picture.routes.iter().map(|r| r.stops.len()).sum();
    for (i, route) in picture.routes.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let dash = DASHES[(i / PALETTE.len()) % DASHES.len()];
        let points: Vec<String> = route
            .line
            .iter()
            .map(|&p| {
                let (x, y) = project.apply(p);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{dash}""#)
        };
        let _ = writeln!(
            out,
            r#"<polyline class="route" data-route="{}" points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
            escape(&route.name),
            points.join(" ")
        );
        for stop in &route.stops {
            let (x, y) = project.apply(stop.at);
            if stops <= NUMBERED_MAX {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="8" fill="{colour}" stroke="white"/><text x="{x:.1}" y="{:.1}" font-size="9" fill="white" text-anchor="middle">{}</text>"#,
                    y + 3.0,
                    stop.order
                );
            } else {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="{colour}"/>"#
                );
            }
        }
    }
    for &depot in &picture.depots {
        let (x, y) = project.apply(depot);
        let _ = writeln!(
            out,
            r#"<rect class="depot" x="{:.1}" y="{:.1}" width="10" height="10" fill="white" stroke="black" stroke-width="2"/>"#,
            x - 5.0,
            y - 5.0
        );
    }
    for item in &picture.unserved {
        let (x, y) = project.apply(item.at);
        let _ = writeln!(
            out,
            r#"<path class="unserved" d="M{x:.1} {:.1} l6 6 l-6 6 l-6 -6 z" fill="white" stroke="black" stroke-width="2"><title>{} {}</title></path>"#,
            y - 6.0,
            escape(&item.visit),
            escape(&item.reason)
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{MARGIN}" y="18" font-size="13">{}: {} routes, {stops} stops, {} left out</text>"#,
        escape(&picture.title),
        picture.routes.len(),
        picture.unserved.len()
    );
    out.push_str("</svg>\n");
    out
}

/// From picture coordinates to SVG pixels (north up).
struct Projection {
    min: Point,
    x_scale: f64,
    scale: f64,
    height: f64,
}

impl Projection {
    fn fit(picture: &Picture) -> Self {
        let points = picture
            .routes
            .iter()
            .flat_map(|r| r.line.iter().copied())
            .chain(picture.depots.iter().copied())
            .chain(picture.unserved.iter().map(|u| u.at));
        let (mut min, mut max) = (
            Point {
                x: f64::MAX,
                y: f64::MAX,
            },
            Point {
                x: f64::MIN,
                y: f64::MIN,
            },
        );
        for p in points {
            min = Point {
                x: min.x.min(p.x),
                y: min.y.min(p.y),
            };
            max = Point {
                x: max.x.max(p.x),
                y: max.y.max(p.y),
            };
        }
        if min.x > max.x {
            (min, max) = (Point { x: 0.0, y: 0.0 }, Point { x: 1.0, y: 1.0 });
        }
        let x_scale = if picture.geographic {
            ((min.y + max.y) / 2.0).to_radians().cos().max(0.1)
        } else {
            1.0
        };
        let span_x = ((max.x - min.x) * x_scale).max(1e-9);
        let span_y = (max.y - min.y).max(1e-9);
        let scale = (WIDTH - 2.0 * MARGIN) / span_x;
        // Tall pictures are capped so the page stays viewable.
        let scale = scale.min((WIDTH - 2.0 * MARGIN) / span_y);
        let height = span_y * scale + 2.0 * MARGIN + 10.0;
        Self {
            min: Point { x: min.x, y: max.y },
            x_scale,
            scale,
            height: height.max(200.0),
        }
    }

    fn apply(&self, p: Point) -> (f64, f64) {
        (
            MARGIN + (p.x - self.min.x) * self.x_scale * self.scale,
            MARGIN + 10.0 + (self.min.y - p.y) * self.scale,
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_plan;
    use super::*;

    #[test]
    fn one_polyline_per_route_and_marks_for_depots_and_unserved() {
        let svg = write(&sample_plan());
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches(r#"class="depot""#).count(), 1);
        assert_eq!(svg.matches(r#"class="unserved""#).count(), 1);
        // Numbered stops, north up: stop 1 (lat 57.2) above stop 2 (57.1).
        assert!(svg.contains(">1</text>") && svg.contains(">2</text>"));
    }

    #[test]
    fn north_is_up_and_everything_inside() {
        let picture = sample_plan();
        let p = Projection::fit(&picture);
        let (_, north) = p.apply(Point { x: -2.1, y: 57.3 });
        let (_, south) = p.apply(Point { x: -2.1, y: 57.0 });
        assert!(north < south);
        for route in &picture.routes {
            for &point in &route.line {
                let (x, y) = p.apply(point);
                assert!((0.0..=WIDTH).contains(&x) && (0.0..=p.height).contains(&y));
            }
        }
    }
}
