//go:build deadlock_in_server

package main

import "net"

func init() { bugs["deadlock_in_server"] = deadlockInServer }

// excerpt-start: deadlock_in_server
// deadlockInServer is the same deadlock in a program that also listens on a socket, as a
// backend does: a goroutine waits in Accept. The deadlock is deadlock.go's, which this build
// tag compiles in too, as the Rust twin's feature enables its deadlock module.
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
	return deadlock()
}

// excerpt-end: deadlock_in_server
