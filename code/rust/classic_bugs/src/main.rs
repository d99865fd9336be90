//! Runs one classic bug, written the way it is usually written, so that the course can see
//! what Rust does with it: refuse it, stop with a message, hang, or carry on with a wrong
//! result. Each bug is in its own module, compiled in only with its feature
//! (`--features nil_use`), as its Go twin compiles each bug only with its build tag.

use std::process::ExitCode;

use measure::{emit, json, Flags};

/// What a bug's function returns when the program survives the bug.
pub struct Outcome {
    result: String,
    intended: String,
}

impl Outcome {
    pub fn new(result: impl Into<String>, intended: impl Into<String>) -> Self {
        Outcome {
            result: result.into(),
            intended: intended.into(),
        }
    }
}

#[cfg(feature = "concurrent_map")]
mod concurrent_map;
#[cfg(feature = "dangling_reference")]
mod dangling_reference;
#[cfg(feature = "deadlock")]
mod deadlock;
#[cfg(feature = "deadlock_in_server")]
mod deadlock_in_server;
#[cfg(feature = "failed_downcast")]
mod failed_downcast;
#[cfg(feature = "integer_overflow")]
mod integer_overflow;
#[cfg(feature = "iterator_invalidation")]
mod iterator_invalidation;
#[cfg(feature = "nil_use")]
mod nil_use;
#[cfg(feature = "out_of_bounds")]
mod out_of_bounds;

/// The bug called `name`, if its feature compiled it in.
fn bug(name: &str) -> Option<fn() -> Outcome> {
    match name {
        #[cfg(feature = "nil_use")]
        "nil_use" => Some(nil_use::run),
        #[cfg(feature = "out_of_bounds")]
        "out_of_bounds" => Some(out_of_bounds::run),
        #[cfg(feature = "integer_overflow")]
        "integer_overflow" => Some(integer_overflow::run),
        #[cfg(feature = "concurrent_map")]
        "concurrent_map" => Some(concurrent_map::run),
        #[cfg(feature = "dangling_reference")]
        "dangling_reference" => Some(dangling_reference::run),
        #[cfg(feature = "iterator_invalidation")]
        "iterator_invalidation" => Some(iterator_invalidation::run),
        #[cfg(feature = "failed_downcast")]
        "failed_downcast" => Some(failed_downcast::run),
        #[cfg(feature = "deadlock")]
        "deadlock" => Some(deadlock::run),
        #[cfg(feature = "deadlock_in_server")]
        "deadlock_in_server" => Some(deadlock_in_server::run),
        _ => None,
    }
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let name: String = flags.get("bug", String::new())?;
        let run = bug(&name).ok_or_else(|| {
            format!("bug {name:?} is not compiled in: build with --features {name}")
        })?;
        let got = run();
        emit(json!({
            "bug": name, "result": got.result, "intended": got.intended,
            "correct": got.result == got.intended,
        }));
        Ok(())
    })
}
