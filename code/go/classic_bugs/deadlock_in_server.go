//go:build deadlock_in_server

package main

import (
	"net"
	"sync"
)

func init() { bugs["deadlock_in_server"] = deadlockInServer }

// excerpt-start: deadlock_in_server
// deadlockInServer is the same deadlock in a program that also listens on a socket, as a
// backend does: a goroutine waits in Accept.
func deadlockInServer() outcome {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return outcome{result: err.Error(), intended: "both answered"}
	}
	defer listener.Close()
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	ping, pong := make(chan string), make(chan string)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ping <- <-pong }()
	go func() { defer wg.Done(); pong <- <-ping }()
	wg.Wait()
	return outcome{result: "both answered", intended: "both answered"}
}

// excerpt-end: deadlock_in_server
