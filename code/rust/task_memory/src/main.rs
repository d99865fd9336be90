//! Starts N tokio tasks (or N OS threads) that each wait at one shared gate, so that the
//! process's peak memory shows what a waiting task costs. The Go twin does the same with
//! goroutines.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use measure::{emit, json, Flags};
use tokio::sync::{Notify, Semaphore};

/// Counts arrivals and wakes the waiter when the last of `expected` arrives.
struct Countdown {
    remaining: AtomicUsize,
    done: Notify,
}

impl Countdown {
    fn new(expected: usize) -> Arc<Self> {
        Arc::new(Self {
            remaining: AtomicUsize::new(expected),
            done: Notify::new(),
        })
    }

    fn arrive(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            // notify_one stores a permit if nobody waits yet, so the wake-up is never lost.
            self.done.notify_one();
        }
    }

    async fn wait(&self) {
        if self.remaining.load(Ordering::Acquire) > 0 {
            self.done.notified().await;
        }
    }
}

/// How long the runs took, and (tokio only) the size of one task's future before it is spawned.
struct Timings {
    spawn: Duration,
    join: Duration,
    future_bytes: Option<usize>,
}

// excerpt-start: park
fn tokio_tasks(tasks: usize) -> Result<Timings, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| format!("starting the tokio runtime: {err}"))?;
    Ok(runtime.block_on(async move {
        let started = Countdown::new(tasks);
        let finished = Countdown::new(tasks);
        // A semaphore with no permits: closing it wakes every waiter at once, as closing a
        // channel does in Go.
        let gate = Arc::new(Semaphore::new(0));

        // The article's "~bytes" is about a future by itself: its state machine, before
        // tokio::spawn moves it into a heap-allocated task. Every task runs a future of this
        // one type, so sizing one (never polled, then dropped) sizes them all.
        let future_bytes = std::mem::size_of_val(&waiting_task(
            started.clone(),
            finished.clone(),
            gate.clone(),
        ));
        let spawn_start = Instant::now();
        for _ in 0..tasks {
            tokio::spawn(waiting_task(
                started.clone(),
                finished.clone(),
                gate.clone(),
            ));
        }
        started.wait().await;
        let spawn = spawn_start.elapsed();

        let join_start = Instant::now();
        gate.close();
        finished.wait().await;
        Timings {
            spawn,
            join: join_start.elapsed(),
            future_bytes: Some(future_bytes),
        }
    }))
}

/// One waiting task: it arrives, parks at the gate until the gate closes, then leaves.
async fn waiting_task(started: Arc<Countdown>, finished: Arc<Countdown>, gate: Arc<Semaphore>) {
    started.arrive();
    let _closed = gate.acquire().await; // parks here until the gate closes
    finished.arrive();
}
// excerpt-end: park

fn os_threads(tasks: usize) -> Result<Timings, String> {
    let started = Barrier::new(tasks + 1);
    let gate = Barrier::new(tasks + 1);
    let spawn_start = Instant::now();
    let mut spawn = Duration::ZERO;
    let mut join_start = Instant::now();
    thread::scope(|s| {
        for index in 0..tasks {
            let spawned = thread::Builder::new().spawn_scoped(s, || {
                started.wait();
                gate.wait(); // parks here until every thread and main arrive
            });
            if let Err(err) = spawned {
                // The threads already started wait at a barrier that can no longer fill.
                measure::fail(format_args!("could not start thread {index}: {err}"));
            }
        }
        started.wait();
        spawn = spawn_start.elapsed();
        join_start = Instant::now();
        gate.wait();
    });
    Ok(Timings {
        spawn,
        join: join_start.elapsed(),
        future_bytes: None,
    })
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let tasks: usize = flags.get("tasks", 10_000)?;
        let model: String = flags.get("model", "tokio".to_string())?;
        let timings = match model.as_str() {
            "tokio" => tokio_tasks(tasks)?,
            "thread" => os_threads(tasks)?,
            other => return Err(format!("unknown --model {other:?}: use tokio or thread")),
        };
        emit(json!({
            "model": model, "tasks": tasks,
            "spawn_s": timings.spawn.as_secs_f64(), "join_s": timings.join.as_secs_f64(),
            "future_bytes": timings.future_bytes,
        }));
        Ok(())
    })
}
