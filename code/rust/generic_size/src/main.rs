//! Instantiates one generic function for as many element types as the cargo features select
//! (none, n1, n2, n4, n8 or n16), so that the binary's size can be compared across
//! instantiation counts. A macro writes out each instantiation.

// The zero-instantiation baseline (no feature) uses none of the generic code below.
#![cfg_attr(not(feature = "n1"), allow(dead_code, unused_macros))]

use std::collections::HashSet;
use std::hash::Hash;

use measure::{emit, json};

/// The length of the slice every instantiation counts.
const SAMPLE_SIZE: usize = 1000;

// excerpt-start: count-distinct
/// How many different values `xs` holds.
fn count_distinct<T: Eq + Hash>(xs: &[T]) -> usize {
    let mut seen = HashSet::with_capacity(xs.len());
    for x in xs {
        seen.insert(x);
    }
    seen.len()
}

/// `value(0), value(1), ... value(n-1)`.
fn values<T>(n: usize, value: impl Fn(usize) -> T) -> Vec<T> {
    (0..n).map(value).collect()
}

type Instantiation = (&'static str, fn() -> usize);

/// One `(element name, counting function)` pair per type, each a separate instantiation.
macro_rules! instantiate {
    ($($element:literal => $value:expr),+ $(,)?) => {
        [$(($element, (|| count_distinct(&values(SAMPLE_SIZE, $value))) as fn() -> usize)),+]
    };
}
// excerpt-end: count-distinct

fn instantiations() -> Vec<Instantiation> {
    #[allow(unused_mut)]
    let mut list: Vec<Instantiation> = Vec::new();
    #[cfg(feature = "n1")]
    list.extend(instantiate!["int8" => |i| (i % 97) as i8]);
    #[cfg(feature = "n2")]
    list.extend(instantiate!["int16" => |i| (i % 97) as i16]);
    #[cfg(feature = "n4")]
    list.extend(instantiate![
        "int32" => |i| (i % 97) as i32,
        "int64" => |i| (i % 97) as i64,
    ]);
    #[cfg(feature = "n8")]
    list.extend(instantiate![
        "uint8" => |i| (i % 97) as u8,
        "uint16" => |i| (i % 97) as u16,
        "uint32" => |i| (i % 97) as u32,
        "uint64" => |i| (i % 97) as u64,
    ]);
    // f32 and f64 are not Hash in Rust; i128 and u128 stand in for Go's float32 and float64.
    #[cfg(feature = "n16")]
    list.extend(instantiate![
        "isize" => |i| (i % 97) as isize,
        "usize" => |i| i % 97,
        "i128" => |i| (i % 97) as i128,
        "u128" => |i| (i % 97) as u128,
        "String" => |i| (i % 97).to_string(),
        "bool" => |i| i % 97 == 0,
        "[i32; 2]" => |i| [(i % 97) as i32, 1],
        "(i64, i64)" => |i| ((i % 97) as i64, 1_i64),
    ]);
    list
}

fn main() {
    let list = instantiations();
    for (element, count) in &list {
        emit(json!({"element": element, "distinct": count()}));
    }
    emit(json!({"instantiations": list.len()}));
}
