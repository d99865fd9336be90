//! Keeps a large heap alive and serves "requests" against it at a fixed rate, timing every
//! one. Each request allocates a response, reads 16 random records and replaces one. For each
//! heap size it reports the request latency distribution. There is no collector: memory is
//! freed when its owner is dropped.
//!
//! Latency is measured from when a request was due, not from when it started, so a stall
//! that delays the loop is charged to every request it delays (no coordinated omission).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use measure::{emit, json, Flags, SplitMix64};

const NAME_BYTES: usize = 24;
const LOOKUPS: usize = 16;

struct Record {
    id: u64,
    score: f64,
    _name: Box<[u8]>,
}

struct Response {
    ids: [u64; LOOKUPS],
    sum: f64,
    _body: Vec<u8>,
}

fn new_record(id: u64) -> Box<Record> {
    let mut name = vec![0_u8; NAME_BYTES].into_boxed_slice();
    name[0] = id as u8;
    Box::new(Record {
        id,
        score: (id % 1000) as f64,
        _name: name,
    })
}

// excerpt-start: serve
fn serve(heap: &mut [Box<Record>], g: &mut SplitMix64, id: &mut u64, response_bytes: usize) {
    let mut response = Box::new(Response {
        ids: [0; LOOKUPS],
        sum: 0.0,
        _body: vec![0_u8; response_bytes],
    });
    for k in 0..LOOKUPS {
        let record = &heap[g.below(heap.len() as u64) as usize];
        response.ids[k] = record.id;
        response.sum += record.score;
    }
    *id += 1;
    let slot = g.below(heap.len() as u64) as usize;
    heap[slot] = new_record(*id); // the old record is freed here
    black_box(response);
}
// excerpt-end: serve

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let sizes: String = flags.get("records", "1000000,4000000,16000000".to_string())?;
        let window = Duration::from_millis(flags.get("window-ms", 1500)?);
        let rate: u64 = flags.get("rate", 50_000)?;
        let response_bytes: usize = flags.get("response-bytes", 4096)?;
        if rate == 0 {
            return Err("--rate must be positive".into());
        }

        let mut g = SplitMix64::new(42);
        let mut heap: Vec<Box<Record>> = Vec::new();
        let mut id = 0_u64;
        let interval = Duration::from_secs(1) / rate as u32;
        for field in sizes.split(',') {
            let target: usize = field
                .parse()
                .map_err(|err| format!("bad --records entry {field:?}: {err}"))?;
            while heap.len() < target {
                id += 1;
                heap.push(new_record(id));
            }

            // 1 ns to 10 s at 3 significant digits.
            let mut histogram = Histogram::<u64>::new_with_bounds(1, 10_000_000_000, 3)
                .map_err(|err| format!("creating the histogram: {err}"))?;
            let start = Instant::now();
            let end = start + window;
            let mut due = start;
            while due < end {
                // Spin: a sleep this short would be less precise than the latency measured.
                while Instant::now() < due {
                    std::hint::spin_loop();
                }
                serve(&mut heap, &mut g, &mut id, response_bytes);
                histogram.saturating_record(due.elapsed().as_nanos() as u64);
                due += interval;
            }

            emit(json!({
                "records": heap.len(), "requests": histogram.len(),
                "p50_ns": histogram.value_at_quantile(0.50),
                "p99_ns": histogram.value_at_quantile(0.99),
                "p999_ns": histogram.value_at_quantile(0.999),
                "p9999_ns": histogram.value_at_quantile(0.9999),
                "max_ns": histogram.max(), "rss_bytes": measure::resident_bytes(),
            }));
            for q in [50.0, 90.0, 99.0, 99.9, 99.99, 100.0] {
                emit(json!({
                    "records": heap.len(), "percentile": q,
                    "latency_ns": histogram.value_at_quantile(q / 100.0),
                }));
            }
        }
        Ok(())
    })
}
