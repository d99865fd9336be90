//go:build !method

package main

const form = "function"

// excerpt-start: function
// Map is a top-level function: only there can it take the second type parameter U.
func Map[T, U any](s Stream[T], f func(T) U) Stream[U] {
	out := Stream[U]{items: make([]U, 0, len(s.items))}
	for _, item := range s.items {
		out.items = append(out.items, f(item))
	}
	return out
}

func mapLabels(numbers Stream[int]) Stream[string] {
	return Map(numbers, label)
}

// excerpt-end: function
