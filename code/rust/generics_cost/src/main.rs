//! Times the same small functions written once generically and once by hand for one type, so
//! that the only difference between each pair is how Rust compiles generics.

use std::hint::black_box;
use std::ops::Add;
use std::process::ExitCode;
use std::time::Duration;

use measure::{emit, json, Flags, SplitMix64};

/// Adds up `xs`.
fn sum<T: Copy + Default + Add<Output = T>>(xs: &[T]) -> T {
    let mut total = T::default();
    for &x in xs {
        total = total + x;
    }
    total
}

/// `sum` written by hand for `i64`.
fn sum_i64(xs: &[i64]) -> i64 {
    let mut total = 0;
    for &x in xs {
        total += x;
    }
    total
}

/// `sum` written by hand for `f64`.
fn sum_f64(xs: &[f64]) -> f64 {
    let mut total = 0.0;
    for &x in xs {
        total += x;
    }
    total
}

/// The largest element of a non-empty slice.
fn max<T: Copy + PartialOrd>(xs: &[T]) -> T {
    let mut best = xs[0];
    for &x in &xs[1..] {
        if x > best {
            best = x;
        }
    }
    best
}

/// `max` written by hand for `i64`.
fn max_i64(xs: &[i64]) -> i64 {
    let mut best = xs[0];
    for &x in &xs[1..] {
        if x > best {
            best = x;
        }
    }
    best
}

/// `max` written by hand for `f64`.
fn max_f64(xs: &[f64]) -> f64 {
    let mut best = xs[0];
    for &x in &xs[1..] {
        if x > best {
            best = x;
        }
    }
    best
}

// excerpt-start: total-area
/// The trait whose method the generic `total_area` calls.
trait Shape {
    fn area(&self) -> f64;
}

#[derive(Clone, Copy)]
struct Rect {
    w: f64,
    h: f64,
}

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.w * self.h
    }
}

/// A reference to a shape is a shape, as a Go pointer to a Rect has Rect's methods.
impl<S: Shape + ?Sized> Shape for &S {
    fn area(&self) -> f64 {
        (**self).area()
    }
}

/// Adds up the areas of shapes of one type `S`.
fn total_area<S: Shape>(shapes: &[S]) -> f64 {
    let mut total = 0.0;
    for s in shapes {
        total += s.area();
    }
    total
}

/// `total_area` written by hand for `Rect`.
fn total_area_rects(rects: &[Rect]) -> f64 {
    let mut total = 0.0;
    for r in rects {
        total += r.area();
    }
    total
}

/// Dynamic dispatch: boxed trait objects, like a Go interface slice.
fn total_area_dynamic(shapes: &[Box<dyn Shape>]) -> f64 {
    let mut total = 0.0;
    for s in shapes {
        total += s.area();
    }
    total
}
// excerpt-end: total-area

type Case<'a> = (
    &'static str,
    &'static str,
    &'static str,
    Box<dyn FnMut() + 'a>,
);

fn main() -> ExitCode {
    measure::run(|| {
        let flags = Flags::from_env()?;
        let elements: usize = flags.get("elements", 1024)?;
        let samples: usize = flags.get("samples", 5)?;
        let target_ms: u64 = flags.get("target-ms", 20)?;
        if elements == 0 || samples == 0 || target_ms == 0 {
            return Err("--elements, --samples and --target-ms must be positive".into());
        }

        let mut g = SplitMix64::new(42);
        let mut ints = Vec::with_capacity(elements);
        let mut floats = Vec::with_capacity(elements);
        let mut rects = Vec::with_capacity(elements);
        for _ in 0..elements {
            ints.push(g.below(1_000_000) as i64);
            floats.push(g.below(1_000_000) as f64 / 1000.0);
            rects.push(Rect {
                w: g.below(100) as f64,
                h: g.below(100) as f64,
            });
        }
        let rect_refs: Vec<&Rect> = rects.iter().collect();
        let shapes: Vec<Box<dyn Shape>> = rects
            .iter()
            .map(|&r| Box::new(r) as Box<dyn Shape>)
            .collect();

        // black_box hides the inputs' contents and the results' uses from the optimiser, as
        // the Go program's package-level sinks do.
        let mut cases: Vec<Case> = vec![
            (
                "sum",
                "int64",
                "concrete",
                Box::new(|| {
                    black_box(sum_i64(black_box(&ints)));
                }),
            ),
            (
                "sum",
                "int64",
                "generic",
                Box::new(|| {
                    black_box(sum(black_box(&ints)));
                }),
            ),
            (
                "sum",
                "float64",
                "concrete",
                Box::new(|| {
                    black_box(sum_f64(black_box(&floats)));
                }),
            ),
            (
                "sum",
                "float64",
                "generic",
                Box::new(|| {
                    black_box(sum(black_box(&floats)));
                }),
            ),
            (
                "max",
                "int64",
                "concrete",
                Box::new(|| {
                    black_box(max_i64(black_box(&ints)));
                }),
            ),
            (
                "max",
                "int64",
                "generic",
                Box::new(|| {
                    black_box(max(black_box(&ints)));
                }),
            ),
            (
                "max",
                "float64",
                "concrete",
                Box::new(|| {
                    black_box(max_f64(black_box(&floats)));
                }),
            ),
            (
                "max",
                "float64",
                "generic",
                Box::new(|| {
                    black_box(max(black_box(&floats)));
                }),
            ),
            (
                "area",
                "Rect",
                "concrete",
                Box::new(|| {
                    black_box(total_area_rects(black_box(&rects)));
                }),
            ),
            (
                "area",
                "Rect",
                "generic",
                Box::new(|| {
                    black_box(total_area(black_box(&rects)));
                }),
            ),
            (
                "area",
                "pointer to Rect",
                "generic",
                Box::new(|| {
                    black_box(total_area(black_box(&rect_refs)));
                }),
            ),
            (
                "area",
                "Rect",
                "dynamic",
                Box::new(|| {
                    black_box(total_area_dynamic(black_box(&shapes)));
                }),
            ),
        ];
        let target = Duration::from_millis(target_ms);
        for sample in 0..samples {
            for (function, element, style, op) in cases.iter_mut() {
                let ns = measure::ns_per_op(target, op);
                emit(json!({
                    "function": function, "element": element, "style": style,
                    "sample": sample, "elements": elements, "ns_per_call": ns,
                }));
            }
        }
        Ok(())
    })
}
