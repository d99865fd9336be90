//go:build broken

package main

// A type error on purpose: the kernel's tests check that a compile error fails with the
// compiler's own diagnostics.
var broken int = "not an int"
