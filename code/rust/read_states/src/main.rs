//! Models Discord's Read States service: an LRU cache of per-(user, channel) read states,
//! served at a fixed request rate, with every request timed into a histogram per time bin. It
//! reports each bin's latency and the process's resident memory.
//!
//! Two LRU caches:
//!   - hashmap: the `lru` crate's LruCache (a hash map plus an intrusive linked list);
//!   - btreemap: two BTreeMaps, one by key and one by last use, as Discord described its
//!     Rust version.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use lru::LruCache;
use measure::{emit, json, Flags, SplitMix64};

/// A user in a channel.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    user: u64,
    channel: u64,
}

/// What Discord keeps per user and channel.
#[derive(Clone, Copy)]
struct State {
    last_message: u64,
    mentions: u32,
}

/// An LRU cache of read states with a fixed capacity.
trait Cache {
    /// Marks the key read up to `message` (adding it, and evicting the least recently used
    /// entry if full, when absent); reports whether it was present.
    fn touch(&mut self, key: Key, message: u64) -> bool;
    /// The read state, if the key is present.
    fn get(&mut self, key: Key) -> Option<State>;
}

// excerpt-start: caches
impl Cache for LruCache<Key, State> {
    fn touch(&mut self, key: Key, message: u64) -> bool {
        let read = State {
            last_message: message,
            mentions: 0,
        };
        match self.get_mut(&key) {
            Some(state) => {
                *state = read;
                true
            }
            None => {
                self.push(key, read); // evicts the least recently used entry when full
                false
            }
        }
    }

    fn get(&mut self, key: Key) -> Option<State> {
        LruCache::get(self, &key).copied()
    }
}
// excerpt-end: caches

/// Entries by key, each with the tick of its last use, and keys by that tick.
struct BTreeLru {
    capacity: usize,
    entries: BTreeMap<Key, (State, u64)>,
    by_last_use: BTreeMap<u64, Key>,
    tick: u64,
}

impl BTreeLru {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: BTreeMap::new(),
            by_last_use: BTreeMap::new(),
            tick: 0,
        }
    }

    /// Moves an entry to "most recently used" and returns its state.
    fn refresh(&mut self, key: Key) -> Option<&mut State> {
        let (state, last_use) = self.entries.get_mut(&key)?;
        self.by_last_use.remove(last_use);
        self.tick += 1;
        *last_use = self.tick;
        self.by_last_use.insert(self.tick, key);
        Some(state)
    }
}

impl Cache for BTreeLru {
    fn touch(&mut self, key: Key, message: u64) -> bool {
        let read = State {
            last_message: message,
            mentions: 0,
        };
        if let Some(state) = self.refresh(key) {
            *state = read;
            return true;
        }
        if self.entries.len() >= self.capacity {
            if let Some((_, oldest)) = self.by_last_use.pop_first() {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(key, (read, self.tick));
        self.by_last_use.insert(self.tick, key);
        false
    }

    fn get(&mut self, key: Key) -> Option<State> {
        self.refresh(key).copied()
    }
}

/// Counts the stalls of the request loop: a request at least `STALL_NS` later than the one
/// before it. Like the Go program, it also counts how often the loop found itself on another
/// thread than for the request before, and how many stalls began with such a move (a Rust
/// loop runs on one thread, so both stay 0: the count checks it).
#[derive(Default)]
struct StallCounter {
    last_thread: Option<std::thread::ThreadId>,
    thread_changes: u64,
    stalls: u64,
    on_new_thread: u64,
    last_latency: u64,
}

const STALL_NS: u64 = 1_000_000;

impl StallCounter {
    /// Takes one request: the thread it ran on and its latency.
    fn observe(&mut self, thread: std::thread::ThreadId, latency_ns: u64) {
        let moved = self.last_thread.is_some_and(|last| last != thread);
        self.thread_changes += u64::from(moved);
        if latency_ns.saturating_sub(self.last_latency) >= STALL_NS {
            self.stalls += 1;
            self.on_new_thread += u64::from(moved);
        }
        self.last_thread = Some(thread);
        self.last_latency = latency_ns;
    }
}

fn new_histogram() -> Result<Histogram<u64>, String> {
    // 1 ns to 10 s at 3 significant digits.
    Histogram::new_with_bounds(1, 10_000_000_000, 3)
        .map_err(|err| format!("creating a histogram: {err}"))
}

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let layout: String = flags.get("layout", "hashmap".to_string())?;
        let entries: usize = flags.get("entries", 1_000_000)?;
        let rate: u32 = flags.get("rate", 20_000)?;
        let duration = Duration::from_secs_f64(flags.get("duration-s", 6.0)?);
        let bin = Duration::from_millis(flags.get("bin-ms", 250)?);
        let capacity =
            NonZeroUsize::new(entries).ok_or_else(|| "--entries must be positive".to_string())?;
        if rate == 0 {
            return Err("--rate must be positive".into());
        }

        let mut cache: Box<dyn Cache> = match layout.as_str() {
            "hashmap" => Box::new(LruCache::<Key, State>::new(capacity)),
            "btreemap" => Box::new(BTreeLru::new(entries)),
            other => {
                return Err(format!(
                    "unknown --layout {other:?}: use hashmap or btreemap"
                ))
            }
        };
        // Keys come from a space 5% larger than the cache, so about 5% of requests miss,
        // insert and evict.
        let universe = entries as u64 * 21 / 20;
        let key_of = |n: u64| Key {
            user: n / 64,
            channel: n % 64,
        };
        let mut g = SplitMix64::new(42);
        for n in 0..entries as u64 {
            cache.touch(key_of(n), n);
        }

        // The latest RSS, kept where the request loop can read it cheaply.
        let rss = Arc::new(AtomicU64::new(measure::resident_bytes()));
        let sampler_rss = Arc::clone(&rss);
        std::thread::spawn(move || loop {
            sampler_rss.store(measure::resident_bytes(), Ordering::Relaxed);
            std::thread::sleep(bin / 5);
        });

        let mut overall = new_histogram()?;
        let mut per_bin = new_histogram()?;
        let interval = Duration::from_secs(1) / rate;
        let start = Instant::now();
        let end = start + duration;
        let mut bin_end = start + bin;
        let (mut hits, mut message, mut checksum) = (0_u64, 0_u64, 0_u64);
        // Wall time spent inside cache operations, without the waiting.
        let mut serving = Duration::ZERO;
        let mut stalls = StallCounter::default();
        let emit_bin = |per_bin: &mut Histogram<u64>, bin_start: Instant| {
            emit(json!({
                "t_s": (bin_start - start).as_secs_f64(), "requests": per_bin.len(),
                "p50_us": per_bin.value_at_quantile(0.50) as f64 / 1e3,
                "p99_us": per_bin.value_at_quantile(0.99) as f64 / 1e3,
                "max_us": per_bin.max() as f64 / 1e3,
                "rss_bytes": rss.load(Ordering::Relaxed),
            }));
            per_bin.reset();
        };
        let mut due = start;
        while due < end {
            // Spin: a sleep this short would be less precise than the latency measured.
            while Instant::now() < due {
                std::hint::spin_loop();
            }
            if due >= bin_end {
                emit_bin(&mut per_bin, bin_end - bin);
                bin_end += bin;
            }
            let key = key_of(g.below(universe));
            message += 1;
            let began = Instant::now();
            let hit = if g.below(100) < 85 {
                cache.touch(key, message) // a user reads a channel
            } else {
                // A client asks for the unread state.
                let state = cache.get(key);
                if let Some(state) = state {
                    checksum = checksum
                        .wrapping_add(state.last_message)
                        .wrapping_add(u64::from(state.mentions));
                }
                state.is_some()
            };
            hits += u64::from(hit);
            serving += began.elapsed();
            let latency = due.elapsed().as_nanos() as u64;
            overall.saturating_record(latency);
            per_bin.saturating_record(latency);
            // After the request is timed, as in the Go program.
            stalls.observe(std::thread::current().id(), latency);
            due += interval;
        }
        emit_bin(&mut per_bin, bin_end - bin);
        emit(json!({
            "summary": true, "layout": layout, "entries": entries, "requests": overall.len(),
            "hit_ratio": hits as f64 / overall.len() as f64,
            "p50_us": overall.value_at_quantile(0.50) as f64 / 1e3,
            "p99_us": overall.value_at_quantile(0.99) as f64 / 1e3,
            "p999_us": overall.value_at_quantile(0.999) as f64 / 1e3,
            "max_us": overall.max() as f64 / 1e3, "checksum": checksum,
            "serving_s": serving.as_secs_f64(), "gc_cpu_s": 0.0,
            "stalls": stalls.stalls, "stalls_on_new_thread": stalls.on_new_thread,
            "thread_changes": stalls.thread_changes,
        }));
        Ok(())
    })
}
