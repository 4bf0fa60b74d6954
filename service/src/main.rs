//! The `ordo` binary: a thin command-line shell over `ordo-solver` and the
//! service. Each subcommand lives in its own file under `cli/`.

use clap::{Parser, Subcommand};

use ordo_service::cli;

/// mimalloc instead of glibc's malloc: glibc gives each thread that
/// allocates (tokio's blocking pool, the search's rayon threads) an arena
/// of its own and rarely hands freed arena memory back, so the server's
/// resident memory rose by tens of MiB with every plan job and never fell;
/// mimalloc returns freed pages to the system (the soak example measures it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One glibc arena for what is still allocated with C's `malloc`: the
/// bundled SQLite (its page cache, statements, WAL buffers) does not go
/// through Rust's allocator. Every blocking thread that ran a query got an
/// arena of its own, and the server's resident memory stepped up by about
/// 11 MiB after 20 minutes of the soak and stayed there; with one arena it
/// does not. SQLite runs on one connection behind a mutex, so one arena
/// costs no contention. Called before any thread starts.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no thread has
    // started yet, and a refusal (return 0) leaves the default in place.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[derive(Parser)]
#[command(
    name = "ordo",
    version,
    about = "Route optimisation and scheduling engine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Solve one instance (Solomon text or plan JSON) and write the routes.
    Solve(cli::solve::SolveArgs),
    /// Solve benchmark instances, check them, and compare with best-known solutions.
    Bench(cli::bench::BenchArgs),
    /// Check a solution file against an instance with the independent checker.
    Check(cli::check::CheckArgs),
    /// Write a realistic field-service plan request (JSON).
    Generate(cli::generate::GenerateArgs),
    /// Run the HTTP service (visits, drivers, plan jobs) on a SQLite file.
    Serve(cli::serve::ServeArgs),
    /// Manage API keys of the HTTP service.
    Keys(cli::keys::KeysArgs),
}

fn main() -> std::process::ExitCode {
    one_malloc_arena();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Solve(args) => cli::solve::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Generate(args) => cli::generate::run(args),
        Command::Bench(args) => cli::bench::run(args),
        Command::Serve(args) => cli::serve::run(args),
        Command::Keys(args) => cli::keys::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::from(2)
        }
    }
}
