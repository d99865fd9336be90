//go:build iterator_invalidation

package main

import "fmt"

func init() { bugs["iterator_invalidation"] = iteratorInvalidation }

// excerpt-start: iterator_invalidation
// iteratorInvalidation removes the even numbers from a slice while it ranges over it.
func iteratorInvalidation() outcome {
	numbers := []int{1, 2, 4, 5, 6}
	for i := range numbers {
		if numbers[i]%2 == 0 {
			numbers = append(numbers[:i], numbers[i+1:]...)
		}
	}
	return outcome{result: fmt.Sprint(numbers), intended: "[1 5]"}
}

// excerpt-end: iterator_invalidation
