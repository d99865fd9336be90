//! The Rust twin of the article's Part 2 snippet: a tokio task per request that queries
//! PostgreSQL through an sqlx pool, three ways: as printed (main returns at once), joined on
//! sqlx's default pool, and on a pool with no practical limit (one connection per task), the
//! way database/sql behaves by default. It reports what the queries saw.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use measure::{emit, json, Flags};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::task::JoinSet;

/// Stands for the article's db.Query(id): answers id after a short wait, and reads how many
/// client connections the server holds at that moment.
const QUERY: &str = "SELECT $1::int, (SELECT count(*) FROM pg_stat_activity
    WHERE backend_type = 'client backend') FROM pg_sleep($2)";

/// PostgreSQL's SQLSTATE for "sorry, too many clients already".
const TOO_MANY_CLIENTS: &str = "53300";

/// What every process call ended with; tasks update it at once.
#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    refused: AtomicU64,
    other_errors: AtomicU64,
    peak_connections: AtomicU64,
    first_error: OnceLock<String>,
}

impl Tally {
    fn record(&self, answer: Result<(i32, i64), sqlx::Error>) {
        let err = match answer {
            Ok((_, connections)) => {
                self.ok.fetch_add(1, Ordering::Relaxed);
                let connections = u64::try_from(connections).unwrap_or(0);
                self.peak_connections
                    .fetch_max(connections, Ordering::Relaxed);
                return;
            }
            Err(err) => err,
        };
        let refused = err
            .as_database_error()
            .and_then(|db| db.code())
            .is_some_and(|code| code == TOO_MANY_CLIENTS);
        let counter = if refused {
            &self.refused
        } else {
            &self.other_errors
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let _ = self.first_error.set(err.to_string());
    }
}

// excerpt-start: snippet
/// The article's function: one query per request, on the shared pool.
async fn process(pool: PgPool, id: i32, query_seconds: f64, tally: Arc<Tally>) {
    let answer = sqlx::query_as(QUERY)
        .bind(id)
        .bind(query_seconds)
        .fetch_one(&pool)
        .await;
    tally.record(answer);
}
// excerpt-end: snippet

/// Reads the process's OS thread count every millisecond until the returned stop is called,
/// which gives the most it saw.
fn sample_threads() -> impl FnOnce() -> u64 {
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while !flag.load(Ordering::Relaxed) {
            peak = peak.max(measure::threads());
            std::thread::sleep(Duration::from_millis(1));
        }
        peak
    });
    move || {
        let last = measure::threads(); // before the sampler's own thread ends
        done.store(true, Ordering::Relaxed);
        sampler.join().unwrap_or(0).max(last)
    }
}

fn main() -> std::process::ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let mode: String = flags.get("mode", "joined".to_string())?;
        let tasks: u32 = flags.get("tasks", 10_000)?;
        let query_ms: f64 = flags.get("query-ms", 5.0)?;
        let url = std::env::var("DATABASE_URL")
            .map_err(|_| "DATABASE_URL is not set: point it at a PostgreSQL database")?;
        if tasks < 1 || query_ms < 0.0 {
            return Err("--tasks must be at least 1, --query-ms not negative".into());
        }
        let runtime = tokio::runtime::Runtime::new().map_err(|err| err.to_string())?;
        // The pool's maintenance task needs a runtime to start in.
        let _inside = runtime.enter();

        // excerpt-start: pool
        // Lazy, like database/sql's Open: no connection until the first query.
        let pool = match mode.as_str() {
            "printed" | "joined" => PgPool::connect_lazy(&url),
            "unbounded" => PgPoolOptions::new()
                .max_connections(tasks)
                .connect_lazy(&url),
            other => {
                return Err(format!(
                    "unknown --mode {other:?}: printed, joined or unbounded"
                ))
            }
        }
        .map_err(|err| format!("opening {url}: {err}"))?;
        // excerpt-end: pool
        let tally = Arc::new(Tally::default());
        let stop_sampling = sample_threads();
        let start = Instant::now();
        runtime.block_on(spawn_all(&mode, tasks, &pool, query_ms / 1000.0, &tally));
        let wall = start.elapsed();
        emit(json!({
            "mode": mode, "tasks": tasks,
            "pool_limit": pool.options().get_max_connections(), "query_ms": query_ms,
            "ok": tally.ok.load(Ordering::Relaxed),
            "too_many_clients": tally.refused.load(Ordering::Relaxed),
            "other_errors": tally.other_errors.load(Ordering::Relaxed),
            "first_error": tally.first_error.get().cloned().unwrap_or_default(),
            "peak_server_connections": tally.peak_connections.load(Ordering::Relaxed),
            "peak_threads": stop_sampling(),
            "wall_s": wall.as_secs_f64(),
        }));
        // As printed, the runtime drops here with the tasks it has not finished.
        drop(_inside);
        runtime.shutdown_background();
        Ok(())
    })
}

// excerpt-start: modes
async fn spawn_all(mode: &str, tasks: u32, pool: &PgPool, query_seconds: f64, tally: &Arc<Tally>) {
    let mut running = JoinSet::new();
    for id in 0..tasks as i32 {
        running.spawn(process(pool.clone(), id, query_seconds, Arc::clone(tally)));
    }
    if mode == "printed" {
        running.detach_all(); // as printed: main returns right after the loop
        return;
    }
    running.join_all().await;
}
// excerpt-end: modes
