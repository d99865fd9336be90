use crate::Outcome;

// excerpt-start: dangling_reference
/// Builds its text in a local variable and returns a reference to it, a dangling pointer in
/// C once the function returns.
fn greeting(name: &str) -> &str {
    let text = format!("hello, {name}");
    &text
}

pub fn run() -> Outcome {
    Outcome::new(greeting("Ada"), "hello, Ada")
}
// excerpt-end: dangling_reference
