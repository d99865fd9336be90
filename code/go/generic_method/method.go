//go:build method

package main

const form = "method"

// excerpt-start: method
// Map is declared on Stream, with its own type parameter U.
func (s Stream[T]) Map[U any](f func(T) U) Stream[U] {
	out := Stream[U]{items: make([]U, 0, len(s.items))}
	for _, item := range s.items {
		out.items = append(out.items, f(item))
	}
	return out
}

func mapLabels(numbers Stream[int]) Stream[string] {
	return numbers.Map(label)
}

// excerpt-end: method
