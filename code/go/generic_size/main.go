// Command generic_size instantiates one generic function for as many element types as its
// build tags select (none, n1, n2, n4, n8 or n16), so that the binary's size can be compared
// across instantiation counts. Go has no macros: each instantiation is written out in the
// types_*.go files.
package main

import "govsrust/internal/measure"

// sampleSize is the length of the slice every instantiation counts.
const sampleSize = 1000

// excerpt-start: count-distinct
// CountDistinct reports how many different values xs holds.
func CountDistinct[T comparable](xs []T) int {
	seen := make(map[T]struct{}, len(xs))
	for _, x := range xs {
		seen[x] = struct{}{}
	}
	return len(seen)
}

// excerpt-end: count-distinct

// Values returns value(0), value(1), ... value(n-1).
func Values[T any](n int, value func(i int) T) []T {
	xs := make([]T, n)
	for i := range xs {
		xs[i] = value(i)
	}
	return xs
}

type instantiation struct {
	element string
	count   func() int
}

var instantiations []instantiation

func register(element string, count func() int) {
	instantiations = append(instantiations, instantiation{element, count})
}

func main() {
	for _, inst := range instantiations {
		measure.Emit(measure.Record{"element": inst.element, "distinct": inst.count()})
	}
	measure.Emit(measure.Record{"instantiations": len(instantiations)})
}
