//! Turns a stream of numbers into a stream of labels with a `map` that has its own type
//! parameter: the output type `U`, beside the stream's element type `T`. With the `method`
//! feature, `map` is a method of `Stream`; without it, a free function. The course records
//! whether each form compiles and what it prints; its Go twin has the same two forms.

use std::process::ExitCode;

use measure::{emit, json};

/// A sequence of values of one type.
pub struct Stream<T> {
    items: Vec<T>,
}

/// The function both forms map over the stream.
fn label(n: i64) -> String {
    format!("#{}", n * n)
}

// excerpt-start: method
#[cfg(feature = "method")]
impl<T> Stream<T> {
    /// `map` is declared on `Stream`, with its own type parameter `U`.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Stream<U> {
        Stream {
            items: self.items.into_iter().map(f).collect(),
        }
    }
}

#[cfg(feature = "method")]
fn map_labels(numbers: Stream<i64>) -> Stream<String> {
    numbers.map(label)
}
// excerpt-end: method

// excerpt-start: function
/// `map` as a free function, the form both languages allow.
#[cfg(not(feature = "method"))]
pub fn map<T, U>(stream: Stream<T>, f: impl Fn(T) -> U) -> Stream<U> {
    Stream {
        items: stream.items.into_iter().map(f).collect(),
    }
}

#[cfg(not(feature = "method"))]
fn map_labels(numbers: Stream<i64>) -> Stream<String> {
    map(numbers, label)
}
// excerpt-end: function

const FORM: &str = if cfg!(feature = "method") {
    "method"
} else {
    "function"
};

fn main() -> ExitCode {
    let numbers = Stream {
        items: vec![1, 2, 3],
    };
    let labels = map_labels(numbers);
    emit(json!({"form": FORM, "result": labels.items.join(",")}));
    ExitCode::SUCCESS
}
