// Command echo_server echoes whatever each TCP connection sends, one goroutine per
// connection. It listens on a free loopback port, prints {"port": N} when ready, and stops on
// SIGTERM.
package main

import (
	"context"
	"errors"
	"net"
	"os/signal"
	"syscall"

	"govsrust/internal/measure"
)

// bufferBytes is the read buffer of each connection, the same as the Rust server's.
const bufferBytes = 4096

// excerpt-start: echo
func echo(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, bufferBytes)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return // EOF or a reset: the client is gone
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return
		}
	}
}

// excerpt-end: echo

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		measure.Fail("listening on loopback: %v", err)
	}
	measure.Emit(measure.Record{"port": ln.Addr().(*net.TCPAddr).Port})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		ln.Close()
	}()

	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			measure.Fail("accepting: %v", err)
		}
		go echo(conn)
	}
}
