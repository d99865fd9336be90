//! Every thread increments one shared variable with no synchronisation, as the Go program's
//! countUnsynchronised does. Rust refuses to compile this: each closure would need its own
//! mutable borrow of `counter` at the same time.

// excerpt-start: unsynchronised
pub fn count_unsynchronised(workers: usize, increments: u64) -> u64 {
    let mut counter = 0_u64;
    let start = std::sync::Barrier::new(workers);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                start.wait();
                for _ in 0..increments {
                    counter += 1;
                }
            });
        }
    });
    counter
}
// excerpt-end: unsynchronised
