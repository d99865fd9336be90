//! Runs a 1 ms ticker task and a CPU-bound loop with no `.await` on a single-threaded tokio
//! runtime and records how late each tick wakes up. tokio is cooperative: the loop keeps the
//! only worker until it returns, unless it yields (`yield_now`) or moves to the blocking pool
//! (`spawn_blocking`).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use measure::{emit, json, Flags};
use tokio::time::Instant;

/// `iterations` rounds of arithmetic: no calls, no allocation, no `.await`.
fn spin(iterations: u64) {
    let mut x: u64 = 1;
    for i in 0..black_box(iterations) {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
    }
    black_box(x);
}

/// How many `spin` iterations take `d` on this machine.
fn iterations_for(d: Duration) -> u64 {
    const PROBE: u64 = 20_000_000;
    spin(black_box(PROBE)); // warm-up
    let start = std::time::Instant::now();
    spin(black_box(PROBE));
    (PROBE as f64 * d.as_secs_f64() / start.elapsed().as_secs_f64()) as u64
}

/// Wakes every `period` until `stop` and records how late each wake-up was. After a late
/// wake-up it re-anchors its schedule instead of firing the missed ticks in a burst.
async fn ticker(period: Duration, stop: Duration, origin: Instant) -> Vec<(Duration, Duration)> {
    let mut ticks = Vec::new();
    let mut next = origin;
    loop {
        next += period;
        tokio::time::sleep_until(next).await;
        let now = Instant::now();
        let late = now - next;
        ticks.push((now - origin, late));
        if now - origin >= stop {
            return ticks;
        }
        if late > period {
            next = now;
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let mode: String = flags.get("mode", "busy".to_string())?;
        let tick = Duration::from_millis(flags.get("tick-ms", 1)?);
        let busy_start = Duration::from_millis(flags.get("busy-start-ms", 100)?);
        let busy = Duration::from_millis(flags.get("busy-ms", 300)?);
        let duration = Duration::from_millis(flags.get("duration-ms", 600)?);
        if !["busy", "yield_now", "spawn_blocking"].contains(&mode.as_str()) {
            return Err(format!(
                "unknown --mode {mode:?}: use busy, yield_now or spawn_blocking"
            ));
        }
        let iterations = iterations_for(busy);

        // excerpt-start: busy-loop
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("starting the tokio runtime: {err}"))?;
        let (ticks, busy_span) = runtime.block_on(async {
            let origin = Instant::now();
            let ticker = tokio::spawn(ticker(tick, duration, origin));
            tokio::time::sleep(busy_start).await;
            let started = origin.elapsed();
            match mode.as_str() {
                // Holds the only worker thread for the whole loop.
                "busy" => spin(iterations),
                // The same work in slices of about 0.1 ms, giving the worker back after each.
                "yield_now" => {
                    let slices = (busy.as_micros() / 100).max(1) as u64;
                    for _ in 0..slices {
                        spin(iterations / slices);
                        tokio::task::yield_now().await;
                    }
                }
                // The loop runs on tokio's blocking-thread pool; the worker stays free.
                _ => {
                    if let Err(err) = tokio::task::spawn_blocking(move || spin(iterations)).await {
                        measure::fail(format_args!("the blocking task failed: {err}"));
                    }
                }
            }
            let ended = origin.elapsed();
            // excerpt-end: busy-loop
            let ticks = ticker
                .await
                .map_err(|err| format!("the ticker task failed: {err}"))?;
            Ok::<_, String>((ticks, (started, ended)))
        })?;

        for (at, lateness) in ticks {
            emit(json!({"at_ms": ms(at), "lateness_ms": ms(lateness)}));
        }
        emit(json!({"busy_start_ms": ms(busy_span.0), "busy_end_ms": ms(busy_span.1)}));
        Ok(())
    })
}
