//! The small harness every Rust experiment shares: JSON Lines output, `--name value` flags,
//! a calibrated timing loop and the deterministic input generator. Its Go twin is
//! `code/go/internal`.

use std::collections::HashMap;
use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

pub use serde_json::json;
use serde_json::Value;

/// Prints one measurement as one JSON line on stdout; the course's kernel reads it.
pub fn emit(record: Value) {
    let mut out = std::io::stdout().lock();
    if let Err(err) = writeln!(out, "{record}") {
        fail(format_args!("writing a record to stdout: {err}"));
    }
}

/// Reports a fatal error on stderr and exits with status 1.
pub fn fail(message: impl Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// Runs `main`, turning an error into a message on stderr and exit status 1.
pub fn run(main: impl FnOnce() -> Result<(), String>) -> ExitCode {
    match main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Command-line flags written `--name value` (or `-name value`, as Go's flag package takes).
pub struct Flags {
    values: HashMap<String, String>,
}

impl Flags {
    /// Parses the process's arguments.
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::args().skip(1))
    }

    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut values = HashMap::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let name = arg
                .strip_prefix("--")
                .or_else(|| arg.strip_prefix('-'))
                .ok_or_else(|| format!("expected a flag like --name, got {arg:?}"))?;
            let value = args
                .next()
                .ok_or_else(|| format!("flag --{name} needs a value"))?;
            values.insert(name.to_string(), value);
        }
        Ok(Self { values })
    }

    /// The flag's value, or `default` when it was not given.
    pub fn get<T: FromStr>(&self, name: &str, default: T) -> Result<T, String>
    where
        T::Err: Display,
    {
        match self.values.get(name) {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|err| format!("--{name} {text:?}: {err}")),
        }
    }
}

/// Calls `op` in a loop long enough to take about `target` and returns the mean nanoseconds
/// per call. The loop count grows until one timed batch reaches the target, so timer
/// resolution and loop overhead stay small against the work measured.
pub fn ns_per_op(target: Duration, mut op: impl FnMut()) -> f64 {
    let mut iterations: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..iterations {
            op();
        }
        let elapsed = start.elapsed();
        if elapsed >= target || iterations >= 1 << 40 {
            return elapsed.as_nanos() as f64 / iterations as f64;
        }
        iterations = next_iterations(iterations, elapsed, target);
    }
}

fn next_iterations(iterations: u64, elapsed: Duration, target: Duration) -> u64 {
    if elapsed.is_zero() {
        return iterations * 100;
    }
    // Aim 20% past the target so the next batch usually suffices; grow at most 100x at once.
    let estimate =
        (iterations as f64 * 1.2 * target.as_nanos() as f64 / elapsed.as_nanos() as f64) as u64;
    estimate.max(iterations + 1).min(iterations * 100)
}

/// The process's resident memory now (VmRSS), or 0 where /proc cannot tell. Programs report it
/// at points of their own choosing; the kernel sees only the peak.
pub fn resident_bytes() -> u64 {
    status_field("VmRSS:") * 1024
}

/// The number of OS threads the process has now, or 0 where /proc cannot tell.
pub fn threads() -> u64 {
    status_field("Threads:")
}

/// The first number on /proc/self/status's line that starts with `name`.
fn status_field(name: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(0)
}

/// Steele, Lea and Flood's SplitMix64: the same generator and seeds as the Go programs, so
/// both languages see the same inputs.
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence_and_the_go_twin() {
        let mut g = SplitMix64::new(1_234_567);
        let want = [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
        ];
        for w in want {
            assert_eq!(g.next_u64(), w);
        }
    }

    #[test]
    fn ns_per_op_measures_a_sleep() {
        let ns = ns_per_op(Duration::from_millis(20), || {
            std::thread::sleep(Duration::from_millis(1))
        });
        assert!((1e6..50e6).contains(&ns), "a 1 ms sleep measured {ns} ns");
    }

    #[test]
    fn next_iterations_grows_toward_the_target() {
        let target = Duration::from_millis(10);
        assert_eq!(next_iterations(1, Duration::ZERO, target), 100);
        assert_eq!(next_iterations(10, Duration::from_millis(1), target), 120);
        assert_eq!(
            next_iterations(1000, Duration::from_millis(9), target),
            1333
        );
        assert_eq!(next_iterations(5, Duration::from_secs(10), target), 6);
    }

    #[test]
    fn resident_bytes_sees_an_allocation() {
        let before = resident_bytes();
        let block = vec![1_u8; 64 << 20];
        let after = resident_bytes();
        assert!(
            before > 0 && after - before >= 32 << 20,
            "{before} -> {after}"
        );
        assert_eq!(std::hint::black_box(&block)[0], 1);
    }

    #[test]
    fn flags_take_go_and_gnu_spellings_and_reject_junk() {
        let args = ["--samples", "7", "-mode", "mutex"].map(String::from);
        let flags = Flags::parse(args).expect("valid flags");
        assert_eq!(flags.get("samples", 1_u32), Ok(7));
        assert_eq!(flags.get("mode", String::new()), Ok("mutex".to_string()));
        assert_eq!(flags.get("absent", 3_u32), Ok(3));
        assert!(Flags::parse(["stray".to_string()]).is_err());
        assert!(Flags::parse(["--samples".to_string()]).is_err());
        let bad = Flags::parse(["--samples", "x"].map(String::from)).expect("parses");
        assert!(bad.get("samples", 1_u32).is_err());
    }
}
