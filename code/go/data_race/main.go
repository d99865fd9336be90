// Command data_race counts to workers × increments from several goroutines at once: without
// synchronisation (a data race that Go compiles), with a mutex, and with an atomic counter.
// Every goroutine waits at a start gate, so that they really count at the same time.
package main

import (
	"flag"
	"sync"
	"sync/atomic"

	"govsrust/internal/measure"
)

// excerpt-start: unsynchronised
// countUnsynchronised lets every goroutine increment one shared variable with no
// synchronisation. The increments race: concurrent read-modify-writes lose updates.
func countUnsynchronised(workers, increments int) int64 {
	var counter int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range increments {
				counter++
			}
		}()
	}
	close(start)
	wg.Wait()
	return counter
}

// excerpt-end: unsynchronised

func countWithMutex(workers, increments int) int64 {
	var (
		counter int64
		mu      sync.Mutex
		wg      sync.WaitGroup
	)
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range increments {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	return counter
}

func countWithAtomic(workers, increments int) int64 {
	var counter atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range increments {
				counter.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	return counter.Load()
}

func main() {
	mode := flag.String("mode", "mutex", "unsync, mutex or atomic")
	workers := flag.Int("workers", 4, "goroutines that increment the counter")
	increments := flag.Int("increments", 1_000_000, "increments per goroutine")
	flag.Parse()

	counters := map[string]func(int, int) int64{
		"unsync": countUnsynchronised,
		"mutex":  countWithMutex,
		"atomic": countWithAtomic,
	}
	count, ok := counters[*mode]
	if !ok {
		measure.Fail("unknown -mode %q: use unsync, mutex or atomic", *mode)
	}
	got := count(*workers, *increments)
	expected := int64(*workers) * int64(*increments)
	measure.Emit(measure.Record{
		"mode": *mode, "workers": *workers, "increments": *increments,
		"expected": expected, "count": got, "exact": got == expected,
	})
}
