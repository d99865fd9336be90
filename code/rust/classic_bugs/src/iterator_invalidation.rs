use crate::Outcome;

// excerpt-start: iterator_invalidation
/// Removes the even numbers from a vector while it iterates over it.
pub fn run() -> Outcome {
    let mut numbers = vec![1, 2, 4, 5, 6];
    for (i, n) in numbers.iter().enumerate() {
        if n % 2 == 0 {
            numbers.remove(i);
        }
    }
    Outcome::new(format!("{numbers:?}"), "[1, 5]")
}
// excerpt-end: iterator_invalidation
