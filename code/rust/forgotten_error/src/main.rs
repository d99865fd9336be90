//! Saves a report to a directory that does not exist, and checks the error that `save_report`
//! returns. The version that forgets to is in `forget.rs`, compiled only with the `forget`
//! feature: rustc warns about it, and with the `deny` feature refuses it.

// What `-D warnings` (or a `[lints]` table) does for the whole build, for this lint only.
#![cfg_attr(feature = "deny", deny(unused_must_use))]

use std::fs;
use std::io;
use std::path::Path;
use std::process::ExitCode;

use measure::{emit, json, Flags};

#[cfg(feature = "forget")]
mod forget;

/// Writes `lines` to `path`; fails when `path`'s directory does not exist.
fn save_report(path: &Path, lines: &[&str]) -> io::Result<()> {
    fs::write(path, lines.join("\n") + "\n")
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let mode: String = flags.get("mode", "handle".to_string())?;
        let path = Path::new("no-such-dir").join("report.txt");
        let lines = ["orders: 1204", "refunds: 3"];
        let mut record = json!({"mode": mode});
        match mode.as_str() {
            #[cfg(feature = "forget")]
            "forget" => {
                forget::save(&path, &lines);
                record["error_seen"] = json!(false);
            }
            "handle" => match save_report(&path, &lines) {
                Ok(()) => record["error_seen"] = json!(false),
                Err(err) => {
                    record["error_seen"] = json!(true);
                    record["error"] = json!(format!("writing {}: {err}", path.display()));
                }
            },
            #[cfg(not(feature = "forget"))]
            "forget" => return Err("built without the `forget` feature".into()),
            other => return Err(format!("unknown --mode {other:?} (want forget or handle)")),
        }
        record["report_exists"] = json!(path.exists());
        emit(record);
        Ok(())
    })
}
