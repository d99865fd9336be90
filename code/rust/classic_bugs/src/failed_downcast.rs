use std::any::Any;
use std::collections::HashMap;

use crate::Outcome;

// excerpt-start: failed_downcast
/// Reads a setting as a number, and the configuration holds it as text.
pub fn run() -> Outcome {
    let settings: HashMap<&str, Box<dyn Any>> = HashMap::from([("timeout_s", Box::new("30") as _)]);
    let seconds = settings["timeout_s"]
        .downcast_ref::<i64>()
        .expect("timeout_s is a number");
    Outcome::new(seconds.to_string(), "30")
}
// excerpt-end: failed_downcast
