//go:build concurrent_map

package main

import (
	"strconv"
	"sync"
)

func init() { bugs["concurrent_map"] = concurrentMap }

// excerpt-start: concurrent_map
// concurrentMap counts hits per page from four goroutines into one map, with no lock.
func concurrentMap() outcome {
	hits := map[int]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100_000 {
				hits[i%1_000]++
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range hits {
		total += n
	}
	return outcome{result: strconv.Itoa(total), intended: "400000"}
}

// excerpt-end: concurrent_map
