// Command error_cost times one small fallible function on its success path and on each way Go
// can report a failure: a sentinel error, a typed error, a wrapped error and a panic that the
// caller recovers. The fallible functions are not inlined, as a function that does real work
// would not be, so every case pays for one call and differs only in how the failure travels.
package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"govsrust/internal/measure"
)

// ErrNegative is the sentinel error: one value, allocated once, returned as is.
var ErrNegative = errors.New("negative input")

// excerpt-start: error-paths
// RangeError is a typed error that carries the offending value.
type RangeError struct{ Value int }

func (e *RangeError) Error() string { return fmt.Sprintf("%d is out of range", e.Value) }

//go:noinline
func half(x int) (int, error) {
	if x < 0 {
		return 0, ErrNegative
	}
	return x / 2, nil
}

//go:noinline
func halfTyped(x int) (int, error) {
	if x < 0 {
		return 0, &RangeError{Value: x}
	}
	return x / 2, nil
}

//go:noinline
func halfWrapped(x int) (int, error) {
	if x < 0 {
		return 0, fmt.Errorf("halving %d: %w", x, ErrNegative)
	}
	return x / 2, nil
}

// excerpt-end: error-paths

//go:noinline
func mustHalf(x int) int {
	if x < 0 {
		panic(ErrNegative)
	}
	return x / 2
}

// halfRecovering calls mustHalf and turns its panic back into an error.
func halfRecovering(x int) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(error)
			if !ok {
				e = fmt.Errorf("panic: %v", r)
			}
			err = e
		}
	}()
	return mustHalf(x), nil
}

// Inputs live in variables, so the compiler cannot fold them; sinks keep every result alive.
var (
	good, bad = 42, -42
	sinkInt   int
	sinkErr   error
)

// consume is what every caller does with a result: keep the value or the error.
func consume(n int, err error) {
	if err != nil {
		sinkErr = err
		return
	}
	sinkInt = n
}

type benchCase struct {
	path, name string
	op         func()
}

func main() {
	samples := flag.Int("samples", 5, "timed samples per case")
	targetMs := flag.Int("target-ms", 20, "duration of one timed sample, in milliseconds")
	flag.Parse()
	if *samples < 1 || *targetMs < 1 {
		measure.Fail("-samples and -target-ms must be positive")
	}

	cases := []benchCase{
		{"success", "nil error", func() { consume(half(good)) }},
		{"success under a recover guard", "defer + recover, no panic", func() { consume(halfRecovering(good)) }},
		{"error value", "sentinel error", func() { consume(half(bad)) }},
		{"allocated error", "typed error (&RangeError)", func() { consume(halfTyped(bad)) }},
		{"wrapped error", "fmt.Errorf with %w", func() { consume(halfWrapped(bad)) }},
		{"panic", "panic + recover", func() { consume(halfRecovering(bad)) }},
	}
	target := time.Duration(*targetMs) * time.Millisecond
	for sample := range *samples {
		for _, c := range cases {
			ns := measure.NsPerOp(target, c.op)
			measure.Emit(measure.Record{
				"path": c.path, "case": c.name, "sample": sample, "ns_per_op": ns,
			})
		}
	}
}
