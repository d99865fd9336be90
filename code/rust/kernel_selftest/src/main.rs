//! Exercises the course's subprocess kernel: its tests run it to check JSON Lines parsing, exit
//! statuses, stderr reporting and timeouts. Its Go twin behaves alike.

use std::process::{Command, ExitCode};
use std::time::Duration;

use measure::{emit, json, Flags};

#[cfg(feature = "broken")]
mod broken;

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let mode: String = flags.get("mode", "emit".to_string())?;
        match mode.as_str() {
            "emit" => {
                let records: u64 = flags.get("records", 3)?;
                for i in 0..records {
                    emit(json!({"index": i, "square": i * i}));
                }
                eprintln!("emitted {records} records");
            }
            "fail" => {
                eprintln!("selftest: failing on purpose with status 3");
                std::process::exit(3);
            }
            "not-json" => println!("this line is not JSON"),
            "hang" => {
                // A grandchild in the same process group, to check that a timeout kills it too.
                let sleeper = Command::new("sleep")
                    .arg("600")
                    .spawn()
                    .map_err(|err| format!("starting sleep: {err}"))?;
                emit(json!({"grandchild_pid": sleeper.id()}));
                std::thread::sleep(Duration::from_secs(600));
            }
            other => return Err(format!("unknown --mode {other:?}")),
        }
        Ok(())
    })
}
