//! Times one small fallible function on its success path and on each way Rust can report a
//! failure: an error enum, a boxed `dyn Error`, an `anyhow::Error` (plain and with context) and
//! a panic that the caller catches with `catch_unwind`. The fallible functions are not inlined,
//! as a function that does real work would not be, so every case pays for one call and differs
//! only in how the failure travels.

use std::backtrace::{Backtrace, BacktraceStatus};
use std::error::Error;
use std::fmt;
use std::hint::black_box;
use std::panic;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use measure::{emit, json, Flags};

/// The error enum: a plain value, returned in registers or on the stack, never allocated.
#[derive(Debug)]
enum HalfError {
    Negative(i64),
}

impl fmt::Display for HalfError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            HalfError::Negative(x) => write!(f, "{x} is negative"),
        }
    }
}

impl Error for HalfError {}

// excerpt-start: error-paths
#[inline(never)]
fn half(x: i64) -> Result<i64, HalfError> {
    if x < 0 {
        return Err(HalfError::Negative(x));
    }
    Ok(x / 2)
}

#[inline(never)]
fn half_boxed(x: i64) -> Result<i64, Box<dyn Error + Send + Sync>> {
    if x < 0 {
        return Err(Box::new(HalfError::Negative(x)));
    }
    Ok(x / 2)
}

#[inline(never)]
fn half_anyhow(x: i64) -> anyhow::Result<i64> {
    if x < 0 {
        return Err(HalfError::Negative(x).into());
    }
    Ok(x / 2)
}

#[inline(never)]
fn half_anyhow_context(x: i64) -> anyhow::Result<i64> {
    half(x).with_context(|| format!("halving {x}"))
}
// excerpt-end: error-paths

#[inline(never)]
fn must_half(x: i64) -> i64 {
    if x < 0 {
        panic!("negative input");
    }
    x / 2
}

/// Calls `must_half` and turns its panic back into an error.
fn half_catching(x: i64) -> Result<i64, HalfError> {
    panic::catch_unwind(|| must_half(x)).map_err(|_| HalfError::Negative(x))
}

/// What every caller does with a result: keep the value or the error.
fn consume<T, E>(result: Result<T, E>) {
    match result {
        Ok(value) => {
            black_box(value);
        }
        Err(err) => {
            black_box(err);
        }
    }
}

type Case = (&'static str, &'static str, fn(i64));

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let samples: usize = flags.get("samples", 5)?;
        let target_ms: u64 = flags.get("target-ms", 20)?;
        // Only the cases whose name contains this text (all of them by default).
        let only: String = flags.get("only", String::new())?;
        if samples == 0 || target_ms == 0 {
            return Err("--samples and --target-ms must be positive".into());
        }
        // anyhow captures a backtrace in every error when RUST_BACKTRACE or RUST_LIB_BACKTRACE
        // asks for one, which costs microseconds; record whether this run did.
        let backtraces = Backtrace::capture().status() == BacktraceStatus::Captured;

        let cases: [Case; 7] = [
            ("success", "Ok", |x| consume(half(x))),
            (
                "success under a recover guard",
                "catch_unwind, no panic",
                |x| consume(half_catching(x)),
            ),
            ("error value", "Err(enum)", |x| consume(half(x))),
            ("allocated error", "Box<dyn Error>", |x| {
                consume(half_boxed(x))
            }),
            ("allocated error", "anyhow::Error", |x| {
                consume(half_anyhow(x))
            }),
            ("wrapped error", "anyhow + context", |x| {
                consume(half_anyhow_context(x))
            }),
            ("panic", "panic + catch_unwind", |x| {
                consume(half_catching(x))
            }),
        ];
        // The default hook prints every panic's message on stderr; silence it while timing.
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        let target = Duration::from_millis(target_ms);
        for sample in 0..samples {
            for (path, name, op) in cases.into_iter().filter(|c| c.1.contains(&only)) {
                let input: i64 = if path.starts_with("success") { 42 } else { -42 };
                let ns = measure::ns_per_op(target, || op(black_box(input)));
                emit(json!({
                    "path": path, "case": name, "sample": sample, "ns_per_op": ns,
                    "backtraces_captured": backtraces,
                }));
            }
        }
        panic::set_hook(default_hook);
        Ok(())
    })
}
