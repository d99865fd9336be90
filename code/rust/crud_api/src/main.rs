//! A CRUD REST API for one resource, `users`, on PostgreSQL: Axum, tokio and sqlx.
//!
//! Configuration comes from the environment: DATABASE_URL, LISTEN_ADDR, DB_MAX_CONNS, and
//! DB_TEST_BEFORE_ACQUIRE (sqlx pings a pooled connection each time it hands one out unless
//! this is `false`). At start the service opens a connection pool, applies its schema
//! migration, listens, and prints {"port": N} on stdout. SIGTERM or SIGINT stops it gracefully: it stops accepting,
//! finishes the requests in flight, closes the pool and exits with status 0.

mod api;
mod error;

use std::error::Error;
use std::future::Future;
use std::pin::pin;
use std::process::ExitCode;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use sqlx::postgres::{PgPool, PgPoolOptions};
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

/// The schema, embedded in the binary; the Go service embeds the same file.
const MIGRATION: &str = include_str!("../migrations/001_users.sql");
/// Serialises concurrent start-ups of several instances while they migrate.
const MIGRATION_LOCK: i64 = 4_242_001;
/// A request's headers must arrive within this, on a new connection or after the previous
/// response (so it is also the idle timeout of a kept-alive connection).
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);

struct Config {
    database_url: String,
    listen_addr: String,
    max_connections: u32,
    test_before_acquire: bool,
}

impl Config {
    fn from_env() -> Result<Self, String> {
        let database_url = std::env::var("DATABASE_URL")
            .map_err(|_| "DATABASE_URL is not set (e.g. postgres://user@host:5432/db)")?;
        let listen_addr =
            std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:0".to_string());
        let max_connections = match std::env::var("DB_MAX_CONNS") {
            Ok(text) => text
                .parse()
                .map_err(|_| format!("DB_MAX_CONNS={text:?} is not a positive integer"))?,
            Err(_) => 10,
        };
        let test_before_acquire = match std::env::var("DB_TEST_BEFORE_ACQUIRE").as_deref() {
            Ok("false") => false,
            Ok("true") | Err(_) => true,
            Ok(other) => {
                return Err(format!(
                    "DB_TEST_BEFORE_ACQUIRE={other:?}: use true or false"
                ))
            }
        };
        Ok(Config {
            database_url,
            listen_addr,
            max_connections,
            test_before_acquire,
        })
    }
}

async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(MIGRATION).execute(&mut *tx).await?;
    tx.commit().await
}

async fn run() -> Result<(), Box<dyn Error>> {
    let config = Config::from_env()?;
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .test_before_acquire(config.test_before_acquire)
        .acquire_timeout(api::DB_TIMEOUT)
        .connect(&config.database_url)
        .await
        .map_err(|err| format!("connecting to PostgreSQL: {err}"))?;
    migrate(&pool)
        .await
        .map_err(|err| format!("applying the migration: {err}"))?;

    let listener = TcpListener::bind(&config.listen_addr)
        .await
        .map_err(|err| format!("listening on {}: {err}", config.listen_addr))?;
    println!("{}", json!({ "port": listener.local_addr()?.port() }));

    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let stop = async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
    };
    serve(listener, api::router(pool.clone()), stop).await;
    pool.close().await;
    println!("{}", json!({ "event": "stopped" }));
    Ok(())
}

/// What axum::serve does, HTTP/1.1 only, with hyper's header timeout, which axum::serve
/// does not set: accept until `stop`, then let the requests in flight finish.
async fn serve(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let mut stop = pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    eprintln!("crud_api: accepting a connection: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        tokio::spawn(graceful.watch(connection));
    }
    graceful.shutdown().await;
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("crud_api: {err}");
            ExitCode::FAILURE
        }
    }
}
