//! The dispatcher's page: `GET /` and its static assets, embedded in the
//! binary so `ordo serve` needs nothing beside it. The page itself is a
//! client of the public API (`/api/v2/...`) like any other; the server only
//! hands it the tile URL, written into the HTML.

pub mod assets;
pub mod demo;

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The OpenStreetMap standard tile layer.
pub const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/// What the page is told by the server.
#[derive(Debug, Clone)]
pub struct PageConfig {
    /// Tile URL template (`{z}/{x}/{y}`); `None` draws on a plain
    /// background.
    pub tiles: Option<String>,
}

impl Default for PageConfig {
    fn default() -> Self {
        Self {
            tiles: Some(OSM_TILES.to_string()),
        }
    }
}

impl PageConfig {
    /// From the `--tiles` argument: a URL template, or `none`/empty for no
    /// tiles.
    pub fn from_tiles_arg(arg: &str) -> Self {
        let arg = arg.trim();
        let off = arg.is_empty() || arg.eq_ignore_ascii_case("none");
        Self {
            tiles: (!off).then(|| arg.to_string()),
        }
    }

    /// The attribution shown under the tiles: OpenStreetMap's for its own
    /// layer, the host's name otherwise.
    fn attribution(&self) -> String {
        match &self.tiles {
            Some(url) if url.contains("openstreetmap.org") => {
                "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors".into()
            }
            Some(url) => html_escape(url.split('/').nth(2).unwrap_or("tiles")),
            None => String::new(),
        }
    }
}

/// The page's routes, with their own state (they need no API key).
pub fn router<S: Clone + Send + Sync + 'static>(config: PageConfig) -> Router<S> {
    let index = render_index(&config);
    Router::new()
        .route("/", get(move || async move { Html(index) }))
        .route("/assets/{*path}", get(asset))
}

/// `index.html` with the tile settings filled in.
fn render_index(config: &PageConfig) -> String {
    let tiles = config.tiles.as_deref().map(html_escape).unwrap_or_default();
    assets::INDEX_HTML
        .replace("{{TILES}}", &tiles)
        .replace("{{ATTRIBUTION}}", &html_escape(&config.attribution()))
}

async fn asset(Path(path): Path<String>) -> Response {
    match assets::find(&path) {
        Some((body, mime)) => {
            ([(CONTENT_TYPE, mime), (CACHE_CONTROL, "no-cache")], body).into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// Text safe inside an HTML attribute.
fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_argument() {
        assert_eq!(PageConfig::from_tiles_arg("none").tiles, None);
        assert_eq!(PageConfig::from_tiles_arg(" ").tiles, None);
        let osm = PageConfig::default();
        assert!(osm.attribution().contains("OpenStreetMap"));
        let own = PageConfig::from_tiles_arg("https://tiles.example.com/{z}/{x}/{y}.png");
        assert_eq!(own.attribution(), "tiles.example.com");
    }

    #[test]
    fn index_carries_escaped_tiles() {
        let html = render_index(&PageConfig::from_tiles_arg(
            "https://t.example/{z}/{x}/{y}.png?a=1&b=\"2\"",
        ));
        assert!(html.contains("https://t.example/{z}/{x}/{y}.png?a=1&amp;b=&quot;2&quot;"));
        assert!(!html.contains("{{TILES}}"));
    }

    #[test]
    fn every_asset_the_page_names_is_served() {
        // `/assets/...` in the HTML, `from "./x.js"` in the modules.
        let mut named: Vec<String> = assets::INDEX_HTML
            .split("/assets/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_string))
            .collect();
        for (_, body, _) in assets::FILES {
            named.extend(
                body.split("from \"./")
                    .skip(1)
                    .filter_map(|rest| rest.split('"').next().map(str::to_string)),
            );
        }
        assert!(named.len() >= 10, "{named:?}");
        for name in &named {
            assert!(assets::find(name).is_some(), "{name} is not embedded");
        }
        assert!(assets::find("../Cargo.toml").is_none());
    }
}
