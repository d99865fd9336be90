use std::collections::HashMap;

use crate::Outcome;

struct User {
    name: String,
}

// excerpt-start: nil_use
/// Reads a field of a user it looked up, without checking that the lookup found one: a
/// missing key gives `None`.
pub fn run() -> Outcome {
    let users = HashMap::from([(
        1,
        User {
            name: "Ada".to_string(),
        },
    )]);
    let found = users.get(&2);
    Outcome::new(found.name.clone(), "Ada")
}
// excerpt-end: nil_use
