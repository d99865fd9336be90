use crate::Outcome;

// excerpt-start: integer_overflow
/// Adds two order amounts, in cents, in a 32-bit integer: the sum is larger than the type
/// holds.
pub fn run() -> Outcome {
    let mut total_cents: i32 = 0;
    for field in "1500000000 1500000000".split_whitespace() {
        match field.parse::<i32>() {
            Ok(cents) => total_cents += cents,
            Err(err) => return Outcome::new(err.to_string(), "3000000000"),
        }
    }
    Outcome::new(total_cents.to_string(), "3000000000")
}
// excerpt-end: integer_overflow
