// Command generic_method turns a stream of numbers into a stream of labels with a Map that has
// its own type parameter: the output type U, beside the stream's element type T. Built with
// -tags method, Map is a method of Stream (method.go); without it, Map is a top-level function
// (function.go), the form Go's generics allow. The course records whether each form compiles
// and what it prints; its Rust twin has the same two forms.
package main

import (
	"flag"
	"strconv"
	"strings"

	"govsrust/internal/measure"
)

// Stream is a sequence of values of one type.
type Stream[T any] struct {
	items []T
}

// label is the function both forms map over the stream.
func label(n int) string {
	return "#" + strconv.Itoa(n*n)
}

func main() {
	flag.Parse()
	numbers := Stream[int]{items: []int{1, 2, 3}}
	labels := mapLabels(numbers)
	measure.Emit(measure.Record{"form": form, "result": strings.Join(labels.items, ",")})
}
