// Command task_memory starts N goroutines that each wait at one shared gate, so that the
// process's peak memory shows what a waiting goroutine costs. Its Rust twin does the same with
// tokio tasks and with OS threads.
package main

import (
	"flag"
	"sync"
	"time"

	"govsrust/internal/measure"
)

func main() {
	tasks := flag.Int("tasks", 10_000, "goroutines to start")
	model := flag.String("model", "goroutine", "only goroutine: Go has one model")
	flag.Parse()
	if *model != "goroutine" {
		measure.Fail("unknown -model %q: Go has goroutines only", *model)
	}
	if *tasks < 0 {
		measure.Fail("-tasks must not be negative")
	}

	// excerpt-start: park
	var started, finished sync.WaitGroup
	gate := make(chan struct{})
	started.Add(*tasks)
	finished.Add(*tasks)

	spawnStart := time.Now()
	for range *tasks {
		go func() {
			started.Done()
			<-gate // every goroutine parks here until the gate closes
			finished.Done()
		}()
	}
	started.Wait()
	spawn := time.Since(spawnStart)

	joinStart := time.Now()
	close(gate)
	finished.Wait()
	join := time.Since(joinStart)
	// excerpt-end: park

	measure.Emit(measure.Record{
		"model": "goroutine", "tasks": *tasks,
		"spawn_s": spawn.Seconds(), "join_s": join.Seconds(),
	})
}
