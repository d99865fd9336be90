//! A type error on purpose: the kernel's tests check that a compile error fails with the
//! compiler's own diagnostics.

pub const BROKEN: u32 = "not a number";
