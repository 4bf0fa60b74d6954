//! `ordo serve`: the HTTP service on an embedded SQLite database or a
//! shared PostgreSQL one (`--db postgres://...`), created and migrated on
//! start. Prints `ordo listening on http://ADDR` once the socket is bound
//! (port 0 picks a free port). `--demo` then loads a bundled day for a new
//! key and prints the page's address with it. `--role` splits the API
//! from the plan workers (`worker` serves no HTTP and prints `ordo worker
//! SERVER_ID ready`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use crate::app::{self, AppState, Config};
use crate::jobs::Role;
use crate::storage::{keys, Storage};
use crate::web::demo::{self, DemoDay};

/// Blocking threads for database calls (plan searches get their own on top).
const BLOCKING_THREADS: usize = 32;

/// Arguments of `ordo serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Database: an SQLite file (created when missing), or a PostgreSQL
    /// URL `postgres://user:password@host:port/database` that several
    /// servers share.
    #[arg(long, default_value = "ordo.db")]
    pub db: PathBuf,
    /// What this server does: `all` (the API and plan workers), `api`
    /// (accepts jobs, solves none) or `worker` (solves queued jobs, no
    /// HTTP). Split roles need a shared database.
    #[arg(long, value_enum, default_value = "all")]
    pub role: RoleArg,
    /// Requests per key and window.
    #[arg(long, default_value_t = 100)]
    pub rate_limit: u32,
    /// Rate-limit window in seconds.
    #[arg(long, default_value_t = 10)]
    pub rate_window: u64,
    /// Plan searches this server runs at once (more jobs queue).
    #[arg(long, default_value_t = 2)]
    pub max_solves: usize,
    /// An origin browsers may call the API from, e.g.
    /// `https://dispatch.example.com` (repeat for several; default: any).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Map tiles of the page at `/` (`{z}/{x}/{y}` template); `none` draws
    /// routes on a plain background.
    #[arg(long, default_value = crate::web::OSM_TILES)]
    pub tiles: String,
    /// Load the bundled day (datasets/field-60.json) for a new key of
    /// company `demo` and print the page's address with that key.
    #[arg(long)]
    pub demo: bool,
    /// Road travel for plan jobs that name none: `osrm=http://HOST:PORT`
    /// (a job's own `travel` wins).
    #[arg(long, value_name = "ROUTER")]
    pub router: Option<String>,
    /// With `--demo`: load this plan request file instead.
    #[arg(long, requires = "demo")]
    pub demo_file: Option<PathBuf>,
}

/// `--role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// The API and plan workers.
    All,
    /// The API only.
    Api,
    /// Plan workers only.
    Worker,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::All => Role::All,
            RoleArg::Api => Role::Api,
            RoleArg::Worker => Role::Worker,
        }
    }
}

/// Checks `--cors-origin` values: `scheme://host[:port]`, nothing more.
fn cors_origins(given: &[String]) -> Result<Vec<axum::http::HeaderValue>> {
    given
        .iter()
        .map(|origin| {
            let origin = origin.trim().trim_end_matches('/');
            let uri: axum::http::Uri = origin
                .parse()
                .with_context(|| format!("--cors-origin {origin}: not an origin"))?;
            anyhow::ensure!(
                uri.scheme().is_some()
                    && uri.host().is_some()
                    && uri.path_and_query().is_none_or(|p| p.as_str() == "/"),
                "--cors-origin {origin}: expected scheme://host[:port], e.g. https://dispatch.example.com"
            );
            axum::http::HeaderValue::from_str(origin)
                .with_context(|| format!("--cors-origin {origin}: not an origin"))
        })
        .collect()
}

/// Runs `ordo serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    anyhow::ensure!(args.rate_limit >= 1, "--rate-limit must be at least 1");
    anyhow::ensure!(
        args.rate_window >= 1,
        "--rate-window must be at least 1 second"
    );
    let storage = Arc::new(
        Storage::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?,
    );
    let config = Config {
        rate_limit: args.rate_limit,
        rate_window: Duration::from_secs(args.rate_window),
        max_solves: args.max_solves.max(1),
        cors_origins: cors_origins(&args.cors_origins)?,
        page: crate::web::PageConfig::from_tiles_arg(&args.tiles),
        router: args
            .router
            .as_deref()
            .map(crate::routing::Router::parse_flag)
            .transpose()?,
        role: args.role.into(),
    };
    anyhow::ensure!(
        config.role == Role::All || storage.is_shared(),
        "--role {}: an SQLite database serves one server; split roles need --db postgres://...",
        if config.role == Role::Api {
            "api"
        } else {
            "worker"
        }
    );
    anyhow::ensure!(
        !(args.demo && config.role == Role::Worker),
        "--demo needs the API: not with --role worker"
    );
    let demo = match &args.demo_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
        None => args.demo.then(|| crate::web::demo::FIELD_60.to_string()),
    }
    .map(|text| DemoDay::from_plan_json(&text))
    .transpose()
    .context("--demo-file")?;
    // Every request reaches SQLite on a blocking thread; under a burst
    // tokio would start up to 512 of them (each a stack and an allocator
    // cache that outlive the burst). A few dozen already keep the single
    // connection busy, so more only cost memory.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS + config.max_solves)
        .build()
        .context("cannot start the async runtime")?;
    let served: Result<()> = runtime.block_on(async {
        let state = AppState::new(Arc::clone(&storage), &config)?;
        // Queued jobs (also those a crash or kill left unfinished) run.
        state.jobs.start_workers();
        if config.role == Role::Worker {
            println!("ordo worker {} ready", state.jobs.server_id());
            crate::shutdown::signal().await;
            state.jobs.shutdown();
            return Ok(());
        }
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr()?;
        println!("ordo listening on http://{addr}");
        if let Some(day) = &demo {
            let key = state
                .storage
                .run(|c| keys::create_key(c, &keys::CompanySpec::named("demo")))?;
            demo::load(&app::router(state.clone()), &key, day).await?;
            println!(
                "demo day {} loaded ({} visits, {} drivers); open http://{addr}/#key={key}&date={}",
                day.date,
                day.visits.len(),
                day.drivers.len(),
                day.date
            );
        }
        app::serve(listener, state).await?;
        Ok(())
    });
    // Searches stopped by the shutdown record their plan before we exit.
    runtime.shutdown_timeout(Duration::from_secs(10));
    // The last handle on the storage goes here, outside the runtime: a
    // PostgreSQL client must not be dropped on a runtime thread.
    drop(storage);
    served?;
    Ok(ExitCode::SUCCESS)
}
