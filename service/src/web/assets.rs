//! The page's files, compiled into the binary from `service/assets/`
//! (Leaflet vendored under `vendor/leaflet/` with its licence).

/// The page, with `{{TILES}}` and `{{ATTRIBUTION}}` to fill in.
pub const INDEX_HTML: &str = include_str!("../../assets/index.html");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// `(path under /assets/, body, content type)` of every file.
pub const FILES: &[(&str, &str, &str)] = &[
    ("style.css", include_str!("../../assets/style.css"), CSS),
    ("app.js", include_str!("../../assets/app.js"), JS),
    ("api.js", include_str!("../../assets/api.js"), JS),
    ("day.js", include_str!("../../assets/day.js"), JS),
    ("map.js", include_str!("../../assets/map.js"), JS),
    ("timeline.js", include_str!("../../assets/timeline.js"), JS),
    ("panels.js", include_str!("../../assets/panels.js"), JS),
    ("jobs.js", include_str!("../../assets/jobs.js"), JS),
    ("pacer.js", include_str!("../../assets/pacer.js"), JS),
    (
        "vendor/leaflet/leaflet.js",
        include_str!("../../assets/vendor/leaflet/leaflet.js"),
        JS,
    ),
    (
        "vendor/leaflet/leaflet.css",
        include_str!("../../assets/vendor/leaflet/leaflet.css"),
        CSS,
    ),
    (
        "vendor/leaflet/LICENSE",
        include_str!("../../assets/vendor/leaflet/LICENSE"),
        "text/plain; charset=utf-8",
    ),
];

/// The body and content type of `path`, if it is one of ours.
pub fn find(path: &str) -> Option<(&'static str, &'static str)> {
    FILES
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, body, mime)| (*body, *mime))
}
