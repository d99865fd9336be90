//! Counts to workers × increments from several threads at once, with a mutex and with an
//! atomic counter. The unsynchronised version is in `unsync.rs`: the compiler refuses it.
//! Every thread waits at a start barrier, so that they really count at the same time.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, Mutex, PoisonError};
use std::thread;

use measure::{emit, json, Flags};

#[cfg(feature = "unsync")]
mod unsync;

fn count_with_mutex(workers: usize, increments: u64) -> u64 {
    let counter = Mutex::new(0_u64);
    let start = Barrier::new(workers);
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                start.wait();
                for _ in 0..increments {
                    // A panic while holding the lock would poison it; the count is still valid.
                    *counter.lock().unwrap_or_else(PoisonError::into_inner) += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap_or_else(PoisonError::into_inner)
}

fn count_with_atomic(workers: usize, increments: u64) -> u64 {
    let counter = AtomicU64::new(0);
    let start = Barrier::new(workers);
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                start.wait();
                for _ in 0..increments {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let mode: String = flags.get("mode", "mutex".to_string())?;
        let workers: usize = flags.get("workers", 4)?;
        let increments: u64 = flags.get("increments", 1_000_000)?;
        let count = match mode.as_str() {
            "mutex" => count_with_mutex(workers, increments),
            "atomic" => count_with_atomic(workers, increments),
            #[cfg(feature = "unsync")]
            "unsync" => unsync::count_unsynchronised(workers, increments),
            other => return Err(format!("unknown --mode {other:?}: use mutex or atomic")),
        };
        let expected = workers as u64 * increments;
        emit(json!({
            "mode": mode, "workers": workers, "increments": increments,
            "expected": expected, "count": count, "exact": count == expected,
        }));
        Ok(())
    })
}
