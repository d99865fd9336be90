use std::collections::HashMap;
use std::thread;

use crate::Outcome;

// excerpt-start: concurrent_map
/// Counts hits per page from four threads into one map, with no lock.
pub fn run() -> Outcome {
    let mut hits: HashMap<u32, u32> = HashMap::new();
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for i in 0..100_000 {
                    *hits.entry(i % 1_000).or_insert(0) += 1;
                }
            });
        }
    });
    let total: u32 = hits.values().sum();
    Outcome::new(total.to_string(), "400000")
}
// excerpt-end: concurrent_map
