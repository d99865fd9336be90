//go:build deadlock || deadlock_in_server

package main

import "sync"

func init() { bugs["deadlock"] = deadlock }

// excerpt-start: deadlock
// deadlock starts two goroutines that each wait for the other's message before sending
// their own.
func deadlock() outcome {
	ping, pong := make(chan string), make(chan string)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ping <- <-pong }()
	go func() { defer wg.Done(); pong <- <-ping }()
	wg.Wait()
	return outcome{result: "both answered", intended: "both answered"}
}

// excerpt-end: deadlock
